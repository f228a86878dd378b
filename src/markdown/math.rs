//! Math: `$…$` and `$$…$$` become MathML at build time (math-core), with the TeX kept as an
//! `<annotation encoding="application/x-tex">`. A formula that does not convert is shown as its
//! source in a `code.math-error` and reported at its file line and column. A `$` that closes
//! before a digit (`$5–$10`) is currency, not math, and stays text.

mod nesting;
mod tex;

use super::{LineIndex, Spanned, escape_html};
use crate::diagnostics::Diagnostic;
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use pulldown_cmark::Event;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// The deepest a formula may nest ([`nesting::nesting`]); deeper ones are shown as their source
/// with a warning. Real notes nest a few levels (the deepest formula of 2,445 in 26 public
/// vaults nests 8 groups and counts about 370).
const MAX_NESTING: usize = 2_000;

/// Formulas nesting up to this convert on the build's own thread; deeper ones convert on a
/// thread with a stack of [`DEEP_STACK`]. A debug build's math-core takes about 25 KB of stack
/// per level, so 40 levels use under half the 2 MiB of a rayon worker (measured: 38 levels of
/// each kind in `deep` need 0.8 to 1 MiB); one formula in 300 of real notes is deeper.
const INLINE_NESTING: usize = 40;

/// The stack for converting a formula deeper than [`INLINE_NESTING`]: [`MAX_NESTING`] levels
/// need about 50 MiB in a debug build and 2 MiB in a release build (only the pages a thread
/// touches are used).
const DEEP_STACK: usize = 256 << 20;

/// Commands notes use that math-core does not know, as macros (a note's own definitions of the
/// same names win).
const COMPAT_MACROS: &[(&str, &str)] = &[
    ("textcolor", r"{\color{#1}#2}"),
    ("space", r"\ "),
    ("tiny", ""),
    ("scriptsize", ""),
    ("footnotesize", ""),
    ("small", ""),
    ("normalsize", ""),
    ("large", ""),
    ("Large", ""),
    ("LARGE", ""),
    ("huge", ""),
    ("Huge", ""),
];

/// What the math pass found in a note.
#[derive(Debug, Default)]
pub struct MathOutcome {
    /// Whether the note shows any formula (the page then loads the math stylesheet).
    pub has_math: bool,
    /// Formulas that did not convert, as warnings without a file (the caller knows it).
    pub warnings: Vec<Diagnostic>,
}

/// Replaces every math event with MathML (or its source, when it does not convert).
pub fn render(
    events: Vec<Spanned>,
    body: &str,
    lines: &LineIndex,
    preamble: &[(String, String)],
) -> (Vec<Spanned>, MathOutcome) {
    let mut outcome = MathOutcome::default();
    if !events
        .iter()
        .any(|(e, _)| matches!(e, Event::InlineMath(_) | Event::DisplayMath(_)))
    {
        return (events, outcome);
    }
    let mut converter = Converter {
        macros: preamble.to_vec(),
        inner: None,
    };
    let mut out = Vec::with_capacity(events.len());
    for (event, offset) in events {
        let (source, display) = match &event {
            Event::InlineMath(t) => (t.to_string(), false),
            Event::DisplayMath(t) => (t.to_string(), true),
            _ => {
                out.push((event, offset));
                continue;
            }
        };
        let delimiter = if display { "$$" } else { "$" };
        if !display && is_currency(body, offset, &source) {
            out.push((Event::Text(format!("${source}$").into()), offset));
            continue;
        }
        outcome.has_math = true;
        let html = match converter.convert(&source, display) {
            Ok(mathml) if display => format!("<span class=\"math-display\">{mathml}</span>"),
            Ok(mathml) => mathml,
            Err(failure) => {
                let at = failure
                    .at
                    .filter(|_| verbatim_at(body, offset + delimiter.len(), &source))
                    .map_or(offset, |at| offset + delimiter.len() + at);
                let (line, col) = lines.line_col(body, at);
                outcome.warnings.push(Diagnostic::warning(
                    PathBuf::new(),
                    line,
                    col,
                    format!(
                        "math: {} (the formula is shown as its source)",
                        failure.message
                    ),
                ));
                source_html(&source, delimiter, display, &failure.message)
            }
        };
        out.push((Event::InlineHtml(html.into()), offset));
    }
    (out, outcome)
}

