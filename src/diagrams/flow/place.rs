//! Coordinates. Across the ranks: each rank is placed in turn so that its items sit as close
//! as their order and spacing allow to the mean of their neighbours (an exact weighted
//! isotonic regression per rank), a few sweeps down and up; then the result is made exact for
//! the groups, whose sides are shared by all the ranks they span (difference constraints
//! solved in topological order, moving each position as little as needed). Along the ranks:
//! each rank as tall as its tallest item, with room between ranks for the groups' titles and
//! padding.

use super::layered::{Kind, Layered, is_node};
use super::model::Model;
use super::order::{Entries, Entry};
use crate::diagrams::budget::Deadline;
use crate::diagrams::native::Rejection;
use mermaid_rs_renderer::Direction;

/// Room between two nodes of a rank, between ranks, and around edges passing a rank.
const NODE_GAP: f32 = 40.0;
const RANK_GAP: f32 = 50.0;
const EDGE_GAP: f32 = 12.0;
/// Room inside a group's box around what it holds, and outside it.
pub const GROUP_PAD: f32 = 16.0;
const GROUP_GAP: f32 = 20.0;
/// Room for a group's title above its content (beside it, in `LR` diagrams).
const TITLE_GAP: f32 = 10.0;

/// Where everything is, in rank space.
#[derive(Debug, Clone)]
pub struct Placement {
    /// Centre of each item.
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    /// Each rank's top and bottom.
    pub rows: Vec<(f32, f32)>,
    /// Each group's box: left, top, right, bottom.
    pub boxes: Vec<[f32; 4]>,
}

