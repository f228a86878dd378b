//! Groups with a `direction` of their own. As in mermaid.js, a group whose nodes have no edge
//! to the outside may run in another direction than the diagram: it is laid out apart, in its
//! direction, and stands in the diagram as one node of its size (edges to the group's id end
//! at its box); its drawing is then moved into place.

use super::output::MARGIN;
use mermaid_rs_renderer::{Graph, Layout, Subgraph};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The id of the node that holds group `g` while the diagram around it is laid out (no
/// mermaid id can contain a NUL).
pub fn holder(g: usize) -> String {
    format!("\u{0}group-{g}")
}

/// A group laid out apart.
pub struct Apart {
    /// Its index in `graph.subgraphs`.
    pub sub: usize,
    /// Its members (every node inside, nested groups included).
    pub members: Vec<String>,
    /// The diagram of just the group, in its own direction.
    pub graph: Graph,
    /// For each of its edges, the edge's index in the whole diagram.
    pub edges: Vec<usize>,
}

/// Splits off the outermost groups that have a direction other than the diagram's and no edge
/// crossing their border. Returns the diagram with each of them replaced by a holder node, and
/// the groups.
pub fn split(graph: &Graph) -> Option<(Graph, Vec<Apart>)> {
    let member_sets: Vec<BTreeSet<&str>> = graph
        .subgraphs
        .iter()
        .map(|s| s.nodes.iter().map(String::as_str).collect())
        .collect();
    let name = |s: &Subgraph| s.id.clone().unwrap_or_else(|| s.label.clone());
    let inside = |g: usize, end: &str| {
        member_sets[g].contains(end)
            || graph.subgraphs.iter().enumerate().any(|(h, s)| {
                h != g
                    && name(s) == end
                    && !member_sets[h].is_empty()
                    && member_sets[h].is_subset(&member_sets[g])
            })
    };
    let candidates: Vec<usize> = (0..graph.subgraphs.len())
        .filter(|&g| {
            let s = &graph.subgraphs[g];
            s.direction.is_some_and(|d| d != graph.direction)
                && !member_sets[g].is_empty()
                && graph
                    .edges
                    .iter()
                    .all(|e| inside(g, &e.from) == inside(g, &e.to))
        })
        .collect();
    // Outermost only: the inner ones are handled when their group is laid out.
    let outer: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&g| {
            !candidates.iter().any(|&h| {
                h != g
                    && member_sets[g].is_subset(&member_sets[h])
                    && (member_sets[h].len() > member_sets[g].len() || h < g)
            })
        })
        .collect();
    if outer.is_empty() {
        return None;
    }
    let mut rest = graph.clone();
    let mut aparts = Vec::new();
    for &g in &outer {
        let sub = &graph.subgraphs[g];
        let mut part = graph.clone();
        part.direction = sub.direction.unwrap_or(graph.direction);
        part.nodes.retain(|id, _| inside(g, id));
        let kept: Vec<usize> = (0..graph.edges.len())
            .filter(|&i| inside(g, &graph.edges[i].from))
            .collect();
        part.edges = kept.iter().map(|&i| graph.edges[i].clone()).collect();
        part.edge_styles = renumber(&graph.edge_styles, &kept);
        part.subgraphs = graph
            .subgraphs
            .iter()
            .enumerate()
            .filter(|(h, s)| {
                *h != g && !s.nodes.is_empty() && member_sets[*h].is_subset(&member_sets[g])
            })
            .map(|(_, s)| s.clone())
            .collect();
        aparts.push(Apart {
            sub: g,
            members: sub.nodes.clone(),
            graph: part,
            edges: kept,
        });
    }
    // The diagram around them: their nodes and inner groups replaced by holders.
    let taken: BTreeSet<String> = aparts
        .iter()
        .flat_map(|a| a.graph.nodes.keys().cloned())
        .collect();
    rest.nodes.retain(|id, _| !taken.contains(id));
    let kept: Vec<usize> = (0..graph.edges.len())
        .filter(|&i| !taken.contains(&graph.edges[i].from))
        .collect();
    rest.edges = kept.iter().map(|&i| graph.edges[i].clone()).collect();
    rest.edge_styles = renumber(&graph.edge_styles, &kept);
    let sets = &member_sets;
    let inner: BTreeSet<usize> = aparts
        .iter()
        .flat_map(|a| {
            (0..graph.subgraphs.len()).filter(move |h| {
                *h != a.sub
                    && !graph.subgraphs[*h].nodes.is_empty()
                    && sets[*h].is_subset(&sets[a.sub])
            })
        })
        .collect();
    let mut subgraphs = Vec::new();
    for (h, s) in graph.subgraphs.iter().enumerate() {
        if inner.contains(&h) {
            continue;
        }
        let mut s = s.clone();
        if let Some(a) = aparts.iter().find(|a| a.sub == h) {
            let id = holder(h);
            rest.ensure_node(&id, Some(String::new()), None);
            if let Some(order) = a
                .members
                .iter()
                .filter_map(|m| graph.node_order.get(m))
                .min()
            {
                rest.node_order.insert(id.clone(), *order);
            }
            s.nodes = vec![id];
        } else {
            s.nodes.retain(|n| !taken.contains(n));
        }
        subgraphs.push(s);
    }
    rest.subgraphs = subgraphs;
    Some((rest, aparts))
}

fn renumber<T: Clone>(styles: &HashMap<usize, T>, kept: &[usize]) -> HashMap<usize, T> {
    kept.iter()
        .enumerate()
        .filter_map(|(new, old)| styles.get(old).map(|s| (new, s.clone())))
        .collect()
}

/// The size (as drawn) a group laid out apart takes in the diagram around it.
pub fn size(part: &Layout) -> (f32, f32) {
    (part.width - 2.0 * MARGIN, part.height - 2.0 * MARGIN)
}

/// Moves each group's drawing onto its holder and puts the edges back in source order.
pub fn join(
    graph: &Graph,
    mut outer: Layout,
    rest_edges: &[usize],
    parts: Vec<(Apart, Layout)>,
) -> Layout {
    let mut edges: BTreeMap<usize, mermaid_rs_renderer::EdgeLayout> = BTreeMap::new();
    for (e, i) in std::mem::take(&mut outer.edges).into_iter().zip(rest_edges) {
        edges.insert(*i, e);
    }
    for (apart, part) in parts {
        let Some(at) = outer.nodes.remove(&holder(apart.sub)) else {
            continue;
        };
        let (dx, dy) = (at.x - MARGIN, at.y - MARGIN);
        for (id, mut n) in part.nodes {
            n.x += dx;
            n.y += dy;
            outer.nodes.insert(id, n);
        }
        for (mut e, i) in part.edges.into_iter().zip(&apart.edges) {
            for p in &mut e.points {
                p.0 += dx;
                p.1 += dy;
            }
            if let Some(a) = e.label_anchor.as_mut() {
                a.0 += dx;
                a.1 += dy;
            }
            edges.insert(*i, e);
        }
        if let Some(own) = outer
            .subgraphs
            .iter_mut()
            .find(|s| s.nodes.first().map(String::as_str) == Some(holder(apart.sub).as_str()))
        {
            own.nodes = apart.members.clone();
        }
        for mut s in part.subgraphs {
            s.x += dx;
            s.y += dy;
            outer.subgraphs.push(s);
        }
    }
    outer.edges = edges.into_values().collect();
    debug_assert_eq!(outer.edges.len(), graph.edges.len());
    outer
}
