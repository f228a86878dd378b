//! Rewrites of mermaid sources that mermaid.js accepts but the built-in renderer reads
//! differently, so the diagram still renders at build time. Each rewrite keeps the meaning
//! mermaid.js gives the source; none changes the note itself (the page shows the original).

/// The normalised source and which rewrites were applied (empty when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The source to render.
    pub source: String,
    /// What was rewritten, for people (`declared participants Cloudwatch, Lambda`).
    pub changes: Vec<String>,
}

/// Applies every rewrite that fits the diagram's kind.
pub fn normalize(source: &str, keyword: &str) -> Normalized {
    let mut out = Normalized {
        source: source.to_string(),
        changes: Vec::new(),
    };
    match keyword {
        "sequenceDiagram" => {
            if let Some((rewritten, names)) = declare_participants(&out.source) {
                out.source = rewritten;
                out.changes
                    .push(format!("declared participants {}", names.join(", ")));
            }
        }
        "flowchart" | "graph" => {
            if let Some((rewritten, changes)) = super::links::rewrite(&out.source) {
                out.source = rewritten;
                out.changes.extend(changes);
            }
            if let Some(rewritten) = unquote_edge_labels(&out.source) {
                out.source = rewritten;
                out.changes.push("unquoted edge labels".into());
            }
        }
        _ => {}
    }
    out
}

/// Arrows of sequence messages, longest first so `-->>` is not read as `-->`.
const ARROWS: &[&str] = &[
    "<<-->>", "<<->>", "-->>", "->>", "-->", "--x", "--)", "->", "-x", "-)",
];

/// Lines of a sequence diagram that are not messages.
const STATEMENTS: &[&str] = &[
    "participant",
    "actor",
    "loop",
    "alt",
    "else",
    "opt",
    "par",
    "and",
    "critical",
    "option",
    "break",
    "rect",
    "end",
    "note",
    "activate",
    "deactivate",
    "autonumber",
    "title",
    "acctitle",
    "accdescr",
    "box",
    "create",
    "destroy",
    "link",
    "links",
    "properties",
    "details",
];

/// The sender and receiver of a message line (`A->>B: text`), if it is one.
fn message_actors(line: &str) -> Option<(&str, &str)> {
    let first = line.split_whitespace().next()?.to_ascii_lowercase();
    if STATEMENTS.contains(&first.as_str()) || line.starts_with("%%") {
        return None;
    }
    let (at, arrow) = line.char_indices().find_map(|(i, _)| {
        ARROWS
            .iter()
            .find(|a| line[i..].starts_with(**a))
            .map(|a| (i, *a))
    })?;
    let from = line[..at].trim();
    let rest = line[at + arrow.len()..].trim_start_matches(['+', '-']);
    let to = rest.split(':').next()?.trim();
    (!from.is_empty() && !to.is_empty()).then_some((from, to))
}

/// The name a `participant`/`actor` line declares (`participant A as Alice` declares `A`).
fn declared(line: &str) -> Option<&str> {
    let rest = ["participant ", "actor "]
        .iter()
        .find_map(|k| line.strip_prefix(k))?;
    let name = match rest.find(" as ") {
        Some(i) => &rest[..i],
        None => rest,
    };
    let name = name.trim();
    (!name.is_empty()).then_some(name)
}

/// mermaid.js creates a participant the first time a message names it, even when others are
/// declared; the built-in renderer then rejects the undeclared one. Declares each such
/// participant on its own line just before the line that first names it, so the order of the
/// participants stays the order mermaid.js gives them.
fn declare_participants(source: &str) -> Option<(String, Vec<String>)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut known: Vec<String> = lines
        .iter()
        .filter_map(|l| declared(l.trim()))
        .map(str::to_string)
        .collect();
    if known.is_empty() {
        // Nothing declared: the renderer creates participants itself, as mermaid.js does.
        return None;
    }
    let mut added = Vec::new();
    let mut out = String::with_capacity(source.len() + 64);
    for line in &lines {
        if let Some((from, to)) = message_actors(line.trim()) {
            let indent = &line[..line.len() - line.trim_start().len()];
            for name in [from, to] {
                if !known.iter().any(|k| k == name) {
                    out.push_str(indent);
                    out.push_str("participant ");
                    out.push_str(name);
                    out.push('\n');
                    added.push(name.to_string());
                    known.push(name.to_string());
                }
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    (!added.is_empty()).then_some((out, added))
}

/// `A -->|"label"| B` shows the quotes with the built-in renderer; mermaid.js drops them.
/// Rewrites quoted edge labels without `|` or `"` inside to plain ones.
fn unquote_edge_labels(source: &str) -> Option<String> {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    let mut changed = false;
    while let Some(start) = rest.find("|\"") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("\"|") else { break };
        let label = &after[..end];
        out.push_str(&rest[..start + 1]);
        if label.contains(['|', '"', '\n']) {
            out.push('"');
            out.push_str(label);
            out.push('"');
        } else {
            out.push_str(label);
            changed = true;
        }
        out.push('|');
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENI: &str = "sequenceDiagram
    participant EC2_1 as EC2 Instance 1
    loop Every five seconds
        Cloudwatch-->>EC2_1: describe-instance-status
    end
    EC2_1->>Cloudwatch: Unhealthy
    Cloudwatch->>Lambda: SNS
    Lambda->>Lambda: Detach ENI from Instance 1
    Lambda-->>EC2 Instance 2: start-instance
";

    #[test]
    fn participants_named_only_by_messages_are_declared_where_first_named() {
        let n = normalize(ENI, "sequenceDiagram");
        assert_eq!(
            n.changes,
            ["declared participants Cloudwatch, Lambda, EC2 Instance 2"]
        );
        let lines: Vec<&str> = n.source.lines().map(str::trim).collect();
        let at = |s: &str| lines.iter().position(|l| *l == s).unwrap();
        assert!(at("participant Cloudwatch") < at("Cloudwatch-->>EC2_1: describe-instance-status"));
        assert!(at("participant Lambda") < at("Cloudwatch->>Lambda: SNS"));
        assert!(at("participant EC2 Instance 2") < at("Lambda-->>EC2 Instance 2: start-instance"));
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.starts_with("participant"))
                .count(),
            4
        );
    }

    #[test]
    fn sequences_without_declarations_are_left_alone() {
        let src = "sequenceDiagram\n  A->>B: hi\n  B-->>A: ok\n";
        assert_eq!(normalize(src, "sequenceDiagram").source, src);
    }

    #[test]
    fn message_lines_are_told_from_statements() {
        assert_eq!(message_actors("A->>+B: go"), Some(("A", "B")));
        assert_eq!(
            message_actors("Web server--xDB: fails"),
            Some(("Web server", "DB"))
        );
        assert_eq!(message_actors("Note over A,B: x->y"), None);
        assert_eq!(message_actors("loop every 10s"), None);
    }

    #[test]
    fn quoted_edge_labels_lose_their_quotes() {
        let n = normalize(
            "flowchart LR\n  A -->|\"step 1: snapshot\"| B\n  B -->|\"a|b\"| C\n  C -->|No| D\n",
            "flowchart",
        );
        assert_eq!(
            n.source,
            "flowchart LR\n  A -->|step 1: snapshot| B\n  B -->|\"a|b\"| C\n  C -->|No| D\n"
        );
        assert_eq!(n.changes, ["unquoted edge labels"]);
        let plain = "graph TD\nA-->|x|B\n";
        assert_eq!(normalize(plain, "graph").changes, Vec::<String>::new());
    }
}