/// Whether the math event at `offset` is `$…$` written verbatim and followed by a digit, which
/// makes its closing `$` a price (`$5–$10`) rather than the end of a formula.
fn is_currency(body: &str, offset: usize, source: &str) -> bool {
    let Some(after) = body
        .get(offset..)
        .and_then(|s| s.strip_prefix('$'))
        .and_then(|s| s.strip_prefix(source))
        .and_then(|s| s.strip_prefix('$'))
    else {
        return false;
    };
    after.starts_with(|c: char| c.is_ascii_digit())
}

fn verbatim_at(body: &str, start: usize, source: &str) -> bool {
    body.get(start..).is_some_and(|s| s.starts_with(source))
}

fn source_html(source: &str, delimiter: &str, display: bool, message: &str) -> String {
    let class = if display {
        "math-error math-error-display"
    } else {
        "math-error"
    };
    format!(
        "<code class=\"{class}\" title=\"{}\">{}</code>",
        escape_html(message),
        escape_html(&format!("{delimiter}{source}{delimiter}"))
    )
}

/// Why a formula was not converted, and where in its source (a byte offset), when known.
struct Failure {
    message: String,
    at: Option<usize>,
}

/// Converts the formulas of one note in order, keeping the macros they define.
#[derive(Default)]
struct Converter {
    macros: Vec<(String, String)>,
    inner: Option<LatexToMathML>,
}

impl Converter {
    fn convert(&mut self, source: &str, display: bool) -> Result<String, Failure> {
        let prepared =
            tex::prepare(source, display).map_err(|message| Failure { message, at: None })?;
        if !prepared.macros.is_empty() {
            self.define(prepared.macros)?;
        }
        if prepared.tex.is_empty() {
            return Ok(String::new());
        }
        let mode = if display {
            MathDisplay::Block
        } else {
            MathDisplay::Inline
        };
        let depth = nesting::nesting(&prepared.tex, &self.macros);
        if depth > MAX_NESTING {
            return Err(Failure {
                message: format!(
                    "the formula nests about {depth} levels deep, more than the {MAX_NESTING} a formula may"
                ),
                at: None,
            });
        }
        let converter = match &mut self.inner {
            Some(c) => c,
            slot => {
                slot.insert(build(&self.macros).map_err(|message| Failure { message, at: None })?)
            }
        };
        let tex = prepared.tex.as_str();
        // math-core panics on a few formulas (a debug assertion on `\displaystyle&` in an
        // `aligned`): that formula is shown as its source, the note and the build go on.
        let convert = || {
            catch_unwind(AssertUnwindSafe(|| {
                converter.convert_with_local_state(tex, mode)
            }))
        };
        let converted = if depth <= INLINE_NESTING {
            convert()
        } else {
            on_deep_stack(convert)
        };
        let Ok(converted) = converted else {
            self.inner = None;
            return Err(Failure {
                message: "the math renderer failed on this formula".into(),
                at: None,
            });
        };
        converted
            .map(|r| annotate(valid_tables(r.mathml), source, prepared.verbatim))
            .map_err(|e| Failure {
                message: e.error_message(),
                at: prepared.verbatim.then_some(e.0.start),
            })
    }

    /// Adds (or redefines) macros; a definition that does not parse is refused, the others kept.
    fn define(&mut self, new: Vec<(String, String)>) -> Result<(), Failure> {
        let before = self.macros.clone();
        for (name, body) in new {
            self.macros.retain(|(n, _)| *n != name);
            self.macros.push((name, body));
        }
        match build(&self.macros) {
            Ok(c) => {
                self.inner = Some(c);
                Ok(())
            }
            Err(message) => {
                self.macros = before;
                self.inner = None;
                Err(Failure { message, at: None })
            }
        }
    }
}

