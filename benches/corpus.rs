//! A generated study vault for benchmarks: `n` notes in folders of about 100, each with front
//! matter, headings, prose, a list, a table, two highlighted code blocks, wikilinks to other
//! notes, tags and a flashcard, like real exam notes.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const WORDS: &[&str] = &[
    "instance",
    "volume",
    "snapshot",
    "region",
    "zone",
    "subnet",
    "gateway",
    "policy",
    "role",
    "bucket",
    "latency",
    "throughput",
    "replica",
    "cluster",
    "partition",
    "capacity",
    "reserved",
    "spot",
    "scaling",
    "listener",
    "target",
    "health",
    "check",
    "identity",
    "token",
    "encryption",
    "key",
    "backup",
    "restore",
    "durable",
    "available",
    "cost",
    "pricing",
    "network",
    "interface",
    "security",
    "group",
    "route",
    "table",
];

/// A deterministic pseudo-random sequence (no dependency, same vault every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }
    fn sentence(&mut self) -> String {
        let n = 8 + self.below(10);
        let mut s: String = (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ");
        s[..1].make_ascii_uppercase();
        s.push('.');
        s
    }
}

/// The path of note `i` relative to the content folder.
pub fn note_path(i: usize) -> String {
    format!("topic-{:03}/note-{i:05}.md", i / 100)
}

/// The text of note `i` of `n`.
pub fn note_text(i: usize, n: usize, rng_seed: u64) -> String {
    let mut rng = Rng(rng_seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut t = String::with_capacity(4096);
    let _ = writeln!(
        t,
        "---\ntitle: Note {i} on {} {}\ntags: [{}, {}]\ndate: 2026-01-{:02}\n---",
        rng.word(),
        rng.word(),
        rng.word(),
        rng.word(),
        1 + i % 28
    );
    let _ = writeln!(
        t,
        "# Note {i}\n\n{} {} [[note-{:05}]] {}\n",
        rng.sentence(),
        rng.sentence(),
        (i + 1) % n,
        rng.sentence()
    );
    for s in 0..4 {
        let _ = writeln!(t, "## Section {s} about {}\n", rng.word());
        let _ = writeln!(
            t,
            "{} {} {}\n",
            rng.sentence(),
            rng.sentence(),
            rng.sentence()
        );
        let target = rng.below(n);
        let _ = writeln!(
            t,
            "- {}\n- {} [[note-{target:05}#Note {target}|see]]\n- {}\n",
            rng.sentence(),
            rng.sentence(),
            rng.sentence()
        );
    }
    let _ = writeln!(
        t,
        "| Option | Latency | Cost |\n|---|---|---|\n| {} | {} ms | ${} |\n| {} | {} ms | ${} |\n",
        rng.word(),
        rng.below(90),
        rng.below(9),
        rng.word(),
        rng.below(90),
        rng.below(9)
    );
    let _ = writeln!(
        t,
        "```bash\naws ec2 describe-instances --filters Name=tag:Name,Values={} --query 'Reservations[].Instances[].InstanceId'\naws s3 cp ./{}.tar.gz s3://bucket-{i}/ --sse aws:kms\n```\n",
        rng.word(),
        rng.word()
    );
    let _ = writeln!(
        t,
        "```python\nimport boto3\n\ndef handler(event, context):\n    client = boto3.client(\"{}\")\n    for item in event.get(\"Records\", []):\n        print(item[\"{}\"], {})\n    return {{\"status\": 200}}\n```\n",
        rng.word(),
        rng.word(),
        i
    );
    let _ = writeln!(
        t,
        "### What is a {} {}? #card\n\n{} #exam-tip\n",
        rng.word(),
        rng.word(),
        rng.sentence()
    );
    t
}

/// Writes a site with `n` notes under `root` (config, content, one `_index.md` per folder).
pub fn write_site(root: &Path, n: usize, highlight: bool) {
    let content = root.join("content");
    fs::create_dir_all(&content).unwrap();
    let config = format!("title = \"Benchmark vault\"\n[markdown]\nhighlight_code = {highlight}\n");
    fs::write(root.join("studysite.toml"), config).unwrap();
    for folder in 0..n.div_ceil(100) {
        let dir = content.join(format!("topic-{folder:03}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: Topic {folder}\n---\nNotes of topic {folder}.\n"),
        )
        .unwrap();
    }
    for i in 0..n {
        fs::write(content.join(note_path(i)), note_text(i, n, 42)).unwrap();
    }
}

/// The vault sizes given on the command line, else 1,000 and 10,000 notes.
pub fn sizes_from_args() -> Vec<usize> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    }
}
