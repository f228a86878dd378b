//! The finished layout in the renderer's terms: rank space turned to the diagram's direction,
//! nodes, edges (with their `linkStyle`s) and group boxes (parents first, so children are
//! drawn over them), moved to start at a small margin.

use super::model::Model;
use super::place::Placement;
use super::route::{Path, Point};
use mermaid_rs_renderer::ir::{EdgeStyleOverride, NodeStyle};
use mermaid_rs_renderer::layout::DiagramData;
use mermaid_rs_renderer::{
    DiagramKind, Direction, EdgeLayout, Graph, Layout, NodeLayout, SubgraphLayout,
};
use std::collections::BTreeMap;

/// Room around the drawing.
pub const MARGIN: f32 = 8.0;

/// Builds the renderer's layout.
pub fn layout(graph: &Graph, model: &Model, at: &Placement, paths: Vec<Path>) -> Layout {
    let turn = |p: Point| -> Point {
        match graph.direction {
            Direction::TopDown => p,
            Direction::BottomTop => (p.0, -p.1),
            Direction::LeftRight => (p.1, p.0),
            Direction::RightLeft => (-p.1, p.0),
        }
    };
    let rect = |l: f32, t: f32, r: f32, b: f32| -> [f32; 4] {
        let (a, c) = (turn((l, t)), turn((r, b)));
        [a.0.min(c.0), a.1.min(c.1), a.0.max(c.0), a.1.max(c.1)]
    };
    let mut nodes = BTreeMap::new();
    for (i, node) in model.nodes.iter().enumerate() {
        let Some(id) = &node.id else { continue };
        let r = rect(
            at.x[i] - node.w / 2.0,
            at.y[i] - node.h / 2.0,
            at.x[i] + node.w / 2.0,
            at.y[i] + node.h / 2.0,
        );
        let shape = graph.nodes.get(id).map(|n| n.shape).unwrap_or(node.shape);
        nodes.insert(
            id.clone(),
            NodeLayout {
                id: id.clone(),
                x: r[0],
                y: r[1],
                width: r[2] - r[0],
                height: r[3] - r[1],
                label: node.label.clone(),
                shape,
                style: node_style(graph, id),
                link: graph.node_links.get(id).cloned(),
                anchor_subgraph: None,
                hidden: false,
                icon: None,
            },
        );
    }
    let mut subgraphs: Vec<(usize, SubgraphLayout)> = model
        .groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let b = at.boxes[g];
            let r = rect(b[0], b[1], b[2], b[3]);
            let sub = &graph.subgraphs[group.sub];
            let members = (0..model.nodes.len())
                .filter(|n| model.contains(g, *n))
                .filter_map(|n| model.nodes[n].id.clone())
                .collect();
            (
                model.depth(Some(g)),
                SubgraphLayout {
                    label: sub.label.clone(),
                    label_block: group.title.clone(),
                    nodes: members,
                    x: r[0],
                    y: r[1],
                    width: r[2] - r[0],
                    height: r[3] - r[1],
                    style: group_style(graph, sub.id.as_deref()),
                    icon: None,
                },
            )
        })
        .collect();
    subgraphs.sort_by_key(|(depth, _)| *depth);
    let edges = graph
        .edges
        .iter()
        .zip(paths)
        .enumerate()
        .map(|(i, (edge, path))| EdgeLayout {
            from: edge.from.clone(),
            to: edge.to.clone(),
            label: edge
                .label
                .as_deref()
                .filter(|l| !l.trim().is_empty())
                .map(super::measure::label),
            start_label: None,
            end_label: None,
            label_anchor: path.label.map(turn),
            start_label_anchor: None,
            end_label_anchor: None,
            points: path.points.into_iter().map(turn).collect(),
            directed: edge.directed,
            arrow_start: edge.arrow_start,
            arrow_end: edge.arrow_end,
            arrow_start_kind: edge.arrow_start_kind,
            arrow_end_kind: edge.arrow_end_kind,
            start_decoration: edge.start_decoration,
            end_decoration: edge.end_decoration,
            style: edge.style,
            override_style: edge_style(graph, i),
        })
        .collect();
    let mut layout = Layout {
        kind: DiagramKind::Flowchart,
        nodes,
        edges,
        subgraphs: subgraphs.into_iter().map(|(_, s)| s).collect(),
        width: 0.0,
        height: 0.0,
        diagram: DiagramData::Graph {
            state_notes: Vec::new(),
        },
    };
    fit(&mut layout);
    layout
}

