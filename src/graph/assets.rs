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
    if site.config.publish_unreferenced || site.assets.is_empty() {
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
        } else if path.contains('%')
            && let Some(p) = by_site_path.get(paths::decode_path(path).as_str())
        {
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
    // Properties link too, as Obsidian reads them: `cover: "[[poster.png]]"`.
    let mut by_name: HashMap<String, Vec<&str>> = HashMap::new();
    for p in site.assets.keys() {
        let name = p.rsplit('/').next().unwrap_or(p).to_lowercase();
        by_name.entry(name).or_default().push(p.as_str());
        by_name
            .entry(p.to_lowercase())
            .or_default()
            .push(p.as_str());
    }
    for page in site.pages.values() {
        for value in page.note.front.extra.values() {
            for target in property_links(value) {
                let target = target.trim_start_matches('/').to_lowercase();
                used.extend(by_name.get(&target).into_iter().flatten().copied());
            }
        }
    }
    site.assets
        .keys()
        .filter(|p| !used.contains(p.as_str()))
        .cloned()
        .collect()
}

/// The targets of the `[[wikilinks]]` in a front matter value (strings, at any depth).
fn property_links(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::String(s) => {
            let mut found = Vec::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("[[") {
                rest = &rest[i + 2..];
                let Some(end) = rest.find("]]") else { break };
                let inner = &rest[..end];
                let target = inner.split(['|', '#']).next().unwrap_or(inner).trim();
                if !target.is_empty() {
                    found.push(target);
                }
                rest = &rest[end + 2..];
            }
            found
        }
        serde_json::Value::Array(items) => items.iter().flat_map(property_links).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(property_links).collect(),
        _ => Vec::new(),
    }
}
