//! Sizes of labels and node shapes, from a fixed table of character widths: no font is read,
//! so a layout is the same on every machine (and cached drawings stay valid everywhere).

use mermaid_rs_renderer::NodeShape;
use mermaid_rs_renderer::layout::TextBlock;

/// Labels are measured at this size (the renderer writes them at 14px; measuring larger keeps
/// boxes roomy whatever font the reader's browser picks).
pub const FONT: f32 = 16.0;
/// The renderer's line height, as a factor of the font size.
pub const LINE_HEIGHT: f32 = 1.5;
/// Lines longer than this are wrapped at spaces (authors break lines with `<br/>` first).
const MAX_LINE: f32 = 30.0 * 0.56 * FONT;
/// Space between a label and its shape's outline.
const PAD_X: f32 = 20.0;
const PAD_Y: f32 = 12.0;

/// Width of a character, in ems, for a typical sans-serif UI font.
fn char_width(c: char) -> f32 {
    match c {
        'i' | 'l' | 'j' | 'I' | '!' | '|' | '.' | ',' | ':' | ';' | '\'' | '`' => 0.28,
        ' ' => 0.3,
        'f' | 'r' | 't' | '(' | ')' | '[' | ']' | '{' | '}' | '/' | '\\' | '-' | '"' => 0.38,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.9,
        'A'..='Z' => 0.68,
        '0'..='9' | 'a'..='z' => 0.57,
        '\u{300}'..='\u{36f}' | '\u{200b}'..='\u{200f}' | '\u{fe00}'..='\u{fe0f}' => 0.0,
        c if wide(c) => 1.0,
        _ => 0.62,
    }
}

/// East Asian wide characters and emoji: one em each.
fn wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115f | 0x2e80..=0x303e | 0x3041..=0x33ff | 0x3400..=0x4dbf
        | 0x4e00..=0x9fff | 0xa000..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f | 0xff00..=0xff60 | 0xffe0..=0xffe6 | 0x1f300..=0x1faff
        | 0x2600..=0x27bf | 0x20000..=0x3fffd)
}

/// The width of one line of text at [`FONT`].
pub fn text_width(line: &str) -> f32 {
    line.chars().map(char_width).sum::<f32>() * FONT
}

/// Lines of a decision (diamond) label are kept shorter: a rhombus grows with the sum of its
/// label's width and height, so two short lines take less room than one long one.
const MAX_DIAMOND_LINE: f32 = 14.0 * 0.56 * FONT;

/// A label split into lines (`<br/>`, `<br>`, `\n`), long lines wrapped at spaces, and its size.
pub fn label(text: &str) -> TextBlock {
    wrapped(text, MAX_LINE)
}

/// The label of a node of `shape`.
pub fn node_label(text: &str, shape: NodeShape) -> TextBlock {
    match shape {
        NodeShape::Diamond => wrapped(text, MAX_DIAMOND_LINE),
        _ => wrapped(text, MAX_LINE),
    }
}

fn wrapped(text: &str, max: f32) -> TextBlock {
    let text = text
        .replace("<br/>", "\n")
        .replace("<br />", "\n")
        .replace("<br>", "\n")
        .replace("\\n", "\n");
    let mut lines = Vec::new();
    for line in text.split('\n') {
        wrap(line.trim(), max, &mut lines);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    let width = lines.iter().map(|l| text_width(l)).fold(0.0, f32::max);
    TextBlock {
        height: lines.len() as f32 * FONT * LINE_HEIGHT,
        width,
        lines,
    }
}

fn wrap(line: &str, max: f32, out: &mut Vec<String>) {
    if text_width(line) <= max {
        out.push(line.to_string());
        return;
    }
    let mut current = String::new();
    for word in line.split_whitespace() {
        if !current.is_empty() && text_width(&current) + text_width(word) + 0.3 * FONT > max {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
}

/// The outer size of a node of `shape` around a label of `label`'s size, such that the label
/// fits inside the outline the renderer draws.
pub fn shape_size(shape: NodeShape, label: &TextBlock) -> (f32, f32) {
    let (lw, lh) = (label.width, label.height);
    let (w, h) = (lw + 2.0 * PAD_X, lh + 2.0 * PAD_Y);
    match shape {
        NodeShape::Diamond => {
            // A rhombus holds a w × h box when its diagonals are w + h each (half each way).
            let side = lw + lh + 2.0 * PAD_Y;
            (side, side)
        }
        NodeShape::Circle | NodeShape::DoubleCircle => {
            let d = (lw * lw + lh * lh).sqrt() + 2.0 * PAD_Y;
            (d, d)
        }
        NodeShape::Stadium => (lw + h, h),
        NodeShape::Cylinder => (w, h + 20.0),
        NodeShape::Subroutine => (w + 16.0, h),
        NodeShape::Hexagon => (w + h * 0.5, h),
        NodeShape::Parallelogram
        | NodeShape::ParallelogramAlt
        | NodeShape::Trapezoid
        | NodeShape::TrapezoidAlt => (w + h * 0.6, h),
        NodeShape::Asymmetric => (w + h * 0.3, h),
        NodeShape::ForkJoin => (w.max(50.0), 10.0),
        _ => (w, h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_at_breaks_and_wrap_long_lines() {
        let l = label("Start<br/>here");
        assert_eq!(l.lines, ["Start", "here"]);
        assert_eq!(l.height, 2.0 * FONT * LINE_HEIGHT);
        let long = label("one two three four five six seven eight nine ten eleven twelve");
        assert!(long.lines.len() > 1, "{:?}", long.lines);
        assert!(long.width <= MAX_LINE);
        assert_eq!(label("").lines, [""]);
    }

    #[test]
    fn wide_and_narrow_characters_measure_differently() {
        assert!(text_width("WWW") > text_width("iii") * 2.0);
        assert_eq!(text_width("中文"), 2.0 * FONT);
        assert!(text_width("a\u{00a0}b") > 0.0);
    }

    #[test]
    fn a_diamond_holds_its_label() {
        let l = label("Ready to ship?");
        let (w, h) = shape_size(NodeShape::Diamond, &l);
        // The label's corner lies inside the rhombus.
        assert!(
            l.width / w + l.height / h <= 1.0,
            "{w}×{h} for {}×{}",
            l.width,
            l.height
        );
    }
}
