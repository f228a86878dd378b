//! Crossing reduction: the items of each rank are put in order by sweeping down and up the
//! ranks, sorting each by the barycentre of its neighbours on the rank just fixed, and the
//! order with the fewest crossings is kept. Groups stay together: each rank is sorted as a
//! tree (a group's items and sub-groups form one block), and sibling groups keep one order on
//! every rank, so that their boxes can be drawn without overlapping.

use super::layered::Layered;
use super::model::Model;
use crate::diagrams::budget::Deadline;
use crate::diagrams::native::Rejection;

/// The most sweeps, and how many without improvement end the search.
const SWEEPS: usize = 24;
const PATIENCE: usize = 4;

/// One position on a rank, in order: an item, or the left or right side of a group's box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Item(usize),
    Open(usize),
    Close(usize),
}

/// The final order of every rank, with the groups' sides in it.
pub type Entries = Vec<Vec<Entry>>;

/// Orders every rank.
pub fn order(model: &Model, layered: &Layered, deadline: &Deadline) -> Result<Entries, Rejection> {
    let sorter = Sorter::new(model, layered);
    let mut ranks = initial(layered);
    let mut gorder = sorter.group_order(&ranks);
    sorter.resort_all(&mut ranks, &gorder, None);
    let mut best = (crossings(layered, &ranks), ranks.clone(), gorder.clone());
    let mut stale = 0;
    for sweep in 0..SWEEPS {
        if best.0 == 0 || stale >= PATIENCE {
            break;
        }
        deadline.check()?;
        gorder = sorter.group_order(&ranks);
        sorter.resort_all(&mut ranks, &gorder, Some(sweep % 2 == 0));
        let count = crossings(layered, &ranks);
        if count < best.0 {
            best = (count, ranks.clone(), gorder.clone());
            stale = 0;
        } else {
            stale += 1;
        }
    }
    let (_, ranks, gorder) = best;
    Ok(ranks
        .iter()
        .enumerate()
        .map(|(r, items)| {
            let keys: Vec<(usize, f32)> = items
                .iter()
                .enumerate()
                .map(|(p, i)| (*i, p as f32))
                .collect();
            sorter.sort_rank(r, &keys, &gorder, items.len()).1
        })
        .collect())
}

/// Depth-first order from the nodes in source order: a first order that follows the source.
fn initial(layered: &Layered) -> Vec<Vec<usize>> {
    let mut ranks = vec![Vec::new(); layered.ranks];
    let mut seen = vec![false; layered.items.len()];
    for start in 0..layered.items.len() {
        if seen[start] {
            continue;
        }
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            if seen[v] {
                continue;
            }
            seen[v] = true;
            ranks[layered.items[v].rank].push(v);
            for &s in layered.down[v].iter().rev() {
                let next = layered.segments[s].1;
                if !seen[next] {
                    stack.push(next);
                }
            }
        }
    }
    ranks
}

