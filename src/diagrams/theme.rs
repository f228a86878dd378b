//! Diagram colours. With `theme = "auto"` the renderer draws with a light palette whose every
//! colour stands for one role, and the post-processing maps each onto a CSS custom property
//! (`--dg-node-bg`, …) that `static/style.css` defines for light and dark mode, so a diagram
//! follows the site's theme. A named mermaid theme draws with fixed colours instead.

use super::svg::Palette;
use mermaid_rs_renderer::Theme;

/// How diagrams are coloured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagramTheme {
    /// Follow the page's light/dark theme through CSS custom properties.
    Auto,
    /// One of the renderer's mermaid themes (`default`, `neutral`, `forest`, `dark`).
    Fixed(String),
}

impl DiagramTheme {
    /// From the `mermaid.theme` setting.
    pub fn from_config(name: &str) -> Self {
        if name == "auto" {
            DiagramTheme::Auto
        } else {
            DiagramTheme::Fixed(name.to_string())
        }
    }

    /// The name that goes into the cache key.
    pub fn name(&self) -> &str {
        match self {
            DiagramTheme::Auto => "auto",
            DiagramTheme::Fixed(name) => name,
        }
    }

    /// The renderer's theme.
    pub fn renderer_theme(&self) -> Theme {
        match self {
            DiagramTheme::Auto => auto_theme(),
            DiagramTheme::Fixed(name) => Theme::from_name(name).unwrap_or_else(Theme::modern),
        }
    }

    /// The colour → custom property map, for `Auto` only.
    pub fn palette(&self) -> Option<&'static Palette> {
        match self {
            DiagramTheme::Auto => Some(PALETTE),
            DiagramTheme::Fixed(_) => None,
        }
    }
}

// One colour per role, so that the map back to roles is exact.
const NODE_BG: &str = "#F8FAFC";
const NODE_BORDER: &str = "#94A3B8";
const LINE: &str = "#64748B";
const TEXT: &str = "#0F172A";
const SURFACE: &str = "#FFFFFF";
const CLUSTER_BG: &str = "#F1F5F9";
const CLUSTER_BORDER: &str = "#CBD5E1";
const SECONDARY: &str = "#E2E8F0";
const NOTE_BG: &str = "#FFF7ED";
const NOTE_BORDER: &str = "#FDBA74";
/// Text on pie slices, which keep their fixed colours: dark in both modes (not mapped).
const SLICE_TEXT: &str = "#0F172B";
/// Pie slices: mid-light colours that dark text reads on, on a light or a dark page.
const PIE: [&str; 12] = [
    "#8AB4F8", "#F6AD55", "#68D391", "#F687B3", "#B794F4", "#63B3ED", "#FBD38D", "#9AE6B4",
    "#FEB2B2", "#D6BCFA", "#90CDF4", "#FAF089",
];

/// Each theme colour and the custom property that replaces it.
pub const PALETTE: &Palette = &[
    (NODE_BG, "--dg-node-bg"),
    (NODE_BORDER, "--dg-node-border"),
    (LINE, "--dg-line"),
    (TEXT, "--dg-text"),
    (SURFACE, "--dg-surface"),
    (CLUSTER_BG, "--dg-cluster-bg"),
    (CLUSTER_BORDER, "--dg-cluster-border"),
    (SECONDARY, "--dg-secondary"),
    (NOTE_BG, "--dg-note-bg"),
    (NOTE_BORDER, "--dg-note-border"),
];

/// The renderer's modern theme, with the colours of [`PALETTE`] and the site's UI fonts.
fn auto_theme() -> Theme {
    let mut t = Theme::modern();
    t.font_family = "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, \"DejaVu Sans\", sans-serif".into();
    t.primary_color = NODE_BG.into();
    t.primary_text_color = TEXT.into();
    t.primary_border_color = NODE_BORDER.into();
    t.line_color = LINE.into();
    t.secondary_color = SECONDARY.into();
    t.tertiary_color = SURFACE.into();
    t.edge_label_background = SURFACE.into();
    t.cluster_background = CLUSTER_BG.into();
    t.cluster_border = CLUSTER_BORDER.into();
    t.background = SURFACE.into();
    t.sequence_actor_fill = NODE_BG.into();
    t.sequence_actor_border = NODE_BORDER.into();
    t.sequence_actor_line = LINE.into();
    t.sequence_note_fill = NOTE_BG.into();
    t.sequence_note_border = NOTE_BORDER.into();
    t.sequence_activation_fill = SECONDARY.into();
    t.sequence_activation_border = NODE_BORDER.into();
    t.text_color = TEXT.into();
    t.pie_title_text_color = TEXT.into();
    t.pie_legend_text_color = TEXT.into();
    t.pie_section_text_color = SLICE_TEXT.into();
    t.pie_outer_stroke_color = CLUSTER_BORDER.into();
    t.pie_stroke_color = SURFACE.into();
    t.pie_colors = PIE.map(String::from);
    t.pie_opacity = 1.0;
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_colours_are_distinct() {
        for (i, (a, _)) in PALETTE.iter().enumerate() {
            for (b, _) in &PALETTE[i + 1..] {
                assert!(!a.eq_ignore_ascii_case(b), "{a} twice");
            }
        }
    }

    #[test]
    fn fixed_themes_have_no_palette() {
        assert!(DiagramTheme::from_config("dark").palette().is_none());
        assert!(DiagramTheme::from_config("auto").palette().is_some());
    }
}
