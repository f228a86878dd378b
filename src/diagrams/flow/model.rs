//! The flowchart as the layout sees it: nodes with their sizes, groups (subgraphs) as a tree,
//! and edges between nodes or groups, all in "rank space": ranks run down the y axis whatever
//! the diagram's direction, so `LR` diagrams are laid out with their sizes swapped and turned
//! at the end.

use super::measure;
use crate::diagrams::native::Rejection;
use mermaid_rs_renderer::layout::TextBlock;
use mermaid_rs_renderer::{Direction, Graph, NodeShape};
use std::collections::HashMap;

/// A node of the diagram (or an invisible stand-in that keeps an empty group open).
#[derive(Debug, Clone)]
pub struct Node {
    /// The id in the source; `None` for a stand-in.
    pub id: Option<String>,
    /// The label, measured.
    pub label: TextBlock,
    /// Size across the ranks (x in rank space) and along them (y).
    pub w: f32,
    pub h: f32,
    /// The innermost group it is in.
    pub group: Option<usize>,
    /// Its outline.
    pub shape: NodeShape,
    /// Room its self-loop needs on its right, as drawn.
    pub loop_room: f32,
}

/// A subgraph.
#[derive(Debug, Clone)]
pub struct Group {
    /// Its index in `graph.subgraphs`.
    pub sub: usize,
    /// The group it is in.
    pub parent: Option<usize>,
    /// Its title, measured.
    pub title: TextBlock,
}

/// One end of an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Node(usize),
    Group(usize),
}

/// An edge of the source, in source order.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: End,
    pub to: End,
    /// The label's size in rank space (across, along), with its padding.
    pub label: Option<(f32, f32)>,
}

/// The whole diagram.
#[derive(Debug, Clone)]
pub struct Model {
    /// `LR` or `RL`: ranks run across the page.
    pub horizontal: bool,
    /// The direction ranks run in.
    pub direction: Direction,
    pub nodes: Vec<Node>,
    pub groups: Vec<Group>,
    pub edges: Vec<Edge>,
}

/// Padding around an edge label (the renderer draws its background 4.5 × 2.2 px wider).
pub const LABEL_PAD: (f32, f32) = (10.0, 6.0);

impl Model {
    /// Reads a parsed flowchart (self-loops already taken out). Nodes named in `fixed` get
    /// that size (width, height as drawn) and no label: they hold groups laid out apart.
    pub fn new(graph: &Graph, sizes: &super::Sizes) -> Result<Model, Rejection> {
        let fixed = &sizes.fixed;
        let horizontal = matches!(graph.direction, Direction::LeftRight | Direction::RightLeft);
        let group_of_name = |name: &str| {
            graph.subgraphs.iter().position(|s| match &s.id {
                Some(id) => id == name,
                None => s.label == name,
            })
        };
        let mut ids: Vec<&String> = graph
            .nodes
            .keys()
            .filter(|id| group_of_name(id).is_none())
            .collect();
        ids.sort_by_key(|id| {
            (
                graph.node_order.get(*id).copied().unwrap_or(usize::MAX),
                *id,
            )
        });
        let index: HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut nodes: Vec<Node> = ids
            .iter()
            .map(|id| {
                let node = &graph.nodes[*id];
                let (label, (w, h)) = match fixed.get(*id) {
                    Some(size) => (measure::label(""), *size),
                    None => {
                        let label = measure::node_label(&node.label, node.shape);
                        let size = measure::shape_size(node.shape, &label);
                        (label, size)
                    }
                };
                let (w, h) = if horizontal { (h, w) } else { (w, h) };
                Node {
                    id: Some((*id).clone()),
                    label,
                    w,
                    h,
                    group: None,
                    shape: node.shape,
                    loop_room: sizes.loops.get(*id).copied().unwrap_or(0.0),
                }
            })
            .collect();
        let groups = groups(graph, &index, &mut nodes, horizontal);
        let end = |name: &str| -> Result<End, Rejection> {
            if let Some(g) = group_of_name(name) {
                return Ok(End::Group(g));
            }
            index
                .get(name)
                .map(|i| End::Node(*i))
                .ok_or_else(|| Rejection(format!("an edge names `{name}`, which is not a node")))
        };
        let mut edges = Vec::with_capacity(graph.edges.len());
        for e in &graph.edges {
            let label = e
                .label
                .as_deref()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let block = measure::label(l);
                    let (w, h) = (block.width + LABEL_PAD.0, block.height + LABEL_PAD.1);
                    if horizontal { (h, w) } else { (w, h) }
                });
            edges.push(Edge {
                from: end(&e.from)?,
                to: end(&e.to)?,
                label,
            });
        }
        Ok(Model {
            horizontal,
            direction: graph.direction,
            nodes,
            groups,
            edges,
        })
    }

    /// The groups `g` is in, innermost first, starting with `g` itself.
    pub fn chain(&self, g: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(g, |g| self.groups[*g].parent)
    }

    /// How deep `g` is (a top-level group is 1; no group is 0).
    pub fn depth(&self, g: Option<usize>) -> usize {
        self.chain(g).count()
    }

    /// Whether node `n` is inside group `g` (directly or through nested groups).
    pub fn contains(&self, g: usize, n: usize) -> bool {
        self.chain(self.nodes[n].group).any(|c| c == g)
    }
}

/// Builds the group tree from the subgraphs' member lists: a group's parent is the smallest
/// group holding all its members (of two with the same members, the one opened first), and a
/// node belongs to the innermost group that lists it. An empty group gets an invisible
/// stand-in node so that its box is drawn.
fn groups(
    graph: &Graph,
    index: &HashMap<&str, usize>,
    nodes: &mut Vec<Node>,
    horizontal: bool,
) -> Vec<Group> {
    let n = nodes.len();
    let members: Vec<Vec<bool>> = graph
        .subgraphs
        .iter()
        .map(|s| {
            let mut m = vec![false; n];
            for id in &s.nodes {
                if let Some(i) = index.get(id.as_str()) {
                    m[*i] = true;
                }
            }
            m
        })
        .collect();
    let size: Vec<usize> = members
        .iter()
        .map(|m| m.iter().filter(|x| **x).count())
        .collect();
    let subset = |a: usize, b: usize| (0..n).all(|i| !members[a][i] || members[b][i]);
    let mut groups: Vec<Group> = Vec::with_capacity(members.len());
    for (g, sub) in graph.subgraphs.iter().enumerate() {
        let parent = (0..members.len())
            .filter(|&p| p != g && size[g] > 0 && subset(g, p) && (size[p] > size[g] || p < g))
            .min_by_key(|&p| (size[p], std::cmp::Reverse(p)));
        groups.push(Group {
            sub: g,
            parent,
            title: measure::label(&sub.label),
        });
    }
    // An empty group nests where it was written: inside the group opened just before it that
    // is still open is not known here, so it stays at the top level.
    let depth = |g: usize| std::iter::successors(Some(g), |g| groups[*g].parent).count();
    for (i, node) in nodes.iter_mut().enumerate() {
        node.group = (0..members.len())
            .filter(|g| members[*g][i])
            .max_by_key(|g| (depth(*g), *g));
    }
    for (g, group) in groups.iter().enumerate() {
        if size[g] == 0 {
            let (w, h) = (group.title.width + 20.0, 20.0);
            let (w, h) = if horizontal { (h, w) } else { (w, h) };
            nodes.push(Node {
                id: None,
                label: measure::label(""),
                w,
                h,
                group: Some(g),
                shape: NodeShape::Rectangle,
                loop_room: 0.0,
            });
        }
    }
    groups
}
