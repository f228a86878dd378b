//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a note.
//!
//! Known keys are typed; every other key is kept as JSON for templates (`page.extra`).
//! Errors carry the line in the note's file, not in the block.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// The metadata of one note.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FrontMatter {
    /// Overrides the title taken from the first `# heading` or the file name.
    pub title: Option<String>,
    /// A one-line summary for listings and `<meta name="description">`.
    pub description: Option<String>,
    /// Tags, without a leading `#`.
    pub tags: Vec<String>,
    /// When the note was written, as written (`2026-03-14`).
    pub date: Option<String>,
    /// When the note was last changed, as written.
    pub updated: Option<String>,
    /// Drafts are left out unless the build asks for them.
    pub draft: bool,
    /// Orders notes within their section: lower first, then by title.
    pub weight: Option<i64>,
    /// Other names of the note, for links and topics.
    pub aliases: Vec<String>,
    /// Classes for the page's `<body>` (Obsidian's `cssclasses`), sanitised to
    /// `[A-Za-z0-9_-]`.
    pub cssclasses: Vec<String>,
    /// The page's URL as a site path (`guides/start`), overriding the one from its file.
    pub permalink: Option<String>,
    /// Every other key, for templates.
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A note's text split into its front matter and its markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The parsed front matter (default when the note has none).
    pub front: FrontMatter,
    /// The markdown after the front matter.
    pub body: &'a str,
    /// How many lines come before the body in the file, to turn body lines into file lines.
    pub body_line_offset: usize,
    /// Keys whose values could not be used (a template's `title: {{TOPIC NAME}}` is a YAML
    /// mapping, not text): each left out, with its line in the file.
    pub warnings: Vec<FrontMatterError>,
}

/// Why front matter could not be read: a message and a 1-based line (and column when known)
/// in the note's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Yaml,
    Toml,
}

/// Splits `text` into front matter and body, parsing the front matter.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (format, fence) = match first_line(text) {
        "---" => (Format::Yaml, ["---", "..."]),
        "+++" => (Format::Toml, ["+++", "+++"]),
        _ => {
            return Ok(Split {
                front: FrontMatter::default(),
                body: text,
                body_line_offset: 0,
                warnings: Vec::new(),
            });
        }
    };
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let block_start = offset;
    let mut line = 1;
    loop {
        if offset >= text.len() {
            return Err(FrontMatterError {
                line: 1,
                col: 1,
                message: format!(
                    "front matter opened with `{}` on line 1 is never closed",
                    fence[0]
                ),
            });
        }
        line += 1;
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        let current = text[offset..end].trim_end();
        if fence.contains(&current) {
            let block = &text[block_start..offset];
            let (front, unusable) = match format {
                Format::Yaml => parse_yaml(block)?,
                Format::Toml => (parse_toml(block)?, Vec::new()),
            };
            let warnings = unusable
                .into_iter()
                .map(|key| FrontMatterError {
                    // The block starts on the file's second line.
                    line: key_line(block, &key).map_or(1, |l| l + 1),
                    col: 1,
                    message: format!(
                        "front matter `{key}` is not text (an unfilled template placeholder such as `{{{{date}}}}`?); ignored"
                    ),
                })
                .collect();
            return Ok(Split {
                front,
                body: &text[end..],
                body_line_offset: line,
                warnings,
            });
        }
        offset = end;
    }
}

/// The 1-based line in `block` where the top-level `key:` is written.
fn key_line(block: &str, key: &str) -> Option<usize> {
    block
        .lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end()
}

/// The known keys, typed. Unknown keys are ignored here and collected separately.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Known {
    title: Option<Scalar>,
    description: Option<Scalar>,
    #[serde(deserialize_with = "one_or_many", alias = "tag")]
    tags: Vec<String>,
    date: Option<Scalar>,
    updated: Option<Scalar>,
    draft: Option<bool>,
    weight: Option<i64>,
    #[serde(deserialize_with = "one_or_many", alias = "alias")]
    aliases: Vec<String>,
    /// `publish: false` (Obsidian Publish) leaves the note out, as `draft: true` does.
    publish: Option<bool>,
    #[serde(deserialize_with = "one_or_many", alias = "cssclass")]
    cssclasses: Vec<String>,
    permalink: Option<Scalar>,
}

