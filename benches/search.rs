//! Search index benchmark: for generated vaults of 1,000 and 10,000 notes, the index's bytes
//! and shards, the time to build it (alone, and as a share of a full build), and, in headless
//! Chromium, the bytes one query session loads (20 sample queries typed key by key: median and
//! max) and the time from a keystroke to its results.
//!
//! `cargo bench --bench search` uses `/tmp/corpus/c1000` and `/tmp/corpus/c10000` when they
//! exist (the shared corpus, `make_corpus.py`), else generates vaults; give sizes or folders
//! as arguments to choose (`cargo bench --bench search -- 1000 /path/to/vault`).

#[path = "../tests/common/browser.rs"]
#[allow(dead_code)]
mod browser;
#[path = "corpus.rs"]
mod corpus;
#[path = "support/search_session.rs"]
mod session;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use studysite::{BuildOptions, search};

/// A vault to measure: a folder with `content/` (copied from the shared corpus or generated).
fn vault(arg: &str, keep: &Path) -> PathBuf {
    let shared = PathBuf::from(format!("/tmp/corpus/c{arg}"));
    let source = if Path::new(arg).is_dir() {
        Some(PathBuf::from(arg))
    } else if shared.is_dir() {
        Some(shared)
    } else {
        None
    };
    let root = keep.join(format!("site-{}", arg.replace('/', "_")));
    if !root.join("content").is_dir() {
        std::fs::create_dir_all(&root).unwrap();
        match source {
            Some(from) => copy_notes(&from, &root.join("content")),
            None => corpus::write_site(&root, arg.parse().expect("a size or a folder"), true),
        }
    }
    root
}

fn copy_notes(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else if rel.extension().is_some_and(|e| e == "md") {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The site as the build assembles it, to time the index alone.
fn assembled(root: &Path) -> studysite::site::Site {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let state = studysite::pipeline::State::open(&options).unwrap();
    state.linked.site
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let sizes = if args.is_empty() {
        vec!["1000".to_string(), "10000".to_string()]
    } else {
        args
    };
    let keep = std::env::temp_dir().join("studysite-search-bench");
    println!("threads: {}", rayon::current_num_threads());
    for arg in sizes {
        let root = vault(&arg, &keep);
        let site = assembled(&root);
        let mut alone = Vec::new();
        let mut index = search::SearchIndex::default();
        let cpu_before = cpu_seconds();
        for _ in 0..5 {
            let started = Instant::now();
            index = search::build_index(&site);
            alone.push(started.elapsed().as_secs_f64());
        }
        let cpu = (cpu_seconds() - cpu_before) / 5.0;
        let stats = index.stats().clone();
        let cpu0 = cpu_seconds();
        let pages: Vec<&studysite::site::Page> = site.pages.values().collect();
        let mut scratch = search::extract::Scratch::default();
        let entries: Vec<search::NoteEntry> = pages
            .iter()
            .map(|p| search::extract::note_entry_with(p, &mut scratch))
            .collect();
        let cpu1 = cpu_seconds();
        let refs: Vec<&search::NoteEntry> = entries.iter().collect();
        let merged = search::merge(&refs);
        let cpu2 = cpu_seconds();
        println!(
            "{arg}: entries {:.0} ms CPU, merge {:.0} ms CPU ({} files)",
            (cpu1 - cpu0) * 1e3,
            (cpu2 - cpu1) * 1e3,
            merged.files().len()
        );
        drop(merged);
        drop(entries);
        // What `serve` redoes after a body edit: every entry but one from the cache, the merge.
        let mut cache = search::SearchCache::default();
        let _ = cache.index(&site);
        let mut again = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            let _ = cache.index(&site);
            again.push(started.elapsed().as_secs_f64());
        }
        println!(
            "{arg}: re-index after an edit (cached entries, full merge): {:.0} ms (median of 5)",
            median(again) * 1e3
        );
        drop(site);
        if std::env::var("SEARCH_BENCH_INDEX_ONLY").is_ok() {
            println!(
                "{arg}: index alone {:.0} ms, {:.0} ms CPU",
                median(alone) * 1e3,
                cpu * 1e3
            );
            continue;
        }
        let options = BuildOptions {
            root: root.clone(),
            ..BuildOptions::default()
        };
        // Cold: no output and no caches, as a first build.
        let _ = std::fs::remove_dir_all(root.join("public"));
        let _ = std::fs::remove_dir_all(root.join(".studysite-cache"));
        let cold = studysite::build(&options).unwrap();
        println!(
            "{arg}: cold build {:.2} s, index {:.0} ms of it ({:.1}%, building and writing)",
            cold.elapsed.as_secs_f64(),
            cold.search.elapsed.as_secs_f64() * 1e3,
            100.0 * cold.search.elapsed.as_secs_f64() / cold.elapsed.as_secs_f64()
        );
        let mut shares = Vec::new();
        let mut builds = Vec::new();
        for _ in 0..3 {
            let report = studysite::build(&options).unwrap();
            assert!(report.succeeded(), "{:?}", report.diagnostics.iter().next());
            builds.push(report.elapsed.as_secs_f64());
            shares.push(report.search.elapsed.as_secs_f64() / report.elapsed.as_secs_f64());
        }
        let site_bytes = folder_bytes(&root.join("public"));
        println!(
            "{arg}: {} notes, {} sections, {} terms; index {:.2} MB ({:.2} MB note text) in {} files: {} term shards, {} dictionary shards; site {:.1} MB, index {:.1}% of it",
            stats.notes,
            stats.records,
            stats.terms,
            stats.bytes as f64 / 1e6,
            stats.doc_bytes as f64 / 1e6,
            stats.files,
            stats.term_shards,
            stats.dict_shards,
            site_bytes as f64 / 1e6,
            100.0 * stats.bytes as f64 / (site_bytes - stats.bytes) as f64,
        );
        println!(
            "{arg}: index built alone in {:.0} ms (median of 5; {:.0} ms of CPU); full build {:.2} s (median of 3, warm caches), index {:.1}% of it (building and writing)",
            median(alone) * 1e3,
            cpu * 1e3,
            median(builds),
            100.0 * median(shares),
        );
        session::measure(&arg, &root.join("public"));
    }
    let _ = Duration::ZERO;
}

/// CPU time of this process so far (user + system), from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

fn folder_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum()
}
