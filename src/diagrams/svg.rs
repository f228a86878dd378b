//! Post-processing of a rendered diagram so it fits in a page: ids made unique per diagram,
//! theme colours turned into the site's CSS custom properties (explicit `classDef`/`style`
//! colours kept, with a readable text colour on them), the background dropped, the view box
//! widened to hold text that spills over it, and the root made an accessible, scalable image.

use super::colour;
use super::shape::{bbox, text_inside};
use crate::markdown::escape_html;

/// Stands for a diagram's id prefix in cached SVG; replaced when the figure is written.
pub const ID_TOKEN: &str = "__studysite_dg__";

/// Stands for the accessible name until [`Finished::named`] fills it in.
const LABEL_TOKEN: &str = "__studysite_label__";

/// The finished SVG (still without its name) and what was learned on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    svg: String,
    /// The text of the first label, for an accessible name when the diagram has no title.
    pub first_text: Option<String>,
}

impl Finished {
    /// The SVG named `label` (`aria-label` and `<title>`), with `description` as its `<desc>`
    /// when there is one; ids prefixed with [`ID_TOKEN`].
    pub fn named(&self, label: &str, description: Option<&str>) -> String {
        let desc = description.map_or(String::new(), |d| {
            format!("<desc>{}</desc>", escape_html(d))
        });
        self.svg
            .replacen(
                &format!("{LABEL_TOKEN}</title>"),
                &format!("{LABEL_TOKEN}</title>{desc}"),
                1,
            )
            .replace(LABEL_TOKEN, &escape_html(label))
    }
}

/// One attribute of a tag.
pub(super) type Attr<'a> = (&'a str, String);

/// How a diagram's colours map onto the page's theme: each theme colour the renderer was
/// given, and the CSS custom property that replaces it.
pub type Palette = [(&'static str, &'static str)];

/// How far a diagram may shrink to fit the column; a wider one scrolls sideways instead (as
/// wide tables do), so its text stays legible.
const MIN_SCALE: f32 = 0.65;

/// How colours are themed: the palette, and the diagram's source (a colour written in it is
/// the author's, and kept).
#[derive(Clone, Copy)]
struct Theming<'a> {
    palette: Option<&'a Palette>,
    source: &'a str,
}

impl Theming<'_> {
    /// The custom property that replaces `value` in attribute `key` of `element`, if any:
    /// theme colours, and the very pale shape fills the renderer derives from them
    /// (composite-state and group backgrounds), which would glare in dark mode.
    fn role(&self, element: &str, key: &str, value: &str) -> Option<&'static str> {
        let palette = self.palette?;
        if let Some((_, var)) = palette.iter().find(|(c, _)| c.eq_ignore_ascii_case(value)) {
            return Some(var);
        }
        let derived = key == "fill"
            && SHAPES.contains(&element)
            && !self
                .source
                .to_ascii_lowercase()
                .contains(&value.to_ascii_lowercase())
            && colour::lightness(value).is_some_and(|l| l >= 0.9);
        derived.then_some("--dg-cluster-bg")
    }
}

/// The elements that draw filled shapes.
const SHAPES: &[&str] = &["rect", "polygon", "path", "circle", "ellipse", "polyline"];

