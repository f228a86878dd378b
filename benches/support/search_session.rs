//! The browser half of the search benchmark: on a built site served over loopback HTTP,
//! headless Chromium types each sample query key by key (a fresh page per query, so every
//! query session starts with nothing loaded), then the files the page loaded are summed from
//! disk, and the time from each keystroke to its results is read from `search.js`.

use super::browser::{Cdp, FileServer, chromium};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// Queries in the generated vault's words: single words, pairs, typos, filters, a phrase.
pub const QUERIES: &[&str] = &[
    "rollout",
    "idempotency",
    "circuit breaker",
    "replica snapshot",
    "kubelet",
    "terraform",
    "tombstone compaction",
    "error budget",
    "blue green deployment",
    "webhook",
    "quorum",
    "sidecar mesh",
    "backpressure",
    "hypervisor",
    "obsrvability",
    "retyr",
    "tag:storage",
    "in:005-observability/ pager",
    "\"error budget\"",
    "concurrency policy 4137",
];

const WAIT: Duration = Duration::from_secs(60);
/// Time between keystrokes: a fast typist (whose keys the search box coalesces), and a slow
/// one (every key runs a search).
const KEY_MS: [u64; 2] = [120, 300];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Prints bytes per query session (median, max) and keystroke-to-results times, for a fast
/// and a slow typist.
pub fn measure(label: &str, public: &Path) {
    let Some(chromium) = chromium() else {
        println!("{label}: no Chromium, query sessions not measured");
        return;
    };
    for key_ms in KEY_MS {
        measure_typing(
            &chromium,
            &format!("{label}, {key_ms} ms/key"),
            public,
            key_ms,
        );
    }
}

fn measure_typing(chromium: &Path, label: &str, public: &Path, key_ms: u64) {
    let server = FileServer::start(public);
    let start = format!("{}/", server.base);
    let mut browser = Cdp::launch(chromium, &start);
    let mut sessions: Vec<(u64, usize, &str)> = Vec::new();
    let mut keystrokes: Vec<f64> = Vec::new();
    for query in QUERIES {
        browser.call("Page.navigate", json!({ "url": start }));
        browser.wait_for(
            "document.readyState === 'complete' && window.studysiteSearch && document.getElementById('search-input')",
            WAIT,
        );
        browser.eval("document.getElementById('search-input').focus()");
        for c in query.chars() {
            browser.call("Input.insertText", json!({ "text": c.to_string() }));
            std::thread::sleep(Duration::from_millis(key_ms));
        }
        let wanted = serde_json::to_string(query).unwrap();
        browser.wait_for(
            &format!(
                "studysiteSearch.timings.length && studysiteSearch.timings[studysiteSearch.timings.length - 1].query === {wanted}"
            ),
            WAIT,
        );
        let loaded = browser.eval("studysiteSearch.loaded");
        let files: Vec<String> = loaded
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let bytes: u64 = files
            .iter()
            .map(|f| std::fs::metadata(public.join("search").join(f)).map_or(0, |m| m.len()))
            .sum();
        let times = browser.eval("studysiteSearch.timings.map(t => t.ms)");
        keystrokes.extend(times.as_array().unwrap().iter().filter_map(|v| v.as_f64()));
        let first = browser.eval(
            "(document.querySelector('#search-option-0 .search-title') || {}).textContent || ''",
        );
        println!(
            "{label}:   {query:<30} {:>4} files {:>7.1} kB  first: {}",
            files.len(),
            bytes as f64 / 1e3,
            first.as_str().unwrap_or("")
        );
        sessions.push((bytes, files.len(), query));
    }
    let mut bytes: Vec<u64> = sessions.iter().map(|s| s.0).collect();
    bytes.sort_unstable();
    let max = sessions.iter().max_by_key(|s| s.0).unwrap();
    println!(
        "{label}: bytes loaded per query session: median {:.1} kB, max {:.1} kB (`{}`), over {} queries typed key by key",
        bytes[bytes.len() / 2] as f64 / 1e3,
        max.0 as f64 / 1e3,
        max.2,
        sessions.len()
    );
    keystrokes.sort_by(f64::total_cmp);
    println!(
        "{label}: keystroke to results in Chromium: median {:.0} ms, p95 {:.0} ms, max {:.0} ms ({} keystrokes; includes loading the shards)",
        percentile(&keystrokes, 0.5),
        percentile(&keystrokes, 0.95),
        percentile(&keystrokes, 1.0),
        keystrokes.len()
    );
}
