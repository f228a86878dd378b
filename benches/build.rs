//! Build-time benchmark: generates vaults of 1,000 and 10,000 notes (or the sizes given as
//! arguments) and prints the time of a full build, pages per second, and each stage.
//!
//! `cargo bench --bench build` (or `cargo bench --bench build -- 500 2000`; add
//! `--no-highlight` to build without code highlighting).

#[path = "corpus.rs"]
mod corpus;

use std::time::Instant;

fn main() {
    let sizes = corpus::sizes_from_args();
    let highlight = !std::env::args().any(|a| a == "--no-highlight");
    println!("threads: {}", rayon::current_num_threads());
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        corpus::write_site(dir.path(), n, highlight);
        let generated = started.elapsed();
        let options = studysite::BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        };
        let mut runs = Vec::new();
        for run in 0..3 {
            let report = studysite::build(&options).unwrap();
            assert!(
                report.succeeded(),
                "{:?}",
                report.diagnostics.iter().take(5).collect::<Vec<_>>()
            );
            let t = &report.timings;
            println!(
                "{n:>6} notes, run {run}: {:>7.3} s  {:>7.0} pages/s  ({} pages, {} files) load {:.3} parse {:.3} link {:.3} render {:.3} write {:.3}",
                report.elapsed.as_secs_f64(),
                report.pages as f64 / report.elapsed.as_secs_f64(),
                report.pages,
                report.files,
                t.load.as_secs_f64(),
                t.parse.as_secs_f64(),
                t.link.as_secs_f64(),
                t.render.as_secs_f64(),
                t.write.as_secs_f64(),
            );
            runs.push(report.elapsed.as_secs_f64());
        }
        runs.sort_by(f64::total_cmp);
        println!(
            "{n:>6} notes: median {:.3} s (corpus written in {:.2} s)",
            runs[1],
            generated.as_secs_f64()
        );
    }
}
