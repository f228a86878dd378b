//! Edge paths, in rank space: out of the bottom of the upper node (ports spread along a flat
//! side so parallel edges do not overlap), straight down through each rank an edge passes (at
//! its stand-in, which the ordering and spacing kept clear of nodes), across the gaps between
//! ranks, and into the top of the lower node; an edge to or from a group stops at its box.

use super::layered::{Kind, Layered};
use super::model::{End, Model};
use super::place::Placement;
use mermaid_rs_renderer::NodeShape;

/// A point in rank space.
pub type Point = (f32, f32);

/// The path of one model edge, in drawing order (source to target), and its label's centre.
#[derive(Debug, Clone)]
pub struct Path {
    pub points: Vec<Point>,
    pub label: Option<Point>,
}

/// Most room between two ports on one side of a node.
const PORT_STEP: f32 = 14.0;

/// Routes every model edge.
pub fn route(model: &Model, layered: &Layered, at: &Placement) -> Vec<Path> {
    let ports = Ports::new(model, layered, at);
    model
        .edges
        .iter()
        .zip(&layered.chains)
        .enumerate()
        .map(|(e, (edge, chain))| {
            let Some(chain) = chain else {
                return inner_edge(model, at, edge.from, edge.to);
            };
            let items = &chain.items;
            let (first, last) = (items[0], items[items.len() - 1]);
            let seg_first = layered.down[first]
                .iter()
                .copied()
                .find(|s| layered.segments[*s].1 == items[1] && ports.owner[*s] == e)
                .unwrap_or(usize::MAX);
            let seg_last = layered.up[last]
                .iter()
                .copied()
                .find(|s| layered.segments[*s].0 == items[items.len() - 2] && ports.owner[*s] == e)
                .unwrap_or(usize::MAX);
            let mut points = Vec::with_capacity(items.len() * 2 + 2);
            let start = (
                at.x[first] + ports.out(seg_first),
                at.y[first] + layered.items[first].h / 2.0,
            );
            points.push(start);
            let (_, row_bottom) = at.rows[layered.items[first].rank];
            points.push((start.0, row_bottom.max(start.1)));
            for &d in &items[1..items.len() - 1] {
                let (top, bottom) = at.rows[layered.items[d].rank];
                points.push((at.x[d], top));
                points.push((at.x[d], bottom));
            }
            let end = (
                at.x[last] + ports.inward(seg_last),
                at.y[last] - layered.items[last].h / 2.0,
            );
            let (row_top, _) = at.rows[layered.items[last].rank];
            points.push((end.0, row_top.min(end.1)));
            points.push(end);
            if chain.reversed {
                points.reverse();
            }
            let mut points = simplify(points);
            if let End::Group(g) = edge.to {
                points = clip_end(points, at.boxes[g]);
            }
            if let End::Group(g) = edge.from {
                points.reverse();
                points = clip_end(points, at.boxes[g]);
                points.reverse();
            }
            let label = chain.label.map(|l| (at.x[l], at.y[l]));
            debug_assert!(
                chain
                    .label
                    .is_none_or(|l| layered.items[l].kind == Kind::Label)
            );
            Path { points, label }
        })
        .collect()
}

/// An edge between a group and a node inside it: a short line from the box's top side.
fn inner_edge(model: &Model, at: &Placement, from: End, to: End) -> Path {
    let (node, group, outward) = match (from, to) {
        (End::Group(g), End::Node(n)) => (Some(n), g, false),
        (End::Node(n), End::Group(g)) => (Some(n), g, true),
        (End::Group(g), End::Group(_)) => (None, g, false),
        (End::Node(n), End::Node(_)) => (Some(n), model.nodes[n].group.unwrap_or(0), false),
    };
    let b = at.boxes.get(group).copied().unwrap_or([0.0; 4]);
    let (x, top) = match node {
        Some(n) => (at.x[n], at.y[n] - model.nodes[n].h / 2.0),
        None => ((b[0] + b[2]) / 2.0, b[1]),
    };
    let mut points = vec![(x, b[1]), (x, top)];
    if outward {
        points.reverse();
    }
    Path {
        points,
        label: None,
    }
}

/// Ports: where each piece of an edge leaves or enters a node.
struct Ports {
    /// The model edge each segment belongs to.
    owner: Vec<usize>,
    /// Offset from the node's centre, per segment, at its upper and lower end.
    upper: Vec<f32>,
    lower: Vec<f32>,
}

