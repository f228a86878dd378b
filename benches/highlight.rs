//! Highlighting benchmark: parses every note of a vault the way a build does (markdown and
//! code highlighting, in parallel) with no cache, with the line memo off, and with a warm
//! cache, and prints wall and CPU time, blocks, and the bytes of highlighted code markup.
//!
//! `cargo bench --bench highlight -- DIR…` (a vault folder each, e.g. the shared corpus
//! `/tmp/corpus/c10000`); without a folder, a generated 1,000-note vault. `--cold` runs only
//! the cold parse (to profile it).

#[path = "corpus.rs"]
mod corpus;

use std::time::{Duration, Instant};
use studysite::markdown::Highlighter;
use studysite::project::Project;

/// CPU time of this process so far (user + system), from /proc (Linux).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn run(project: &Project, label: &str, highlighter: Highlighter) {
    let (vault, _) = studysite::vault::load(&project.load_options());
    let notes: Vec<_> = vault.notes.into_values().collect();
    let cpu = cpu_time();
    let started = Instant::now();
    let parsed = studysite::pipeline::stages::parse(notes, project, &highlighter, None);
    highlighter.save_cache().expect("cache written");
    let wall = started.elapsed();
    let cpu = cpu.zip(cpu_time()).map(|(a, b)| b - a).unwrap_or_default();
    let mut markup = 0usize;
    let mut blocks = 0usize;
    for (_, p) in &parsed {
        for event in p.events.get().iter() {
            if let pulldown_cmark::Event::Html(html) = event
                && html.starts_with("<pre class=\"code highlighted\"")
            {
                markup += html.len();
                blocks += 1;
            }
        }
    }
    let stats = highlighter.stats();
    println!(
        "{label:<28} {:>7.3} s wall {:>7.3} s cpu  {blocks} blocks ({} highlighted, {} repeated, {} cached), {:.2} MB code markup",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        stats.highlighted,
        stats.repeated,
        stats.cached,
        markup as f64 / 1e6
    );
}

fn main() {
    let mut dirs: Vec<std::path::PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(Into::into)
        .collect();
    let generated = tempfile::tempdir().unwrap();
    if dirs.is_empty() {
        corpus::write_site(generated.path(), 1000, true);
        dirs.push(generated.path().to_path_buf());
    }
    println!("threads: {}", rayon::current_num_threads());
    for dir in dirs {
        println!("{}", dir.display());
        let options = studysite::BuildOptions {
            root: dir.clone(),
            ..Default::default()
        };
        let (project, _) = Project::open(&options).expect("site opens");
        let colored = studysite::theme::colored_classes(
            &project.config.markdown.highlight_theme_light,
            &project.config.markdown.highlight_theme_dark,
        )
        .expect("themes known");
        let cache = tempfile::tempdir().unwrap();
        let cache_file = cache.path().join("highlight.bin");
        for _ in 0..2 {
            run(&project, "cold", Highlighter::default().coloring(colored));
        }
        if std::env::args().any(|a| a == "--cold") {
            continue;
        }
        run(
            &project,
            "cold, no line memo",
            Highlighter::default()
                .coloring(colored)
                .remembering_lines(false),
        );
        run(
            &project,
            "cold, filling the cache",
            Highlighter::with_cache(cache_file.clone()).coloring(colored),
        );
        run(
            &project,
            "warm cache",
            Highlighter::with_cache(cache_file).coloring(colored),
        );
    }
}