/// Post-processes the renderer's SVG of `source`. `palette` is `None` for fixed-theme diagrams.
pub fn finish(raw: &str, palette: Option<&Palette>, source: &str) -> Finished {
    let theming = Theming { palette, source };
    let mut out = String::with_capacity(raw.len() + raw.len() / 8);
    let mut rest = raw;
    let mut root: Option<Vec<Attr>> = None;
    let mut root_at = 0;
    let mut first_child = true;
    // The last shape with a fixed fill, and where it is, for the text drawn on it.
    let mut explicit_fill: Option<(String, [f32; 4])> = None;
    let mut extents = Extents::default();
    let mut text: Option<TextRun> = None;
    let mut first_text: Option<String> = None;
    while let Some(open) = rest.find('<') {
        let content = &rest[..open];
        out.push_str(content);
        if let Some(run) = text.as_mut() {
            run.push_text(content);
        }
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open..open + close + 1];
        rest = &rest[open + close + 1..];
        if tag.starts_with("</") || tag.starts_with("<!") || tag.starts_with("<?") {
            if tag == "</text>"
                && let Some(run) = text.take()
            {
                if first_text.is_none() {
                    first_text = run.label();
                }
                extents.add(&run);
            }
            out.push_str(tag);
            continue;
        }
        let (name, mut attrs, self_closing) = parse_tag(tag);
        if name == "svg" && root.is_none() {
            root_at = out.len();
            root = Some(attrs);
            continue;
        }
        if first_child && name == "rect" && is_background(&attrs, root.as_deref()) {
            first_child = false;
            continue;
        }
        first_child = false;
        prefix_ids(&mut attrs);
        match name {
            "text" => {
                if let Some((fill, bbox)) = explicit_fill.as_ref()
                    && text_inside(&attrs, bbox)
                {
                    set_ink(&mut attrs, fill, theming);
                }
                text = Some(TextRun::new(&attrs));
            }
            "tspan" => {
                if let Some(run) = text.as_mut() {
                    run.new_line(&attrs);
                }
            }
            shape if SHAPES.contains(&shape) => {
                explicit_fill = get(&attrs, "fill")
                    .filter(|f| *f != "none" && theming.role(shape, "fill", f).is_none())
                    .zip(bbox(shape, &attrs))
                    .map(|(f, b)| (f.to_string(), b));
            }
            _ => {}
        }
        themed(name, &mut attrs, theming);
        write_tag(&mut out, name, &attrs, self_closing);
    }
    out.push_str(rest);
    let root_tag = root_tag(root.unwrap_or_default(), &extents);
    out.insert_str(root_at, &root_tag);
    Finished {
        svg: out,
        first_text,
    }
}

/// Splits `<name a="1" b="2"/>` into its parts. Values stay escaped as they were.
fn parse_tag(tag: &str) -> (&str, Vec<Attr<'_>>, bool) {
    let self_closing = tag.ends_with("/>");
    let inner = tag[1..tag.len() - if self_closing { 2 } else { 1 }].trim();
    let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
    let name = &inner[..name_end];
    let mut attrs = Vec::new();
    let mut rest = inner[name_end..].trim_start();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().unwrap_or('"');
        let body = &after[quote.len_utf8()..];
        let end = body.find(quote).unwrap_or(body.len());
        attrs.push((key, body[..end].to_string()));
        rest = body.get(end + 1..).unwrap_or("").trim_start();
    }
    (name, attrs, self_closing)
}

fn write_tag(out: &mut String, name: &str, attrs: &[Attr], self_closing: bool) {
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        out.push_str(v);
        out.push('"');
    }
    out.push_str(if self_closing { "/>" } else { ">" });
}

pub(super) fn get<'a>(attrs: &'a [Attr], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

pub(super) fn number(attrs: &[Attr], key: &str) -> Option<f32> {
    get(attrs, key)?.trim().parse().ok()
}

