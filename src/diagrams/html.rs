//! The HTML a diagram becomes: a `<figure class="diagram">` holding the inline SVG (or the
//! source for mermaid.js, or the source as code when it is not drawn, or the source with the
//! error), with the source in a `<details>` under a drawing so it can be read and copied.

use super::svg::ID_TOKEN;
use crate::markdown::escape_html;

/// The source, collapsed, under the diagram.
fn source_details(source: &str) -> String {
    format!(
        "<details class=\"diagram-source\"><summary>Diagram source</summary><pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">{}</code></pre></details>",
        escape_html(source)
    )
}

/// A diagram drawn at build time. `id` makes the SVG's ids unique on the page.
pub fn rendered(svg: &str, id: &str, kind: &str, source: &str) -> String {
    format!(
        "<figure class=\"diagram\" data-diagram=\"{}\">{}{}</figure>\n",
        escape_html(kind),
        svg.replace(ID_TOKEN, id),
        source_details(source)
    )
}

/// A diagram left to mermaid.js: its source in `<pre class="mermaid">`, which mermaid.js
/// replaces with the drawing (and which reads as source without JavaScript).
pub fn browser(kind: &str, source: &str) -> String {
    format!(
        "<figure class=\"diagram diagram-browser\" data-diagram=\"{}\"><pre class=\"mermaid\">{}</pre>{}</figure>\n",
        escape_html(kind),
        escape_html(source),
        source_details(source)
    )
}

/// A diagram the built-in renderer did not draw, on a site without a mermaid.js: its source,
/// readable as code, and why it is not drawn.
pub fn undrawn(reason: Option<&str>, source: &str) -> String {
    let why = reason.map_or(String::new(), |r| format!(": {}", escape_html(r)));
    format!(
        "<figure class=\"diagram diagram-undrawn\" role=\"note\"><figcaption class=\"diagram-note\">Diagram shown as source{why}</figcaption><pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">{}</code></pre></figure>\n",
        escape_html(source)
    )
}

/// A diagram mermaid cannot draw: its source and what is wrong with it.
pub fn invalid(message: &str, source: &str) -> String {
    format!(
        "<figure class=\"diagram diagram-error\" role=\"note\"><figcaption class=\"diagram-error-message\">Diagram error: {}</figcaption><pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">{}</code></pre></figure>\n",
        escape_html(message),
        escape_html(source)
    )
}
