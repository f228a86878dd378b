//! Live-reload latency of `studysite serve`: on generated vaults of 1,000 and 10,000 notes (or
//! the sizes given), edits notes on disk (a body edit, a title edit, a new note linking to an
//! old one, a rename) and times each save until the browser's reload event arrives over HTTP,
//! printing p50/p95 and what each rebuild re-rendered.
//!
//! `cargo bench --bench serve` (or `cargo bench --bench serve -- 1000`; words among the
//! arguments pick the changes timed: `body`, `title`, `new`, `rename`).

#[path = "corpus.rs"]
mod corpus;
#[path = "../tests/common/http.rs"]
#[allow(dead_code)]
mod http;

use std::fs;
use std::time::{Duration, Instant};
use studysite::serve::{ServeOptions, start};

const EDITS: usize = 40;
const STRUCTURAL_EDITS: usize = 8;

/// What one timed change does.
#[derive(Clone, Copy, PartialEq)]
enum Change {
    Body,
    Title,
    NewNote,
    Rename,
}

/// CPU time this process has used (user + system), from `/proc/self/stat` on Linux: the
/// server runs in this process, so its work per edit is the difference.
fn cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Clock ticks are 1/100 s on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// This process's resident memory (Linux), in MB.
fn resident_mb() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let sizes = corpus::sizes_from_args();
    let picked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a.parse::<usize>().is_err() && !a.starts_with('-'))
        .collect();
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        corpus::write_site(dir.path(), n, true);
        let started = Instant::now();
        let running = start(
            &ServeOptions {
                build: studysite::BuildOptions {
                    root: dir.path().to_path_buf(),
                    ..Default::default()
                },
                port: Some(0),
                ..ServeOptions::default()
            },
            Box::new(|rebuilt: &studysite::serve::Rebuilt| {
                if std::env::var_os("STUDYSITE_STEPS").is_some() {
                    let steps: Vec<String> = rebuilt
                        .update
                        .steps
                        .iter()
                        .map(|(n, t)| format!("{n} {:.1}", t.as_secs_f64() * 1000.0))
                        .collect();
                    eprintln!("steps: {}", steps.join(", "));
                }
            }),
        )
        .unwrap();
        println!(
            "{n} notes: first build in memory {:.2} s, {} MB resident",
            started.elapsed().as_secs_f64(),
            resident_mb().unwrap_or(0)
        );
        let addr = running.addr.to_string();
        let mut events = http::Events::connect(&addr, "/__studysite/events");
        events.next(Duration::from_secs(10)).expect("hello");
        for (label, count, change) in [
            ("body edit", EDITS, Change::Body),
            ("title edit", STRUCTURAL_EDITS, Change::Title),
            ("new note", STRUCTURAL_EDITS, Change::NewNote),
            ("rename", STRUCTURAL_EDITS, Change::Rename),
        ] {
            let word = label.split(' ').next().unwrap_or(label);
            if !picked.is_empty() && !picked.iter().any(|p| p == word) {
                continue;
            }
            let mut latencies = Vec::new();
            let mut rebuild_ms = Vec::new();
            let mut cpu = Duration::ZERO;
            let mut rendered = Vec::new();
            for k in 0..count {
                let i = (k * 97 + 13) % n;
                let content = dir.path().join("content");
                let path = content.join(corpus::note_path(i));
                let saved;
                let cpu_before;
                match change {
                    Change::Body | Change::Title => {
                        let mut text = fs::read_to_string(&path).unwrap();
                        if change == Change::Title {
                            text = text.replacen(
                                &format!("title: Note {i} on"),
                                &format!("title: Note {i} edit {k} on"),
                                1,
                            );
                        } else {
                            text.push_str(&format!("\nAn edit number {k} about spot capacity.\n"));
                        }
                        cpu_before = cpu_time();
                        saved = Instant::now();
                        fs::write(&path, text).unwrap();
                    }
                    Change::NewNote => {
                        let target = corpus::note_path(i);
                        let target = target.trim_end_matches(".md");
                        let text = format!(
                            "---\ntitle: Added {k}\ntags: [added]\n---\n# Added {k}\n\nA new note on [[{target}]] and spot capacity.\n"
                        );
                        fs::create_dir_all(content.join("added")).unwrap();
                        cpu_before = cpu_time();
                        saved = Instant::now();
                        fs::write(content.join(format!("added/note-{k}.md")), text).unwrap();
                    }
                    Change::Rename => {
                        let to = path.with_file_name(format!("renamed-{k}.md"));
                        cpu_before = cpu_time();
                        saved = Instant::now();
                        fs::rename(&path, &to).unwrap();
                    }
                }
                let message = events.wait_for(Duration::from_secs(60), |m| m["reload"] == true);
                latencies.push(saved.elapsed().as_secs_f64() * 1000.0);
                if let (Some(a), Some(b)) = (cpu_before, cpu_time()) {
                    cpu += b.saturating_sub(a);
                }
                rebuild_ms.push(message["ms"].as_f64().unwrap_or(0.0));
                rendered.push(message["rendered"].as_u64().unwrap_or(0));
                // Let the watcher go quiet so edits do not merge into one batch.
                std::thread::sleep(Duration::from_millis(60));
            }
            latencies.sort_by(f64::total_cmp);
            rebuild_ms.sort_by(f64::total_cmp);
            let pages = rendered.iter().sum::<u64>() as f64 / rendered.len() as f64;
            println!(
                "{n} notes, {label}: save → reload event p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (rebuild itself p50 {:.1} ms; CPU {:.0} ms per edit; {:.1} pages rendered per edit, {count} edits)",
                percentile(&latencies, 0.5),
                percentile(&latencies, 0.95),
                latencies.last().unwrap(),
                percentile(&rebuild_ms, 0.5),
                cpu.as_secs_f64() * 1000.0 / count as f64,
                pages,
            );
        }
        running.stop();
    }
}
