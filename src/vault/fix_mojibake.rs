//! `studysite check --fix-mojibake`: every line of every note that holds repairable mojibake,
//! before and after. Nothing is written unless `--write` is given; then each changed note is
//! first copied, byte for byte, to `.studysite-backup/mojibake-<time>/<its path>` in the site
//! root (a hidden folder, which neither studysite nor Obsidian reads as notes), and only then
//! replaced (written to a temporary file beside it and renamed over it).

use super::{display_path, mojibake, walk};
use crate::BuildOptions;
use crate::diagnostics::Diagnostic;
use crate::project::Project;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// One repaired line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFix {
    /// 1-based line in the file.
    pub line: usize,
    /// The line as it is.
    pub before: String,
    /// The line repaired.
    pub after: String,
}

/// What one note needs.
#[derive(Debug, Clone)]
pub struct NoteFix {
    /// The note, relative to the site root.
    pub file: PathBuf,
    /// Its repaired lines.
    pub lines: Vec<LineFix>,
    /// Sequences cut short, which cannot be repaired (they stay as they are).
    pub cut_short: Vec<Diagnostic>,
}

/// What `--fix-mojibake` found and did.
#[derive(Debug, Clone, Default)]
pub struct FixReport {
    /// Notes with something to report, in path order.
    pub notes: Vec<NoteFix>,
    /// Where the originals were copied, when notes were written.
    pub backup_dir: Option<PathBuf>,
}

/// Finds the mojibake of every note of the site, and with `write`, repairs the notes after
/// copying them to a backup folder.
pub fn fix(options: &BuildOptions, write: bool) -> Result<FixReport> {
    let (project, _) = Project::open(options).map_err(|d| {
        let shown: Vec<String> = d.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("{}", shown.join("\n"))
    })?;
    let load = project.load_options();
    let (found, _) = walk(load.content_dir, &load.exclude, load.display_root);
    let mut report = FixReport::default();
    let mut repaired_texts = Vec::new();
    for (rel, abs) in &found.notes {
        let Ok(text) = fs::read_to_string(abs) else {
            continue; // Not UTF-8: the build reports it.
        };
        let file = display_path(abs, &project.root);
        let (fixed, lines) = repair_text(&text);
        let cut_short: Vec<Diagnostic> = mojibake::warnings(&text, &file)
            .into_iter()
            .filter(|d| d.message.contains("cut short"))
            .collect();
        if lines.is_empty() && cut_short.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            repaired_texts.push((rel.clone(), abs.clone(), fixed));
        }
        report.notes.push(NoteFix {
            file,
            lines,
            cut_short,
        });
    }
    if write && !repaired_texts.is_empty() {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup_dir = project
            .root
            .join(".studysite-backup")
            .join(format!("mojibake-{stamp}"));
        for (rel, abs, fixed) in &repaired_texts {
            backup_then_write(abs, &backup_dir.join(rel), fixed)?;
        }
        report.backup_dir = Some(display_path(&backup_dir, &project.root));
    }
    Ok(report)
}

/// The text with every repairable line repaired (line endings kept), and the lines changed.
pub fn repair_text(text: &str) -> (String, Vec<LineFix>) {
    let mut out = String::with_capacity(text.len());
    let mut fixes = Vec::new();
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let content = raw.trim_end_matches(['\n', '\r']);
        let ending = &raw[content.len()..];
        match mojibake::repair_line(content) {
            Some(after) => {
                out.push_str(&after);
                fixes.push(LineFix {
                    line: index + 1,
                    before: content.to_string(),
                    after,
                });
            }
            None => out.push_str(content),
        }
        out.push_str(ending);
    }
    (out, fixes)
}

fn backup_then_write(note: &Path, backup: &Path, text: &str) -> Result<()> {
    if let Some(parent) = backup.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create backup folder {}", parent.display()))?;
    }
    let original = fs::read(note).with_context(|| format!("cannot read {}", note.display()))?;
    fs::write(backup, &original)
        .with_context(|| format!("cannot write backup {}", backup.display()))?;
    if fs::read(backup).ok().as_deref() != Some(original.as_slice()) {
        bail!(
            "backup {} does not match its note; nothing written",
            backup.display()
        );
    }
    let mut temp = note.as_os_str().to_owned();
    temp.push(".studysite-tmp");
    let temp = PathBuf::from(temp);
    fs::write(&temp, text).with_context(|| format!("cannot write {}", temp.display()))?;
    fs::rename(&temp, note).with_context(|| format!("cannot replace {}", note.display()))?;
    Ok(())
}

impl FixReport {
    /// The report as `check --fix-mojibake` prints it.
    pub fn to_text(&self, write: bool) -> String {
        let mut out = String::new();
        let mut lines = 0;
        for note in &self.notes {
            for fix in &note.lines {
                lines += 1;
                let _ = writeln!(out, "{}:{}:", note.file.display(), fix.line);
                let _ = writeln!(out, "  - {}", fix.before);
                let _ = writeln!(out, "  + {}", fix.after);
            }
            for d in &note.cut_short {
                let _ = writeln!(out, "{d}");
            }
        }
        let changed = self.notes.iter().filter(|n| !n.lines.is_empty()).count();
        let summary = match (&self.backup_dir, lines) {
            (_, 0) => "No repairable mojibake.".to_string(),
            (Some(dir), _) => format!(
                "Repaired {lines} lines in {changed} notes; the originals are in {}.",
                dir.display()
            ),
            (None, _) if write => format!("{lines} lines in {changed} notes; nothing written."),
            (None, _) => format!(
                "{lines} lines in {changed} notes can be repaired; nothing was written. Add \
                 --write to apply (each note is first copied to .studysite-backup/)."
            ),
        };
        out.push_str(&summary);
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_keeps_line_endings_and_reports_lines() {
        let (text, fixes) = repair_text("ok\r\ncafÃ© au lait\r\nend");
        assert_eq!(text, "ok\r\ncafé au lait\r\nend");
        assert_eq!(fixes.len(), 1);
        assert_eq!(fixes[0].line, 2);
        assert_eq!(fixes[0].after, "café au lait");
    }
}
