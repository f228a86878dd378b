//! Diagnostics: what a build or a check found wrong in the user's site, with where it is.
//!
//! Every stage reports problems as [`Diagnostic`]s instead of failing on the first one, so a
//! single run shows everything that needs fixing. Errors stop a build; warnings do not.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something the build can work around, but probably not what the author meant.
    Warning,
    /// Something the build cannot turn into a correct page.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem in one file, at a line and column when known (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Diagnostic {
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// Warning or error.
    pub severity: Severity,
    /// What is wrong, in the user's words.
    pub message: String,
}

impl Diagnostic {
    /// An error at `file:line:col`.
    pub fn error(
        file: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            line,
            col,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning at `file:line:col`.
    pub fn warning(
        file: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, line, col, message)
        }
    }

    /// Whether this diagnostic stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (dropping the parts that are unknown).
    pub fn location(&self) -> String {
        location(&self.file, self.line, self.col)
    }
}

/// `file:line:col`, leaving out a zero line or column.
pub fn location(file: &Path, line: usize, col: usize) -> String {
    let file = file.display();
    match (line, col) {
        (0, _) => format!("{file}"),
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.location(),
            self.severity,
            self.message
        )
    }
}

/// A list of diagnostics with the counts a summary line needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds many diagnostics.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(diagnostics);
    }

    /// Sorts by file, line, column, then severity and message, dropping exact repeats, so that
    /// output is stable whatever order parallel stages reported in.
    pub fn sort(&mut self) {
        self.0.sort();
        self.0.dedup();
    }

    /// The number of errors.
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates in the current order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The diagnostics as a slice.
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// Turns a byte offset in `text` into a 1-based (line, column), counting columns in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2)); // after the two-byte ç
        assert_eq!(line_col(text, 100), (3, 3));
    }

    #[test]
    fn display_leaves_out_unknown_positions() {
        let d = Diagnostic::error("a.md", 0, 0, "bad");
        assert_eq!(d.to_string(), "a.md: error: bad");
        let d = Diagnostic::warning("a.md", 3, 0, "odd");
        assert_eq!(d.to_string(), "a.md:3: warning: odd");
        let d = Diagnostic::error("a.md", 3, 7, "bad");
        assert_eq!(d.to_string(), "a.md:3:7: error: bad");
    }

    #[test]
    fn sort_orders_by_place_and_drops_repeats() {
        let mut list: Diagnostics = [
            Diagnostic::error("b.md", 1, 1, "x"),
            Diagnostic::warning("a.md", 9, 1, "y"),
            Diagnostic::warning("a.md", 2, 5, "z"),
            Diagnostic::warning("a.md", 2, 5, "z"),
        ]
        .into_iter()
        .collect();
        list.sort();
        let order: Vec<_> = list.iter().map(|d| d.location()).collect();
        assert_eq!(order, ["a.md:2:5", "a.md:9:1", "b.md:1:1"]);
        assert_eq!((list.errors(), list.warnings()), (1, 2));
    }
}
