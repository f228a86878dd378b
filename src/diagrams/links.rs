//! Reading flowchart statements the way mermaid.js does: node references (`A`, `B[Label]`,
//! `C & D`) joined by links in every form mermaid.js accepts (`-->`, `---`, `-.->`, `==>`,
//! `<-->`, `--o`, `--x`, `~~~`, any length; labels as `-->|text|`, `--> |text|`,
//! `-- text -->`, `-. text .->`, `== text ==>`), chained or not.
//!
//! Two uses: rewriting the forms the crate's parser misreads into the one it reads well
//! (`A -->|text| B`, one link per statement), and naming the nodes the source declares, so a
//! drawing whose nodes differ from those is caught instead of shown.

use super::native::Rejection;
use super::source::content_lines;
use mermaid_rs_renderer::Graph;
use std::collections::BTreeSet;

/// First words of flowchart statements that declare no node and no link.
const KEYWORDS: &[&str] = &[
    "flowchart",
    "flowchart-elk",
    "graph",
    "subgraph",
    "end",
    "direction",
    "classDef",
    "class",
    "style",
    "linkStyle",
    "click",
    "accTitle",
    "accDescr",
    "title",
];

/// A link between two groups of nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    /// The arrow in the form the crate reads (`-->`, `-.-`, `<==>`); `None` for `~~~`.
    arrow: Option<String>,
    label: Option<String>,
    /// Written with a space before `|label|`.
    spaced_pipe: bool,
    /// Written as `-- text -->` with a quoted text.
    quoted_text: bool,
}

/// A statement read as groups of node references joined by links.
#[derive(Debug, Clone)]
struct Statement<'a> {
    /// The text of each group (`A`, `B[Label] & C`).
    groups: Vec<&'a str>,
    /// The node ids of each group.
    ids: Vec<Vec<&'a str>>,
    links: Vec<Link>,
}

/// The statements of one line: split at `;` outside quotes and brackets.
fn statements(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quoted, mut piped, mut start) = (0i32, false, false, 0);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '|' if !quoted && depth == 0 => piped = !piped,
            '[' | '(' | '{' if !quoted && !piped => depth += 1,
            ']' | ')' | '}' if !quoted && !piped => depth -= 1,
            ';' if !quoted && !piped && depth <= 0 => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

/// A cursor over a statement.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_space(&mut self) -> bool {
        let before = self.at;
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
        self.at > before
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn eat_run(&mut self, c: char) -> usize {
        let mut n = 0;
        while self.eat(c) {
            n += 1;
        }
        n
    }

    fn done(&self) -> bool {
        self.rest().trim().is_empty()
    }
}

/// Whether a link starts at the front of `rest` (after a space, `o`/`x` heads count too).
fn link_starts(rest: &str, after_space: bool) -> bool {
    let mut chars = rest.chars();
    let (a, b) = (chars.next(), chars.next());
    match (a, b) {
        (Some('-'), Some('-' | '.')) | (Some('='), Some('=')) | (Some('<'), Some('-' | '=')) => {
            true
        }
        (Some('~'), Some('~')) => true,
        (Some('o' | 'x'), Some('-' | '=')) => {
            after_space && rest[1..].starts_with(['-', '=']) && link_starts(&rest[1..], false)
        }
        _ => false,
    }
}

impl<'a> Reader<'a> {
    /// `A`, `A[Label]`, `A:::class`, or several joined by `&`. Returns its text and ids.
    fn group(&mut self) -> Option<(&'a str, Vec<&'a str>)> {
        let start = self.at;
        let mut ids = Vec::new();
        loop {
            self.skip_space();
            let id_start = self.at;
            while let Some(c) = self.peek() {
                let stop = c.is_whitespace()
                    || matches!(c, '[' | '(' | '{' | '>' | '&' | '|' | '"' | ';')
                    || self.rest().starts_with(":::")
                    || self.rest().starts_with("@{")
                    || (self.at > id_start && link_starts(self.rest(), false));
                if stop {
                    break;
                }
                self.at += c.len_utf8();
            }
            if self.at == id_start {
                return None;
            }
            ids.push(&self.text[id_start..self.at]);
            // `A@{ shape: …, label: … }`, mermaid 11's shape syntax.
            self.eat('@');
            if matches!(self.peek(), Some('[' | '(' | '{' | '>')) {
                self.shape()?;
            }
            if self.rest().starts_with(":::") {
                self.at += 3;
                while self
                    .peek()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
                {
                    self.at += 1;
                }
            }
            let before = self.at;
            self.skip_space();
            if !self.eat('&') {
                self.at = before;
                break;
            }
        }
        Some((self.text[start..self.at].trim(), ids))
    }