/// A string-like scalar: YAML readers see `2026-03-14` or `42` as text we keep verbatim.
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    TomlDate(toml::value::Datetime),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A mapping or list where text belongs (`{{date}}` in a template): not used.
    Other(serde::de::IgnoredAny),
}

impl Scalar {
    /// The value as text, `None` for a mapping or list.
    fn text(self) -> Option<String> {
        Some(match self {
            Scalar::Text(s) => s,
            Scalar::TomlDate(d) => d.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Other(_) => return None,
        })
    }
}

/// Any front matter value: JSON for templates, or something JSON cannot hold (a mapping
/// with a mapping as its key, as `{{date}}` reads in YAML).
#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Json(serde_json::Value),
    Other(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    // A list first: a `Scalar` takes anything, as `Scalar::Other`.
    Many(Vec<Item>),
    One(Scalar),
    Nothing(()),
    /// A mapping, say: nothing usable as names.
    Other(serde::de::IgnoredAny),
}

/// One entry of a list: a name, or something else (an empty `-`, a mapping) left out.
#[derive(Deserialize)]
#[serde(untagged)]
enum Item {
    Name(Scalar),
    Other(serde::de::IgnoredAny),
}

/// Accepts `tags: a`, `tags: a, b`, `tags: [a, b]` and a YAML list (whose empty or
/// non-text entries, as Obsidian's property editor can leave them, are left out).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let items = match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => s
            .text()
            .unwrap_or_default()
            .split(',')
            .map(str::to_string)
            .collect::<Vec<_>>(),
        OneOrMany::Many(v) => v
            .into_iter()
            .filter_map(|i| match i {
                Item::Name(s) => s.text(),
                Item::Other(_) => None,
            })
            .collect(),
        OneOrMany::Nothing(()) | OneOrMany::Other(_) => Vec::new(),
    };
    Ok(items
        .into_iter()
        .map(|s| s.trim().trim_start_matches('#').trim().to_string())
        .filter(|s| !s.is_empty())
        .collect())
}

const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "tags",
    "date",
    "updated",
    "draft",
    "weight",
    "aliases",
    "alias",
    "tag",
    "publish",
    "cssclasses",
    "cssclass",
    "permalink",
];

impl Known {
    fn into_front(self, all: BTreeMap<String, serde_json::Value>) -> FrontMatter {
        self.into_front_checked(all, &mut Vec::new())
    }

    /// The front matter, naming in `unusable` the known keys whose values are not text.
    fn into_front_checked(
        self,
        all: BTreeMap<String, serde_json::Value>,
        unusable: &mut Vec<String>,
    ) -> FrontMatter {
        let extra = all
            .into_iter()
            .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
            .collect();
        let mut text = |key: &str, value: Option<Scalar>| {
            let value = value?;
            let text = value.text();
            if text.is_none() {
                unusable.push(key.to_string());
            }
            text
        };
        FrontMatter {
            title: text("title", self.title),
            description: text("description", self.description),
            tags: self.tags,
            date: text("date", self.date),
            updated: text("updated", self.updated),
            draft: self.draft.unwrap_or(false) || self.publish == Some(false),
            weight: self.weight,
            aliases: self.aliases,
            cssclasses: self
                .cssclasses
                .iter()
                .flat_map(|c| c.split_whitespace())
                .map(|c| {
                    c.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                        .collect::<String>()
                })
                .filter(|c| !c.is_empty())
                .collect(),
            permalink: text("permalink", self.permalink)
                .map(|p| p.trim().trim_matches('/').to_string())
                .filter(|p| !p.is_empty()),
            extra,
        }
    }
}

