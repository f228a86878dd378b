//! TeX as notes write it, made ready for the MathML converter: macro definitions
//! (`\newcommand`, `\def`, `\DeclareMathOperator`) are taken out of the formula and kept for the
//! rest of the note, `\mbox` reads as `\text`, and a display formula whose lines are split by `\\`
//! outside any environment becomes a `gathered` (or `aligned`) block, as MathJax shows it.

/// A formula after preparation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The TeX to convert (empty when the formula only defined macros).
    pub tex: String,
    /// Macros the formula defines: name without `\`, body with `#1`… parameters.
    pub macros: Vec<(String, String)>,
    /// Whether `tex` is the formula exactly as written (then error offsets point into the note).
    pub verbatim: bool,
}

/// Prepares one formula. Fails on a definition we cannot take apart.
pub fn prepare(tex: &str, display: bool) -> Result<Prepared, String> {
    let (rest, macros) = take_definitions(tex)?;
    let rest = control_space_at_line_end(&rest);
    let mut out = math_inside_text(&replace_control_word(&rest, "mbox", "text"));
    if display {
        let (newline, ampersand) = top_level_breaks(&out);
        if newline {
            let env = if ampersand { "aligned" } else { "gathered" };
            out = format!("\\begin{{{env}}}{out}\\end{{{env}}}");
        }
    }
    let verbatim = out == tex;
    let tex = if out.trim().is_empty() {
        String::new()
    } else {
        out
    };
    Ok(Prepared {
        tex,
        macros,
        verbatim,
    })
}

/// A cursor over TeX source. Every position it stops at follows an ASCII byte, so slicing there
/// is always on a char boundary.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn skip_spaces(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.pos += c.len_utf8();
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// `\name` (letters) or `\x` (one other character), without the backslash.
    fn control_sequence(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self.eat('\\') {
            return None;
        }
        let name_start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        if self.pos == name_start {
            match self.peek() {
                Some(c) => self.pos += c.len_utf8(),
                None => {
                    self.pos = start;
                    return None;
                }
            }
        }
        Some(&self.s[name_start..self.pos])
    }

    /// The inside of a balanced `{…}` group.
    fn group(&mut self) -> Option<&'a str> {
        if !self.eat('{') {
            return None;
        }
        let start = self.pos;
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            match c {
                '\\' => {
                    self.pos += 1;
                    if let Some(next) = self.peek() {
                        self.pos += next.len_utf8();
                    }
                    continue;
                }
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = &self.s[start..self.pos];
                        self.pos += 1;
                        return Some(inner);
                    }
                }
                _ => {}
            }
            self.pos += c.len_utf8();
        }
        None
    }

    /// The inside of `[…]`, if the cursor is at one.
    fn bracket(&mut self) -> Option<&'a str> {
        if self.peek() != Some('[') {
            return None;
        }
        let end = self.s[self.pos..].find(']')?;
        let inner = &self.s[self.pos + 1..self.pos + end];
        self.pos += end + 1;
        Some(inner)
    }

    /// A macro name given as `{\name}` or `\name`.
    fn defined_name(&mut self) -> Option<&'a str> {
        self.skip_spaces();
        if self.peek() == Some('{') {
            let mut inner = Cursor {
                s: self.group()?,
                pos: 0,
            };
            inner.skip_spaces();
            return inner.control_sequence();
        }
        self.control_sequence()
    }
}

const DEFINERS: &[&str] = &[
    "newcommand",
    "renewcommand",
    "providecommand",
    "def",
    "DeclareMathOperator",
];

/// Splits macro definitions from the rest of a formula.
fn take_definitions(tex: &str) -> Result<(String, Vec<(String, String)>), String> {
    if !DEFINERS.iter().any(|d| tex.contains(d)) {
        return Ok((tex.to_string(), Vec::new()));
    }
    let mut rest = String::with_capacity(tex.len());
    let mut macros = Vec::new();
    let mut cursor = Cursor { s: tex, pos: 0 };
    while cursor.pos < tex.len() {
        let start = cursor.pos;
        let Some(name) = cursor.control_sequence() else {
            let c = cursor.peek().unwrap_or(' ');
            rest.push(c);
            cursor.pos += c.len_utf8();
            continue;
        };
        if !DEFINERS.contains(&name) {
            rest.push_str(&tex[start..cursor.pos]);
            continue;
        }
        let starred = cursor.eat('*');
        let defined = definition(&mut cursor, name, starred)
            .ok_or_else(|| format!("cannot read the \\{name} definition"))??;
        macros.push(defined);
    }
    Ok((rest, macros))
}