/// TeX macros by name: `(name, body)`.
pub type Macros = Vec<(String, String)>;

/// The macros a preamble file defines (`\newcommand`, `\def`, `\DeclareMathOperator`, as
/// Obsidian's Extended MathJax reads `preamble.sty`), and what was left out: each definition
/// (a run of lines whose braces balance) is read on its own, so one unsupported form costs
/// only itself. Returns the macros and, per definition left out, its line and why.
pub fn preamble_macros(text: &str) -> (Macros, Vec<(usize, String)>) {
    let mut macros: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    let mut chunk = String::new();
    let mut first_line = 0;
    let mut depth = 0i64;
    for (n, line) in text.lines().enumerate() {
        let line = line.split('%').next().unwrap_or("");
        if chunk.is_empty() {
            first_line = n + 1;
        }
        chunk.push_str(line);
        chunk.push('\n');
        depth += line.matches('{').count() as i64 - line.matches('}').count() as i64;
        if depth > 0 {
            continue;
        }
        depth = 0;
        if !chunk.trim().is_empty() {
            match tex::prepare(&chunk, true) {
                Ok(prepared) => {
                    let mut with: Vec<(String, String)> = macros.clone();
                    for (name, body) in prepared.macros {
                        with.retain(|(n, _)| *n != name);
                        with.push((name, body));
                    }
                    match build(&with) {
                        Ok(_) => macros = with,
                        Err(message) => problems.push((first_line, message)),
                    }
                }
                Err(message) => problems.push((first_line, message)),
            }
        }
        chunk.clear();
    }
    (macros, problems)
}

