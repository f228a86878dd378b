//! Words to index terms, the same way `static/search.js` turns a query into terms: lower case,
//! Latin/Greek/Cyrillic diacritics folded (`café` = `cafe`), a conservative English plural
//! stemmer, overlapping bigrams for Chinese/Japanese/Korean runs, and a short stop-word list.
//!
//! Any change here must be made in `search.js` too; `tests/search_browser.rs` runs both on the
//! same strings and compares.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Words longer than this (hashes, base64 blobs) are not indexed.
pub const MAX_WORD_CHARS: usize = 40;

/// Words too common to help find anything; left out of the index and of queries.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "with",
];

/// Whether a character is written without spaces between words (Han, kana, Hangul): such runs
/// are indexed as overlapping pairs of characters.
pub fn is_cjk(c: char) -> bool {
    (c as u32) >= 0x1100
        && matches!(c as u32,
        0x1100..=0x11FF
        | 0x2E80..=0x2FDF
        | 0x3005
        | 0x3007
        | 0x3021..=0x3029
        | 0x3038..=0x303B
        | 0x3040..=0x30FA
        | 0x30FC..=0x30FF
        | 0x3130..=0x318F
        | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0xFF66..=0xFF9F
        | 0x20000..=0x2FA1F)
}

/// Whether a character belongs to a word (letters, digits and the marks on them).
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// One piece of text as the tokenizer cut it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// A word of a spaced script, as written (apostrophes inside it included).
    Word(&'a str),
    /// A run of CJK characters.
    Cjk(&'a str),
}

/// Cuts text into words and CJK runs; everything else separates them. An apostrophe between
/// two letters stays inside the word (`don't`, `student's`).
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    each_piece(text, |p| out.push(p));
    out
}

/// [`pieces`], one at a time.
pub fn each_piece<'a>(text: &'a str, mut emit: impl FnMut(Piece<'a>)) {
    if text.is_ascii() {
        return each_ascii_word(text, emit);
    }
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_cjk(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if !is_cjk(d) {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            emit(Piece::Cjk(&text[start..end]));
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if is_word_char(d) && !is_cjk(d) {
                    end = i + d.len_utf8();
                    chars.next();
                } else if is_apostrophe(d) {
                    let next = text[i + d.len_utf8()..].chars().next();
                    if next.is_some_and(|n| is_word_char(n) && !is_cjk(n)) {
                        chars.next();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            emit(Piece::Word(&text[start..end]));
        }
    }
}

/// [`each_piece`] for ASCII text, byte by byte.
fn each_ascii_word<'a>(text: &'a str, mut emit: impl FnMut(Piece<'a>)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            if i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            } else if i + 1 < b.len() && b[i] == b'\'' && b[i + 1].is_ascii_alphanumeric() {
                i += 2;
            } else {
                break;
            }
        }
        emit(Piece::Word(&text[start..i]));
    }
}

/// Whether a folded word is one of [`STOP_WORDS`].
fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "for"
            | "from"
            | "in"
            | "is"
            | "it"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "this"
            | "to"
            | "with"
    )
}

/// Lower case with diacritics folded: marks on Latin, Greek and Cyrillic letters are dropped
/// (marks in other scripts, such as the Japanese voicing marks, are kept), a few letters that
/// do not decompose are spelled out, and apostrophes are removed.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        let mut out = String::with_capacity(word.len());
        out.extend(
            word.bytes()
                .filter(|b| *b != b'\'')
                .map(|b| b.to_ascii_lowercase() as char),
        );
        return out;
    }
    let lower = word.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut strip = false;
    for c in lower.nfd() {
        if is_combining_mark(c) {
            if !strip {
                out.push(c);
            }
            continue;
        }
        strip = matches!(c as u32, 0..=0x052F | 0x1E00..=0x1FFF);
        match c {
            '\'' | '\u{2019}' => {}
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'đ' | 'ð' => out.push('d'),
            'ł' => out.push('l'),
            'þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c => out.push(c),
        }
    }
    out.nfc().collect()
}

/// English plurals, conservatively: `policies` → `policy`, `classes` → `class`, `caches` →
/// `cache`, `boxes` → `box`, `vpcs` → `vpc`; words under four letters and words ending in
/// `ss`, `us` or `is` are kept. Only for words of the letters a–z.
pub fn stem(word: String) -> String {
    let mut word = word;
    stem_in_place(&mut word);
    word
}