/// Moves the drawing to start at the margin and sizes it to what it holds, labels included.
fn fit(layout: &mut Layout) {
    let mut lo = (f32::MAX, f32::MAX);
    let mut hi = (f32::MIN, f32::MIN);
    let mut add = |x0: f32, y0: f32, x1: f32, y1: f32| {
        lo = (lo.0.min(x0), lo.1.min(y0));
        hi = (hi.0.max(x1), hi.1.max(y1));
    };
    for n in layout.nodes.values() {
        add(n.x, n.y, n.x + n.width, n.y + n.height);
    }
    for s in &layout.subgraphs {
        add(s.x, s.y, s.x + s.width, s.y + s.height);
    }
    for e in &layout.edges {
        for p in &e.points {
            add(p.0, p.1, p.0, p.1);
        }
        if let (Some(l), Some((x, y))) = (&e.label, e.label_anchor) {
            add(
                x - l.width / 2.0 - 5.0,
                y - l.height / 2.0 - 3.0,
                x + l.width / 2.0 + 5.0,
                y + l.height / 2.0 + 3.0,
            );
        }
    }
    if lo.0 > hi.0 {
        lo = (0.0, 0.0);
        hi = (0.0, 0.0);
    }
    let (dx, dy) = (MARGIN - lo.0, MARGIN - lo.1);
    for n in layout.nodes.values_mut() {
        n.x += dx;
        n.y += dy;
    }
    for s in &mut layout.subgraphs {
        s.x += dx;
        s.y += dy;
    }
    for e in &mut layout.edges {
        for p in &mut e.points {
            p.0 += dx;
            p.1 += dy;
        }
        if let Some(a) = e.label_anchor.as_mut() {
            a.0 += dx;
            a.1 += dy;
        }
    }
    layout.width = hi.0 - lo.0 + 2.0 * MARGIN;
    layout.height = hi.1 - lo.1 + 2.0 * MARGIN;
}

fn merge(into: &mut NodeStyle, from: &NodeStyle) {
    if from.fill.is_some() {
        into.fill = from.fill.clone();
    }
    if from.stroke.is_some() {
        into.stroke = from.stroke.clone();
    }
    if from.text_color.is_some() {
        into.text_color = from.text_color.clone();
    }
    if let Some(w) = from.stroke_width.filter(|w| w.is_finite()) {
        into.stroke_width = Some(w.max(0.0));
    }
    if from.stroke_dasharray.is_some() {
        into.stroke_dasharray = from.stroke_dasharray.clone();
    }
    if from.line_color.is_some() {
        into.line_color = from.line_color.clone();
    }
}

/// `classDef`s of the node's classes, then its own `style`.
fn node_style(graph: &Graph, id: &str) -> NodeStyle {
    let mut style = NodeStyle::default();
    for class in graph.node_classes.get(id).into_iter().flatten() {
        if let Some(def) = graph.class_defs.get(class) {
            merge(&mut style, def);
        }
    }
    if let Some(own) = graph.node_styles.get(id) {
        merge(&mut style, own);
    }
    style
}

fn group_style(graph: &Graph, id: Option<&str>) -> NodeStyle {
    let mut style = NodeStyle::default();
    let Some(id) = id else { return style };
    for class in graph.subgraph_classes.get(id).into_iter().flatten() {
        if let Some(def) = graph.class_defs.get(class) {
            merge(&mut style, def);
        }
    }
    if let Some(own) = graph.subgraph_styles.get(id) {
        merge(&mut style, own);
    }
    style
}

/// `linkStyle default`, then `linkStyle i`.
fn edge_style(graph: &Graph, i: usize) -> EdgeStyleOverride {
    let mut style = graph.edge_style_default.clone().unwrap_or_default();
    if let Some(own) = graph.edge_styles.get(&i) {
        if own.stroke.is_some() {
            style.stroke = own.stroke.clone();
        }
        if let Some(w) = own.stroke_width.filter(|w| w.is_finite()) {
            style.stroke_width = Some(w.max(0.0));
        }
        if own.dasharray.is_some() {
            style.dasharray = own.dasharray.clone();
        }
        if own.label_color.is_some() {
            style.label_color = own.label_color.clone();
        }
    }
    style
}
