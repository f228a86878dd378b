//! The layered graph: every node on its rank, and every edge that spans several ranks split
//! into a chain of small stand-ins ("dummies"), one per rank it crosses, so that each piece
//! joins neighbouring ranks. An edge label is one of those stand-ins, the size of the label.

use super::model::{End, Model};
use super::rank::{Link, rank};

/// How wide the stand-in of an edge passing a rank is (the room between parallel edges).
const DUMMY_W: f32 = 10.0;

/// What an item on a rank stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Node `n` of the model.
    Node(usize),
    /// A point an edge passes through.
    Dummy,
    /// The label of an edge, which passes through its middle.
    Label,
}

/// Something placed on a rank.
#[derive(Debug, Clone)]
pub struct Item {
    pub w: f32,
    pub h: f32,
    pub rank: usize,
    /// The innermost group whose box it is drawn in.
    pub group: Option<usize>,
    pub kind: Kind,
}

/// The items an edge of the model passes, from the upper rank to the lower.
#[derive(Debug, Clone)]
pub struct Chain {
    pub items: Vec<usize>,
    /// The edge points up: its first item is its target.
    pub reversed: bool,
    /// The item that carries its label.
    pub label: Option<usize>,
}

/// The layered graph.
#[derive(Debug, Clone)]
pub struct Layered {
    pub items: Vec<Item>,
    /// Pieces of edges between neighbouring ranks: (upper item, lower item, weight).
    pub segments: Vec<(usize, usize, f32)>,
    /// For each item, the segments that leave it downwards and reach it from above.
    pub down: Vec<Vec<usize>>,
    pub up: Vec<Vec<usize>>,
    /// One per model edge; `None` for an edge between a group and a node inside it.
    pub chains: Vec<Option<Chain>>,
    pub ranks: usize,
    /// The ranks each group's nodes occupy (first, last).
    pub spans: Vec<(usize, usize)>,
}

impl Layered {
    /// Ranks the model's nodes and splits its edges.
    pub fn new(model: &Model) -> Layered {
        let labelled = model.edges.iter().any(|e| e.label.is_some());
        let minlen = if labelled { 2 } else { 1 };
        let node_of = |end: End| match end {
            End::Node(n) => Some(n),
            End::Group(g) => (0..model.nodes.len()).find(|&n| model.contains(g, n)),
        };
        let mut links = Vec::new();
        let mut link_of = Vec::with_capacity(model.edges.len());
        for e in &model.edges {
            match (node_of(e.from), node_of(e.to)) {
                (Some(a), Some(b)) if a != b => {
                    link_of.push(Some(links.len()));
                    links.push(Link {
                        from: a,
                        to: b,
                        minlen,
                    });
                }
                _ => link_of.push(None),
            }
        }
        let ranking = rank(model.nodes.len(), &links);
        let mut items: Vec<Item> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| Item {
                w: n.w,
                h: n.h,
                rank: ranking.rank[i],
                group: n.group,
                kind: Kind::Node(i),
            })
            .collect();
        let mut spans = vec![(usize::MAX, 0usize); model.groups.len()];
        for item in &items {
            for g in model.chain(item.group) {
                spans[g].0 = spans[g].0.min(item.rank);
                spans[g].1 = spans[g].1.max(item.rank);
            }
        }
        let mut segments = Vec::new();
        let mut chains = Vec::with_capacity(model.edges.len());
        for (e, link) in model.edges.iter().zip(&link_of) {
            let Some(l) = *link else {
                chains.push(None);
                continue;
            };
            let reversed = ranking.reversed[l];
            let (top, bottom) = if reversed {
                (links[l].to, links[l].from)
            } else {
                (links[l].from, links[l].to)
            };
            let (rt, rb) = (items[top].rank, items[bottom].rank);
            let middle = rt + (rb - rt) / 2;
            let mut chain = vec![top];
            let mut label = None;
            for r in rt + 1..rb {
                let group = model
                    .chain(items[top].group)
                    .chain(model.chain(items[bottom].group))
                    .filter(|g| spans[*g].0 <= r && r <= spans[*g].1)
                    .max_by_key(|g| (model.depth(Some(*g)), *g));
                let (w, h, kind) = match e.label {
                    Some((w, h)) if r == middle => (w, h, Kind::Label),
                    _ => (DUMMY_W, 0.0, Kind::Dummy),
                };
                if kind == Kind::Label {
                    label = Some(items.len());
                }
                chain.push(items.len());
                items.push(Item {
                    w,
                    h,
                    rank: r,
                    group,
                    kind,
                });
            }
            chain.push(bottom);
            // Long edges are kept straight in their middle and bend at their ends; an edge
            // between neighbouring ranks (through at most its label's stand-in) pulls its two
            // nodes into line.
            let long = chain.len() > 3;
            for pair in chain.windows(2) {
                let dummies = pair.iter().filter(|i| !is_node(&items[**i])).count();
                let weight = match (long, dummies) {
                    (true, 2) => 8.0,
                    (true, _) => 2.0,
                    (false, _) => 4.0,
                };
                segments.push((pair[0], pair[1], weight));
            }
            chains.push(Some(Chain {
                items: chain,
                reversed,
                label,
            }));
        }
        let mut down = vec![Vec::new(); items.len()];
        let mut up = vec![Vec::new(); items.len()];
        for (s, &(a, b, _)) in segments.iter().enumerate() {
            down[a].push(s);
            up[b].push(s);
        }
        let ranks = items.iter().map(|i| i.rank + 1).max().unwrap_or(0);
        Layered {
            items,
            segments,
            down,
            up,
            chains,
            ranks,
            spans,
        }
    }
}

/// Whether an item is a node of the diagram (not a point of an edge).
pub fn is_node(item: &Item) -> bool {
    matches!(item.kind, Kind::Node(_))
}
