//! The bundled study site (`content/` and `studysite.toml` at the repository root) copied into
//! a fixture, optionally with another `base_url`, and built there.

use super::{Fixture, copy_dir};
use std::fs;
use std::path::Path;

/// The bundled site in a fixture, built with the given `base_url` in its config (`None`: as
/// it is in the repository).
pub fn bundled(base_url: Option<&str>) -> Fixture {
    let site = copy(base_url);
    site.build_ok();
    site
}

/// The bundled site copied into a fixture, not built yet (`base_url` as for [`bundled`]).
pub fn copy(base_url: Option<&str>) -> Fixture {
    let site = Fixture::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &site.root().join("content"));
    let mut config = fs::read_to_string(repo.join("studysite.toml")).unwrap();
    if let Some(url) = base_url {
        if !config.lines().any(|l| l.starts_with("base_url")) {
            // Top-level keys go before the first table.
            config = format!("base_url = \"/\"\n{config}");
        }
        config = config
            .lines()
            .map(|l| {
                if l.starts_with("base_url") {
                    format!("base_url = \"{url}\"")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(config.contains(url), "the bundled config sets base_url");
    }
    site.file("studysite.toml", &config);
    site
}

/// Every file of a built folder, as site paths, sorted.
pub fn files(public: &Path) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(public)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(public)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| !p.starts_with('.'))
        .collect();
    found.sort();
    found
}
