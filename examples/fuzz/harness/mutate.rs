//! Mutations of text: character-level edits that keep UTF-8 valid (inserted markdown tokens,
//! odd white space, deletions, repeats, splices of other notes) and byte-level edits decoded
//! lossily, as a note read from disk would be.

use super::rng::Rng;

/// Fragments that mean something to our markdown passes, the front matter reader, TOML or
/// the URL scheme: inserted at random places.
pub const TOKENS: &[&str] = &[
    "[[",
    "]]",
    "![[",
    "|",
    "#",
    "^",
    "^abc",
    "#card",
    " #card/reverse",
    "#tag/nested/x",
    "$",
    "$$",
    "\\(",
    "\\[",
    "`",
    "```",
    "~~~",
    "```mermaid\n",
    "> ",
    "> [!tip]- ",
    "> [!NOTE]\n",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "    ",
    "\t",
    "- ",
    "* ",
    "1. ",
    "- [ ] ",
    "| a | b |\n|---|:-:|\n",
    "---\n",
    "+++\n",
    "...\n",
    "<!--",
    "-->",
    "%%",
    "==",
    "~~",
    "**",
    "_",
    "*",
    "[^1]",
    "[^1]: ",
    "<div>",
    "</div>",
    "<details>",
    "<a id=\"x\">",
    "<a href=\"#y\">",
    "<br>",
    "&amp;",
    "&#x0;",
    "&nbsp;",
    "\\",
    "](",
    "](../",
    "](#",
    ")",
    "(",
    "[",
    "]",
    "<",
    ">",
    "\"",
    "'",
    "..",
    "../",
    "/",
    "%",
    "%01",
    "%zz",
    "%E2%82",
    "?q=1",
    "https://",
    "mailto:",
    "C:\\",
    "=",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{3000}",
    "\u{2003}",
    "\u{200b}",
    "\u{feff}",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\u{85}",
    "\u{fffd}",
    "\u{202e}",
    "\u{301}",
    "é",
    "ß",
    "İ",
    "ﬃ",
    "日本語",
    "👩‍👩‍👧",
    "🇩🇪",
    "\u{10ffff}",
    "Ⅻ",
    "٣",
    "tags",
    "graph.md",
    "_index",
    "index.html",
    "404.html",
    "title:",
    "tags: [a, b]",
    "aliases:",
    "draft: true",
    "weight: -9223372036854775808",
    "date: 2026-02-30",
    "&",
    "\\\\",
    "{",
    "}",
    "\\frac{",
    "\\begin{matrix}",
    "\\end{matrix}",
    "-->",
    "---",
    "==>",
    "-.->",
    "subgraph ",
    "end\n",
    "graph TD\n",
    "%%{init: {}}%%\n",
];

/// Characters worth trying where a single character is replaced.
const CHARS: &[char] = &[
    ' ',
    '\n',
    '\r',
    '\t',
    '\u{a0}',
    '\u{2028}',
    '\u{3000}',
    '\u{0}',
    '\u{feff}',
    '#',
    '^',
    '|',
    '[',
    ']',
    '!',
    '$',
    '`',
    '>',
    '<',
    '-',
    '*',
    '_',
    '=',
    '%',
    '/',
    '.',
    '\\',
    '"',
    '{',
    '}',
    'é',
    'İ',
    'ẞ',
    'ǅ',
    '\u{301}',
    '🦀',
    '\u{10ffff}',
    '\u{fffd}',
    '0',
    '9',
    'a',
    'Z',
];

/// Applies `count` random mutations to `text`; `others` are texts to splice from.
pub fn mutate(rng: &mut Rng, text: &mut String, count: usize, others: &[String]) {
    for _ in 0..count {
        mutate_once(rng, text, others);
    }
}

fn at(rng: &mut Rng, text: &str) -> usize {
    text.floor_char_boundary(rng.below(text.len() + 1))
}

/// A char-aligned range of at most `max` bytes.
fn span(rng: &mut Rng, text: &str, max: usize) -> (usize, usize) {
    let start = at(rng, text);
    let len = rng.below(max.min(text.len() - start) + 1);
    (start, text.floor_char_boundary(start + len))
}

fn mutate_once(rng: &mut Rng, text: &mut String, others: &[String]) {
    match rng.below(13) {
        0..=2 => {
            let i = at(rng, text);
            text.insert_str(i, rng.pick_str(TOKENS));
        }
        3 => {
            let (a, b) = span(rng, text, 64);
            text.replace_range(a..b, "");
        }
        4 => {
            let (a, b) = span(rng, text, 32);
            let piece = text[a..b].repeat(rng.range(1, 40));
            let i = at(rng, text);
            text.insert_str(i, &piece);
        }
        5 => {
            let i = at(rng, text);
            let end = text[i..].chars().next().map_or(i, |c| i + c.len_utf8());
            let c = if rng.one_in(4) {
                char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}')
            } else {
                *rng.pick(CHARS)
            };
            text.replace_range(i..end, c.encode_utf8(&mut [0; 4]));
        }
        6 => swap_lines(rng, text),
        7 => {
            let (a, b) = span(rng, text, 4096);
            *text = text[a..b].to_string();
        }
        8 if !others.is_empty() => {
            let other = rng.pick(others);
            let (a, b) = span(rng, other, 2048);
            let i = at(rng, text);
            text.insert_str(i, &other[a..b]);
        }
        9 => flip_bytes(rng, text),
        10 => {
            let i = at(rng, text);
            let nest = [
                "> ",
                "- ",
                "  ",
                "1. ",
                "> [!note]\n> ",
                "[",
                "*",
                "{",
                "\\sqrt{",
            ];
            let piece = rng.pick(&nest).repeat(rng.range(2, 300));
            text.insert_str(i, &piece);
        }
        11 => {
            let eol = *rng.pick(&["\r\n", "\r", "\u{2028}", "\n\n"]);
            *text = text.replace('\n', eol);
        }
        12 => {
            // UTF-8 read as Latin-1: the mojibake a wrong encoding leaves.
            let (a, b) = span(rng, text, 256);
            let garbled: String = text[a..b].bytes().map(char::from).collect();
            text.replace_range(a..b, &garbled);
        }
        _ => {
            let i = at(rng, text);
            text.insert_str(i, &format!("{}", rng.next_u64() as i64 >> rng.below(64)));
        }
    }
}

fn swap_lines(rng: &mut Rng, text: &mut String) {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.len() > 1 {
        let a = rng.below(lines.len());
        let b = rng.below(lines.len());
        lines.swap(a, b);
        *text = lines.concat();
    }
}

/// Byte-level damage (a flipped bit, a dropped or duplicated byte), then lossy decoding.
fn flip_bytes(rng: &mut Rng, text: &mut String) {
    let mut bytes = std::mem::take(text).into_bytes();
    for _ in 0..rng.range(1, 4) {
        if bytes.is_empty() {
            break;
        }
        let i = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes[i] ^= 1 << rng.below(8),
            1 => {
                bytes.remove(i);
            }
            _ => bytes.insert(i, bytes[i]),
        }
    }
    *text = String::from_utf8_lossy(&bytes).into_owned();
}
