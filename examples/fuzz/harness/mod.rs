//! The fuzz harness, shared by the `fuzz` example (long runs) and the `fuzz_smoke` test (CI):
//! targets with their generators and invariants, the runner that catches panics per input,
//! and the minimiser. Stable Rust only: no libFuzzer, a deterministic generator instead.

pub mod config;
pub mod corpus;
mod extras;
mod grammar;
pub mod markdown;
pub mod minimise;
mod mutate;
pub mod names;
pub mod rng;
pub mod runner;
pub mod site;

use corpus::Corpus;
use rng::Rng;
use serde::{Deserialize, Serialize};
use studysite::config::MermaidConfig;
use studysite::diagrams::DiagramOptions;
use studysite::markdown::Highlighter;

/// What every input of a run shares: the corpus, a highlighter, diagram options with a
/// small budget, and a scratch folder for whole sites.
pub struct Ctx {
    /// Real notes, names and configs.
    pub corpus: Corpus,
    /// Note names links point at.
    pub link_names: Vec<String>,
    /// Code highlighting (its syntax set loads once).
    pub highlighter: Highlighter,
    /// How diagrams found in notes are drawn.
    pub diagrams: DiagramOptions,
    /// Where sites are written for the `site` target.
    pub scratch: tempfile::TempDir,
}

impl Ctx {
    /// A context over `corpus`; fails only when no scratch folder can be made.
    pub fn new(corpus: Corpus) -> std::io::Result<Ctx> {
        let mut link_names: Vec<String> = ["alpha", "Beta", "a b", "tags", "日本語", "graph", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        link_names.extend(corpus.names.iter().take(200).map(|n| {
            let stem = n.rsplit('/').next().unwrap_or(n);
            stem.strip_suffix(".md").unwrap_or(stem).to_string()
        }));
        let mermaid = MermaidConfig {
            max_nodes: 150,
            max_edges: 300,
            time_limit: 0.25,
            ..MermaidConfig::default()
        };
        // A RAM-backed folder when there is one: whole sites are written for every input.
        let shm = std::path::Path::new("/dev/shm");
        let scratch = if shm.is_dir() {
            tempfile::tempdir_in(shm)?
        } else {
            tempfile::tempdir()?
        };
        Ok(Ctx {
            corpus,
            link_names,
            highlighter: Highlighter::default(),
            diagrams: DiagramOptions::new(&mermaid, None),
            scratch,
        })
    }
}

/// What is fuzzed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// One note through the markdown passes, renderers, mojibake scan and diagrams.
    Markdown,
    /// Small whole sites built in memory, edited, and compared with fresh builds.
    Site,
    /// `studysite.toml` texts.
    Config,
    /// File names and paths through the URL scheme.
    Names,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 4] = [
        Target::Markdown,
        Target::Site,
        Target::Config,
        Target::Names,
    ];

    /// The target's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::Markdown => "markdown",
            Target::Site => "site",
            Target::Config => "config",
            Target::Names => "names",
        }
    }

    /// The target called `name`.
    pub fn parse(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Input `index` of a run seeded with `seed`.
    pub fn generate(self, seed: u64, index: u64, ctx: &Ctx) -> Input {
        let mut rng = Rng::for_input(seed, self.name(), index);
        match self {
            Target::Markdown => Input::Markdown {
                text: markdown::generate(&mut rng, ctx),
            },
            Target::Site => Input::Site(site::generate(&mut rng, ctx)),
            Target::Config => Input::Config {
                text: config::generate(&mut rng, ctx),
            },
            Target::Names => Input::Names {
                names: names::generate(&mut rng, ctx),
            },
        }
    }
}

/// One input of one target, as saved when it fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "lowercase")]
pub enum Input {
    /// A note's whole text.
    Markdown {
        /// The text.
        text: String,
    },
    /// A site and edits to it.
    Site(site::SiteInput),
    /// A config file's text.
    Config {
        /// The text.
        text: String,
    },
    /// A few names.
    Names {
        /// The names.
        names: Vec<String>,
    },
}

impl Input {
    /// Runs the input through its target; `Err` is a broken invariant (a panic unwinds).
    pub fn check(&self, ctx: &Ctx) -> Result<(), String> {
        match self {
            Input::Markdown { text } => markdown::check(text, ctx),
            Input::Site(site) => site::check(site, ctx),
            Input::Config { text } => config::check(text),
            Input::Names { names } => names::check(names),
        }
    }

    /// The input's target.
    pub fn target(&self) -> Target {
        match self {
            Input::Markdown { .. } => Target::Markdown,
            Input::Site(_) => Target::Site,
            Input::Config { .. } => Target::Config,
            Input::Names { .. } => Target::Names,
        }
    }

    /// The texts inside the input, for the minimiser: it shortens each and drops what it can.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        match self {
            Input::Markdown { text } | Input::Config { text } => vec![text],
            Input::Names { names } => names.iter_mut().collect(),
            Input::Site(site) => site
                .files
                .iter_mut()
                .chain(site.edits.iter_mut().flatten())
                .flat_map(|f| f.text.as_mut())
                .collect(),
        }
    }

    /// Candidates with one part (a name, a file, an edit) left out.
    pub fn without_parts(&self) -> Vec<Input> {
        let mut out = Vec::new();
        match self {
            Input::Names { names } => {
                for i in 0..names.len() {
                    let mut names = names.clone();
                    names.remove(i);
                    out.push(Input::Names { names });
                }
            }
            Input::Site(site) => {
                for i in 0..site.edits.len() {
                    let mut s = site.clone();
                    s.edits.truncate(i);
                    out.push(Input::Site(s));
                }
                for i in 0..site.files.len() {
                    let mut s = site.clone();
                    s.files.remove(i);
                    out.push(Input::Site(s));
                }
            }
            Input::Markdown { .. } | Input::Config { .. } => {}
        }
        out
    }

    /// The size the minimiser makes smaller.
    pub fn size(&self) -> usize {
        let mut copy = self.clone();
        let texts: usize = copy.texts_mut().iter().map(|t| t.len()).sum();
        texts + self.without_parts().len() * 16
    }
}
