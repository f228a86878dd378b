//! Diagram build times: a generated site with 200 mermaid diagrams of mixed kinds, built once
//! with an empty cache (cold) and again with the cache filled (warm).
//!
//! Run with `cargo bench --bench diagrams`. With `-- compare [--svg DIR] PATH…` it instead
//! lays out every flowchart found in the given files and folders (```` ```mermaid ```` blocks
//! in `.md` and `.txt` files), plus this bench's own and `benches/hard-flowcharts.md`, with
//! the crate's layout and with ours, and prints the readability counts of both (crossings,
//! edges through nodes, label collisions, node overlaps) and their times.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;
use studysite::diagrams::compare::{Quality, compare};
use studysite::{BuildOptions, BuildReport};

const NOTES: usize = 40;
const PER_NOTE: usize = 5;

/// The `i`-th diagram: kinds rotate, labels carry `i` so every diagram is distinct.
fn diagram(i: usize) -> String {
    match i % 7 {
        0 => format!(
            "flowchart TD\n  a{i}([\"Start {i}\"]) --> b{{\"Check<br/>step {i}?\"}}\n  b -->|Yes| c[\"Do the thing\"]\n  b -->|No| d[\"Skip\"]\n  subgraph s [\"Group {i}\"]\n    c --> e[\"Finish\"]\n  end\n  d --> e\n  classDef hot fill:#fde68a,stroke:#b45309\n  class c hot\n"
        ),
        1 => format!(
            "flowchart LR\n  u[User {i}] -->|request| lb[Load balancer]\n  lb --> w1[Web 1]\n  lb --> w2[Web 2]\n  w1 --> db[(Database)]\n  w2 --> db\n"
        ),
        2 => format!(
            "sequenceDiagram\n  participant C as Client {i}\n  participant S as Server\n  C->>S: request {i}\n  loop retry\n    S-->>C: busy\n  end\n  alt ok\n    S-->>C: 200\n  else error\n    S-->>C: 500\n  end\n  Note over C,S: done\n"
        ),
        3 => format!(
            "stateDiagram-v2\n  [*] --> pending\n  pending --> running : start {i}\n  running --> stopped : stop\n  stopped --> pending : restart\n  stopped --> [*]\n"
        ),
        4 => format!(
            "classDiagram\n  class Volume{i} {{\n    +int size\n    +attach()\n  }}\n  class Snapshot\n  Volume{i} <|-- Snapshot\n"
        ),
        5 => format!(
            "erDiagram\n  CUSTOMER{i} ||--o{{ ORDER : places\n  ORDER ||--|{{ LINE : contains\n"
        ),
        _ => format!("pie title Storage {i}\n  \"gp3\" : 50\n  \"io2\" : 30\n  \"st1\" : 20\n"),
    }
}

fn site(root: &Path) {
    fs::write(
        root.join("studysite.toml"),
        "title = \"Diagram bench\"\n[mermaid]\ncache_dir = \".cache/mermaid\"\n",
    )
    .unwrap();
    for n in 0..NOTES {
        let mut note = format!("# Note {n}\n\nSome text.\n\n");
        for d in 0..PER_NOTE {
            let i = n * PER_NOTE + d;
            writeln!(note, "## Diagram {i}\n\n```mermaid\n{}```\n", diagram(i)).unwrap();
        }
        let dir = root.join("content").join(format!("part{}", n % 4));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("note-{n}.md")), note).unwrap();
    }
}

fn build(root: &Path) -> (f64, BuildReport) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let started = Instant::now();
    let report = studysite::build(&options).expect("build runs");
    (started.elapsed().as_secs_f64() * 1000.0, report)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("compare") => return compare_layouts(&args[1..]),
        Some("draw") => return draw_all(&args[1..]),
        Some("scale") => return scale(),
        _ => {}
    }
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let total = NOTES * PER_NOTE;
    println!(
        "site: {NOTES} notes, {total} mermaid diagrams, {} threads",
        rayon::current_num_threads()
    );
    for run in ["cold", "warm"] {
        let cpu = cpu_seconds();
        let (ms, report) = build(dir.path());
        let cpu = cpu_seconds() - cpu;
        assert!(report.succeeded(), "{:#?}", report.diagnostics);
        let stage = report.timings.diagrams.as_secs_f64() * 1000.0;
        let d = report.diagrams;
        println!(
            "{run}: build {ms:8.1} ms ({cpu:.2} s CPU) | diagram stage {stage:8.1} ms = {:6.2} ms/diagram | rendered {} cached {} browser {} (of {} distinct)",
            stage / total as f64,
            d.rendered,
            d.cached,
            d.browser,
            d.distinct
        );
    }
}

/// The mermaid blocks of a markdown text.
fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line.trim_start().starts_with("```mermaid") => current = Some(String::new()),
            Some(_) if line.trim_start().starts_with("```") => out.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

fn flowcharts_in(path: &Path, into: &mut BTreeSet<String>) {
    for entry in walkdir::WalkDir::new(path).into_iter().flatten() {
        let p = entry.path();
        if !p.extension().is_some_and(|x| x == "md" || x == "txt") {
            continue;
        }
        let Ok(text) = fs::read_to_string(p) else {
            continue;
        };
        into.extend(blocks(&text).into_iter().filter(|b| {
            let head = b.split_whitespace().next().unwrap_or("");
            head == "flowchart" || head == "graph"
        }));
    }
}

/// CPU seconds this process has used so far (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<f64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    // utime and stime are fields 14 and 15 of the line: 11 and 12 after the name.
    (fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0)) / 100.0
}