impl Ports {
    fn new(model: &Model, layered: &Layered, at: &Placement) -> Ports {
        let count = layered.segments.len();
        let mut owner = vec![usize::MAX; count];
        let mut s = 0;
        for (e, chain) in layered.chains.iter().enumerate() {
            if let Some(chain) = chain {
                for _ in 1..chain.items.len() {
                    owner[s] = e;
                    s += 1;
                }
            }
        }
        let mut upper = vec![0.0; count];
        let mut lower = vec![0.0; count];
        for (i, item) in layered.items.iter().enumerate() {
            let Kind::Node(n) = item.kind else { continue };
            if !spreads(model.nodes[n].shape, model.horizontal) {
                continue;
            }
            for (list, far, near) in [
                (&layered.down[i], 1, &mut upper),
                (&layered.up[i], 0, &mut lower),
            ] {
                let mut segs = list.clone();
                segs.sort_by(|a, b| {
                    let xa = at.x[end(layered, *a, far)];
                    let xb = at.x[end(layered, *b, far)];
                    xa.total_cmp(&xb).then(a.cmp(b))
                });
                let k = segs.len();
                if k < 2 {
                    continue;
                }
                let step = PORT_STEP.min(item.w * 0.6 / (k - 1) as f32);
                for (p, s) in segs.iter().enumerate() {
                    near[*s] = (p as f32 - (k - 1) as f32 / 2.0) * step;
                }
            }
        }
        Ports {
            owner,
            upper,
            lower,
        }
    }

    fn out(&self, s: usize) -> f32 {
        self.upper.get(s).copied().unwrap_or(0.0)
    }

    fn inward(&self, s: usize) -> f32 {
        self.lower.get(s).copied().unwrap_or(0.0)
    }
}

fn end(layered: &Layered, s: usize, which: usize) -> usize {
    let (a, b, _) = layered.segments[s];
    if which == 0 { a } else { b }
}

/// Shapes with a flat side facing the next rank, where ports can be spread out.
fn spreads(shape: NodeShape, horizontal: bool) -> bool {
    match shape {
        NodeShape::Rectangle | NodeShape::RoundRect | NodeShape::Subroutine => true,
        NodeShape::Stadium => !horizontal,
        NodeShape::Cylinder => horizontal,
        _ => false,
    }
}

/// Drops repeated points and points in the middle of a straight run.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_some_and(|q| (q.0 - p.0).abs() < 0.01 && (q.1 - p.1).abs() < 0.01)
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            if cross.abs() < 0.01 {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Cuts a path where it first enters `rect` (left, top, right, bottom).
fn clip_end(points: Vec<Point>, rect: [f32; 4]) -> Vec<Point> {
    for k in 1..points.len() {
        let (a, b) = (points[k - 1], points[k]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        // Liang–Barsky: the part of a → b inside the rectangle is t in [enter, leave].
        let (mut enter, mut leave) = (0.0f32, 1.0f32);
        let mut misses = false;
        for (p, q) in [
            (-dx, a.0 - rect[0]),
            (dx, rect[2] - a.0),
            (-dy, a.1 - rect[1]),
            (dy, rect[3] - a.1),
        ] {
            if p == 0.0 {
                misses |= q < 0.0;
            } else if p < 0.0 {
                enter = enter.max(q / p);
            } else {
                leave = leave.min(q / p);
            }
        }
        if !misses && enter < leave && enter > 0.0 {
            let mut out = points[..k].to_vec();
            out.push((a.0 + dx * enter, a.1 + dy * enter));
            return out;
        }
        if !misses && enter < leave && enter == 0.0 {
            // Starts inside: nothing to cut.
            return points;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn straight_runs_collapse_to_their_ends() {
        let p = simplify(vec![
            (0.0, 0.0),
            (0.0, 5.0),
            (0.0, 5.0),
            (0.0, 10.0),
            (5.0, 20.0),
        ]);
        assert_eq!(p, [(0.0, 0.0), (0.0, 10.0), (5.0, 20.0)]);
    }

    #[test]
    fn a_path_into_a_box_stops_at_its_side() {
        let p = clip_end(vec![(0.0, 0.0), (0.0, 100.0)], [-10.0, 40.0, 10.0, 80.0]);
        assert_eq!(p, [(0.0, 0.0), (0.0, 40.0)]);
    }
}
