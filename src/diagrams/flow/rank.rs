//! Layer assignment: cycles broken by reversing the edges a depth-first search finds going
//! back, then each node put on the lowest rank its predecessors allow (longest path), then
//! nodes pulled down towards their successors where that shortens more edges than it
//! lengthens.

/// A layering edge: from, to, and the fewest ranks it must span.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub minlen: usize,
}

/// The rank of every node, and for every link whether it was reversed to break a cycle (then
/// it runs from `to` down to `from`).
#[derive(Debug, Clone)]
pub struct Ranking {
    pub rank: Vec<usize>,
    pub reversed: Vec<bool>,
}

/// Ranks `n` nodes joined by `links` (no self-links).
pub fn rank(n: usize, links: &[Link]) -> Ranking {
    let reversed = back_edges(n, links);
    let dir = |i: usize| {
        let l = links[i];
        if reversed[i] {
            (l.to, l.from)
        } else {
            (l.from, l.to)
        }
    };
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..links.len() {
        let (a, b) = dir(i);
        outs[a].push(i);
        ins[b].push(i);
    }
    // Kahn's algorithm in node order, so equal inputs give equal layouts.
    let mut indegree: Vec<usize> = ins.iter().map(Vec::len).collect();
    let mut order = Vec::with_capacity(n);
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|v| indegree[*v] == 0)
        .map(std::cmp::Reverse)
        .collect();
    while let Some(std::cmp::Reverse(v)) = ready.pop() {
        order.push(v);
        for &i in &outs[v] {
            let (_, b) = dir(i);
            indegree[b] -= 1;
            if indegree[b] == 0 {
                ready.push(std::cmp::Reverse(b));
            }
        }
    }
    let mut rank = vec![0usize; n];
    for &v in &order {
        for &i in &ins[v] {
            let (a, _) = dir(i);
            rank[v] = rank[v].max(rank[a] + links[i].minlen);
        }
    }
    // Pull a node down when more of its edges go down than come in.
    for &v in order.iter().rev() {
        if outs[v].is_empty() || outs[v].len() < ins[v].len() {
            continue;
        }
        let highest = outs[v]
            .iter()
            .map(|&i| rank[dir(i).1] - links[i].minlen)
            .min()
            .unwrap_or(rank[v]);
        if highest > rank[v] && (outs[v].len() > ins[v].len() || ins[v].is_empty()) {
            rank[v] = highest;
        }
    }
    let low = rank.iter().copied().min().unwrap_or(0);
    for r in &mut rank {
        *r -= low;
    }
    Ranking { rank, reversed }
}

/// The links a depth-first search (nodes in order, links in order) finds pointing back to a
/// node still on its path: reversing them leaves no cycle.
fn back_edges(n: usize, links: &[Link]) -> Vec<bool> {
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, l) in links.iter().enumerate() {
        outs[l.from].push(i);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; n];
    let mut reversed = vec![false; links.len()];
    for start in 0..n {
        if state[start] != State::New {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = State::OnPath;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&i) = outs[v].get(*next) {
                *next += 1;
                let w = links[i].to;
                match state[w] {
                    State::OnPath => reversed[i] = true,
                    State::New => {
                        state[w] = State::OnPath;
                        stack.push((w, 0));
                    }
                    State::Done => {}
                }
            } else {
                state[v] = State::Done;
                stack.pop();
            }
        }
    }
    reversed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(pairs: &[(usize, usize)]) -> Vec<Link> {
        pairs
            .iter()
            .map(|&(from, to)| Link {
                from,
                to,
                minlen: 1,
            })
            .collect()
    }

    #[test]
    fn a_chain_gets_one_rank_per_node() {
        let r = rank(3, &links(&[(0, 1), (1, 2)]));
        assert_eq!(r.rank, [0, 1, 2]);
    }

    #[test]
    fn a_cycle_is_broken_at_the_edge_going_back() {
        let r = rank(3, &links(&[(0, 1), (1, 2), (2, 0)]));
        assert_eq!(r.rank, [0, 1, 2]);
        assert_eq!(r.reversed, [false, false, true]);
    }

    #[test]
    fn a_late_source_sits_just_above_its_target() {
        // 3 → 2 joins a chain at its end: 3 belongs next to 2, not at the top.
        let r = rank(4, &links(&[(0, 1), (1, 2), (3, 2)]));
        assert_eq!(r.rank, [0, 1, 2, 1]);
    }

    #[test]
    fn label_links_span_two_ranks() {
        let mut l = links(&[(0, 1)]);
        l[0].minlen = 2;
        assert_eq!(rank(2, &l).rank, [0, 2]);
    }
}