/// Places every item and group.
pub fn place(
    model: &Model,
    layered: &Layered,
    entries: &Entries,
    deadline: &Deadline,
) -> Result<Placement, Rejection> {
    let space = Spacing { model, layered };
    let n = layered.items.len();
    let mut x = vec![0.0f32; n];
    let ranks: Vec<Vec<usize>> = entries
        .iter()
        .map(|e| {
            e.iter()
                .filter_map(|e| match e {
                    Entry::Item(i) => Some(*i),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let seps: Vec<Vec<f32>> = entries.iter().map(|e| space.item_separations(e)).collect();
    for (rank, sep) in ranks.iter().zip(&seps) {
        let mut at = 0.0;
        for (k, i) in rank.iter().enumerate() {
            x[*i] = at;
            at += sep.get(k).copied().unwrap_or(0.0);
        }
    }
    for sweep in 0..6 {
        deadline.check()?;
        let down = sweep % 2 == 0;
        let sequence: Vec<usize> = if down {
            (0..ranks.len()).collect()
        } else {
            (0..ranks.len()).rev().collect()
        };
        for r in sequence {
            let (targets, weights): (Vec<f32>, Vec<f32>) = ranks[r]
                .iter()
                .map(|&i| neighbour_mean(layered, &x, i, Some(down)).unwrap_or((x[i], 0.01)))
                .unzip();
            let placed = isotonic(&targets, &weights, &seps[r]);
            for (i, v) in ranks[r].iter().zip(placed) {
                x[*i] = v;
            }
        }
    }
    deadline.check()?;
    let solved = Constraints::new(&space, entries).solve(&space, &x, deadline)?;
    let (rows, boxes) = space.vertical(&solved);
    let mut y = vec![0.0; n];
    for (i, item) in layered.items.iter().enumerate() {
        let (top, bottom) = rows[item.rank];
        y[i] = (top + bottom) / 2.0;
    }
    Ok(Placement {
        x: solved[..n].to_vec(),
        y,
        rows,
        boxes,
    })
}

/// Where an item would like to be, from its neighbours above (`Some(true)`), below, or both,
/// and how strongly: the weighted mean for edge stand-ins (which keeps long edges straight),
/// the weighted median for nodes with three or more neighbours (so one far neighbour does not
/// pull a node out of line).
fn neighbour_mean(
    layered: &Layered,
    x: &[f32],
    item: usize,
    down: Option<bool>,
) -> Option<(f32, f32)> {
    let mut around: Vec<(f32, f32)> = Vec::new();
    if down != Some(false) {
        around.extend(layered.up[item].iter().map(|&s| {
            let (a, _, w) = layered.segments[s];
            (x[a], w)
        }));
    }
    if down != Some(true) {
        around.extend(layered.down[item].iter().map(|&s| {
            let (_, b, w) = layered.segments[s];
            (x[b], w)
        }));
    }
    let weight: f32 = around.iter().map(|(_, w)| w).sum();
    if weight <= 0.0 {
        return None;
    }
    if !is_node(&layered.items[item]) || around.len() < 3 {
        let sum: f32 = around.iter().map(|(x, w)| x * w).sum();
        return Some((sum / weight, weight));
    }
    around.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut acc = 0.0;
    for (v, w) in &around {
        acc += w;
        if acc * 2.0 >= weight {
            return Some((*v, weight));
        }
    }
    around.last().map(|(v, _)| (*v, weight))
}

/// The positions closest to `targets` (weighted least squares) that keep each item at least
/// `seps[k]` before the next: pool-adjacent-violators on the targets shifted by the running
/// separation.
fn isotonic(targets: &[f32], weights: &[f32], seps: &[f32]) -> Vec<f32> {
    let mut shift = Vec::with_capacity(targets.len());
    let mut at = 0.0;
    for k in 0..targets.len() {
        shift.push(at);
        at += seps.get(k).copied().unwrap_or(0.0);
    }
    // Blocks of (weighted sum, weight, count).
    let mut blocks: Vec<(f32, f32, usize)> = Vec::new();
    for k in 0..targets.len() {
        let w = weights[k].max(1e-3);
        blocks.push(((targets[k] - shift[k]) * w, w, 1));
        while blocks.len() >= 2 {
            let (s1, w1, c1) = blocks[blocks.len() - 2];
            let (s2, w2, c2) = blocks[blocks.len() - 1];
            if s1 / w1 <= s2 / w2 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().expect("two blocks") = (s1 + s2, w1 + w2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (s, w, c) in blocks {
        for _ in 0..c {
            out.push(s / w + shift[out.len()]);
        }
    }
    out
}

/// The spacing rules.
struct Spacing<'a> {
    model: &'a Model,
    layered: &'a Layered,
}

impl Spacing<'_> {
    /// Room for a group's title across the ranks (only in `LR`/`RL` diagrams, where the title
    /// sits on that side).
    fn title_across(&self, g: usize) -> f32 {
        if self.model.horizontal {
            self.model.groups[g].title.height + TITLE_GAP
        } else {
            0.0
        }
    }

    /// Room a node's self-loop needs after it on its rank (only when ranks run down the page:
    /// across them, the loop sits in the gap between ranks).
    fn loop_room(&self, i: usize) -> f32 {
        match self.layered.items[i].kind {
            Kind::Node(n) if !self.model.horizontal => self.model.nodes[n].loop_room,
            _ => 0.0,
        }
    }

    /// The room self-loops of rank `r`'s nodes need in the gap after it (`LR`) or before it
    /// (`RL`).
    fn loop_gap(&self, r: usize) -> f32 {
        self.layered
            .items
            .iter()
            .filter(|i| i.rank == r)
            .filter_map(|i| match i.kind {
                Kind::Node(n) => Some(self.model.nodes[n].loop_room + 8.0),
                _ => None,
            })
            .fold(0.0, f32::max)
    }

    /// The least distance from one entry to the next (centres for items, sides for groups).
    fn gap(&self, a: Entry, b: Entry) -> f32 {
        let half = |i: usize| self.layered.items[i].w / 2.0;
        let open = |g: usize| GROUP_PAD + self.title_across(g);
        match (a, b) {
            (Entry::Item(i), Entry::Item(j)) => {
                let (p, q) = (&self.layered.items[i], &self.layered.items[j]);
                let room = match (is_node(p), is_node(q)) {
                    (true, true) => NODE_GAP,
                    (false, false) if p.kind == Kind::Dummy && q.kind == Kind::Dummy => EDGE_GAP,
                    _ => NODE_GAP / 2.0,
                };
                half(i) + room.max(self.loop_room(i)) + half(j)
            }
            (Entry::Item(i), Entry::Open(_)) => half(i) + GROUP_GAP.max(self.loop_room(i)),
            (Entry::Item(i), Entry::Close(_)) => half(i) + GROUP_PAD.max(self.loop_room(i)),
            (Entry::Open(g), Entry::Item(j)) => open(g) + half(j),
            (Entry::Open(g), Entry::Open(_)) => open(g),
            (Entry::Open(g), Entry::Close(_)) => open(g) + GROUP_PAD,
            (Entry::Close(_), Entry::Close(_)) => GROUP_PAD,
            (Entry::Close(_), Entry::Open(_)) => GROUP_GAP,
            (Entry::Close(_), Entry::Item(j)) => GROUP_GAP + half(j),
        }
    }

    /// The least distance between each item of a rank and the next one.
    fn item_separations(&self, entries: &[Entry]) -> Vec<f32> {
        let mut seps = Vec::new();
        let mut acc: Option<f32> = None;
        for pair in entries.windows(2) {
            let d = self.gap(pair[0], pair[1]);
            if matches!(pair[0], Entry::Item(_)) {
                acc = Some(0.0);
            }
            if let Some(a) = acc.as_mut() {
                *a += d;
            }
            if matches!(pair[1], Entry::Item(_))
                && let Some(a) = acc.take()
            {
                seps.push(a);
            }
        }
        seps
    }

    /// Rows (top, bottom) and group boxes, from the solved positions across the ranks.
    fn vertical(&self, x: &[f32]) -> (Vec<(f32, f32)>, Vec<[f32; 4]>) {
        let (model, layered) = (self.model, self.layered);
        let groups = model.groups.len();
        let mut height = vec![0.0f32; layered.ranks];
        for item in &layered.items {
            height[item.rank] = height[item.rank].max(item.h);
        }
        // Room each group needs above and below its rows, nested groups included.
        let mut above = vec![0.0f32; groups];
        let mut below = vec![0.0f32; groups];
        let mut order: Vec<usize> = (0..groups).collect();
        order.sort_by_key(|g| std::cmp::Reverse(model.depth(Some(*g))));
        for &g in &order {
            let title = if model.horizontal {
                0.0
            } else {
                model.groups[g].title.height + TITLE_GAP
            };
            above[g] += GROUP_PAD + title;
            below[g] += GROUP_PAD;
            if model.horizontal {
                // The title runs along the ranks: the box must be at least as long.
                let (first, last) = layered.spans[g];
                let rows: f32 = (first..=last).map(|r| height[r]).sum::<f32>()
                    + (last - first) as f32 * RANK_GAP / 2.0;
                let need = model.groups[g].title.width + 2.0 * GROUP_PAD;
                let short = need - (rows + above[g] + below[g]);
                if short > 0.0 {
                    above[g] += short / 2.0;
                    below[g] += short / 2.0;
                }
            }
            if let Some(p) = model.groups[g].parent {
                if layered.spans[p].0 == layered.spans[g].0 {
                    above[p] = above[p].max(above[g]);
                }
                if layered.spans[p].1 == layered.spans[g].1 {
                    below[p] = below[p].max(below[g]);
                }
            }
        }
        let labelled = layered.items.iter().any(|i| i.kind == Kind::Label);
        let base = if labelled { RANK_GAP / 2.0 } else { RANK_GAP };
        let mut rows = Vec::with_capacity(layered.ranks);
        let mut top = 0.0;
        for (r, h) in height.iter().enumerate() {
            if r > 0 {
                let ending = (0..groups)
                    .filter(|g| layered.spans[*g].1 == r - 1)
                    .map(|g| below[g])
                    .fold(0.0, f32::max);
                let starting = (0..groups)
                    .filter(|g| layered.spans[*g].0 == r)
                    .map(|g| above[g])
                    .fold(0.0, f32::max);
                let mut room = if ending + starting > 0.0 {
                    ending + starting + GROUP_GAP
                } else {
                    0.0
                };
                match model.direction {
                    Direction::LeftRight => room = room.max(self.loop_gap(r - 1)),
                    Direction::RightLeft => room = room.max(self.loop_gap(r)),
                    _ => {}
                }
                top += base.max(room);
            }
            rows.push((top, top + h));
            top += h;
        }
        let n = layered.items.len();
        let boxes = (0..groups)
            .map(|g| {
                let (first, last) = layered.spans[g];
                [
                    x[n + 2 * g],
                    rows[first].0 - above[g],
                    x[n + 2 * g + 1],
                    rows[last].1 + below[g],
                ]
            })
            .collect();
        (rows, boxes)
    }
}

/// Difference constraints `x[b] ≥ x[a] + d` over items and group sides.
struct Constraints {
    vars: usize,
    items: usize,
    /// Per variable: (other, d) for constraints where it is `b` (preds) and `a` (succs).
    preds: Vec<Vec<(usize, f32)>>,
    succs: Vec<Vec<(usize, f32)>>,
}

impl Constraints {
    fn new(space: &Spacing, entries: &Entries) -> Constraints {
        let items = space.layered.items.len();
        let vars = items + 2 * space.model.groups.len();
        let var = |e: Entry| match e {
            Entry::Item(i) => i,
            Entry::Open(g) => items + 2 * g,
            Entry::Close(g) => items + 2 * g + 1,
        };
        let mut preds = vec![Vec::new(); vars];
        let mut succs = vec![Vec::new(); vars];
        for rank in entries {
            for pair in rank.windows(2) {
                let (a, b, d) = (var(pair[0]), var(pair[1]), space.gap(pair[0], pair[1]));
                preds[b].push((a, d));
                succs[a].push((b, d));
            }
        }
        if !space.model.horizontal {
            for (g, group) in space.model.groups.iter().enumerate() {
                let d = group.title.width + 2.0 * GROUP_PAD;
                preds[items + 2 * g + 1].push((items + 2 * g, d));
                succs[items + 2 * g].push((items + 2 * g + 1, d));
            }
        }
        Constraints {
            vars,
            items,
            preds,
            succs,
        }
    }

    /// Positions that meet every constraint, each as close to `want` (items) as the
    /// constraints let it be, group sides drawn in tight around what they hold; then items
    /// moved towards their neighbours where there is room.
    fn solve(
        &self,
        space: &Spacing,
        want: &[f32],
        deadline: &Deadline,
    ) -> Result<Vec<f32>, Rejection> {
        let order = self.topological()?;
        let (model, layered) = (space.model, space.layered);
        let mut x: Vec<f32> = want.to_vec();
        let mut sides = vec![(f32::MAX, f32::MIN); model.groups.len()];
        for (i, item) in layered.items.iter().enumerate() {
            for g in model.chain(item.group) {
                sides[g].0 = sides[g].0.min(want[i] - item.w / 2.0 - GROUP_PAD);
                sides[g].1 = sides[g].1.max(want[i] + item.w / 2.0 + GROUP_PAD);
            }
        }
        for (left, right) in sides {
            x.push(left);
            x.push(right);
        }
        let items = self.items;
        // Where a position would like to be, given the room it has.
        let goal = |v: usize, x: &[f32], lo: f32, hi: f32, pull: bool| -> f32 {
            let hi = hi.max(lo);
            if v < items {
                let to = if pull {
                    neighbour_mean(layered, x, v, None).map_or(x[v], |(m, _)| m)
                } else {
                    want[v]
                };
                to.clamp(lo, hi)
            } else if (v - items).is_multiple_of(2) {
                // A group's left side: as far right as its content lets it.
                if hi < f32::MAX { hi } else { lo }
            } else if lo > f32::MIN {
                lo
            } else {
                hi
            }
        };
        // Feasible first: push each position right just as far as its constraints need.
        for &v in &order {
            x[v] = x[v].max(self.low(v, &x));
        }
        for pass in 0..8 {
            deadline.check()?;
            let forward = pass % 2 == 1;
            for k in 0..order.len() {
                let v = if forward {
                    order[k]
                } else {
                    order[order.len() - 1 - k]
                };
                let (lo, hi) = (self.low(v, &x), self.high(v, &x));
                x[v] = goal(v, &x, lo, hi, pass >= 4);
            }
        }
        for &v in &order {
            x[v] = x[v].max(self.low(v, &x));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(Rejection("the layout diverged".into()));
        }
        Ok(x)
    }

    fn low(&self, v: usize, x: &[f32]) -> f32 {
        self.preds[v]
            .iter()
            .map(|(a, d)| x[*a] + d)
            .fold(f32::MIN, f32::max)
    }

    fn high(&self, v: usize, x: &[f32]) -> f32 {
        self.succs[v]
            .iter()
            .map(|(b, d)| x[*b] - d)
            .fold(f32::MAX, f32::min)
    }

    fn topological(&self) -> Result<Vec<usize>, Rejection> {
        let mut indegree: Vec<usize> = self.preds.iter().map(Vec::len).collect();
        let mut ready: Vec<usize> = (0..self.vars).filter(|v| indegree[*v] == 0).rev().collect();
        let mut order = Vec::with_capacity(self.vars);
        while let Some(v) = ready.pop() {
            order.push(v);
            for &(b, _) in &self.succs[v] {
                indegree[b] -= 1;
                if indegree[b] == 0 {
                    ready.push(b);
                }
            }
        }
        if order.len() == self.vars {
            Ok(order)
        } else {
            Err(Rejection(
                "the groups cannot be laid out without overlapping".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_keeps_order_and_spacing_closest_to_targets() {
        let x = isotonic(&[0.0, 0.0, 10.0], &[1.0, 1.0, 1.0], &[4.0, 4.0]);
        assert_eq!(x, [-2.0, 2.0, 10.0]);
        let free = isotonic(&[0.0, 100.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(free, [0.0, 100.0]);
    }
}
