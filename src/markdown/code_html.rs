//! Turns one code block into highlighted HTML: syntect's scope operations become runs of
//! [`TokenClass`]es, and each run that the stylesheet colours becomes one
//! `<span class="k">…</span>`. Runs of one class are merged (also across the whitespace
//! between them), and text whose class has no colour is written bare.

use super::code_classes::{ClassSet, TokenClass, classify};
use super::code_memo::LineMemo;
use syntect::parsing::{BasicScopeStackOp, ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The inside of `<code>` for `code`, or `None` when syntect cannot parse it.
pub fn highlight(
    code: &str,
    syntax: &SyntaxReference,
    set: &SyntaxSet,
    memo: &LineMemo,
    colored: ClassSet,
) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut classes: Vec<Option<TokenClass>> = Vec::new();
    let mut out = Runs::new(code.len(), colored);
    for line in LinesWithEndings::from(code) {
        let ops = memo.parse_line(syntax.scope, &mut state, line, set).ok()?;
        let mut at = 0;
        for (pos, op) in ops.iter() {
            let pos = (*pos).min(line.len());
            if pos > at {
                out.push(classes.last().copied().flatten(), line.get(at..pos)?);
                at = pos;
            }
            scopes
                .apply_with_hook(op, |basic, _| match basic {
                    BasicScopeStackOp::Push(scope) => {
                        let outer = classes.last().copied().flatten();
                        classes.push(classify(outer, scope));
                    }
                    BasicScopeStackOp::Pop => {
                        classes.pop();
                    }
                })
                .ok()?;
        }
        if at < line.len() {
            out.push(classes.last().copied().flatten(), line.get(at..)?);
        }
    }
    Some(out.finish())
}

/// The HTML being written: the open span's class, and whitespace held back until it is known
/// whether the next text continues the span.
struct Runs {
    html: String,
    colored: ClassSet,
    open: Option<TokenClass>,
    held: String,
}

impl Runs {
    fn new(len: usize, colored: ClassSet) -> Runs {
        Runs {
            html: String::with_capacity(len + len / 2),
            colored,
            open: None,
            held: String::new(),
        }
    }

    fn push(&mut self, class: Option<TokenClass>, text: &str) {
        if text.bytes().all(|b| b.is_ascii_whitespace()) {
            match self.open {
                Some(_) => self.held.push_str(text),
                None => self.html.push_str(text),
            }
            return;
        }
        let class = class.filter(|c| self.colored.contains(*c));
        if class != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            self.flush_held();
            if let Some(class) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(class.css());
                self.html.push_str("\">");
            }
            self.open = class;
        } else {
            self.flush_held();
        }
        escape_into(&mut self.html, text);
    }

    fn flush_held(&mut self) {
        self.html.push_str(&self.held);
        self.held.clear();
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.flush_held();
        self.html
    }
}

/// Escapes text for HTML element content (quotes need no escaping there).
fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(colored: ClassSet, tokens: &[(Option<TokenClass>, &str)]) -> String {
        let mut r = Runs::new(0, colored);
        for (class, text) in tokens {
            r.push(*class, text);
        }
        r.finish()
    }

    #[test]
    fn adjacent_runs_of_one_class_merge_across_whitespace() {
        let k = Some(TokenClass::Keyword);
        let html = runs(
            ClassSet::ALL,
            &[
                (k, "pub"),
                (None, " "),
                (k, "fn"),
                (None, " "),
                (None, "main"),
            ],
        );
        assert_eq!(html, "<span class=\"k\">pub fn</span> main");
    }

    #[test]
    fn classes_without_colour_get_no_span() {
        let colored = ClassSet::NONE.with(TokenClass::String);
        let html = runs(
            colored,
            &[
                (Some(TokenClass::Operator), "="),
                (Some(TokenClass::String), "\"a<b\""),
            ],
        );
        assert_eq!(html, "=<span class=\"s\">\"a&lt;b\"</span>");
    }

    #[test]
    fn whitespace_after_the_last_span_stays_outside_it() {
        let html = runs(
            ClassSet::ALL,
            &[(Some(TokenClass::Comment), "# x"), (None, "\n")],
        );
        assert_eq!(html, "<span class=\"c\"># x</span>\n");
    }

    #[test]
    fn escaping_covers_markup_characters() {
        let mut out = String::new();
        escape_into(&mut out, "a && b <c> é");
        assert_eq!(out, "a &amp;&amp; b &lt;c&gt; é");
    }
}
