//! Both layouts of one flowchart side by side, the crate's and ours, with their readability
//! measures and times: what `cargo bench --bench diagrams -- compare` reports, and what chose
//! the switch (see docs/mermaid.md).

use super::budget::Deadline;
use super::flow;
use super::native::layout_config;
use super::normalize::normalize;
use super::self_loops::SelfLoops;
use super::theme::DiagramTheme;
use mermaid_rs_renderer::{DiagramKind, compute_layout, render_svg};
use std::time::Instant;

pub use super::flow::quality::Quality;

/// One flowchart laid out both ways.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The crate's layout (mermaid-rs-renderer 0.3.1).
    pub crate_layout: Quality,
    /// Ours.
    pub ours: Quality,
    /// Milliseconds each took (layout only, one thread).
    pub crate_ms: f64,
    pub ours_ms: f64,
    /// Nodes and edges.
    pub size: (usize, usize),
    /// The two drawings, as the renderer writes them.
    pub svgs: (String, String),
}

/// Lays out a flowchart source both ways; `None` when it is not a flowchart the crate parses
/// or our layout rejects it.
pub fn compare(source: &str) -> Option<Comparison> {
    let normalized = normalize(source, "flowchart").source;
    let mut graph = mermaid_rs_renderer::parse_mermaid(&normalized).ok()?.graph;
    if graph.kind != DiagramKind::Flowchart {
        return None;
    }
    let loops = SelfLoops::take(&mut graph);
    let theme = DiagramTheme::Auto.renderer_theme();
    let config = layout_config();
    let started = Instant::now();
    let theirs = compute_layout(&graph, &theme, &config);
    let crate_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let mine = flow::layout(&graph, &loops.rooms(), &Deadline::never()).ok()?;
    let ours_ms = started.elapsed().as_secs_f64() * 1000.0;
    Some(Comparison {
        crate_layout: flow::quality::measure(&theirs),
        ours: flow::quality::measure(&mine),
        crate_ms,
        ours_ms,
        size: (graph.nodes.len(), graph.edges.len()),
        svgs: (
            render_svg(&theirs, &theme, &config),
            render_svg(&mine, &theme, &config),
        ),
    })
}
