//! Reading a mermaid source without rendering it: which kind of diagram it declares, and the
//! title and description it gives itself (for the accessible name).

/// The header keywords mermaid.js (v11) knows. A source whose header is none of these is not a
/// mermaid diagram at all, whatever renders it.
const KINDS: &[(&str, &str)] = &[
    ("flowchart", "Flowchart"),
    ("flowchart-elk", "Flowchart"),
    ("graph", "Flowchart"),
    ("sequenceDiagram", "Sequence diagram"),
    ("classDiagram", "Class diagram"),
    ("classDiagram-v2", "Class diagram"),
    ("stateDiagram", "State diagram"),
    ("stateDiagram-v2", "State diagram"),
    ("erDiagram", "Entity relationship diagram"),
    ("journey", "User journey"),
    ("gantt", "Gantt chart"),
    ("pie", "Pie chart"),
    ("quadrantChart", "Quadrant chart"),
    ("requirementDiagram", "Requirement diagram"),
    ("gitGraph", "Git graph"),
    ("C4Context", "C4 diagram"),
    ("C4Container", "C4 diagram"),
    ("C4Component", "C4 diagram"),
    ("C4Dynamic", "C4 diagram"),
    ("C4Deployment", "C4 diagram"),
    ("mindmap", "Mind map"),
    ("timeline", "Timeline"),
    ("zenuml", "Sequence diagram"),
    ("sankey", "Sankey diagram"),
    ("sankey-beta", "Sankey diagram"),
    ("xychart", "XY chart"),
    ("xychart-beta", "XY chart"),
    ("block", "Block diagram"),
    ("block-beta", "Block diagram"),
    ("packet", "Packet diagram"),
    ("packet-beta", "Packet diagram"),
    ("kanban", "Kanban board"),
    ("architecture", "Architecture diagram"),
    ("architecture-beta", "Architecture diagram"),
    ("radar-beta", "Radar chart"),
    ("treemap", "Treemap"),
    ("treemap-beta", "Treemap"),
    ("info", "Info"),
];

/// What a diagram says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The keyword as written (`flowchart`, `sequenceDiagram`).
    pub keyword: String,
    /// Its name for people (`Flowchart`, `Sequence diagram`).
    pub kind_name: &'static str,
    /// `title` from front matter, `accTitle`, or a `title` line.
    pub title: Option<String>,
    /// `accDescr`.
    pub description: Option<String>,
}

/// Why a source is not a mermaid diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Nothing but blank lines and comments.
    Empty,
    /// The first word is not a diagram type.
    UnknownKind {
        /// The word found.
        found: String,
        /// Its 1-based line in the diagram.
        line: usize,
    },
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Invalid::Empty => f.write_str("empty mermaid diagram"),
            Invalid::UnknownKind { found, line } => write!(
                f,
                "unknown mermaid diagram type `{found}` (line {line} of the diagram); it should start with a type such as `flowchart TD`, `sequenceDiagram` or `stateDiagram-v2`"
            ),
        }
    }
}

/// The lines that carry content: not blank, not `%%` comments or directives, and not in the
/// leading `---` front matter. Yields 1-based line numbers with the trimmed text.
pub fn content_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut in_front = false;
    let mut seen_content = false;
    source.lines().enumerate().filter_map(move |(i, line)| {
        let t = line.trim();
        if t == "---" && (in_front || !seen_content) {
            in_front = !in_front;
            seen_content = true;
            return None;
        }
        if in_front || t.is_empty() || t.starts_with("%%") {
            return None;
        }
        seen_content = true;
        Some((i + 1, t))
    })
}

/// Reads the header of a diagram.
pub fn header(source: &str) -> Result<Header, Invalid> {
    let Some((line, first)) = content_lines(source).next() else {
        return Err(Invalid::Empty);
    };
    let word = first
        .split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or("");
    let Some((keyword, kind_name)) = KINDS.iter().find(|(k, _)| *k == word) else {
        return Err(Invalid::UnknownKind {
            found: word.to_string(),
            line,
        });
    };
    let mut title = front_matter_title(source);
    let mut description = None;
    for (_, text) in content_lines(source).skip(1) {
        if let Some(rest) = text.strip_prefix("accTitle") {
            title = title.or_else(|| after_colon(rest));
        } else if let Some(rest) = text.strip_prefix("accDescr") {
            description = description.or_else(|| after_colon(rest));
        } else if let Some(rest) = text.strip_prefix("title ") {
            title = title.or_else(|| Some(rest.trim().to_string()).filter(|t| !t.is_empty()));
        }
    }
    Ok(Header {
        keyword: keyword.to_string(),
        kind_name,
        title,
        description,
    })
}

fn after_colon(rest: &str) -> Option<String> {
    let value = rest.trim_start().strip_prefix(':')?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `title:` in a leading `---` block.
fn front_matter_title(source: &str) -> Option<String> {
    let mut lines = source.lines().map(str::trim).skip_while(|l| l.is_empty());
    if lines.next()? != "---" {
        return None;
    }
    lines
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().trim_matches(['"', '\'']).to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_the_kind_after_comments_and_front_matter() {
        let h = header("---\ntitle: Lifecycle\n---\n%% a comment\n\nstateDiagram-v2\n[*] --> a\n")
            .unwrap();
        assert_eq!(h.keyword, "stateDiagram-v2");
        assert_eq!(h.kind_name, "State diagram");
        assert_eq!(h.title.as_deref(), Some("Lifecycle"));
    }

    #[test]
    fn acc_title_and_descr_are_read() {
        let h = header(
            "flowchart LR\n  accTitle: Encrypting a volume\n  accDescr: Four steps\n  A-->B\n",
        )
        .unwrap();
        assert_eq!(h.title.as_deref(), Some("Encrypting a volume"));
        assert_eq!(h.description.as_deref(), Some("Four steps"));
        let pie = header("pie\n    title Pets\n    \"Dogs\" : 3\n").unwrap();
        assert_eq!(pie.title.as_deref(), Some("Pets"));
    }

    #[test]
    fn unknown_kind_and_empty_are_invalid() {
        assert_eq!(
            header("\nflowchat TD\nA-->B\n"),
            Err(Invalid::UnknownKind {
                found: "flowchat".into(),
                line: 2
            })
        );
        assert_eq!(header("%% only a comment\n"), Err(Invalid::Empty));
        assert!(header("graph TD;A-->B").is_ok());
    }
}
