//! Self-loops (`running --> running : reboot`) drawn without the crate's help: it ranks a node
//! that has one after every other node, which scrambles the drawing. So the loops are taken
//! out of the graph before layout and added back afterwards as a small loop beside their node.

use super::native::Rejection;
use mermaid_rs_renderer::ir::{Edge, EdgeStyleOverride};
use mermaid_rs_renderer::layout::TextBlock;
use mermaid_rs_renderer::{EdgeLayout, Graph, Layout, NodeLayout};
use std::collections::HashMap;

/// How far a loop reaches out of its node, and the gap before its label.
const REACH: f32 = 26.0;
const GAP: f32 = 6.0;
/// Label metrics: the crate measures labels at 16px with ~0.55em per character; a little more
/// keeps the estimate on the safe side.
const FONT: f32 = 16.0;
const CHAR_WIDTH: f32 = 0.6;
const LINE_HEIGHT: f32 = 1.5;

/// The self-loops taken out of a graph, with their `linkStyle` overrides.
#[derive(Debug, Default)]
pub struct SelfLoops(Vec<(Edge, EdgeStyleOverride)>);

impl SelfLoops {
    /// Removes the self-loops from `graph` (renumbering `linkStyle` overrides of the edges that
    /// stay).
    pub fn take(graph: &mut Graph) -> SelfLoops {
        if !graph.edges.iter().any(|e| e.from == e.to) {
            return SelfLoops::default();
        }
        let mut loops = Vec::new();
        let mut kept = Vec::with_capacity(graph.edges.len());
        let mut styles = HashMap::new();
        for (i, edge) in std::mem::take(&mut graph.edges).into_iter().enumerate() {
            let style = graph.edge_styles.remove(&i);
            if edge.from == edge.to {
                loops.push((edge, style.unwrap_or_default()));
            } else {
                if let Some(style) = style {
                    styles.insert(kept.len(), style);
                }
                kept.push(edge);
            }
        }
        graph.edges = kept;
        graph.edge_styles = styles;
        SelfLoops(loops)
    }

    /// How much room each looped node needs beside it (on the right, as drawn), so the layout
    /// can keep it free.
    pub fn rooms(&self) -> std::collections::BTreeMap<String, f32> {
        let mut rooms = std::collections::BTreeMap::new();
        for (edge, _) in &self.0 {
            let label = edge
                .label
                .as_deref()
                .map_or(0.0, |l| GAP + text_block(l).width);
            let room = rooms.entry(edge.from.clone()).or_insert(0.0f32);
            *room = room.max(REACH + label + 8.0);
        }
        rooms
    }

    /// Draws the loops into a finished layout, beside their nodes where nothing else is,
    /// widening the layout when a loop sticks out on the right.
    pub fn put_back(self, layout: &mut Layout) -> Result<(), Rejection> {
        let mut looped: Vec<&str> = Vec::new();
        for (edge, style) in &self.0 {
            if looped.contains(&edge.from.as_str()) {
                return Err(Rejection(format!(
                    "the built-in renderer cannot draw two self-loops on `{}`",
                    edge.from
                )));
            }
            looped.push(&edge.from);
            let node = layout.nodes.get(&edge.from).cloned().ok_or_else(|| {
                Rejection(format!("self-loop on `{}`, which has no box", edge.from))
            })?;
            let label = edge.label.as_deref().map(text_block);
            let room = REACH + label.as_ref().map_or(0.0, |l| GAP + l.width);
            let right = node.x + node.width;
            let side = if free(layout, &node, right, right + room) {
                1.0
            } else if node.x - room >= 0.0 && free(layout, &node, node.x - room, node.x) {
                -1.0
            } else {
                return Err(Rejection(format!(
                    "no room beside `{}` for its self-loop",
                    edge.from
                )));
            };
            let edge_x = if side > 0.0 { right } else { node.x };
            let out_x = edge_x + side * REACH;
            let (top, bottom) = (node.y + node.height * 0.3, node.y + node.height * 0.7);
            let label_anchor = label.as_ref().map(|l| {
                (
                    out_x + side * (GAP + l.width / 2.0),
                    node.y + node.height / 2.0,
                )
            });
            layout.width = layout.width.max(right + room + 8.0);
            layout.edges.push(EdgeLayout {
                from: edge.from.clone(),
                to: edge.to.clone(),
                label,
                start_label: None,
                end_label: None,
                label_anchor,
                start_label_anchor: None,
                end_label_anchor: None,
                points: vec![
                    (edge_x, top),
                    (out_x, top),
                    (out_x, bottom),
                    (edge_x, bottom),
                ],
                directed: edge.directed,
                arrow_start: edge.arrow_start,
                arrow_end: edge.arrow_end,
                arrow_start_kind: edge.arrow_start_kind,
                arrow_end_kind: edge.arrow_end_kind,
                start_decoration: edge.start_decoration,
                end_decoration: edge.end_decoration,
                style: edge.style,
                override_style: style.clone(),
            });
        }
        Ok(())
    }
}

fn text_block(label: &str) -> TextBlock {
    let lines: Vec<String> = label
        .split("<br/>")
        .flat_map(|l| l.split("<br>"))
        .map(|l| l.trim().to_string())
        .collect();
    let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    TextBlock {
        width: longest as f32 * FONT * CHAR_WIDTH,
        height: lines.len() as f32 * FONT * LINE_HEIGHT,
        lines,
    }
}

/// Whether the band `from..to` beside `node` (its height, plus a margin) is clear of other
/// boxes.
fn free(layout: &Layout, node: &NodeLayout, from: f32, to: f32) -> bool {
    let (top, bottom) = (node.y - 4.0, node.y + node.height + 4.0);
    layout.nodes.values().all(|other| {
        other.id == node.id
            || other.hidden
            || other.x >= to
            || other.x + other.width <= from
            || other.y >= bottom
            || other.y + other.height <= top
    })
}
