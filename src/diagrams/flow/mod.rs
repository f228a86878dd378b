//! Our own layout for flowcharts (`flowchart`/`graph`, every direction, subgraphs, all node
//! shapes, edge labels and styles): a layered (Sugiyama) layout, linear or near-linear in the
//! size of the diagram, checked against a deadline between its steps. The crate's parser reads
//! the source and its renderer draws the result, so the SVG is the same kind as for every
//! other diagram.
//!
//! Steps: [`model`] (sizes, group tree) → [`layered`] (ranks, edges split per rank) →
//! [`order`] (crossing reduction) → [`place`] (coordinates) → [`route`] (edge paths) →
//! [`output`] (the renderer's `Layout`).

mod layered;
mod measure;
mod model;
mod nested;
mod order;
mod output;
mod place;
pub mod quality;
mod rank;
mod route;

use super::budget::Deadline;
use super::native::Rejection;
use mermaid_rs_renderer::{Graph, Layout};
use std::collections::BTreeMap;

/// Lays out a parsed flowchart (without self-loops, which are drawn afterwards).
pub fn layout(graph: &Graph, deadline: &Deadline) -> Result<Layout, Rejection> {
    let Some((rest, aparts)) = nested::split(graph) else {
        return flat(graph, &BTreeMap::new(), deadline);
    };
    let mut fixed = BTreeMap::new();
    let mut parts = Vec::with_capacity(aparts.len());
    for apart in aparts {
        let part = layout(&apart.graph, deadline)?;
        fixed.insert(nested::holder(apart.sub), nested::size(&part));
        parts.push((apart, part));
    }
    let outer = flat(&rest, &fixed, deadline)?;
    let rest_edges: Vec<usize> = (0..graph.edges.len())
        .filter(|i| !parts.iter().any(|(a, _)| a.edges.contains(i)))
        .collect();
    Ok(nested::join(graph, outer, &rest_edges, parts))
}

/// Lays out a flowchart all in its own direction; nodes named in `fixed` have that size.
fn flat(
    graph: &Graph,
    fixed: &BTreeMap<String, (f32, f32)>,
    deadline: &Deadline,
) -> Result<Layout, Rejection> {
    let model = model::Model::new(graph, fixed)?;
    deadline.check()?;
    let layered = layered::Layered::new(&model);
    deadline.check()?;
    let entries = order::order(&model, &layered, deadline)?;
    let placement = place::place(&model, &layered, &entries, deadline)?;
    let paths = route::route(&model, &layered, &placement);
    Ok(output::layout(graph, &model, &placement, paths))
}
