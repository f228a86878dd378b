//! Mojibake: UTF-8 text that was once decoded as Windows-1252 and saved again, so `café` reads
//! `cafÃ©`, `—` reads `â€”` and `📋` reads `ðŸ“‹`. Each character of such a stretch stands for
//! one byte; read back as bytes they form valid UTF-8 again, which is the repair. A byte that
//! Windows-1252 has no character for (0x81, 0x8D, 0x8F, 0x90, 0x9D) is often dropped on the way:
//! that sequence is reported as cut short, with the characters it may have been, never guessed.
//!
//! Legitimate text is left alone: a candidate must decode to a character of a script or symbol
//! block people write, and a lone two-byte candidate must sit inside a word (`cafÃ©`, `Ã‰cole`),
//! which the uppercase accented letters of real French, German or Portuguese text never do.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// The Windows-1252 characters for bytes 0x80–0x9F (`None` where the code page has none).
const HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The bytes Windows-1252 leaves undefined: a decoder drops them or keeps them as C1 controls.
const UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// The byte a character stands for in Windows-1252 (C1 controls stand for themselves, as
/// browsers decode the undefined bytes).
fn byte_of(c: char) -> Option<u8> {
    let code = c as u32;
    if code < 0x80 || (0xA0..=0xFF).contains(&code) || (0x80..0xA0).contains(&code) {
        return u8::try_from(code).ok();
    }
    HIGH.iter()
        .position(|h| *h == Some(c))
        .and_then(|i| u8::try_from(0x80 + i).ok())
}

fn is_continuation(b: u8) -> bool {
    (0x80..=0xBF).contains(&b)
}

/// How many bytes a UTF-8 sequence starting with `lead` has (0 if it cannot start one).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

/// Whether a repaired character is one people write: letters of European, Greek, Cyrillic,
/// Hebrew and Arabic scripts, punctuation and symbols, CJK, kana, Hangul, emoji.
fn plausible(c: char) -> bool {
    matches!(c as u32,
        0xA0..=0x24F
        | 0x370..=0x3FF
        | 0x400..=0x4FF
        | 0x5D0..=0x5EA
        | 0x620..=0x64A
        | 0x2000..=0x2BFF
        | 0x3000..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xFE0F
        | 0xFF00..=0xFFEF
        | 0x1F000..=0x1FAFF)
}

/// What one stretch of a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Mojibake that reads back as `intended`.
    Repairable { intended: String },
    /// A sequence cut short: it was one of `candidates`.
    Truncated { candidates: Vec<char> },
}

/// A stretch of mojibake in one line, by byte range in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
    /// Repairable or cut short.
    pub kind: Kind,
}

/// Whether the text has a character that can lead a sequence (`Â`…`ô`): most text has none,
/// and is skipped without looking further.
fn may_hold_mojibake(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(|c| ('\u{C2}'..='\u{F4}').contains(&c))
}

/// Finds the mojibake in one line.
pub fn scan_line(line: &str) -> Vec<Finding> {
    if !may_hold_mojibake(line) {
        return Vec::new();
    }
    // Control characters mean binary data, not text someone wrote.
    if line
        .chars()
        .any(|c| c.is_control() && c != '\t' && (c as u32) < 0x20)
    {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut found: Vec<(Finding, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((n, lead)) = byte_of(chars[i].1).map(|b| (sequence_len(b), b)) else {
            i += 1;
            continue;
        };
        if n == 0 {
            i += 1;
            continue;
        }
        let mut bytes = vec![lead];
        let mut j = i + 1;
        while j < chars.len() && bytes.len() < n {
            match byte_of(chars[j].1).filter(|b| is_continuation(*b)) {
                Some(b) => bytes.push(b),
                None => break,
            }
            j += 1;
        }
        let start = chars[i].0;
        let end = chars.get(j).map_or(line.len(), |c| c.0);
        let kind = if bytes.len() == n {
            std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.chars().next())
                .filter(|c| plausible(*c))
                .map(|c| Kind::Repairable {
                    intended: c.to_string(),
                })
        } else {
            truncated(&bytes, n)
        };
        match kind {
            Some(kind) => {
                found.push((Finding { start, end, kind }, n));
                i = j;
            }
            None => i += 1,
        }
    }
    let mut clean = found;
    loop {
        let kept: Vec<(Finding, usize)> = clean
            .iter()
            .filter(|(f, _)| clean_neighbours(line, f, &clean))
            .cloned()
            .collect();
        if kept.len() == clean.len() {
            break;
        }
        clean = kept;
    }
    let many = clean.len() >= 2;
    clean
        .into_iter()
        .filter(|(f, n)| many || in_a_word(line, f, *n))
        .map(|(f, _)| f)
        .collect()
}

/// Whether the characters just around a finding are ASCII, spaces, or other findings. Binary
/// data pasted as text is a dense run of accented letters and symbols, in which byte patterns
/// that decode happen to occur: their neighbours give them away.
fn clean_neighbours(line: &str, f: &Finding, all: &[(Finding, usize)]) -> bool {
    let clean =
        |c: Option<char>| c.is_none_or(|c| (c.is_ascii() && !c.is_control()) || c.is_whitespace());
    let before =
        clean(line[..f.start].chars().next_back()) || all.iter().any(|(g, _)| g.end == f.start);
    let after = clean(line[f.end..].chars().next()) || all.iter().any(|(g, _)| g.start == f.end);
    before && after
}

