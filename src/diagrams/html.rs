//! The HTML a diagram becomes: a `<figure class="diagram">` holding the inline SVG (or the
//! source for mermaid.js, or the source with the error), always with the source in a
//! `<details>` so it can be read and copied.

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

/// A diagram mermaid cannot draw: its source and what is wrong with it.
pub fn invalid(message: &str, source: &str) -> String {
    format!(
        "<figure class=\"diagram diagram-error\" role=\"note\"><figcaption class=\"diagram-error-message\">Diagram error: {}</figcaption><pre class=\"code\" data-lang=\"mermaid\"><code class=\"language-mermaid\">{}</code></pre></figure>\n",
        escape_html(message),
        escape_html(source)
    )
}
