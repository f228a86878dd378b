//! What a user's build costs: the shared corpus (`../shared/bench/make_corpus.py`, the one
//! PEERS.md measured Zola and Hugo on) at each size, built by the `studysite` binary in a child
//! process, printing per size the cold, warm-cache and nothing-changed wall time, pages per
//! second, peak RSS, output bytes and the stage breakdown.
//!
//! - cold: no output folder and no cache (a fresh `XDG_CACHE_HOME`);
//! - warm cache: the caches of a previous build kept, no output folder;
//! - unchanged: the output and caches kept, nothing edited.
//!
//! `cargo bench --bench build` (1,000 and 10,000 notes), `cargo bench --bench build -- 1000
//! 10000 100000`, `--runs N` (default 3; the median is printed). Without `../shared`, the
//! crate's own generated vault (`benches/corpus.rs`) is used and the output says so.

#[path = "corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One build of one kind.
struct Run {
    wall: Duration,
    rss_mb: f64,
    stages: String,
    summary: String,
}

/// Which state a build starts from.
#[derive(Clone, Copy)]
enum Start {
    Cold,
    WarmCache,
    Unchanged,
}

impl Start {
    fn name(self) -> &'static str {
        match self {
            Start::Cold => "cold",
            Start::WarmCache => "warm cache",
            Start::Unchanged => "unchanged",
        }
    }
}

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 3;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(3),
            "--bench" => {}
            other => {
                if let Ok(n) = other.replace(['_', ','], "").parse::<usize>() {
                    sizes.push(n);
                }
            }
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_studysite"));
    let work = tempfile::tempdir().unwrap();
    println!(
        "studysite {} on {} cores; median of {runs} (one run at 100,000 notes and more)",
        env!("CARGO_PKG_VERSION"),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut table = Vec::new();
    for n in sizes {
        let site = work.path().join(format!("c{n}"));
        let corpus = make_corpus(&site, n);
        let runs = if n >= 100_000 { 1 } else { runs };
        let cache = work.path().join(format!("cache{n}"));
        for start in [Start::Cold, Start::WarmCache, Start::Unchanged] {
            let mut done: Vec<Run> = (0..runs)
                .map(|_| build(&binary, &site, &cache, start))
                .collect();
            done.sort_by_key(|r| r.wall);
            let median = done.swap_remove(done.len() / 2);
            let pages = pages_of(&median.summary);
            let bytes = folder_bytes(&site.join("public"));
            println!(
                "{n:>7} notes ({corpus}), {:<10} {:>7.2} s  {:>6.0} pages/s  {:>5.0} MB RSS  {:>5.0} MB output\n          {}\n          {}",
                start.name(),
                median.wall.as_secs_f64(),
                pages as f64 / median.wall.as_secs_f64(),
                median.rss_mb,
                bytes as f64 / 1e6,
                median.stages,
                median.summary,
            );
            table.push(format!(
                "| {n} | {} | {:.2} | {:.0} | {:.0} | {:.0} |",
                start.name(),
                median.wall.as_secs_f64(),
                pages as f64 / median.wall.as_secs_f64(),
                median.rss_mb,
                bytes as f64 / 1e6
            ));
        }
        let _ = std::fs::remove_dir_all(&site);
        let _ = std::fs::remove_dir_all(&cache);
    }
    println!("\n| notes | start | wall s | pages/s | peak RSS MB | output MB |");
    println!("|---:|---|---:|---:|---:|---:|");
    for row in table {
        println!("{row}");
    }
}

/// Writes the shared corpus of `n` notes into `site` (or our own when ../shared is absent);
/// returns which.
fn make_corpus(site: &Path, n: usize) -> &'static str {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/make_corpus.py");
    if script.is_file() {
        let status = Command::new("python3")
            .arg(&script)
            .args(["--n", &n.to_string(), "--out"])
            .arg(site)
            .stdout(Stdio::null())
            .status()
            .expect("python3 runs");
        assert!(status.success(), "make_corpus.py failed");
        "shared corpus"
    } else {
        corpus::write_site(site, n, true);
        "own corpus: ../shared not found"
    }
}

/// One build from `start`, timed, with its peak RSS read from the kernel's accounting of the
/// child alone.
fn build(binary: &Path, site: &Path, cache: &Path, start: Start) -> Run {
    let output = site.join("public");
    match start {
        Start::Cold => {
            let _ = std::fs::remove_dir_all(&output);
            let _ = std::fs::remove_dir_all(cache);
            let _ = std::fs::remove_dir_all(site.join(".studysite-cache"));
        }
        Start::WarmCache => {
            let _ = std::fs::remove_dir_all(&output);
        }
        Start::Unchanged => {}
    }
    let started = Instant::now();
    let child = Command::new(binary)
        .args(["--verbose", "build", "--root"])
        .arg(site)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("studysite runs");
    let (out, err, rss_kb) = wait_with_rusage(child);
    let wall = started.elapsed();
    let text = format!("{out}{err}");
    let line = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or("")
            .to_string()
    };
    let summary = line("Built ");
    assert!(!summary.is_empty(), "the build failed:\n{text}");
    Run {
        wall,
        rss_mb: rss_kb as f64 / 1024.0,
        stages: line("stages:"),
        summary,
    }
}

/// Waits for `child`, reading its output, and returns it with the child's peak RSS in kB.
fn wait_with_rusage(mut child: std::process::Child) -> (String, String, i64) {
    use std::io::Read;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: wait4 on our own child's pid, with valid pointers.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    (out.join().unwrap(), err.join().unwrap(), usage.ru_maxrss)
}

/// The page count in a summary line (`Built 1000 notes into 1116 pages …`).
fn pages_of(summary: &str) -> usize {
    summary
        .split(" into ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .unwrap_or(0)
}

/// Bytes of the files under `dir`.
fn folder_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}