/// A lone candidate counts when it sits inside a word, or is a symbol or emoji sequence
/// (three or four bytes, led by `â` or `ð`) that legitimate text does not spell.
fn in_a_word(line: &str, f: &Finding, n: usize) -> bool {
    let lead = line[f.start..].chars().next().unwrap_or(' ');
    if matches!(f.kind, Kind::Truncated { .. }) || (n >= 3 && matches!(lead, 'â' | 'ð')) {
        return true;
    }
    if n >= 3 {
        return false;
    }
    let before = line[..f.start].chars().next_back();
    let after = line[f.end..].chars().next();
    before.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
        || after.is_some_and(char::is_lowercase)
}

/// A sequence missing exactly its last byte, in the two shapes that loss leaves behind:
/// `ðŸ` plus one more (an emoji) and `â€` (punctuation such as `”`).
fn truncated(bytes: &[u8], n: usize) -> Option<Kind> {
    let shape = matches!(bytes, [0xF0, 0x9F, _] if n == 4) || (n == 3 && bytes == [0xE2, 0x80]);
    if !shape {
        return None;
    }
    let candidates: Vec<char> = UNDEFINED
        .iter()
        .filter_map(|b| {
            let mut full = bytes.to_vec();
            full.push(*b);
            std::str::from_utf8(&full).ok()?.chars().next()
        })
        .collect();
    (!candidates.is_empty()).then_some(Kind::Truncated { candidates })
}

/// The line with every repairable stretch repaired (twice-encoded text is repaired again), or
/// `None` when nothing in it can be repaired.
pub fn repair_line(line: &str) -> Option<String> {
    let mut current = line.to_string();
    let mut changed = false;
    for _ in 0..3 {
        let findings = scan_line(&current);
        if !findings
            .iter()
            .any(|f| matches!(f.kind, Kind::Repairable { .. }))
        {
            break;
        }
        let mut out = String::with_capacity(current.len());
        let mut at = 0;
        for f in &findings {
            if let Kind::Repairable { intended } = &f.kind {
                out.push_str(&current[at..f.start]);
                out.push_str(intended);
                at = f.end;
            }
        }
        out.push_str(&current[at..]);
        current = out;
        changed = true;
    }
    changed.then_some(current)
}

/// The word around a finding (up to 24 characters each way), to show it in context.
fn word_around(line: &str, f: &Finding) -> (usize, usize) {
    let start = line[..f.start]
        .char_indices()
        .rev()
        .take(24)
        .take_while(|(_, c)| !c.is_whitespace())
        .last()
        .map_or(f.start, |(i, _)| i);
    let end = line[f.end..]
        .char_indices()
        .take(24)
        .take_while(|(_, c)| !c.is_whitespace())
        .last()
        .map_or(f.end, |(i, c)| f.end + i + c.len_utf8());
    (start, end)
}

/// Warnings for the mojibake in a file's text: one per line with repairable text (showing up to
/// three repairs), and one per sequence cut short.
pub fn warnings(text: &str, file: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !may_hold_mojibake(text) {
        return out;
    }
    for (index, line) in text.lines().enumerate() {
        let findings = scan_line(line);
        if findings.is_empty() {
            continue;
        }
        let col = |f: &Finding| line[..f.start].chars().count() + 1;
        let mut shown = Vec::new();
        let repairable: Vec<&Finding> = findings
            .iter()
            .filter(|f| matches!(f.kind, Kind::Repairable { .. }))
            .collect();
        for f in repairable.iter().take(3) {
            let (s, e) = word_around(line, f);
            let word = &line[s..e];
            let fixed = repair_line(word).unwrap_or_else(|| word.to_string());
            shown.push(format!("\"{word}\" → \"{fixed}\""));
        }
        if let Some(f) = repairable.first() {
            let more = repairable.len().saturating_sub(3);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            out.push(Diagnostic::warning(
                file,
                index + 1,
                col(f),
                format!(
                    "mojibake (UTF-8 text once read as Windows-1252): {}{more}; \
                     `studysite check --fix-mojibake` shows the repaired lines",
                    shown.join(", ")
                ),
            ));
        }
        for f in &findings {
            if let Kind::Truncated { candidates } = &f.kind {
                let list: Vec<String> = candidates.iter().map(|c| describe(*c)).collect();
                out.push(Diagnostic::warning(
                    file,
                    index + 1,
                    col(f),
                    format!(
                        "mojibake cut short: \"{}\" lost its last byte (one Windows-1252 has no \
                         character for), so it cannot be repaired; it was one of {}: retype it",
                        &line[f.start..f.end],
                        list.join(", ")
                    ),
                ));
            }
        }
    }
    out
}

/// `🔐 (U+1F510)`, or just the code point for invisible characters.
fn describe(c: char) -> String {
    if c.is_control() || matches!(c as u32, 0x2000..=0x200F) {
        format!("U+{:04X}", c as u32)
    } else {
        format!("{c} (U+{:04X})", c as u32)
    }
}

#[cfg(test)]
#[path = "mojibake_tests.rs"]
mod tests;
