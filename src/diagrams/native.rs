//! The built-in renderer: source → the `mermaid-rs-renderer` crate's parser → layout (ours for
//! flowcharts, [`super::flow`]; the crate's for every other kind) → the crate's SVG writer.
//!
//! Self-loops are laid out separately ([`super::self_loops`]). Besides outright parse
//! failures, it rejects what it would draw wrongly, so those diagrams fall back instead of
//! being shown broken: diagrams past their size or time budget, graphs whose boxes overlap,
//! graphs with a box drawn inside a group (subgraph) it is not in, and flowcharts whose parsed
//! nodes are not the ones the source names ([`super::links`]).

use super::budget::Budget;
use super::self_loops::SelfLoops;
use super::theme::DiagramTheme;
use mermaid_rs_renderer::{
    DiagramKind, Graph, Layout, LayoutConfig, compute_layout, render_svg, validator,
};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The renderer and version whose output the cache holds (the dependency is pinned to it).
pub const RENDERER_VERSION: &str = "mermaid-rs-renderer 0.3.1";

/// Why the built-in renderer did not draw a diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

/// The renderer's raw SVG, and the label of the diagram's first node or participant.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    /// The SVG as the renderer wrote it.
    pub svg: String,
    /// The first node (in source order) or participant, with `<br/>` read as a space.
    pub first_label: Option<String>,
}

/// Renders a (normalised) source to the renderer's raw SVG, within `budget`.
pub fn render(source: &str, theme: &DiagramTheme, budget: &Budget) -> Result<Drawing, Rejection> {
    let theme = theme.renderer_theme();
    let config = layout_config();
    let run = catch_unwind(AssertUnwindSafe(|| {
        let cannot = |e: &dyn std::fmt::Display| {
            Rejection(format!("the built-in renderer cannot parse it: {e}"))
        };
        validator::validate(&without_annotations(source)).map_err(|e| cannot(&e))?;
        let parsed = mermaid_rs_renderer::parse_mermaid(source).map_err(|e| cannot(&e))?;
        let mut graph = parsed.graph;
        let flowchart = graph.kind == DiagramKind::Flowchart;
        if flowchart {
            super::links::check(source, &graph)?;
        }
        let (nodes, edges) = size(&graph);
        budget.check_size(nodes, edges, flowchart)?;
        let loops = if matches!(graph.kind, DiagramKind::Flowchart | DiagramKind::State) {
            SelfLoops::take(&mut graph)
        } else {
            SelfLoops::default()
        };
        let mut layout = if flowchart {
            super::flow::layout(&graph, &loops.rooms(), &budget.start())?
        } else {
            compute_layout(&graph, &theme, &config)
        };
        check_layout(&layout)?;
        loops.put_back(&mut layout)?;
        Ok(Drawing {
            svg: render_svg(&layout, &theme, &config),
            first_label: first_label(&graph),
        })
    }));
    run.unwrap_or_else(|_| Err(Rejection("the built-in renderer crashed on it".into())))
}

