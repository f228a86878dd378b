//! Diagram build times: a generated site with 200 mermaid diagrams of mixed kinds, built once
//! with an empty cache (cold) and again with the cache filled (warm).
//!
//! Run with `cargo bench --bench diagrams`.

use std::fmt::Write as _;
use std::fs;
use std::time::Instant;
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

fn site(root: &std::path::Path) {
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

fn build(root: &std::path::Path) -> (f64, BuildReport) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let started = Instant::now();
    let report = studysite::build(&options).expect("build runs");
    (started.elapsed().as_secs_f64() * 1000.0, report)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    site(dir.path());
    let total = NOTES * PER_NOTE;
    println!(
        "site: {NOTES} notes, {total} mermaid diagrams, {} threads",
        rayon::current_num_threads()
    );
    for run in ["cold", "warm"] {
        let (ms, report) = build(dir.path());
        assert!(report.succeeded(), "{:#?}", report.diagnostics);
        let stage = report.timings.diagrams.as_secs_f64() * 1000.0;
        let d = report.diagrams;
        println!(
            "{run}: build {ms:8.1} ms | diagram stage {stage:8.1} ms = {:6.2} ms/diagram | rendered {} cached {} browser {} (of {} distinct)",
            stage / total as f64,
            d.rendered,
            d.cached,
            d.browser,
            d.distinct
        );
    }
}
