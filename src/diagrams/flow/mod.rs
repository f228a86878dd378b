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
mod order;
mod output;
mod place;
pub mod quality;
mod rank;
mod route;

use super::budget::Deadline;
use super::native::Rejection;
use mermaid_rs_renderer::{Graph, Layout};

/// Lays out a parsed flowchart (without self-loops, which are drawn afterwards).
pub fn layout(graph: &Graph, deadline: &Deadline) -> Result<Layout, Rejection> {
    let model = model::Model::new(graph)?;
    deadline.check()?;
    let layered = layered::Layered::new(&model);
    deadline.check()?;
    let entries = order::order(&model, &layered, deadline)?;
    let placement = place::place(&model, &layered, &entries, deadline)?;
    let paths = route::route(&model, &layered, &placement);
    Ok(output::layout(graph, &model, &placement, paths))
}
