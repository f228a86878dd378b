//! The built-in renderer (the `mermaid-rs-renderer` crate): source → parse → layout → SVG.
//!
//! Besides outright parse failures, it rejects layouts it knows the crate gets wrong, so those
//! diagrams go to mermaid.js instead of being shown broken: graphs with self-loops (the crate
//! ranks a node with a self-loop after every other node, which scrambles the drawing) and
//! graphs whose boxes overlap.

use super::theme::DiagramTheme;
use mermaid_rs_renderer::{DiagramKind, Graph, Layout, LayoutConfig, compute_layout, render_svg};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The renderer and version whose output the cache holds (the dependency is pinned to it).
pub const RENDERER_VERSION: &str = "mermaid-rs-renderer 0.3.1";

/// Why the built-in renderer did not draw a diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection(pub String);

/// Renders a (normalised) source to the renderer's raw SVG.
pub fn render(source: &str, theme: &DiagramTheme) -> Result<String, Rejection> {
    let theme = theme.renderer_theme();
    let config = LayoutConfig {
        // Calibrated character widths: the same layout on every machine, whatever fonts it
        // has, so builds are reproducible and cached diagrams are valid everywhere.
        fast_text_metrics: true,
        // Authors break long labels with `<br/>`; wrap only what is longer than that.
        max_label_width_chars: 30,
        ..LayoutConfig::default()
    };
    let run = catch_unwind(AssertUnwindSafe(|| {
        let parsed = mermaid_rs_renderer::parse_mermaid_strict(source)
            .map_err(|e| Rejection(format!("the built-in renderer cannot parse it: {e}")))?;
        check_graph(&parsed.graph)?;
        let layout = compute_layout(&parsed.graph, &theme, &config);
        check_layout(&layout)?;
        Ok(render_svg(&layout, &theme, &config))
    }));
    run.unwrap_or_else(|_| Err(Rejection("the built-in renderer crashed on it".into())))
}

fn is_graph(kind: DiagramKind) -> bool {
    matches!(
        kind,
        DiagramKind::Flowchart | DiagramKind::State | DiagramKind::Class | DiagramKind::Er
    )
}

/// Rejects graphs the crate is known to lay out wrongly.
fn check_graph(graph: &Graph) -> Result<(), Rejection> {
    if !is_graph(graph.kind) {
        return Ok(());
    }
    if let Some(edge) = graph.edges.iter().find(|e| e.from == e.to) {
        return Err(Rejection(format!(
            "the built-in renderer misplaces nodes with a self-loop (`{0} --> {0}`)",
            edge.from
        )));
    }
    Ok(())
}

/// Rejects layouts where two boxes overlap: their labels would be unreadable.
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_flowchart() {
        let svg = render("flowchart LR\n  A[Start] --> B{Ok?}\n", &DiagramTheme::Auto).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Start"));
    }

    #[test]
    fn rejects_what_it_cannot_parse_with_a_reason() {
        let err = render(
            "sequenceDiagram\n  participant A\n  A->>B: hi\n",
            &DiagramTheme::Auto,
        )
        .unwrap_err();
        assert!(err.0.contains("unknown participant 'B'"), "{err:?}");
    }

    #[test]
    fn rejects_self_loops_in_graphs() {
        let err = render(
            "stateDiagram-v2\n  [*] --> a\n  a --> a : again\n  a --> b\n",
            &DiagramTheme::Auto,
        )
        .unwrap_err();
        assert!(err.0.contains("self-loop"), "{err:?}");
    }
}