/// [`stem`] on a buffer, without allocating.
fn stem_in_place(buf: &mut String) {
    let b = buf.as_bytes();
    let n = b.len();
    if n < 4 || b[n - 1] != b's' || !b.iter().all(u8::is_ascii_lowercase) {
        return;
    }
    if n >= 5 && buf.ends_with("ies") {
        buf.truncate(n - 3);
        buf.push('y');
        return;
    }
    let cut = if buf.ends_with("sses") || buf.ends_with("zzes") {
        2
    } else if buf.ends_with("aches") {
        1
    } else if buf.ends_with("ches") || buf.ends_with("shes") || buf.ends_with("xes") {
        2
    } else if buf.ends_with("ss") || buf.ends_with("us") || buf.ends_with("is") {
        0
    } else {
        1
    };
    buf.truncate(n - cut);
}

/// The index term of one word, or `None` for a stop word or an over-long word.
pub fn word_term(word: &str) -> Option<String> {
    let mut buf = String::new();
    word_term_into(word, &mut buf).then_some(buf)
}

/// Writes the index term of one word into `buf`; false for a stop word or an over-long word.
fn word_term_into(word: &str, buf: &mut String) -> bool {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
        if word.contains('\'') {
            buf.retain(|c| c != '\'');
        }
        if buf.len() > MAX_WORD_CHARS {
            return false;
        }
    } else {
        let folded = fold(word);
        if folded.chars().count() > MAX_WORD_CHARS {
            return false;
        }
        buf.push_str(&folded);
    }
    if buf.is_empty() || (buf.len() <= 4 && is_stop_word(buf)) {
        return false;
    }
    stem_in_place(buf);
    true
}

/// Calls `f` with every index term of `text`, in order (a term may repeat).
pub fn for_each_term(text: &str, f: impl FnMut(&str)) {
    for_each_term_in(text, &mut String::new(), f);
}

/// [`for_each_term`] with a buffer kept by the caller.
pub fn for_each_term_in(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    each_piece(text, |piece| match piece {
        Piece::Word(w) => {
            if word_term_into(w, buf) {
                f(buf);
            }
        }
        Piece::Cjk(run) => {
            let mut chars = run.char_indices().peekable();
            if run.chars().nth(1).is_none() {
                f(run);
            }
            while let Some((i, _)) = chars.next() {
                let Some(&(j, c)) = chars.peek() else { break };
                f(&run[i..j + c.len_utf8()]);
            }
        }
    });
}

/// Every index term of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_folded_and_stemmed() {
        assert_eq!(terms("Café NAÏVE Ångström"), ["cafe", "naive", "angstrom"]);
        assert_eq!(
            terms("Straße Œuvre Søren Łódź"),
            ["strasse", "oeuvre", "soren", "lodz"]
        );
        assert_eq!(
            terms("policies classes caches boxes VPCs status analysis sizes"),
            [
                "policy", "class", "cache", "box", "vpc", "status", "analysis", "size"
            ]
        );
        assert_eq!(terms("the AWS bus has EBS"), ["aws", "bus", "has", "ebs"]);
    }

    #[test]
    fn apostrophes_inside_words_join_them() {
        assert_eq!(
            terms("don't student's ’quoted’"),
            ["dont", "student", "quoted"]
        );
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(terms("東京都"), ["東京", "京都"]);
        assert_eq!(
            terms("EC2インスタンス"),
            ["ec2", "イン", "ンス", "スタ", "タン", "ンス"]
        );
        assert_eq!(terms("猫"), ["猫"]);
        assert_eq!(terms("한국어 검색"), ["한국", "국어", "검색"]);
    }

    #[test]
    fn japanese_voicing_marks_are_kept() {
        assert_eq!(fold("が"), "が");
        assert_eq!(fold("Ελληνικά"), "ελληνικα");
    }

    #[test]
    fn the_stop_word_list_and_its_matcher_agree() {
        for w in STOP_WORDS {
            assert!(is_stop_word(w), "{w}");
        }
        for w in ["on-call", "than", "ec2", "thee", "ands"] {
            assert!(!is_stop_word(w), "{w}");
        }
        assert_eq!(STOP_WORDS.len(), 21);
    }

    #[test]
    fn separators_split_words() {
        assert_eq!(
            terms("max_retries p99-latency 1.5"),
            ["max", "retry", "p99", "latency", "1", "5"]
        );
        assert!(terms(&"x".repeat(41)).is_empty());
    }
}