/// The view box of the root: x, y, width, height.
fn view_box(root: &[Attr]) -> Option<[f32; 4]> {
    let v: Vec<f32> = get(root, "viewBox")?
        .split([' ', ','])
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

/// The full-size rectangle the renderer paints first as a background.
fn is_background(rect: &[Attr], root: Option<&[Attr]>) -> bool {
    let Some([_, _, w, h]) = root.and_then(view_box) else {
        return false;
    };
    let near = |key, want: f32| number(rect, key).is_some_and(|v| (v - want).abs() < 0.5);
    near("width", w) && near("height", h)
}

fn prefix_ids(attrs: &mut [Attr]) {
    for (key, value) in attrs.iter_mut() {
        if *key == "id" {
            *value = format!("{ID_TOKEN}-{value}");
        } else if (*key == "href" || *key == "xlink:href") && value.starts_with('#') {
            *value = format!("#{ID_TOKEN}-{}", &value[1..]);
        } else if value.contains("url(#") {
            *value = value.replace("url(#", &format!("url(#{ID_TOKEN}-"));
        }
    }
}

/// Adds `style="fill:var(--dg-…)"` for themed colours; the attribute stays as the fallback.
fn themed(element: &str, attrs: &mut Vec<Attr>, theming: Theming) {
    let mut style = String::new();
    for (key, value) in attrs.iter() {
        if *key != "fill" && *key != "stroke" {
            continue;
        }
        if let Some(var) = theming.role(element, key, value) {
            style.push_str(&format!("{key}:var({var},{value});"));
        }
    }
    if style.is_empty() {
        return;
    }
    match attrs.iter_mut().find(|(k, _)| *k == "style") {
        Some((_, existing)) => {
            if !existing.trim_end().ends_with(';') && !existing.trim().is_empty() {
                existing.push(';');
            }
            existing.push_str(&style);
        }
        None => attrs.push(("style", style)),
    }
}

/// A label drawn on a fixed fill gets the text colour with the better contrast on that fill
/// (the theme's text colour would follow the page into dark mode and vanish on a light fill).
fn set_ink(attrs: &mut [Attr], fill: &str, theming: Theming) {
    let Some(ink) = colour::ink_for(fill) else {
        return;
    };
    for (key, value) in attrs.iter_mut() {
        if *key == "fill" && theming.role("text", key, value).is_some() {
            *value = ink.to_string();
        }
    }
}

/// A `<text>` element being read: its anchor, size and lines.
#[derive(Debug)]
struct TextRun {
    anchor_x: f32,
    anchor: String,
    size: f32,
    lines: Vec<(f32, String)>,
}

impl TextRun {
    fn new(attrs: &[Attr]) -> Self {
        let x = number(attrs, "x").unwrap_or(0.0);
        TextRun {
            anchor_x: x,
            anchor: get(attrs, "text-anchor").unwrap_or("start").to_string(),
            size: number(attrs, "font-size").unwrap_or(14.0),
            lines: vec![(x, String::new())],
        }
    }

    fn new_line(&mut self, attrs: &[Attr]) {
        let x = number(attrs, "x").unwrap_or(self.anchor_x);
        match self.lines.last_mut() {
            Some((lx, text)) if text.trim().is_empty() => *lx = x,
            _ => self.lines.push((x, String::new())),
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some((_, line)) = self.lines.last_mut() {
            line.push_str(text);
        }
    }

    fn label(&self) -> Option<String> {
        let joined: Vec<String> = self
            .lines
            .iter()
            .map(|(_, l)| unescape(l.trim()))
            .filter(|l| !l.is_empty())
            .collect();
        (!joined.is_empty()).then(|| joined.join(" "))
    }
}

/// The horizontal span text is estimated to take (no font is at hand here, so characters are
/// counted at a generous average width).
#[derive(Debug, Default)]
struct Extents {
    min_x: Option<f32>,
    max_x: Option<f32>,
}

impl Extents {
    fn add(&mut self, run: &TextRun) {
        for (x, line) in &run.lines {
            let chars = unescape(line.trim()).chars().count() as f32;
            if chars == 0.0 {
                continue;
            }
            let width = chars * run.size * 0.58;
            let left = match run.anchor.as_str() {
                "middle" => x - width / 2.0,
                "end" => x - width,
                _ => *x,
            };
            self.min_x = Some(self.min_x.map_or(left, |m| m.min(left)));
            self.max_x = Some(self.max_x.map_or(left + width, |m| m.max(left + width)));
        }
    }
}

/// The new root tag: widened to the text, scalable, and an image with a name.
fn root_tag(mut root: Vec<Attr>, extents: &Extents) -> String {
    if let Some([x, y, w, h]) = view_box(&root) {
        let pad = 4.0;
        let left = extents.min_x.map_or(x, |m| (m - pad).min(x));
        let right = extents.max_x.map_or(x + w, |m| (m + pad).max(x + w));
        let width = right - left;
        root.retain(|(k, _)| !matches!(*k, "viewBox" | "width" | "height" | "style"));
        root.push(("viewBox", format!("{left:.2} {y:.2} {width:.2} {h:.2}")));
        root.push(("width", format!("{width:.0}")));
        root.push(("height", format!("{h:.0}")));
        root.push(("style", format!("min-width:{:.0}px", width * MIN_SCALE)));
    }
    root.retain(|(k, _)| !matches!(*k, "role" | "aria-label" | "class"));
    root.push(("class", "diagram-svg".into()));
    root.push(("role", "img".into()));
    root.push(("aria-label", LABEL_TOKEN.into()));
    let mut out = String::new();
    write_tag(&mut out, "svg", &root, false);
    out.push_str("<title>");
    out.push_str(LABEL_TOKEN);
    out.push_str("</title>");
    out
}

/// Undoes the escapes a renderer writes in text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PALETTE: &Palette = &[("#F8FAFC", "--dg-node-bg"), ("#0F172A", "--dg-text")];

    const RAW: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50"><rect x="0" y="0" width="100" height="50" fill="#FFFFFF"/><defs><marker id="arrow-0"><path d="M0 0" fill="#64748B"/></marker></defs><rect x="1" y="1" width="40" height="20" fill="#F8FAFC"/><text x="20" y="10" text-anchor="middle" fill="#0F172A"><tspan x="20" dy="0">A &amp; B</tspan></text><rect x="50" y="1" width="40" height="20" fill="#0c0"/><text x="70" y="10" text-anchor="middle" fill="#0F172A"><tspan x="70">Health check</tspan></text><path d="M1 1" marker-end="url(#arrow-0)"/></svg>"##;

    #[test]
    fn theme_colours_become_custom_properties_and_explicit_ones_stay() {
        let f = finish(RAW, Some(PALETTE), "").named("Flowchart", None);
        assert!(
            f.contains(r##"fill="#F8FAFC" style="fill:var(--dg-node-bg,#F8FAFC);""##),
            "{f}"
        );
        assert!(f.contains(r##"fill="#0c0""##));
        assert!(
            f.contains(&format!(
                r##"fill="{}"><tspan x="70">Health check"##,
                colour::INK_DARK
            )),
            "text on an explicit light fill keeps a dark ink: {f}"
        );
    }

    #[test]
    fn ids_and_references_are_prefixed_and_background_dropped() {
        let f = finish(RAW, None, "");
        assert_eq!(f.first_text.as_deref(), Some("A & B"));
        let svg = f.named("Flowchart", None);
        assert!(svg.contains(&format!(r#"id="{ID_TOKEN}-arrow-0""#)));
        assert!(svg.contains(&format!("url(#{ID_TOKEN}-arrow-0)")));
        assert!(!svg.contains(r##"fill="#FFFFFF""##), "{svg}");
    }

    #[test]
    fn root_is_a_named_scalable_image_widened_to_its_text() {
        let raw = r#"<svg width="100" height="50" viewBox="0 0 100 50"><text x="95" y="10" text-anchor="start" font-size="10">a long label</text></svg>"#;
        let svg = finish(raw, None, "").named("Sequence diagram: Login", Some("Two steps"));
        let root = &svg[..svg.find('>').unwrap()];
        assert!(root.contains(r#"role="img""#), "{root}");
        assert!(root.contains(r#"aria-label="Sequence diagram: Login""#));
        assert!(root.contains(r#"class="diagram-svg""#));
        let (_, vb) = root.split_once("viewBox=\"").unwrap();
        let width: f32 = vb.split(' ').nth(2).unwrap().parse().unwrap();
        assert!(
            width > 160.0,
            "text spilling right widens the view box: {root}"
        );
        assert!(svg.contains("<title>Sequence diagram: Login</title><desc>Two steps</desc>"));
    }

    #[test]
    fn text_beside_a_coloured_shape_keeps_the_theme_colour() {
        let raw = r##"<svg viewBox="0 0 100 20"><rect x="0" y="0" width="10" height="10" fill="#1D4ED8"/><text x="5" y="8" fill="#0F172A">PK</text><text x="50" y="8" fill="#0F172A">name</text></svg>"##;
        let svg = finish(raw, Some(PALETTE), "").named("x", None);
        assert!(
            svg.contains(&format!(r##"fill="{}">PK"##, colour::INK_LIGHT)),
            "{svg}"
        );
        assert!(
            svg.contains(r##"fill="#0F172A" style="fill:var(--dg-text,#0F172A);">name"##),
            "{svg}"
        );
    }

    #[test]
    fn pale_fills_the_renderer_derives_follow_the_theme_but_authored_ones_stay() {
        let raw = r##"<svg viewBox="0 0 10 10"><rect x="1" fill="hsl(210, 40%, 94%)"/><rect x="2" fill="#fafafa"/></svg>"##;
        let themed = finish(raw, Some(PALETTE), "stateDiagram-v2\n a --> b\n").named("x", None);
        assert_eq!(themed.matches("var(--dg-cluster-bg").count(), 2, "{themed}");
        let authored = finish(raw, Some(PALETTE), "style a fill:#FAFAFA").named("x", None);
        assert_eq!(
            authored.matches("var(--dg-cluster-bg").count(),
            1,
            "{authored}"
        );
        let fixed = finish(raw, None, "").named("x", None);
        assert!(!fixed.contains("var("), "{fixed}");
    }
}