/// Reads what follows `\newcommand` (and friends) up to the end of the body.
fn definition(
    cursor: &mut Cursor<'_>,
    definer: &str,
    starred: bool,
) -> Option<Result<(String, String), String>> {
    let name = cursor.defined_name()?.to_string();
    cursor.skip_spaces();
    let body = match definer {
        "def" => {
            let params = cursor.s[cursor.pos..].find('{')?;
            cursor.pos += params;
            cursor.group()?.to_string()
        }
        "DeclareMathOperator" => {
            let text = cursor.group()?;
            let star = if starred { "*" } else { "" };
            format!("\\operatorname{star}{{{text}}}")
        }
        _ => {
            let _arguments = cursor.bracket();
            cursor.skip_spaces();
            if cursor.bracket().is_some() {
                return Some(Err(format!(
                    "\\{definer}{{\\{name}}} gives its first argument a default, which is not supported"
                )));
            }
            cursor.skip_spaces();
            cursor.group()?.to_string()
        }
    };
    Some(Ok((name, body)))
}

/// Replaces `\from` (as a whole control word) with `\to`.
fn replace_control_word(tex: &str, from: &str, to: &str) -> String {
    let needle = format!("\\{from}");
    if !tex.contains(&needle) {
        return tex.to_string();
    }
    let mut out = String::with_capacity(tex.len());
    let mut rest = tex;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        out.push_str(&rest[..i]);
        if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            out.push_str(&needle);
        } else {
            out.push('\\');
            out.push_str(to);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `\` at the end of a line is a control space (MathJax reads it so); `\\` stays a line break.
fn control_space_at_line_end(tex: &str) -> String {
    if !tex.contains("\\\n") {
        return tex.to_string();
    }
    let mut out = String::with_capacity(tex.len());
    let mut backslashes = 0usize;
    for c in tex.chars() {
        if c == '\n' && backslashes % 2 == 1 {
            out.push(' ');
        } else {
            out.push(c);
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    out
}

const TEXT_COMMANDS: &[&str] = &["text", "textrm", "textit", "textbf", "textsf", "texttt"];

/// `\text{if $x > 0$}`: MathJax reads `$…$` inside text as math again; the converter does not,
/// so the text is split around it: `{\text{if }x > 0}`.
fn math_inside_text(tex: &str) -> String {
    if !tex.contains("\\text") || tex.matches('$').count() < 2 {
        return tex.to_string();
    }
    let mut out = String::with_capacity(tex.len() + 16);
    let mut cursor = Cursor { s: tex, pos: 0 };
    while cursor.pos < tex.len() {
        let start = cursor.pos;
        match cursor.control_sequence() {
            Some(name) if TEXT_COMMANDS.contains(&name) => {
                let after_name = cursor.pos;
                cursor.skip_spaces();
                match cursor.group() {
                    Some(inner) if inner.contains('$') && balanced_pieces(inner) => {
                        out.push('{');
                        for (i, piece) in inner.split('$').enumerate() {
                            if i % 2 == 1 {
                                out.push_str(piece);
                            } else if !piece.is_empty() {
                                out.push_str(&format!("\\{name}{{{piece}}}"));
                            }
                        }
                        out.push('}');
                    }
                    _ => {
                        cursor.pos = after_name;
                        out.push_str(&tex[start..after_name]);
                    }
                }
            }
            Some(_) => out.push_str(&tex[start..cursor.pos]),
            None => {
                let c = cursor.peek().unwrap_or(' ');
                out.push(c);
                cursor.pos += c.len_utf8();
            }
        }
    }
    out
}

/// Whether splitting a text group at its `$` signs leaves balanced braces in every piece and
/// an even number of `$` (so every math piece is closed).
fn balanced_pieces(inner: &str) -> bool {
    let pieces: Vec<&str> = inner.split('$').collect();
    pieces.len() % 2 == 1
        && pieces.iter().all(|p| {
            let mut depth = 0i32;
            for c in p.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth < 0 {
                    return false;
                }
            }
            depth == 0
        })
}

/// Whether the formula has a `\\` and an `&` outside every group and environment.
fn top_level_breaks(tex: &str) -> (bool, bool) {
    let mut cursor = Cursor { s: tex, pos: 0 };
    let (mut braces, mut envs) = (0usize, 0usize);
    let (mut newline, mut ampersand) = (false, false);
    while let Some(c) = cursor.peek() {
        if c == '\\' {
            match cursor.control_sequence() {
                Some("begin") => envs += 1,
                Some("end") => envs = envs.saturating_sub(1),
                Some("\\") if braces == 0 && envs == 0 => newline = true,
                _ => {}
            }
            continue;
        }
        match c {
            '{' => braces += 1,
            '}' => braces = braces.saturating_sub(1),
            '&' if braces == 0 && envs == 0 => ampersand = true,
            _ => {}
        }
        cursor.pos += c.len_utf8();
    }
    (newline, ampersand)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newcommand_forms_are_taken_out() {
        let p = prepare(
            r"\newcommand{\R}{\mathbb{R}} \newcommand\norm[1]{\lVert #1 \rVert} f: \R \to \R",
            false,
        )
        .unwrap();
        assert_eq!(p.tex.trim(), r"f: \R \to \R");
        assert_eq!(
            p.macros,
            [
                ("R".to_string(), r"\mathbb{R}".to_string()),
                ("norm".to_string(), r"\lVert #1 \rVert".to_string())
            ]
        );
        assert!(!p.verbatim);
    }

    #[test]
    fn def_and_declare_math_operator_are_macros() {
        let p = prepare(
            r"\def\E{\mathbb{E}}\def\pair#1#2{(#1,#2)}\DeclareMathOperator*{\argmax}{arg\,max}",
            false,
        )
        .unwrap();
        assert_eq!(p.tex, "");
        assert_eq!(p.macros[0], ("E".into(), r"\mathbb{E}".into()));
        assert_eq!(p.macros[1], ("pair".into(), "(#1,#2)".into()));
        assert_eq!(
            p.macros[2],
            ("argmax".into(), r"\operatorname*{arg\,max}".into())
        );
    }

    #[test]
    fn a_default_argument_is_refused() {
        let err = prepare(r"\newcommand{\x}[1][0]{#1}", false).unwrap_err();
        assert!(err.contains("default"), "{err}");
    }

    #[test]
    fn top_level_line_breaks_become_gathered_or_aligned() {
        assert_eq!(
            prepare(r"a = b \\ c = d", true).unwrap().tex,
            r"\begin{gathered}a = b \\ c = d\end{gathered}"
        );
        assert_eq!(
            prepare(r"a &= b \\ c &= d", true).unwrap().tex,
            r"\begin{aligned}a &= b \\ c &= d\end{aligned}"
        );
        let inside = r"\begin{pmatrix} a \\ b \end{pmatrix}";
        let p = prepare(inside, true).unwrap();
        assert_eq!(p.tex, inside);
        assert!(p.verbatim);
    }

    #[test]
    fn mbox_reads_as_text_but_longer_names_stay() {
        assert_eq!(
            prepare(r"\mbox{if } x \mboxed", false).unwrap().tex,
            r"\text{if } x \mboxed"
        );
    }

    #[test]
    fn math_inside_text_is_math_again() {
        assert_eq!(
            prepare(r"f = \text{2 if $x \in Q$, else 0}", false)
                .unwrap()
                .tex,
            r"f = {\text{2 if }x \in Q\text{, else 0}}"
        );
        let unbalanced = r"\text{a {b $x$} c}";
        assert_eq!(prepare(unbalanced, false).unwrap().tex, unbalanced);
    }

    #[test]
    fn a_backslash_at_the_end_of_a_line_is_a_space_but_a_double_one_breaks() {
        assert_eq!(prepare("y = 7\\\nz", false).unwrap().tex, "y = 7\\ z");
        assert!(
            prepare("a \\\\\nb", true)
                .unwrap()
                .tex
                .contains("a \\\\\nb")
        );
    }

    #[test]
    fn non_ascii_text_is_kept_intact() {
        assert!(prepare("\\def\\é", false).is_err());
        let p = prepare("\\text{café — 10\u{a0}GB}", false).unwrap();
        assert_eq!(p.tex, "\\text{café — 10\u{a0}GB}");
    }
}