/// Crossings between all neighbouring ranks (each pair of crossing pieces once).
pub fn crossings(layered: &Layered, ranks: &[Vec<usize>]) -> usize {
    let mut pos = vec![0usize; layered.items.len()];
    for rank in ranks {
        for (p, i) in rank.iter().enumerate() {
            pos[*i] = p;
        }
    }
    let mut total = 0;
    for (r, rank) in ranks.iter().enumerate() {
        let Some(below) = ranks.get(r + 1) else { break };
        let mut pairs: Vec<(usize, usize)> = rank
            .iter()
            .flat_map(|&u| layered.down[u].iter().map(move |&s| (u, s)))
            .map(|(u, s)| (pos[u], pos[layered.segments[s].1]))
            .collect();
        pairs.sort_unstable();
        // Inversions of the lower ends, counted with a Fenwick tree.
        let mut tree = vec![0usize; below.len() + 1];
        for (seen, &(_, lower)) in pairs.iter().enumerate() {
            let mut i = lower + 1;
            let mut not_greater = 0;
            while i > 0 {
                not_greater += tree[i];
                i &= i - 1;
            }
            total += seen - not_greater;
            let mut i = lower + 1;
            while i < tree.len() {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Sorts ranks as trees of groups.
struct Sorter<'a> {
    model: &'a Model,
    layered: &'a Layered,
    /// Groups, deepest first.
    deepest_first: Vec<usize>,
}

impl<'a> Sorter<'a> {
    fn new(model: &'a Model, layered: &'a Layered) -> Self {
        let mut deepest_first: Vec<usize> = (0..model.groups.len()).collect();
        deepest_first.sort_by_key(|g| std::cmp::Reverse(model.depth(Some(*g))));
        Sorter {
            model,
            layered,
            deepest_first,
        }
    }

    /// Where each group stands among its siblings (lower is further left), from the mean
    /// relative position of its items in `ranks`.
    fn group_order(&self, ranks: &[Vec<usize>]) -> Vec<usize> {
        let groups = self.model.groups.len();
        let mut sum = vec![0.0f32; groups];
        let mut count = vec![0usize; groups];
        for rank in ranks {
            let len = rank.len().max(1) as f32;
            for (p, &i) in rank.iter().enumerate() {
                for g in self.model.chain(self.layered.items[i].group) {
                    sum[g] += p as f32 / len;
                    count[g] += 1;
                }
            }
        }
        let mut sorted: Vec<usize> = (0..groups).collect();
        let key = |g: usize| sum[g] / count[g].max(1) as f32;
        sorted.sort_by(|a, b| key(*a).total_cmp(&key(*b)).then(a.cmp(b)));
        let mut place = vec![0; groups];
        for (p, g) in sorted.into_iter().enumerate() {
            place[g] = p;
        }
        place
    }

    /// Re-sorts every rank: by barycentres in a sweep down (`Some(true)`) or up
    /// (`Some(false)`), or keeping positions (`None`).
    fn resort_all(&self, ranks: &mut [Vec<usize>], gorder: &[usize], down: Option<bool>) {
        let n = ranks.len();
        let mut pos = vec![0.0f32; self.layered.items.len()];
        for rank in ranks.iter() {
            for (p, i) in rank.iter().enumerate() {
                pos[*i] = p as f32;
            }
        }
        let sequence: Vec<usize> = match down {
            Some(false) => (0..n).rev().collect(),
            _ => (0..n).collect(),
        };
        for r in sequence {
            let keys: Vec<(usize, f32)> = ranks[r]
                .iter()
                .map(|&i| {
                    let key = down.and_then(|d| self.barycentre(i, d, &pos));
                    (i, key.unwrap_or(pos[i]))
                })
                .collect();
            let (sorted, _) = self.sort_rank(r, &keys, gorder, ranks[r].len());
            for (p, i) in sorted.iter().enumerate() {
                pos[*i] = p as f32;
            }
            ranks[r] = sorted;
        }
    }

    /// The mean position of an item's neighbours on the rank above (`down`) or below.
    fn barycentre(&self, item: usize, down: bool, pos: &[f32]) -> Option<f32> {
        let l = self.layered;
        let (segments, end) = if down {
            (&l.up[item], 0)
        } else {
            (&l.down[item], 1)
        };
        if segments.is_empty() {
            return None;
        }
        let (mut sum, mut weight) = (0.0, 0.0);
        for &s in segments {
            let (a, b, w) = l.segments[s];
            sum += pos[if end == 0 { a } else { b }] * w;
            weight += w;
        }
        Some(sum / weight)
    }

    /// Sorts one rank's items by key, as a tree of the groups present on the rank. Returns
    /// the items in order and the entries (items and group sides).
    fn sort_rank(
        &self,
        r: usize,
        keys: &[(usize, f32)],
        gorder: &[usize],
        len: usize,
    ) -> (Vec<usize>, Vec<Entry>) {
        let groups = self.model.groups.len();
        let present: Vec<bool> = (0..groups)
            .map(|g| self.layered.spans[g].0 <= r && r <= self.layered.spans[g].1)
            .collect();
        // Children of each group (index `groups` is the top level): (key, tie, child).
        let mut children: Vec<Vec<(f32, usize, Child)>> = vec![Vec::new(); groups + 1];
        let mut sum = vec![0.0f32; groups];
        let mut count = vec![0usize; groups];
        for (tie, &(item, key)) in keys.iter().enumerate() {
            let g = self.layered.items[item].group;
            children[g.unwrap_or(groups)].push((key, tie, Child::Item(item)));
            for g in self.model.chain(g) {
                sum[g] += key;
                count[g] += 1;
            }
        }
        for &g in &self.deepest_first {
            if !present[g] {
                continue;
            }
            let key = if count[g] > 0 {
                sum[g] / count[g] as f32
            } else {
                gorder[g] as f32 / groups.max(1) as f32 * len as f32
            };
            let parent = self.model.groups[g].parent.unwrap_or(groups);
            children[parent].push((key, usize::MAX - gorder[g], Child::Group(g)));
        }
        for list in &mut children {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            // Sibling groups take the group slots in their fixed order.
            let mut slots: Vec<Child> = list
                .iter()
                .filter_map(|c| matches!(c.2, Child::Group(_)).then_some(c.2))
                .collect();
            slots.sort_by_key(|c| match c {
                Child::Group(g) => gorder[*g],
                Child::Item(_) => 0,
            });
            let mut slots = slots.into_iter();
            for c in list.iter_mut() {
                if matches!(c.2, Child::Group(_)) {
                    c.2 = slots.next().unwrap_or(c.2);
                }
            }
        }
        let mut items = Vec::with_capacity(keys.len());
        let mut entries = Vec::with_capacity(keys.len() + 2 * groups);
        let mut stack: Vec<(usize, usize)> = vec![(groups, 0)];
        while let Some((g, next)) = stack.pop() {
            match children[g].get(next) {
                Some(&(_, _, child)) => {
                    stack.push((g, next + 1));
                    match child {
                        Child::Item(i) => {
                            items.push(i);
                            entries.push(Entry::Item(i));
                        }
                        Child::Group(c) => {
                            entries.push(Entry::Open(c));
                            stack.push((c, 0));
                        }
                    }
                }
                None if g < groups => entries.push(Entry::Close(g)),
                None => {}
            }
        }
        (items, entries)
    }
}

#[derive(Debug, Clone, Copy)]
enum Child {
    Item(usize),
    Group(usize),
}
