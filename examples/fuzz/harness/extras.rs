//! Generators for the languages inside a note: front matter (YAML and TOML, well formed or
//! not), mermaid diagrams of every kind (small, and now and then past the size budget) and
//! TeX formulas.

use super::rng::Rng;

const VALUES: &[&str] = &[
    "plain",
    "\"quoted: with colon\"",
    "'single'",
    "123",
    "-1",
    "1.5",
    "1e400",
    ".nan",
    "~",
    "null",
    "true",
    "yes",
    "[]",
    "{}",
    "[a, b]",
    "[[nested]]",
    "{a: 1}",
    "|\n  block\n  text",
    ">-\n  folded",
    "2026-01-02",
    "2026-02-30",
    "2026-01-02T10:00:00Z",
    "!!binary aGk=",
    "&anchor value",
    "*anchor",
    "\"\\u0000\"",
    "\"é 日本 🦀\"",
    "[a, [b, [c]]]",
    "- x",
    "9223372036854775808",
    "-9223372036854775809",
    "0x1F",
    "@at",
    "`tick`",
    "%percent",
    "\"unterminated",
    "[unclosed",
    "{unclosed",
    "a: b: c",
];

const KEYS: &[&str] = &[
    "title",
    "description",
    "tags",
    "tag",
    "date",
    "updated",
    "draft",
    "weight",
    "aliases",
    "alias",
    "topics",
    "cards-deck",
    "cssclass",
    "publish",
    "extra",
    "Title",
    "TAGS",
    "<<",
    "\"quoted key\"",
    "? complex",
    "日本",
    "",
];

