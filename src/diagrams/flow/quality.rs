//! Readability measures of a graph layout, to compare two layouts of the same diagram: edge
//! crossings, edges running through nodes they do not join, edge labels that collide with
//! nodes, other labels, group titles or other edges, and nodes that overlap.

use mermaid_rs_renderer::Layout;

/// Counts for one layout (lower is better).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quality {
    /// Pairs of edges that cross (each crossing point once).
    pub crossings: usize,
    /// (edge, node) pairs where the edge passes through a node it does not join.
    pub edge_node: usize,
    /// Edge labels that overlap a node, another label, a group title, or are crossed by
    /// another edge.
    pub label_collisions: usize,
    /// Pairs of nodes whose boxes overlap.
    pub node_overlaps: usize,
    /// (edge, group title) pairs where the edge runs through the title.
    pub title_crossings: usize,
}

impl std::ops::Add for Quality {
    type Output = Quality;
    fn add(self, o: Quality) -> Quality {
        Quality {
            crossings: self.crossings + o.crossings,
            edge_node: self.edge_node + o.edge_node,
            label_collisions: self.label_collisions + o.label_collisions,
            node_overlaps: self.node_overlaps + o.node_overlaps,
            title_crossings: self.title_crossings + o.title_crossings,
        }
    }
}

type Rect = [f32; 4];
type Seg = ((f32, f32), (f32, f32));

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

fn shrink(r: Rect, by: f32) -> Rect {
    [r[0] + by, r[1] + by, r[2] - by, r[3] - by]
}

fn orient(a: (f32, f32), b: (f32, f32), c: (f32, f32)) -> f32 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Whether two segments cross properly (touching ends do not count).
fn cross(s: Seg, t: Seg) -> bool {
    let (d1, d2) = (orient(t.0, t.1, s.0), orient(t.0, t.1, s.1));
    let (d3, d4) = (orient(s.0, s.1, t.0), orient(s.0, s.1, t.1));
    d1 * d2 < -1e-3 && d3 * d4 < -1e-3
}

/// Whether a segment passes through a rectangle's inside.
fn through(s: Seg, r: &Rect) -> bool {
    let inside = |p: (f32, f32)| p.0 > r[0] && p.0 < r[2] && p.1 > r[1] && p.1 < r[3];
    if inside(s.0) || inside(s.1) {
        return true;
    }
    let corners = [(r[0], r[1]), (r[2], r[1]), (r[2], r[3]), (r[0], r[3])];
    (0..4).any(|k| cross(s, (corners[k], corners[(k + 1) % 4])))
}

/// Measures a layout.
pub fn measure(layout: &Layout) -> Quality {
    let nodes: Vec<(&str, Rect)> = layout
        .nodes
        .values()
        .filter(|n| !n.hidden && n.anchor_subgraph.is_none() && n.width > 0.0)
        .map(|n| (n.id.as_str(), [n.x, n.y, n.x + n.width, n.y + n.height]))
        .collect();
    let segments: Vec<Vec<Seg>> = layout
        .edges
        .iter()
        .map(|e| e.points.windows(2).map(|w| (w[0], w[1])).collect())
        .collect();
    let mut q = Quality::default();
    for (i, a) in segments.iter().enumerate() {
        for b in &segments[i + 1..] {
            q.crossings += a
                .iter()
                .map(|s| b.iter().filter(|t| cross(*s, **t)).count())
                .sum::<usize>();
        }
    }
    for (e, segs) in layout.edges.iter().zip(&segments) {
        for (id, r) in &nodes {
            if *id == e.from || *id == e.to {
                continue;
            }
            let r = shrink(*r, 1.0);
            if segs.iter().any(|s| through(*s, &r)) {
                q.edge_node += 1;
            }
        }
    }
    let labels: Vec<(usize, Rect)> = layout
        .edges
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let (l, (x, y)) = (e.label.as_ref()?, e.label_anchor?);
            Some((
                i,
                [
                    x - l.width / 2.0,
                    y - l.height / 2.0,
                    x + l.width / 2.0,
                    y + l.height / 2.0,
                ],
            ))
        })
        .collect();
    let titles: Vec<Rect> = layout
        .subgraphs
        .iter()
        .filter(|s| !s.label.trim().is_empty())
        .map(|s| {
            let cx = s.x + s.width / 2.0;
            let (w, h) = (s.label_block.width * 14.0 / 16.0, s.label_block.height);
            [cx - w / 2.0, s.y + 12.0 - 2.0, cx + w / 2.0, s.y + 12.0 + h]
        })
        .collect();
    for (k, (i, r)) in labels.iter().enumerate() {
        let r = shrink(*r, 1.0);
        let hit = nodes.iter().any(|(_, n)| overlaps(&r, n))
            || labels
                .iter()
                .enumerate()
                .any(|(j, (_, o))| j != k && overlaps(&r, o))
            || titles.iter().any(|t| overlaps(&r, t))
            || segments
                .iter()
                .enumerate()
                .any(|(e, segs)| e != *i && segs.iter().any(|s| through(*s, &r)));
        q.label_collisions += usize::from(hit);
    }
    for title in &titles {
        q.title_crossings += segments
            .iter()
            .filter(|segs| segs.iter().any(|s| through(*s, title)))
            .count();
    }
    for (i, (_, a)) in nodes.iter().enumerate() {
        for (_, b) in &nodes[i + 1..] {
            q.node_overlaps += usize::from(overlaps(&shrink(*a, 1.0), &shrink(*b, 1.0)));
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_segments_are_told_from_touching_ones() {
        assert!(cross(
            ((0.0, 0.0), (10.0, 10.0)),
            ((0.0, 10.0), (10.0, 0.0))
        ));
        assert!(!cross(
            ((0.0, 0.0), (10.0, 10.0)),
            ((10.0, 10.0), (20.0, 0.0))
        ));
        assert!(through(((0.0, 5.0), (20.0, 5.0)), &[5.0, 0.0, 10.0, 10.0]));
        assert!(!through(
            ((0.0, 20.0), (20.0, 20.0)),
            &[5.0, 0.0, 10.0, 10.0]
        ));
    }
}
