//! Real notes to mutate: the seed notes, the repository's bundled content and any vaults
//! checked out on this machine, read at run time (never copied into the repository).

use std::path::{Path, PathBuf};

/// At most this many bytes of one note are kept.
const MAX_NOTE: usize = 48 << 10;

/// Real inputs the generators start from.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Note texts (lossily decoded).
    pub notes: Vec<String>,
    /// Note and attachment paths relative to their vault, for file names.
    pub names: Vec<String>,
    /// Configuration files.
    pub configs: Vec<String>,
}

/// Where to look for notes, and how many to keep.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Folders whose `.md`/`.txt` files (recursively) are notes.
    pub dirs: Vec<PathBuf>,
    /// Most notes kept in all (spread evenly over each folder's sorted files).
    pub max_notes: usize,
}

impl CorpusOptions {
    /// The bundled content only: what CI has.
    pub fn bundled() -> CorpusOptions {
        CorpusOptions {
            dirs: vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("content")],
            max_notes: 400,
        }
    }

    /// The bundled content, the shared seed notes and every vault under `/tmp/vaults`, when
    /// they exist.
    pub fn everything() -> CorpusOptions {
        let mut options = CorpusOptions::bundled();
        options
            .dirs
            .push(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds").into());
        if let Ok(entries) = std::fs::read_dir("/tmp/vaults") {
            let mut vaults: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            vaults.sort();
            options.dirs.extend(vaults);
        }
        options.max_notes = 6_000;
        options
    }
}

impl Corpus {
    /// Reads the corpus. Folders that do not exist are skipped.
    pub fn load(options: &CorpusOptions) -> Corpus {
        let mut corpus = Corpus {
            configs: vec![include_str!("../../../studysite.toml").to_string()],
            ..Corpus::default()
        };
        let dirs: Vec<&PathBuf> = options.dirs.iter().filter(|d| d.is_dir()).collect();
        let per_dir = options.max_notes / dirs.len().max(1);
        for dir in dirs {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            files.sort();
            let name_step = files.len().div_ceil(per_dir.max(1) * 4).max(1);
            for file in files.iter().step_by(name_step) {
                if let Ok(rel) = file.strip_prefix(dir) {
                    corpus.names.push(rel.to_string_lossy().into_owned());
                }
            }
            let notes: Vec<&PathBuf> = files
                .iter()
                .filter(|f| f.extension().is_some_and(|x| x == "md" || x == "txt"))
                .collect();
            let step = notes.len().div_ceil(per_dir.max(1)).max(1);
            for file in notes.iter().step_by(step) {
                if let Ok(bytes) = std::fs::read(file) {
                    corpus
                        .notes
                        .push(truncate(String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
            for toml in files.iter().filter(|f| f.ends_with("studysite.toml")) {
                if let Ok(text) = std::fs::read_to_string(toml) {
                    corpus.configs.push(text);
                }
            }
        }
        corpus
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_NOTE {
        let cut = text.floor_char_boundary(MAX_NOTE);
        text.truncate(cut);
    }
    text
}
