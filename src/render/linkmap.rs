//! Link maps drawn at build time as SVG, no script needed: a small one-hop map on each note
//! (what it links to and what links to it), and a map of the whole vault laid out with a
//! deterministic force-directed layout.
//!
//! A map is a labelled group of links (`<svg role="group">`), each link named by its note's
//! title (`<title>`, also the tooltip): a picture (`role="img"`) may not hold links.

use crate::markdown::escape_html;
use std::collections::HashMap;
use std::fmt::Write;

/// One node of a map.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapNode {
    /// Title shown and in the tooltip.
    pub title: String,
    /// Where clicking it goes (a marked site path, see [`crate::paths::MARK`]).
    pub url: String,
    /// Colour group (e.g. the top-level folder), 0–7.
    pub group: usize,
}

/// At most this many neighbours are drawn around a note.
pub const LOCAL_LIMIT: usize = 14;

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// The one-hop map of a note: the note in the middle, its neighbours around it. `links` says
/// per neighbour whether the note links to it (solid) or only it to the note (dashed).
pub fn local_map(center: &MapNode, neighbours: &[(MapNode, bool)]) -> String {
    let (w, h) = (320.0, 230.0);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let shown = &neighbours[..neighbours.len().min(LOCAL_LIMIT)];
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"linkmap linkmap-local\" viewBox=\"0 0 {w} {h}\" role=\"group\" aria-label=\"Notes linked with {}\">",
        escape_html(&center.title)
    );
    let n = shown.len().max(1) as f64;
    let mut placed = Vec::new();
    for (k, (node, outgoing)) in shown.iter().enumerate() {
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * k as f64 / n;
        let (x, y) = (cx + 105.0 * angle.cos(), cy + 78.0 * angle.sin());
        let dash = if *outgoing {
            ""
        } else {
            " stroke-dasharray=\"4 3\""
        };
        let _ = write!(
            svg,
            "<line class=\"linkmap-edge\" x1=\"{cx:.1}\" y1=\"{cy:.1}\" x2=\"{x:.1}\" y2=\"{y:.1}\"{dash}/>"
        );
        placed.push((node, x, y));
    }
    for (node, x, y) in placed {
        let anchor = if x < cx - 10.0 {
            "end"
        } else if x > cx + 10.0 {
            "start"
        } else {
            "middle"
        };
        let dx = match anchor {
            "end" => -8.0,
            "start" => 8.0,
            _ => 0.0,
        };
        let dy = if anchor == "middle" {
            if y < cy { -9.0 } else { 15.0 }
        } else {
            4.0
        };
        let _ = write!(
            svg,
            "<a href=\"{}\"><title>{}</title><circle class=\"linkmap-node g{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" aria-hidden=\"true\">{}</text></a>",
            escape_html(&node.url),
            escape_html(&node.title),
            node.group % 8,
            x + dx,
            y + dy,
            escape_html(&truncate(&node.title, 22))
        );
    }
    let _ = write!(
        svg,
        "<circle class=\"linkmap-node linkmap-current\" cx=\"{cx}\" cy=\"{cy}\" r=\"8\"><title>{}</title></circle><text class=\"linkmap-current-label\" x=\"{cx}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        escape_html(&center.title),
        cy + 22.0,
        escape_html(&truncate(&center.title, 26))
    );
    if neighbours.len() > shown.len() {
        let _ = write!(
            svg,
            "<text class=\"linkmap-more\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">+{} more</text>",
            w - 6.0,
            h - 6.0,
            neighbours.len() - shown.len()
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Positions for a graph of `n` nodes and `edges`, in [0, 1]², by a Fruchterman–Reingold layout
/// with grid-bucketed repulsion (linear in the number of nodes per step). Deterministic: the
/// same graph always gets the same picture.
pub fn layout(n: usize, edges: &[(usize, usize)]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    // Start on a golden-angle spiral: spread out, and the same every time.
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let r = ((i as f64 + 0.5) / n as f64).sqrt() * 0.5;
            let a = i as f64 * 2.399_963;
            (0.5 + r * a.cos(), 0.5 + r * a.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt() * 0.9;
    // Large vaults get fewer, coarser steps: the map is an overview, not a precise drawing.
    let steps = match n {
        0..=1500 => 90,
        1501..=4000 => 40,
        _ => 20,
    };
    let mut temperature = 0.1;
    let cool = temperature / steps as f64;
    let cell = 2.0 * k;
    let mut order: Vec<(i64, i64, usize)> = Vec::with_capacity(n);
    let mut ranges: HashMap<(i64, i64), (usize, usize)> = HashMap::new();
    for _ in 0..steps {
        let mut disp = vec![(0.0f64, 0.0f64); n];
        // Nodes sorted by grid cell: each cell is one run of `order`.
        order.clear();
        order.extend(
            pos.iter()
                .enumerate()
                .map(|(i, p)| ((p.0 / cell) as i64, (p.1 / cell) as i64, i)),
        );
        order.sort_unstable();
        ranges.clear();
        let mut start = 0;
        for i in 1..=order.len() {
            if i == order.len() || (order[i].0, order[i].1) != (order[start].0, order[start].1) {
                ranges.insert((order[start].0, order[start].1), (start, i));
                start = i;
            }
        }
        for &(gx, gy, i) in &order {
            let p = pos[i];
            for ox in -1..=1 {
                for oy in -1..=1 {
                    let Some(&(from, to)) = ranges.get(&(gx + ox, gy + oy)) else {
                        continue;
                    };
                    for &(_, _, j) in &order[from..to] {
                        if j == i {
                            continue;
                        }
                        let (dx, dy) = (p.0 - pos[j].0, p.1 - pos[j].1);
                        let d2 = (dx * dx + dy * dy).max(1e-9);
                        let f = k * k / d2;
                        disp[i].0 += dx * f;
                        disp[i].1 += dy * f;
                    }
                }
            }
        }
        for &(a, b) in edges {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(1e-9);
            let f = d / k;
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        for (i, p) in pos.iter_mut().enumerate() {
            // A weak pull to the middle keeps unlinked notes from drifting off.
            disp[i].0 += (0.5 - p.0) * 0.05 / k;
            disp[i].1 += (0.5 - p.1) * 0.05 / k;
            let len = (disp[i].0 * disp[i].0 + disp[i].1 * disp[i].1)
                .sqrt()
                .max(1e-9);
            let step = len.min(temperature);
            p.0 += disp[i].0 / len * step;
            p.1 += disp[i].1 / len * step;
        }
        temperature -= cool;
    }
    normalise(pos)
}

fn normalise(pos: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in &pos {
        x0 = x0.min(p.0);
        y0 = y0.min(p.1);
        x1 = x1.max(p.0);
        y1 = y1.max(p.1);
    }
    let (w, h) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
    pos.into_iter()
        .map(|p| ((p.0 - x0) / w, (p.1 - y0) / h))
        .collect()
}

/// The last layout computed, by a hash of the graph's shape: positions depend only on the
/// number of nodes and the edges, so a rebuild that changed titles reuses them.
#[derive(Debug, Default)]
pub struct LayoutCache(std::sync::Mutex<Option<(u64, Positions)>>);

/// Node positions in the unit square, shared between renders.
type Positions = std::sync::Arc<Vec<(f64, f64)>>;

impl LayoutCache {
    fn layout(&self, n: usize, edges: &[(usize, usize)]) -> Positions {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (n, edges).hash(&mut h);
        let key = h.finish();
        let mut cached = self.0.lock().expect("a renderer panicked");
        match &*cached {
            Some((k, positions)) if *k == key => positions.clone(),
            _ => {
                let positions = std::sync::Arc::new(layout(n, edges));
                *cached = Some((key, positions.clone()));
                positions
            }
        }
    }
}

/// The map of the whole vault.
pub fn vault_map(nodes: &[MapNode], edges: &[(usize, usize)], cache: &LayoutCache) -> String {
    let (w, h, margin) = (1000.0, 700.0, 40.0);
    let pos = cache.layout(nodes.len(), edges);
    let mut degree = vec![0usize; nodes.len()];
    for &(a, b) in edges {
        degree[a] += 1;
        degree[b] += 1;
    }
    // Label every node of a small vault; in a large one, only the best-connected.
    let mut by_degree: Vec<usize> = (0..nodes.len()).collect();
    by_degree.sort_by(|a, b| degree[*b].cmp(&degree[*a]).then(a.cmp(b)));
    let labelled: std::collections::HashSet<usize> = by_degree
        .into_iter()
        .take(if nodes.len() <= 150 { usize::MAX } else { 80 })
        .collect();
    let at = |i: usize| {
        (
            margin + pos[i].0 * (w - 2.0 * margin),
            margin + pos[i].1 * (h - 2.0 * margin),
        )
    };
    let mut svg = String::with_capacity(nodes.len() * 200 + edges.len() * 80);
    let _ = write!(
        svg,
        "<svg class=\"linkmap linkmap-vault\" viewBox=\"0 0 {w} {h}\" role=\"group\" aria-label=\"Map of all {} notes and their links\"><g class=\"linkmap-edges\" aria-hidden=\"true\">",
        nodes.len()
    );
    for &(a, b) in edges {
        let ((x1, y1), (x2, y2)) = (at(a), at(b));
        let _ = write!(
            svg,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"/>"
        );
    }
    svg.push_str("</g><g class=\"linkmap-nodes\">");
    for (i, node) in nodes.iter().enumerate() {
        let (x, y) = at(i);
        let r = 3.0 + (degree[i] as f64).sqrt() * 1.5;
        let _ = write!(
            svg,
            "<a href=\"{}\"><title>{}</title><circle class=\"linkmap-node g{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\"/>",
            escape_html(&node.url),
            escape_html(&node.title),
            node.group % 8,
        );
        if labelled.contains(&i) {
            let _ = write!(
                svg,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" aria-hidden=\"true\">{}</text>",
                y - r - 3.0,
                escape_html(&truncate(&node.title, 24))
            );
        }
        svg.push_str("</a>");
    }
    svg.push_str("</g></svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(t: &str) -> MapNode {
        MapNode {
            title: t.into(),
            url: format!("/{t}/"),
            group: 0,
        }
    }

    #[test]
    fn layout_is_deterministic_and_inside_the_unit_square() {
        let edges = [(0, 1), (1, 2), (2, 0), (3, 4)];
        let a = layout(6, &edges);
        let b = layout(6, &edges);
        assert_eq!(a, b);
        assert!(
            a.iter()
                .all(|p| (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1))
        );
    }

    #[test]
    fn linked_nodes_end_closer_than_unlinked_ones() {
        let n = 40;
        let edges: Vec<(usize, usize)> = (0..19)
            .map(|i| (i, i + 1))
            .chain((20..39).map(|i| (i, i + 1)))
            .collect();
        let pos = layout(n, &edges);
        let d = |a: usize, b: usize| {
            ((pos[a].0 - pos[b].0).powi(2) + (pos[a].1 - pos[b].1).powi(2)).sqrt()
        };
        let linked: f64 = edges.iter().map(|&(a, b)| d(a, b)).sum::<f64>() / edges.len() as f64;
        let across: f64 = (0..20).map(|i| d(i, i + 20)).sum::<f64>() / 20.0;
        assert!(linked < across, "linked {linked} vs unlinked {across}");
    }

    #[test]
    fn local_map_links_every_neighbour_and_counts_the_rest() {
        let neighbours: Vec<(MapNode, bool)> = (0..20)
            .map(|i| (node(&format!("n{i}")), i % 2 == 0))
            .collect();
        let svg = local_map(&node("center"), &neighbours);
        assert_eq!(svg.matches("<a href=").count(), LOCAL_LIMIT);
        assert!(svg.contains("+6 more"));
        // A group of links: a picture (`role="img"`) may not hold links.
        assert!(svg.contains("role=\"group\""));
        assert!(!svg.contains("role=\"img\""));
        assert!(svg.contains("<a href=\"/n0/\"><title>n0</title>"), "{svg}");
    }
}