/// The converter puts `scriptlevel` on `<mtable>`, which MathML (and so the Nu checker) allows
/// only on `<mstyle>`: such a table is wrapped in an `<mstyle>` carrying its attributes, which
/// renders the same.
fn valid_tables(mathml: String) -> String {
    if !mathml.contains("<mtable ") {
        return mathml;
    }
    let mut out = String::with_capacity(mathml.len() + 32);
    let mut wrapped: Vec<bool> = Vec::new();
    let mut rest = mathml.as_str();
    loop {
        let (at, is_close) = match (rest.find("<mtable"), rest.find("</mtable>")) {
            (Some(open), Some(close)) if close < open => (close, true),
            (Some(open), _) => (open, false),
            (None, Some(close)) => (close, true),
            (None, None) => break,
        };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if is_close {
            out.push_str("</mtable>");
            if wrapped.pop() == Some(true) {
                out.push_str("</mstyle>");
            }
            rest = &rest["</mtable>".len()..];
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = &rest[..end];
        let attrs = tag["<mtable".len()..].trim_end_matches('>');
        if attrs.contains("scriptlevel=") {
            out.push_str(&format!("<mstyle{attrs}><mtable>"));
            wrapped.push(true);
        } else {
            out.push_str(tag);
            wrapped.push(false);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Runs `f` on a thread of its own with a [`DEEP_STACK`] (a formula too deep for the build's).
fn on_deep_stack<T: Send>(
    f: impl FnOnce() -> std::thread::Result<T> + Send,
) -> std::thread::Result<T> {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("deep formula".into())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, f)
        {
            Ok(thread) => thread.join().and_then(|r| r),
            Err(e) => Err(Box::new(format!("no thread for a deep formula: {e}")) as Box<_>),
        }
    })
}

/// Puts the formula as the note wrote it in the TeX annotation (the converter saw it prepared).
fn annotate(mathml: String, source: &str, verbatim: bool) -> String {
    const OPEN: &str = "<annotation encoding=\"application/x-tex\">";
    let (Some(start), Some(end)) = (mathml.rfind(OPEN), mathml.rfind("</annotation>")) else {
        return mathml;
    };
    if verbatim || end < start {
        return mathml;
    }
    let mut out = String::with_capacity(mathml.len() + source.len());
    out.push_str(&mathml[..start + OPEN.len()]);
    out.push_str(&escape_html(source));
    out.push_str(&mathml[end..]);
    out
}

fn build(user: &[(String, String)]) -> Result<LatexToMathML, String> {
    let mut macros: Vec<(String, String)> = COMPAT_MACROS
        .iter()
        .filter(|(name, _)| !user.iter().any(|(n, _)| n == name))
        .map(|(n, b)| (n.to_string(), b.to_string()))
        .collect();
    macros.extend(user.iter().cloned());
    let config = MathCoreConfig {
        macros,
        annotation: true,
        ..MathCoreConfig::default()
    };
    LatexToMathML::new(config).map_err(|(error, _, definition)| {
        format!(
            "the macro definition `{definition}` does not parse: {}",
            error.error_message()
        )
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn tables_with_a_script_level_are_wrapped_in_mstyle() {
        let html = super::valid_tables(
            "<math><mtable displaystyle=\"true\" scriptlevel=\"0\"><mtr><mtd><mtable><mtr></mtr></mtable></mtd></mtr></mtable><mi>x</mi></math>".into(),
        );
        assert_eq!(
            html,
            "<math><mstyle displaystyle=\"true\" scriptlevel=\"0\"><mtable><mtr><mtd><mtable><mtr></mtr></mtable></mtd></mtr></mtable></mstyle><mi>x</mi></math>"
        );
    }

    use super::super::tests::html_of;
    use super::super::{Highlighter, ParseOptions, parse};

    fn warnings_of(md: &str) -> Vec<(usize, usize, String)> {
        parse(md, 0, &ParseOptions::default(), &Highlighter::default())
            .diagnostics
            .into_iter()
            .map(|d| (d.line, d.col, d.message))
            .collect()
    }

    #[test]
    fn inline_and_display_math_become_mathml_with_the_tex_annotation() {
        let html = html_of("Half is $\\frac{1}{2}$.\n\n$$\nx^2 + y^2\n$$\n");
        assert!(html.contains("<math><semantics><mfrac>"), "{html}");
        assert!(
            html.contains("<annotation encoding=\"application/x-tex\">\\frac{1}{2}</annotation>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"math-display\"><math display=\"block\">"),
            "{html}"
        );
        assert!(html.contains("<msup><mi>x</mi><mn>2</mn></msup>"), "{html}");
    }

    #[test]
    fn double_backslash_inside_display_math_survives() {
        let html = html_of("$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$\n");
        assert_eq!(html.matches("<mtr>").count(), 2, "{html}");
        assert!(
            html.contains("\\\\ c &amp; d"),
            "annotation keeps \\\\: {html}"
        );
        let html = html_of("$$\na = 1 \\\\\nb = 2\n$$\n");
        assert_eq!(
            html.matches("<mtr>").count(),
            2,
            "top-level \\\\ breaks lines: {html}"
        );
    }

    #[test]
    fn currency_stays_text() {
        for line in [
            "It costs $5 and $10 a month.",
            "From $5–$10 a month.",
            "Between $5 and $10, or $20.",
        ] {
            let html = html_of(line);
            assert!(!html.contains("<math"), "{line}: {html}");
            assert!(html.contains("$5"), "{line}: {html}");
        }
    }

    #[test]
    fn a_formula_after_a_price_still_renders() {
        let html = html_of("Pay $5 for $x^2$ pages.");
        assert!(html.contains("<msup>"), "{html}");
        assert!(html.contains("Pay $5 for"), "{html}");
    }

    #[test]
    fn a_bad_formula_is_a_warning_at_its_position_and_shows_its_source() {
        let md =
            "Intro.\n\nThe matrix $\\begin{pmatrix} a$ is open, and $\\nosuchthing{x}$ unknown.\n";
        let warnings = warnings_of(md);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].0, 3, "{warnings:?}");
        assert!(
            warnings[0].1 >= 12,
            "inside the first formula: {warnings:?}"
        );
        assert!(warnings[0].2.contains("math:"), "{warnings:?}");
        // The unknown command is pointed at exactly: just after its `$` at column 45.
        assert_eq!((warnings[1].0, warnings[1].1), (3, 46), "{warnings:?}");
        assert!(warnings[1].2.contains("nosuchthing"), "{warnings:?}");
        let html = html_of(md);
        assert!(
            html.contains("<code class=\"math-error\" title=\""),
            "{html}"
        );
        assert!(html.contains(">$\\begin{pmatrix} a$</code>"), "{html}");
    }

    #[test]
    fn macros_defined_in_one_formula_serve_the_next() {
        let md = "$\\newcommand{\\R}{\\mathbb{R}}$ Let $f: \\R \\to \\R$ and $\\norm{x}$.\n\n$\\def\\norm#1{\\lVert #1 \\rVert}\\norm{v}$\n";
        let html = html_of(md);
        assert!(html.contains("<mi>ℝ</mi>"), "{html}");
        assert_eq!(html.matches("math-error").count(), 1, "{html}");
        assert!(html.contains("‖</mo><mi>v</mi>"), "{html}");
    }

    #[test]
    fn common_commands_render() {
        let cases = [
            ("\\sum_{i=1}^{n} i", "<munderover>"),
            ("\\int_0^1 x\\,dx", "<msubsup>"),
            (
                "\\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}",
                "<mtable",
            ),
            (
                "\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{otherwise} \\end{cases}",
                "<mtext>otherwise</mtext>",
            ),
            (
                "\\begin{aligned} a &= b \\\\ &= c \\end{aligned}",
                "<mtable",
            ),
            ("\\mathbb{R}^n", "ℝ"),
            ("\\operatorname{argmax}_x f", "argmax"),
            ("\\text{IOPS} = 3 \\times \\text{GB}", "×</mo>"),
            ("\\mbox{if } x", "<mtext>if"),
            ("\\textcolor{red}{x}", "color:"),
            // Seen failing on public vaults before the preparation step:
            ("\\text{2 if $x \\in Q$, else 0}", "<mi>Q</mi>"),
            ("\\large \\frac{R}{N}", "<mfrac>"),
            ("y^{2} = x^{3} + 7\\\n", "<mn>7</mn>"),
            ("\\text{EstimatedRTT$_{t+1}$}", "<msub>"),
        ];
        for (tex, expected) in cases {
            let html = html_of(&format!("$${tex}$$\n"));
            assert!(html.contains(expected), "{tex}: {html}");
            assert!(!html.contains("math-error"), "{tex}: {html}");
            let annotation = format!("{}</annotation>", super::super::escape_html(tex));
            assert!(html.contains(&annotation), "the TeX as written: {html}");
        }
    }

    #[test]
    fn notes_without_math_are_untouched() {
        let p = parse(
            "Plain $ sign and text.",
            0,
            &ParseOptions::default(),
            &Highlighter::default(),
        );
        assert!(!p.has_math);
        assert!(p.diagnostics.is_empty());
    }

    #[test]
    fn a_formula_the_math_renderer_panics_on_is_a_warning_not_a_crash() {
        // math-core 0.7 asserts (in debug builds) that `&` never reaches its writer outside a
        // table; `\displaystyle` swallows it into a style.
        let md = "Before $\\begin{aligned}\\displaystyle&\\end{aligned}$ after, then $x^2$.\n";
        let html = html_of(md);
        assert!(html.contains("<msup><mi>x</mi><mn>2</mn></msup>"), "{html}");
        if cfg!(debug_assertions) {
            assert!(html.contains("math-error"), "{html}");
            let warnings = warnings_of(md);
            assert!(
                warnings[0].2.contains("the math renderer failed"),
                "{warnings:?}"
            );
        }
    }
}
