//! Where pages that leave diagrams to the browser load mermaid.js from, when `mermaid.script`
//! names one: a local file copied into the site (so an offline site needs no network), or a
//! URL. Without it no page loads mermaid.js.

use crate::config::Config;
use std::path::{Path, PathBuf};

/// The folder of the site that holds a local mermaid.js copy.
const VENDOR_DIR: &str = "vendor";

fn is_url(script: &str) -> bool {
    script.starts_with("https://") || script.starts_with("http://") || script.starts_with("//")
}

/// The site path a local script is copied to, and the file to copy (relative to the site
/// root); `None` when the script is a URL or there is none.
pub fn script_file(config: &Config, root: &Path) -> Option<(String, PathBuf)> {
    let script = config.mermaid.script.as_deref()?.trim();
    if is_url(script) {
        return None;
    }
    let source = root.join(script);
    let name = source.file_name().map_or_else(
        || "mermaid.min.js".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    Some((format!("{VENDOR_DIR}/{name}"), source))
}

/// The `src` of the mermaid.js `<script>`: the URL, or the site path of the local copy (which
/// pages prefix with their way to the site root); empty when there is none (no page then has
/// a diagram left to mermaid.js).
pub fn script_url(config: &Config) -> String {
    match script_file(config, Path::new("")) {
        Some((path, _)) => crate::paths::encode_path(&path),
        None => config
            .mermaid
            .script
            .as_deref()
            .map_or(String::new(), |s| s.trim().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_no_script_by_default_and_a_url_is_used_as_it_is() {
        let mut config = Config::default();
        assert_eq!(script_url(&config), "");
        assert_eq!(script_file(&config, Path::new("/site")), None);
        config.mermaid.script = Some("https://cdn.example/mermaid.min.js".into());
        assert_eq!(script_url(&config), "https://cdn.example/mermaid.min.js");
        assert_eq!(script_file(&config, Path::new("/site")), None);
    }

    #[test]
    fn a_path_is_copied_and_served_under_the_base_path() {
        let mut config = Config {
            base_url: "https://x.example/notes/".into(),
            ..Config::default()
        };
        config.mermaid.script = Some("node_modules/mermaid/dist/mermaid.min.js".into());
        assert_eq!(script_url(&config), "vendor/mermaid.min.js");
        let (path, source) = script_file(&config, Path::new("/site")).unwrap();
        assert_eq!(path, "vendor/mermaid.min.js");
        assert_eq!(
            source,
            Path::new("/site/node_modules/mermaid/dist/mermaid.min.js")
        );
    }
}