    /// A shape with its text: brackets matched, quoted text skipped.
    fn shape(&mut self) -> Option<()> {
        let mut depth = 0i32;
        let mut quoted = false;
        while let Some(c) = self.peek() {
            self.at += c.len_utf8();
            match c {
                '"' => quoted = !quoted,
                '[' | '(' | '{' | '>' if !quoted && (c != '>' || depth == 0) => depth += 1,
                ']' | ')' | '}' if !quoted => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// A link, with its label in any of its forms.
    fn link(&mut self) -> Option<Link> {
        let start_head = if self.eat('<') {
            "<"
        } else if self.eat('o') {
            "o"
        } else if self.eat('x') {
            "x"
        } else {
            ""
        };
        let mut text = None;
        let mut quoted_text = false;
        let (style, end_head) = match self.peek()? {
            '~' => {
                if self.eat_run('~') < 3 {
                    return None;
                }
                ('~', "")
            }
            '-' if self.rest().starts_with("-.") => {
                self.at += 1;
                self.eat_run('.');
                if self.eat('-') {
                    (' ', self.head())
                } else {
                    // `-. text .->`
                    let close = find_unquoted(self.rest(), ".-")?;
                    text = Some(self.rest()[..close].trim());
                    self.at += close;
                    self.eat_run('.');
                    self.eat('-');
                    (' ', self.head())
                }
            }
            c @ ('-' | '=') => {
                let n = self.eat_run(c);
                if n < 2 {
                    return None;
                }
                let head = self.head();
                if head.is_empty() && n == 2 {
                    // `-- text -->` or `== text ==>`: the text runs to the next run of two.
                    let pair = if c == '-' { "--" } else { "==" };
                    let close = find_unquoted(self.rest(), pair)?;
                    let t = self.rest()[..close].trim();
                    quoted_text = t.starts_with('"');
                    text = Some(t);
                    self.at += close;
                    self.eat_run(c);
                    (c, self.head())
                } else {
                    (c, head)
                }
            }
            _ => return None,
        };
        let before = self.at;
        let spaced_pipe = self.skip_space() && self.peek() == Some('|');
        let mut label = text.filter(|t| !t.is_empty()).map(str::to_string);
        if self.eat('|') {
            let mut quoted = false;
            let from = self.at;
            while let Some(c) = self.peek() {
                if c == '|' && !quoted {
                    break;
                }
                quoted ^= c == '"';
                self.at += c.len_utf8();
            }
            let inner = self.text[from..self.at].trim();
            if !self.eat('|') {
                return None;
            }
            label = Some(inner.to_string());
        } else {
            self.at = before;
        }
        let body = match style {
            '~' => None,
            '=' => Some(format!("{start_head}=={}", or(end_head, "="))),
            ' ' => Some(format!("{start_head}-.-{end_head}")),
            _ => Some(format!("{start_head}--{}", or(end_head, "-"))),
        };
        Some(Link {
            arrow: body,
            label,
            spaced_pipe,
            quoted_text,
        })
    }

    /// An arrow head (`>`, `o`, `x`) if one is next.
    fn head(&mut self) -> &'static str {
        let next_is_id = |r: &str| {
            r.chars()
                .nth(1)
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        };
        if self.eat('>') {
            ">"
        } else if self.peek() == Some('o') && !next_is_id(self.rest()) {
            self.at += 1;
            "o"
        } else if self.peek() == Some('x') && !next_is_id(self.rest()) {
            self.at += 1;
            "x"
        } else {
            ""
        }
    }
}

/// Where `pattern` first occurs in `text` outside double quotes.
fn find_unquoted(text: &str, pattern: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if !quoted && text[i..].starts_with(pattern) {
            return Some(i);
        }
    }
    None
}

fn or<'s>(s: &'s str, default: &'s str) -> &'s str {
    if s.is_empty() { default } else { s }
}

/// Reads one statement, or `None` if it is not made of node references and links (or is
/// written in a way this reader does not know).
fn statement(text: &str) -> Option<Statement<'_>> {
    let mut r = Reader { text, at: 0 };
    let mut s = Statement {
        groups: Vec::new(),
        ids: Vec::new(),
        links: Vec::new(),
    };
    loop {
        let (group, ids) = r.group()?;
        s.groups.push(group);
        s.ids.push(ids);
        r.skip_space();
        if r.done() {
            return Some(s);
        }
        s.links.push(r.link()?);
        r.skip_space();
    }
}