/// The source with class annotation lines (`<<interface>>`, `<<abstract>> Shape`) blanked:
/// the crate's preflight validator takes their `<<` for an arrow, though its parser reads them
/// fine. Lines are blanked, not removed, so reported line numbers stay right.
fn without_annotations(source: &str) -> String {
    let annotation = |line: &str| {
        let t = line.trim_start();
        t.strip_prefix("<<")
            .and_then(|rest| rest.split_once(">>"))
            .is_some_and(|(word, _)| {
                !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == ' ')
            })
    };
    source
        .lines()
        .map(|l| if annotation(l) { "" } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate's layout settings.
pub fn layout_config() -> LayoutConfig {
    LayoutConfig {
        // Calibrated character widths: the same layout on every machine, whatever fonts it
        // has, so builds are reproducible and cached diagrams are valid everywhere.
        fast_text_metrics: true,
        // Authors break long labels with `<br/>`; wrap only what is longer than that.
        max_label_width_chars: 30,
        ..LayoutConfig::default()
    }
}

/// What the size budget counts: nodes (or participants, commits, tasks, …) and edges (or
/// messages, notes, …), whichever the kind uses.
fn size(graph: &Graph) -> (usize, usize) {
    let nodes = graph
        .nodes
        .len()
        .max(graph.sequence_participants.len())
        .max(graph.gitgraph.commits.len())
        .max(graph.gantt_tasks.len())
        .max(graph.mindmap.nodes.len())
        .max(graph.c4.shapes.len());
    let edges = graph.edges.len() + graph.sequence_notes.len() + graph.c4.rels.len();
    (nodes, edges)
}

fn first_label(graph: &Graph) -> Option<String> {
    let id = match graph.kind {
        DiagramKind::Sequence => graph.sequence_participants.first()?.clone(),
        _ => graph
            .node_order
            .iter()
            .filter(|(id, _)| graph.nodes.contains_key(*id))
            .min_by_key(|(_, order)| **order)?
            .0
            .clone(),
    };
    let label = graph
        .nodes
        .get(&id)
        .map_or(id.as_str(), |n| n.label.as_str());
    let words: Vec<&str> = label
        .split("<br/>")
        .flat_map(|l| l.split("<br>"))
        .flat_map(str::split_whitespace)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn is_graph(kind: DiagramKind) -> bool {
    matches!(
        kind,
        DiagramKind::Flowchart | DiagramKind::State | DiagramKind::Class | DiagramKind::Er
    )
}

/// Rejects layouts where two boxes overlap (their labels would be unreadable) or where a box
/// sits inside a group it does not belong to (the drawing would say something false).
fn check_layout(layout: &Layout) -> Result<(), Rejection> {
    if !is_graph(layout.kind) {
        return Ok(());
    }
    let boxes: Vec<_> = layout
        .nodes
        .values()
        .filter(|n| !n.hidden && n.anchor_subgraph.is_none() && n.width > 0.0)
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let overlap_x = (a.x + a.width).min(b.x + b.width) - a.x.max(b.x);
            let overlap_y = (a.y + a.height).min(b.y + b.height) - a.y.max(b.y);
            if overlap_x > 1.0 && overlap_y > 1.0 {
                return Err(Rejection(format!(
                    "the built-in renderer's layout overlaps `{}` and `{}`",
                    a.id, b.id
                )));
            }
        }
    }
    for group in &layout.subgraphs {
        for node in &boxes {
            let (cx, cy) = (node.x + node.width / 2.0, node.y + node.height / 2.0);
            let inside = cx > group.x
                && cx < group.x + group.width
                && cy > group.y
                && cy < group.y + group.height;
            if inside && !group.nodes.contains(&node.id) {
                return Err(Rejection(format!(
                    "the built-in renderer draws `{}` inside the group \"{}\", which it is not in",
                    node.id, group.label
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_flowchart() {
        let drawing = render(
            "flowchart LR\n  B{Ok?} --> C\n  A[\"Start<br/>here\"] --> B\n",
            &DiagramTheme::Auto,
            &Budget::default(),
        )
        .unwrap();
        assert!(drawing.svg.starts_with("<svg"), "{}", drawing.svg);
        assert!(drawing.svg.contains("Start"));
        assert_eq!(drawing.first_label.as_deref(), Some("Ok?"));
    }

    #[test]
    fn rejects_what_it_cannot_parse_with_a_reason() {
        let err = render(
            "sequenceDiagram\n  participant A\n  A->>B: hi\n",
            &DiagramTheme::Auto,
            &Budget::default(),
        )
        .unwrap_err();
        assert!(err.0.contains("unknown participant 'B'"), "{err:?}");
    }

    #[test]
    fn accepts_nested_groups_drawn_around_their_members() {
        let src = "flowchart LR\n  subgraph outer [\"Outer\"]\n    subgraph inner [\"Inner\"]\n      a --> b\n    end\n    c\n  end\n  b --> c\n";
        assert!(render(src, &DiagramTheme::Auto, &Budget::default()).is_ok());
    }

    #[test]
    fn class_annotations_pass_the_preflight_check() {
        let src = "classDiagram\n  class Animal {\n    <<interface>>\n    +eat() bool\n  }\n  class Shape\n  <<abstract>> Shape\n  Animal <|-- Dog\n";
        let drawing = render(src, &DiagramTheme::Auto, &Budget::default()).unwrap();
        assert!(drawing.svg.contains("interface"), "{}", drawing.svg);
        assert!(
            render(
                "flowchart LR\n<<-->> B\n",
                &DiagramTheme::Auto,
                &Budget::default()
            )
            .is_err()
        );
    }

    #[test]
    fn self_loops_are_drawn_beside_a_node_ranked_in_order() {
        let drawing = render(
            "stateDiagram-v2\n  [*] --> a\n  a --> a : again\n  a --> b\n  b --> [*]\n",
            &DiagramTheme::Auto,
            &Budget::default(),
        )
        .unwrap();
        assert!(drawing.svg.contains(">again<"), "{}", drawing.svg);
    }
}
