//! Which attachments the notes use: an attachment no note links to or embeds (a `.bak`, a
//! `.zip`, a script beside the notes) is not published unless `publish_unreferenced = true`.

use super::{Graph, Target};
use crate::markdown::Resolution;
use crate::paths;
use crate::site::Site;
use std::collections::{BTreeSet, HashMap};

/// The content paths of the attachments left out: not linked or embedded by any note (and
/// none when the config publishes every file).
pub fn unreferenced(site: &Site, graph: &Graph) -> BTreeSet<String> {
    if site.config.publish_unreferenced {
        return BTreeSet::new();
    }
    // Site path → content path (they differ for attachments moved off a reserved name).
    let by_site_path: HashMap<&str, &str> = site
        .assets
        .keys()
        .map(|p| (site.asset_path(p), p.as_str()))
        .collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    let mut mark = |site_path: &str| {
        let (path, _) = paths::split_fragment(site_path);
        let path = path.split('?').next().unwrap_or(path);
        if let Some(p) = by_site_path.get(path) {
            used.insert(p);
        } else if let Some(p) = by_site_path.get(paths::decode_path(path).as_str()) {
            used.insert(p);
        }
    };
    for links in graph.notes.values() {
        for target in &links.targets {
            match target {
                Target::Resolved(Resolution::Href { url, .. }) => mark(url),
                Target::Resolved(Resolution::Sized { src, .. }) => mark(src),
                // Audio, video and PDF embeds: HTML with marked site paths.
                Target::Resolved(Resolution::Html(html) | Resolution::Block(html)) => {
                    for (i, _) in html.match_indices(paths::MARK) {
                        let rest = &html[i + paths::MARK.len()..];
                        let end = rest.find(['"', '\'', ' ', '>']).unwrap_or(rest.len());
                        mark(&rest[..end]);
                    }
                }
                _ => {}
            }
        }
    }
    site.assets
        .keys()
        .filter(|p| !used.contains(p.as_str()))
        .cloned()
        .collect()
}