fn is_keyword(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    KEYWORDS.contains(&first)
        || first.starts_with("%%")
        || first.starts_with("accTitle")
        || first.starts_with("accDescr")
}

/// The source with every link the crate's parser would misread rewritten as
/// `A -->|label| B`, one link per statement (on the same line, so line numbers stay), and
/// what was rewritten; `None` when nothing needs it.
pub fn rewrite(source: &str) -> Option<(String, Vec<String>)> {
    let mut changes: BTreeSet<&str> = BTreeSet::new();
    let mut out = String::with_capacity(source.len() + 32);
    let content: BTreeSet<usize> = content_lines(source).map(|(n, _)| n).collect();
    for (i, line) in source.lines().enumerate() {
        if !content.contains(&(i + 1)) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        let mut parts = Vec::new();
        let mut changed = false;
        for text in statements(line) {
            let readable = (!is_keyword(text.trim()))
                .then(|| statement(text.trim()))
                .flatten();
            let Some(s) = readable.filter(|s| !s.links.is_empty()) else {
                parts.push(text.trim().to_string());
                continue;
            };
            let chained = s.links.len() > 1
                && s.links
                    .iter()
                    .any(|l| l.label.is_some() || l.arrow.as_deref() == Some("---"));
            let spaced = s.links.iter().any(|l| l.spaced_pipe);
            let quoted = s.links.iter().any(|l| l.quoted_text);
            let invisible = s.links.iter().any(|l| l.arrow.is_none());
            if !(chained || spaced || quoted || invisible) {
                parts.push(text.trim().to_string());
                continue;
            }
            changed = true;
            for (flag, what) in [
                (chained, "split chained links into one link each"),
                (spaced, "joined edge labels to their arrows"),
                (
                    quoted,
                    "turned quoted `-- text -->` labels into `-->|text|`",
                ),
                (
                    invisible,
                    "dropped invisible `~~~` links (kept their nodes)",
                ),
            ] {
                if flag {
                    changes.insert(what);
                }
            }
            for (k, link) in s.links.iter().enumerate() {
                match &link.arrow {
                    Some(arrow) => {
                        let label = link
                            .label
                            .as_deref()
                            .map_or(String::new(), |l| format!("|{l}|"));
                        parts.push(format!(
                            "{} {arrow}{label} {}",
                            s.groups[k],
                            s.groups[k + 1]
                        ));
                    }
                    None => {
                        parts.push(s.groups[k].to_string());
                        parts.push(s.groups[k + 1].to_string());
                    }
                }
            }
        }
        if changed {
            out.push_str(indent);
            out.push_str(&parts.join("; "));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    (!changes.is_empty()).then(|| (out, changes.into_iter().map(String::from).collect()))
}

/// The node ids a flowchart's statements name (subgraph ids used as link ends included);
/// `None` when some statement cannot be read, so the answer would be a guess.
pub fn node_ids(source: &str) -> Option<BTreeSet<String>> {
    let mut ids = BTreeSet::new();
    for (_, line) in content_lines(source) {
        for text in statements(line) {
            if text.trim().is_empty() || is_keyword(text.trim()) {
                continue;
            }
            let s = statement(text.trim())?;
            ids.extend(s.ids.iter().flatten().map(|id| id.to_string()));
        }
    }
    Some(ids)
}

/// Rejects a parsed flowchart whose nodes are not the ones its source names: the drawing would
/// show boxes the author never wrote, or lose some.
pub fn check(source: &str, graph: &Graph) -> Result<(), Rejection> {
    let Some(wanted) = node_ids(source) else {
        return Ok(());
    };
    let parsed: BTreeSet<&str> = graph.nodes.keys().map(String::as_str).collect();
    let extra: Vec<&str> = parsed
        .iter()
        .filter(|id| !wanted.contains(**id))
        .copied()
        .collect();
    let missing: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|id| !parsed.contains(id))
        .collect();
    if extra.is_empty() && missing.is_empty() {
        return Ok(());
    }
    let quote = |ids: &[&str]| {
        ids.iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut what = Vec::new();
    if !extra.is_empty() {
        what.push(format!(
            "nodes the source does not have ({})",
            quote(&extra)
        ));
    }
    if !missing.is_empty() {
        what.push(format!("no node for {}", quote(&missing)));
    }
    Err(Rejection(format!(
        "the built-in renderer misreads it: it finds {}",
        what.join(" and ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(src: &str) -> Vec<String> {
        node_ids(src)
            .unwrap_or_else(|| panic!("unreadable: {src}"))
            .into_iter()
            .collect()
    }

    #[test]
    fn every_link_form_joins_the_same_two_nodes() {
        for form in [
            "A-->B",
            "A --> B",
            "A -->|x| B",
            "A --> |x| B",
            "A -- x --> B",
            "A -. x .-> B",
            "A == x ==> B",
            "A ---|x| B",
            "A -.->|x| B",
            "A ==>|x| B",
            "A <--> B",
            "A --o B",
            "A o--o B",
            "A --x B",
            "A ----> B",
            "A -- \"q -- r\" --> B",
            "A --> |Short-term| B",
            "A[Start here] --> B(Other -- thing)",
            "A:::hot --> B",
            "A@{ shape: circle, label: \"Start\" } --> B",
        ] {
            assert_eq!(
                ids(&format!("flowchart TD\n{form}\n")),
                ["A", "B"],
                "{form}"
            );
        }
        assert_eq!(ids("graph LR\nA & B --> C & D\n"), ["A", "B", "C", "D"]);
        assert_eq!(ids("graph LR\nmy-node --> a.b\n"), ["a.b", "my-node"]);
    }

    #[test]
    fn misread_forms_are_rewritten_one_link_each_on_the_same_line() {
        let (out, changes) = rewrite("flowchart TD\n  A --> |Short-term| B\n  C --> D\n").unwrap();
        assert_eq!(out, "flowchart TD\n  A -->|Short-term| B\n  C --> D\n");
        assert_eq!(changes, ["joined edge labels to their arrows"]);
        let (out, _) = rewrite("graph TD\nA -->|a| B -->|b| C\nU --- V --> W\n").unwrap();
        assert_eq!(out, "graph TD\nA -->|a| B; B -->|b| C\nU --- V; V --> W\n");
        let (out, _) = rewrite("graph TD\nA -- \"q -- r\" --> B\nM ~~~ N\n").unwrap();
        assert_eq!(out, "graph TD\nA -->|\"q -- r\"| B\nM; N\n");
        assert_eq!(rewrite("graph TD\nA -->|ok| B\nB --> C --> D\n"), None);
    }

    #[test]
    fn a_parse_with_other_nodes_than_the_source_is_caught() {
        let raw = "flowchart TD\n  A --> |Short-term| B\n";
        let graph = mermaid_rs_renderer::parse_mermaid(raw).unwrap().graph;
        let err = check(raw, &graph).unwrap_err();
        assert!(
            err.0
                .contains("nodes the source does not have (`term|`, `|Short`)"),
            "{err:?}"
        );
        assert!(err.0.contains("no node for `B`"), "{err:?}");
        let (fixed, _) = rewrite(raw).unwrap();
        let graph = mermaid_rs_renderer::parse_mermaid(&fixed).unwrap().graph;
        assert_eq!(check(&fixed, &graph), Ok(()));
        let v11 = "flowchart LR\n  A@{ shape: circle, label: \"Start\" } --> B\n";
        let graph = mermaid_rs_renderer::parse_mermaid(v11).unwrap().graph;
        assert!(
            check(v11, &graph).is_err(),
            "the crate reads `A@` as a node"
        );
    }

    #[test]
    fn keywords_and_unreadable_statements_are_left_alone() {
        assert_eq!(
            ids(
                "flowchart TD\nsubgraph s [\"Group\"]\nA --> B\nend\nclassDef x fill:#fff\nclass A x\n"
            ),
            ["A", "B"]
        );
        assert_eq!(node_ids("flowchart TD\nA --> \n"), None);
    }
}