/// The front matter and the keys whose values could not be used.
fn parse_yaml(block: &str) -> Result<(FrontMatter, Vec<String>), FrontMatterError> {
    if block.trim().is_empty() {
        return Ok((FrontMatter::default(), Vec::new()));
    }
    let yaml_error = |e: serde_saphyr::Error| {
        // YAML counts a lone `\r` as a line break too; the file's lines are the `\n` ones.
        let (line, col) = e.location().map_or((1, 0), |l| {
            let at = yaml_offset(block, l.line() as usize, l.column() as usize);
            crate::diagnostics::line_col(block, at)
        });
        FrontMatterError {
            // The block starts on the file's second line.
            line: line + 1,
            col,
            message: format!("invalid YAML front matter: {}", yaml_message(&e)),
        }
    };
    let loose: BTreeMap<String, Loose> = match serde_saphyr::from_str(block) {
        Ok(map) => map,
        Err(e) => {
            // A block that is valid YAML but not a mapping (`--- just text`) is named as such.
            return Err(yaml_error(e));
        }
    };
    let mut unusable = Vec::new();
    let mut all = BTreeMap::new();
    for (key, value) in loose {
        match value {
            Loose::Json(v) => {
                all.insert(key, v);
            }
            Loose::Other(_) => unusable.push(key),
        }
    }
    let known: Known = serde_saphyr::from_str(block).map_err(yaml_error)?;
    let mut known_unusable = Vec::new();
    let front = known.into_front_checked(all, &mut known_unusable);
    for key in known_unusable {
        if !unusable.contains(&key) {
            unusable.push(key);
        }
    }
    unusable.sort();
    Ok((front, unusable))
}