/// A front matter block: YAML between `---` lines or TOML between `+++` lines.
pub fn front_matter(rng: &mut Rng, names: &[String]) -> String {
    if rng.one_in(4) {
        return toml_front_matter(rng);
    }
    let mut out = String::from(*rng.pick(&["---\n", "---\n", "--- \n", "---\r\n"]));
    for _ in 0..rng.range(0, 6) {
        let key = *rng.pick(KEYS);
        let value = match rng.below(5) {
            0 if !names.is_empty() => format!("[{}]", rng.pick(names)),
            1 => format!(
                "\n{}",
                (0..rng.range(1, 4))
                    .map(|_| format!("  - {}", rng.pick(VALUES)))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            _ => rng.pick(VALUES).to_string(),
        };
        out.push_str(&format!("{key}: {value}\n"));
    }
    if rng.one_in(25) {
        out.push_str(&yaml_bomb(rng));
    }
    if rng.one_in(30) {
        let depth = rng.range(50, 2000);
        out.push_str(&format!(
            "deep: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ));
    }
    if rng.one_in(20) {
        out.push_str("\ttab: indented\n");
    }
    match rng.below(12) {
        0 => {}
        1 => out.push_str("...\n"),
        _ => out.push_str("---\n"),
    }
    out
}

/// Anchors that expand into each other (the billion laughs).
fn yaml_bomb(rng: &mut Rng) -> String {
    let levels = rng.range(3, 10);
    let mut out = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..levels {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        out.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    out
}

fn toml_front_matter(rng: &mut Rng) -> String {
    let lines = [
        "title = \"T\"",
        "title = 5",
        "tags = [\"a\", \"b/c\"]",
        "tags = \"one\"",
        "date = 2026-01-02",
        "date = 2026-01-02T10:00:00Z",
        "weight = 9223372036854775807",
        "weight = 1.5",
        "draft = true",
        "draft = \"no\"",
        "aliases = [[1]]",
        "[extra]\nx = 1",
        "[[arr]]\n",
        "bad = ",
        "x = nan",
        "x = inf",
        "\"key\" = '''multi\nline'''",
    ];
    let mut out = String::from("+++\n");
    for _ in 0..rng.range(0, 5) {
        out.push_str(rng.pick_str(&lines));
        out.push('\n');
    }
    if !rng.one_in(10) {
        out.push_str("+++\n");
    }
    out
}

/// A mermaid diagram's source.
pub fn mermaid(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.one_in(10) {
        out.push_str("---\ntitle: A diagram\n---\n");
    }
    if rng.one_in(10) {
        out.push_str(rng.pick_str(&[
            "%%{init: {\"theme\": \"dark\"}}%%\n",
            "%%{init: {\"flowchart\": {\"curve\": \"basis\"}}}%%\n",
            "%%{ broken\n",
        ]));
    }
    let size = if rng.one_in(25) {
        rng.range(100, 400)
    } else {
        rng.range(0, 14)
    };
    match rng.below(10) {
        0..=3 => flowchart(rng, size, &mut out),
        4 => sequence(rng, size, &mut out),
        5 => state(rng, size, &mut out),
        6 => class(rng, size, &mut out),
        7 => {
            out.push_str("erDiagram\n");
            for _ in 0..size {
                let (a, b) = (node(rng, size), node(rng, size));
                let rel = rng.pick(&["||--o{", "}|..|{", "|o--||", "--", "||--|{"]);
                out.push_str(&format!("  {a} {rel} {b} : \"{}\"\n", label(rng)));
            }
        }
        8 => {
            out.push_str(rng.pick_str(&["pie title Pets\n", "pie\n", "pie showData\n"]));
            for _ in 0..size {
                let v = rng.pick(&["10", "0", "-3", "1e308", "NaN", "x", "0.5"]);
                out.push_str(&format!("  \"{}\" : {v}\n", label(rng)));
            }
        }
        _ => {
            let head = rng.pick(&[
                "gantt",
                "journey",
                "mindmap",
                "gitGraph",
                "timeline",
                "quadrantChart",
                "xychart-beta",
                "sankey-beta",
                "block-beta",
                "C4Context",
                "nonsense",
                "",
            ]);
            out.push_str(&format!("{head}\n"));
            for _ in 0..size {
                out.push_str(&format!("  {} : {}\n", label(rng), label(rng)));
            }
        }
    }
    out
}

fn node(rng: &mut Rng, size: usize) -> String {
    let names = [
        "A", "B", "C", "node_1", "n-2", "é", "日本", "end", "graph", "1", "x.y",
    ];
    if rng.one_in(3) {
        rng.pick(&names).to_string()
    } else {
        format!("N{}", rng.below(size.max(1)))
    }
}

fn label(rng: &mut Rng) -> String {
    let labels = [
        "Start",
        "a b",
        "",
        "\"quoted\"",
        "x<br/>y",
        "`**md**`",
        "日本語",
        "🦀",
        "(paren)",
        "[bracket]",
        "{brace}",
        "a|b",
        "#35;",
        "&amp;",
        "<b>bold</b>",
        "very long label that wraps",
        "a;b",
        "-->",
        "end",
    ];
    rng.pick(&labels).to_string()
}

fn flowchart(rng: &mut Rng, size: usize, out: &mut String) {
    let dir = rng.pick(&["TD", "LR", "TB", "BT", "RL", "", "XX"]);
    out.push_str(&format!("{} {dir}\n", rng.pick(&["flowchart", "graph"])));
    let shapes = [
        ("[", "]"),
        ("(", ")"),
        ("{", "}"),
        ("((", "))"),
        ("[(", ")]"),
        ("[[", "]]"),
        (">", "]"),
        ("{{", "}}"),
        ("[/", "/]"),
        ("(((", ")))"),
        ("[", ""),
    ];
    let mut open_subgraphs = 0;
    for _ in 0..size {
        match rng.below(12) {
            0 => {
                let (l, r) = rng.pick(&shapes);
                out.push_str(&format!("  {}{l}{}{r}\n", node(rng, size), label(rng)));
            }
            1 => {
                out.push_str(&format!("  subgraph {}\n", label(rng)));
                open_subgraphs += 1;
            }
            2 if open_subgraphs > 0 => {
                out.push_str("  end\n");
                open_subgraphs -= 1;
            }
            3 => out.push_str(rng.pick_str(&[
                "  classDef hot fill:#f96\n",
                "  class A hot\n",
                "  style A fill:#fff,stroke:#000\n",
                "  click A \"https://example.com\"\n",
                "  linkStyle 0 stroke:red\n",
                "  A:::hot --> B\n",
                "  A & B --> C & D\n",
                "  A --> A\n",
                "  %% a comment\n",
                "  direction LR\n",
            ])),
            _ => {
                let arrow = rng.pick(&[
                    "-->",
                    "---",
                    "-.->",
                    "==>",
                    "--x",
                    "--o",
                    "<-->",
                    "-- text -->",
                    "-->|label|",
                    "---->",
                    "~~~",
                    "--",
                    "-.-",
                    "==>|\"q\"|",
                ]);
                out.push_str(&format!(
                    "  {} {arrow} {}",
                    node(rng, size),
                    node(rng, size)
                ));
                if rng.one_in(4) {
                    out.push_str(&format!(" --> {}", node(rng, size)));
                }
                out.push('\n');
            }
        }
    }
    if rng.one_in(2) {
        out.push_str(&"  end\n".repeat(open_subgraphs));
    }
}

fn sequence(rng: &mut Rng, size: usize, out: &mut String) {
    out.push_str("sequenceDiagram\n");
    if rng.one_in(3) {
        out.push_str("  autonumber\n");
    }
    for _ in 0..size {
        let (a, b) = (node(rng, size), node(rng, size));
        let line = match rng.below(8) {
            0 => format!("participant {a} as {}", label(rng)),
            1 => format!("actor {a}"),
            2 => format!("Note over {a},{b}: {}", label(rng)),
            3 => rng
                .pick(&[
                    "loop Every minute",
                    "alt ok",
                    "else no",
                    "opt",
                    "par",
                    "rect rgb(0,0,0)",
                    "end",
                    "critical x",
                    "break y",
                ])
                .to_string(),
            4 => format!("activate {a}"),
            5 => format!("deactivate {a}"),
            _ => format!(
                "{a}{}{b}: {}",
                rng.pick(&["->>", "-->>", "->", "-x", "-)", "--)", "<<->>"]),
                label(rng)
            ),
        };
        out.push_str(&format!("  {line}\n"));
    }
}

fn state(rng: &mut Rng, size: usize, out: &mut String) {
    out.push_str(rng.pick_str(&["stateDiagram-v2\n", "stateDiagram\n"]));
    for _ in 0..size {
        let (a, b) = (node(rng, size), node(rng, size));
        let line = match rng.below(6) {
            0 => format!("[*] --> {a}"),
            1 => format!("{a} --> [*]"),
            2 => format!("state {a} {{\n    {b} --> {a}\n  }}"),
            3 => format!("note right of {a}: {}", label(rng)),
            4 => format!("state {a} <<fork>>"),
            _ => format!("{a} --> {b} : {}", label(rng)),
        };
        out.push_str(&format!("  {line}\n"));
    }
}

fn class(rng: &mut Rng, size: usize, out: &mut String) {
    out.push_str("classDiagram\n");
    for _ in 0..size {
        let (a, b) = (node(rng, size), node(rng, size));
        let line = match rng.below(4) {
            0 => format!("class {a} {{\n    +int x\n    +m() bool\n  }}"),
            1 => format!("<<interface>> {a}"),
            2 => format!("{a} : +field {}", label(rng)),
            _ => format!(
                "{a} {} {b} : {}",
                rng.pick(&["<|--", "*--", "o--", "-->", "..>", "..|>", "--"]),
                label(rng)
            ),
        };
        out.push_str(&format!("  {line}\n"));
    }
}

/// A TeX formula; `depth` bounds nesting.
pub fn tex(rng: &mut Rng, depth: usize) -> String {
    let atoms = [
        "x",
        "y",
        "2",
        "\\alpha",
        "\\pi",
        "\\infty",
        "+",
        "-",
        "=",
        "\\le",
        "\\cdot",
        "\\to",
        "\\mathbb{R}",
        "\\text{é 日本}",
        "\\operatorname{f}",
        "\\unknown",
        "\\,",
        "\\\\",
        "&",
        "#",
        "%",
        "'",
        "^",
        "_",
        "{",
        "}",
        "\\",
        "\\left(",
        "\\right)",
        "|",
        "\\{",
        "\\}",
        "\\$",
        "\\displaystyle",
        "\\color{red}",
        "\\href{x}{y}",
        "\\ce{H2O}",
        "€",
    ];
    let mut out = String::new();
    let count = if depth > 6 { 1 } else { rng.range(1, 5) };
    for _ in 0..count {
        if depth > 6 || rng.below(3) != 0 {
            out.push_str(rng.pick_str(&atoms));
            continue;
        }
        let (a, b) = (tex(rng, depth + 1), tex(rng, depth + 1));
        let piece = match rng.below(10) {
            0 => format!("\\frac{{{a}}}{{{b}}}"),
            1 => format!("\\sqrt{{{a}}}"),
            2 => format!("\\sqrt[{b}]{{{a}}}"),
            3 => format!("{{{a}}}^{{{b}}}"),
            4 => format!("{{{a}}}_{{{b}}}"),
            5 => format!("\\left( {a} \\right)"),
            6 => format!("\\begin{{pmatrix}} {a} & {b} \\\\ {b} & {a} \\end{{pmatrix}}"),
            7 => format!("\\begin{{aligned}} {a} &= {b} \\\\ &= {a} \\end{{aligned}}"),
            8 => format!("\\sum_{{{a}}}^{{{b}}}"),
            _ => format!(
                "\\begin{{{}}} {a}",
                rng.pick(&["matrix", "cases", "array", "x"])
            ),
        };
        out.push_str(&piece);
    }
    if depth == 0 && rng.one_in(40) {
        let n = rng.range(50, 3000);
        out = format!("{}{out}{}", "{".repeat(n), "}".repeat(n));
    }
    out
}