/// Time to draw one flowchart tree of n nodes (each node's parent is (i - 1) / 3), and one
/// with extra cross links and labels, through the whole pipeline (one thread).
fn scale() {
    let options = studysite::diagrams::DiagramOptions::new(
        &studysite::config::MermaidConfig::default(),
        None,
    );
    for n in [4usize, 40, 500, 1_000, 2_000] {
        let mut tree = String::from("flowchart TD\n");
        let mut dense = String::from("flowchart LR\n");
        for i in 1..n {
            writeln!(tree, "  n{} --> n{i}", (i - 1) / 3).unwrap();
            writeln!(dense, "  n{} -->|step {i}| n{i}", (i - 1) / 3).unwrap();
            if i % 4 == 0 {
                writeln!(dense, "  n{i} --> n{}", (i * 7 + 3) % n).unwrap();
            }
        }
        for (name, src) in [("tree", &tree), ("labelled, cross links", &dense)] {
            let started = Instant::now();
            let outcome = studysite::diagrams::draw(src, &options);
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let drawn = matches!(outcome, studysite::diagrams::Outcome::Svg { .. });
            println!("{n:5} nodes, {name}: {ms:9.1} ms, drawn: {drawn}");
        }
    }
}

/// Draws every distinct diagram found in the given files and folders, as the build's diagram
/// stage does (in parallel, no cache), and prints wall and CPU time.
fn draw_all(args: &[String]) {
    use rayon::prelude::*;
    let mut sources = BTreeSet::new();
    for a in args {
        for entry in walkdir::WalkDir::new(a).into_iter().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|x| x == "md" || x == "txt")
                && let Ok(text) = fs::read_to_string(p)
            {
                sources.extend(blocks(&text));
            }
        }
    }
    let sources: Vec<String> = sources.into_iter().collect();
    let options = studysite::diagrams::DiagramOptions::new(
        &studysite::config::MermaidConfig::default(),
        None,
    );
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let outcomes: Vec<studysite::diagrams::Outcome> = sources
        .par_iter()
        .map(|s| studysite::diagrams::draw(s, &options))
        .collect();
    let (wall, cpu) = (wall.elapsed(), cpu_seconds() - cpu);
    let mut drawn = 0;
    for (source, outcome) in sources.iter().zip(&outcomes) {
        let first = source.lines().next().unwrap_or("");
        match outcome {
            studysite::diagrams::Outcome::Svg { normalized, .. } => {
                drawn += 1;
                if !normalized.is_empty() {
                    println!("normalised ({first}): {}", normalized.join("; "));
                }
            }
            studysite::diagrams::Outcome::Browser { reason } => {
                println!("not drawn ({first}): {}", reason.as_deref().unwrap_or(""));
            }
            studysite::diagrams::Outcome::Invalid { message } => println!("invalid: {message}"),
        }
    }
    println!(
        "{} distinct diagrams, {drawn} drawn: {:.0} ms wall, {cpu:.2} s CPU ({} threads)",
        sources.len(),
        wall.as_secs_f64() * 1000.0,
        rayon::current_num_threads()
    );
}

fn compare_layouts(args: &[String]) {
    let mut svg_dir: Option<PathBuf> = None;
    let mut sets: Vec<(String, BTreeSet<String>)> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--svg" {
            svg_dir = it.next().map(PathBuf::from);
            continue;
        }
        let mut set = BTreeSet::new();
        flowcharts_in(Path::new(a), &mut set);
        sets.push((a.clone(), set));
    }
    let own: BTreeSet<String> = (0..14)
        .map(diagram)
        .filter(|d| d.starts_with("flowchart"))
        .collect();
    sets.push(("benches/diagrams.rs".into(), own));
    let mut hard = BTreeSet::new();
    flowcharts_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hard-flowcharts.md"),
        &mut hard,
    );
    sets.push(("benches/hard-flowcharts.md".into(), hard));
    if let Some(dir) = &svg_dir {
        fs::create_dir_all(dir).unwrap();
    }
    println!(
        "| diagrams | flowcharts | crossings (crate / ours) | edges through nodes | label collisions | node overlaps | edges through group titles | layout ms (crate / ours) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut shown = 0;
    for (name, set) in &sets {
        let (mut theirs, mut ours) = (Quality::default(), Quality::default());
        let (mut t_ms, mut o_ms, mut n) = (0.0, 0.0, 0);
        for source in set {
            let Some(c) = compare(source) else {
                eprintln!("not compared: {}", source.lines().next().unwrap_or(""));
                continue;
            };
            theirs = theirs + c.crate_layout;
            ours = ours + c.ours;
            t_ms += c.crate_ms;
            o_ms += c.ours_ms;
            n += 1;
            if let Some(dir) = &svg_dir
                && shown < 400
            {
                fs::write(dir.join(format!("{shown:03}-crate.svg")), &c.svgs.0).unwrap();
                fs::write(dir.join(format!("{shown:03}-ours.svg")), &c.svgs.1).unwrap();
                shown += 1;
            }
        }
        println!(
            "| {name} | {n} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} | {t_ms:.0} / {o_ms:.1} |",
            theirs.crossings,
            ours.crossings,
            theirs.edge_node,
            ours.edge_node,
            theirs.label_collisions,
            ours.label_collisions,
            theirs.node_overlaps,
            ours.node_overlaps,
            theirs.title_crossings,
            ours.title_crossings,
        );
    }
}