/// The byte offset in `block` of YAML's 1-based `line` and `col` (in characters), where
/// `\r\n`, `\n` and a lone `\r` each end a line.
fn yaml_offset(block: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    let mut chars = block.char_indices().peekable();
    let mut breaks = 1;
    while breaks < line {
        match chars.next() {
            // The `\n` of a `\r\n` ends the line.
            Some((_, '\r')) if chars.peek().map(|(_, c)| *c) == Some('\n') => continue,
            Some((_, '\n' | '\r')) => {}
            Some(_) => continue,
            None => return block.len(),
        }
        breaks += 1;
        start = chars.peek().map_or(block.len(), |(i, _)| *i);
    }
    block[start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(block.len(), |(i, _)| start + i)
}

/// The error's message without the source snippet serde-saphyr can render.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("").trim();
    // serde-saphyr appends " at line L, column C"; the diagnostic already says where.
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

fn parse_toml(block: &str) -> Result<FrontMatter, FrontMatterError> {
    let toml_error = |e: toml::de::Error| {
        let (line, col) = e
            .span()
            .map_or((1, 0), |s| crate::diagnostics::line_col(block, s.start));
        FrontMatterError {
            line: line + 1,
            col,
            message: format!("invalid TOML front matter: {}", e.message().trim()),
        }
    };
    let table: toml::Table = toml::from_str(block).map_err(toml_error)?;
    let known: Known = toml::from_str(block).map_err(toml_error)?;
    let all = table
        .into_iter()
        .map(|(k, v)| (k, toml_to_json(v)))
        .collect();
    Ok(known.into_front(all))
}

/// TOML dates become their text so templates see the same thing as with YAML.
fn toml_to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => J::from(f),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_without_front_matter_is_all_body() {
        let s = split("# Title\n\nText").unwrap();
        assert_eq!(s.body, "# Title\n\nText");
        assert_eq!(s.body_line_offset, 0);
        assert_eq!(s.front, FrontMatter::default());
    }

    #[test]
    fn can_parse_yaml_front_matter() {
        let text = "---\ntitle: EC2 pricing\ntags: [aws, '#ec2']\ndate: 2026-03-14\nweight: 2\ndraft: false\naliases: Pricing\ncards-deck: AWS::EC2\n---\n# Body\n";
        let s = split(text).unwrap();
        assert_eq!(s.front.title.as_deref(), Some("EC2 pricing"));
        assert_eq!(s.front.tags, ["aws", "ec2"]);
        assert_eq!(s.front.date.as_deref(), Some("2026-03-14"));
        assert_eq!(s.front.weight, Some(2));
        assert_eq!(s.front.aliases, ["Pricing"]);
        assert_eq!(s.front.extra["cards-deck"], serde_json::json!("AWS::EC2"));
        assert!(!s.front.extra.contains_key("title"));
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line_offset, 9);
    }

    #[test]
    fn can_parse_toml_front_matter() {
        let text = "+++\ntitle = \"Spot\"\ndate = 2026-03-14\ntags = [\"aws\"]\n[extra]\nlevel = 3\n+++\nBody";
        let s = split(text).unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Spot"));
        assert_eq!(s.front.date.as_deref(), Some("2026-03-14"));
        assert_eq!(s.front.tags, ["aws"]);
        assert_eq!(s.front.extra["extra"]["level"], serde_json::json!(3));
        assert_eq!(s.body, "Body");
        assert_eq!(s.body_line_offset, 7);
    }

    #[test]
    fn yaml_list_of_tags_and_comma_string_both_work() {
        let s = split("---\ntags:\n  - a\n  - b\n---\n").unwrap();
        assert_eq!(s.front.tags, ["a", "b"]);
        let s = split("---\ntags: a, b\n---\n").unwrap();
        assert_eq!(s.front.tags, ["a", "b"]);
        let s = split("---\ntags:\n---\n").unwrap();
        assert!(s.front.tags.is_empty());
    }

    #[test]
    fn tags_and_aliases_take_one_value_or_a_list_with_gaps() {
        let s = split("---\ntag: solo\nalias: Other name\n---\n").unwrap();
        assert_eq!(s.front.tags, ["solo"]);
        assert_eq!(s.front.aliases, ["Other name"]);
        let s = split("---\ntags:\n  - a\n  -\n  - {x: 1}\n  - 7\naliases: [A, ~]\n---\n").unwrap();
        assert_eq!(s.front.tags, ["a", "7"]);
        assert_eq!(s.front.aliases, ["A"]);
        let s = split("---\ntags: {a: 1}\n---\n").unwrap();
        assert!(s.front.tags.is_empty());
        assert!(!s.front.extra.contains_key("tag"));
    }

    #[test]
    fn empty_front_matter_is_fine() {
        let s = split("---\n---\nText").unwrap();
        assert_eq!(s.front, FrontMatter::default());
        assert_eq!(s.body, "Text");
    }

    #[test]
    fn broken_yaml_names_the_file_line() {
        let err = split("---\ntitle: ok\ntags: [a, b\nweight: 1\n---\nBody").unwrap_err();
        assert!(err.line >= 3, "{err:?}");
        assert!(
            err.message.starts_with("invalid YAML front matter"),
            "{err:?}"
        );
    }

    #[test]
    fn wrong_type_names_its_line() {
        let err = split("---\ntitle: ok\nweight: heavy\n---\n").unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
    }

    #[test]
    fn yaml_errors_count_only_newlines_as_lines() {
        // YAML reads a lone `\r` as a line break; editors and our diagnostics do not.
        let text = "---\ntitle: a\r\r\r\r\ntags: [x\nweight: heavy\n---\nBody";
        let err = split(text).unwrap_err();
        assert!((3..=5).contains(&err.line), "{err:?}");
        let err = split("---\r\r\r\r\nweight: heavy\n---\n").unwrap_err();
        assert_eq!(err.line, 2, "{err:?}");
        assert_eq!(err.col, 9, "{err:?}");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("---\ntitle: x\n\n# Body").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn bad_toml_names_the_file_line() {
        let err = split("+++\ntitle = \"x\"\nweight = = 2\n+++\n").unwrap_err();
        assert_eq!(err.line, 3, "{err:?}");
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let s = split("\u{feff}---\ntitle: x\n---\nB").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("x"));
    }
}
