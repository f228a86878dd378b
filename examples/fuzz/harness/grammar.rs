//! A grammar of Obsidian-flavoured markdown: headings (ATX and setext, with `#card` and
//! `^id` markers), paragraphs, nested lists with tables in them, callouts, code and mermaid
//! fences, math, html, footnotes, comments and embeds, written with the odd white space,
//! line endings and scripts that real vaults have.

use super::extras::{front_matter, mermaid, tex};
use super::rng::Rng;

/// Words of many scripts, with marks, emoji and a few words our passes look at.
const WORDS: &[&str] = &[
    "EC2",
    "spot",
    "instances",
    "pricing",
    "S3",
    "the",
    "a",
    "limits",
    "VPC",
    "naïve",
    "Straße",
    "İstanbul",
    "ǅemal",
    "x\u{301}",
    "日本語",
    "漢字",
    "Ελληνικά",
    "русский",
    "العربية",
    "עברית",
    "हिन्दी",
    "ภาษาไทย",
    "한국어",
    "🦀",
    "👩‍💻",
    "🇫🇷",
    "card",
    "cards",
    "tags",
    "graph",
    "index",
    "_",
    "-",
    "--",
    "...",
    "1.",
    "2)",
    "12:30",
    "C#",
    "F#",
    "a_b",
    "a*b",
    "x^2",
    "100%",
    "$5",
    "e.g.",
    "AT&T",
    "<T>",
    "Vec<u8>",
    "&&",
    "||",
    "->",
    "=>",
    "foo.md",
    "../up",
    "a/b",
];

/// White space between words: mostly a space, now and then something multi-byte.
const SPACES: &[&str] = &[
    " ", " ", " ", " ", " ", " ", "  ", "\t", "\u{a0}", "\u{2028}", "\u{2029}", "\u{3000}",
    "\u{2003}", "\u{200b}", "\u{85}", "\u{1680}", "\u{feff}",
];

const CALLOUTS: &[&str] = &[
    "tip",
    "note",
    "NOTE",
    "warning",
    "WARNING",
    "faq",
    "info",
    "example",
    "quote",
    "danger",
    "bug",
    "question",
    "abstract",
    "todo",
    "success",
    "failure",
    "caution",
    "IMPORTANT",
    "x",
    "",
    "tip|wide",
    "ünïcode",
    "a b",
];

const LANGS: &[&str] = &[
    "",
    "rust",
    "python",
    "js",
    "javascript",
    "ts",
    "bash",
    "sh",
    "json",
    "yaml",
    "toml",
    "html",
    "css",
    "sql",
    "c",
    "cpp",
    "go",
    "java",
    "diff",
    "text",
    "plaintext",
    "nosuchlang",
    "mermaid",
    "mermaid",
    "math",
    "dataview",
    "rust,ignore",
    "{.python}",
    "py title=\"a\"",
    "🦀",
];

const HTML: &[&str] = &[
    "<div class=\"x\">\n\ntext\n\n</div>",
    "<details><summary>More</summary>\n\nhidden **bold**\n\n</details>",
    "<a id=\"anchor-1\"></a>",
    "<a name=\"n\" id='single'>x</a>",
    "<a href=\"#missing\">to nowhere</a>",
    "<a href=\"#anchor-1\">back</a>",
    "<img src=\"pic.png\" alt=\"p\">",
    "<!-- a comment\nover lines -->",
    "<!-- unclosed",
    "<script>alert(1)</script>",
    "<style>p{}</style>",
    "<table><tr><td>[[Note]]</td></tr></table>",
    "<iframe src=\"https://example.com\"></iframe>",
    "<span id=\"\">empty</span>",
    "<br/>",
    "<p>unclosed",
    "</div>",
    "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
    "<?php echo 1; ?>",
    "<![CDATA[ x ]]>",
];

/// Generates one note (front matter, blocks, line endings). `names` are link targets.
pub fn note(rng: &mut Rng, names: &[String]) -> String {
    let mut out = String::new();
    if rng.one_in(30) {
        out.push('\u{feff}');
    }
    if rng.one_in(2) {
        out.push_str(&front_matter(rng, names));
    }
    let blocks = rng.range(1, 14);
    for _ in 0..blocks {
        for line in block(rng, names, 0) {
            out.push_str(&line);
            out.push('\n');
        }
        if rng.below(4) != 0 {
            out.push('\n');
        }
    }
    if rng.one_in(6) {
        out.pop();
    }
    match rng.below(24) {
        0..=2 => out.replace('\n', "\r\n"),
        3 => out.replace('\n', "\r"),
        4 => out.replacen('\n', "\r\n", rng.range(1, 5)),
        _ => out,
    }
}

/// One block as lines (without line ends); `depth` bounds nesting.
pub fn block(rng: &mut Rng, names: &[String], depth: usize) -> Vec<String> {
    let choice = if depth > 4 {
        rng.below(3) + 1
    } else {
        rng.below(22)
    };
    match choice {
        0 => vec![atx_heading(rng, names)],
        1 | 2 => paragraph(rng, names),
        3 => {
            let text = inline(rng, names, 5);
            let under = if rng.one_in(2) { "=" } else { "-" };
            vec![text, under.repeat(rng.range(1, 8))]
        }
        4 | 5 => list(rng, names, depth),
        6 | 7 => quote(rng, names, depth),
        8 | 9 => fence(rng, names),
        10 => math_block(rng),
        11 | 12 => table(rng, names),
        13 => rng.pick(HTML).lines().map(String::from).collect(),
        14 => vec![format!(
            "[^{}]: {}",
            rng.pick(&["1", "2", "note", "x y", "", "^"]),
            inline(rng, names, 6)
        )],
        15 => vec![
            rng.pick(&["***", "---", "___", "- - -", "* * *"])
                .to_string(),
        ],
        16 => vec![
            "%%".into(),
            inline(rng, names, 6),
            if rng.one_in(4) { "" } else { "%%" }.into(),
        ],
        17 => (0..rng.range(1, 4))
            .map(|_| format!("    {}", inline(rng, names, 4)))
            .collect(),
        18 => vec![embed(rng, names)],
        19 => vec![
            (0..rng.range(1, 4))
                .map(|_| tag(rng))
                .collect::<Vec<_>>()
                .join(" "),
        ],
        20 => vec![String::new(); rng.range(1, 3)],
        _ => vec![card_heading(rng, names), inline(rng, names, 8)],
    }
}

fn atx_heading(rng: &mut Rng, names: &[String]) -> String {
    let level = rng.range(1, 7);
    let mut line = format!(
        "{}{}{}",
        "#".repeat(level),
        rng.pick(&[" ", " ", "\t", "", "  "]),
        inline(rng, names, 6)
    );
    for _ in 0..rng.small(3) {
        line.push_str(rng.pick_str(SPACES));
        line.push_str(&marker(rng));
    }
    if rng.one_in(6) {
        line.push_str(" ##");
    }
    line
}

fn card_heading(rng: &mut Rng, names: &[String]) -> String {
    let markers = [
        "#card",
        "#card/reverse",
        "#card-reverse",
        "#cards",
        "#flashcard",
    ];
    format!(
        "{} {} {}",
        "#".repeat(rng.range(1, 4)),
        inline(rng, names, 5),
        rng.pick(&markers)
    )
}

/// A trailing marker: a flashcard tag or a block id, well formed or not.
fn marker(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "#card".into(),
        1 => format!("^{}", id(rng)),
        2 => "^".into(),
        3 => "#card/".into(),
        4 => format!("^{}é", id(rng)),
        _ => tag(rng),
    }
}

fn id(rng: &mut Rng) -> String {
    let chars = b"abcxyz019-";
    (0..rng.range(1, 8))
        .map(|_| *rng.pick(chars) as char)
        .collect()
}

fn paragraph(rng: &mut Rng, names: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = (0..rng.range(1, 3))
        .map(|_| inline(rng, names, 12))
        .collect();
    if rng.one_in(4)
        && let Some(last) = lines.last_mut()
    {
        last.push_str(rng.pick_str(SPACES));
        last.push('^');
        last.push_str(&id(rng));
    }
    if rng.one_in(10)
        && let Some(last) = lines.last_mut()
    {
        last.push_str(rng.pick_str(&["  ", "\\", " \u{a0}"]));
    }
    lines
}

fn list(rng: &mut Rng, names: &[String], depth: usize) -> Vec<String> {
    let markers = [
        "- ", "* ", "+ ", "1. ", "2) ", "- [ ] ", "- [x] ", "10. ", "-\t",
    ];
    let marker = *rng.pick(&markers);
    let mut lines = Vec::new();
    for _ in 0..rng.range(1, 5) {
        let indent = " ".repeat(if rng.one_in(10) {
            rng.below(8)
        } else {
            marker.chars().count()
        });
        lines.push(format!("{marker}{}", inline(rng, names, 8)));
        for _ in 0..rng.small(2) {
            if rng.one_in(2) {
                lines.push(String::new());
            }
            for line in block(rng, names, depth + 1) {
                lines.push(format!("{indent}{line}"));
            }
        }
    }
    lines
}

fn quote(rng: &mut Rng, names: &[String], depth: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if rng.below(3) != 0 {
        let fold = rng.pick(&["", "", "-", "+", "-+"]);
        let title = if rng.one_in(2) {
            format!(" {}", inline(rng, names, 4))
        } else {
            String::new()
        };
        lines.push(format!("[!{}]{fold}{title}", rng.pick(CALLOUTS)));
    }
    for _ in 0..rng.range(1, 3) {
        lines.extend(block(rng, names, depth + 1));
    }
    let prefix = *rng.pick(&["> ", ">", "> ", ">  ", " > "]);
    let lazy = rng.one_in(8);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if lazy && i > 1 {
                l
            } else {
                format!("{prefix}{l}")
            }
        })
        .collect()
}

fn fence(rng: &mut Rng, names: &[String]) -> Vec<String> {
    let fence = rng.pick(&["```", "```", "~~~", "````", "``"]).to_string();
    let lang = *rng.pick(LANGS);
    let mut lines = vec![format!("{fence}{lang}")];
    let body = if lang == "mermaid" {
        mermaid(rng)
    } else if lang == "math" {
        tex(rng, 0)
    } else {
        (0..rng.range(0, 6))
            .map(|_| inline(rng, names, 8))
            .collect::<Vec<_>>()
            .join("\n")
    };
    lines.extend(body.lines().map(String::from));
    if !rng.one_in(12) {
        lines.push(fence);
    }
    lines
}

fn math_block(rng: &mut Rng) -> Vec<String> {
    let body = tex(rng, 0);
    match rng.below(4) {
        0 => vec![format!("$${body}$$")],
        1 => vec!["$$".into(), body, "$".into()],
        _ => vec!["$$".into(), body, "$$".into()],
    }
}

fn table(rng: &mut Rng, names: &[String]) -> Vec<String> {
    let cols = rng.range(1, 5);
    let row = |rng: &mut Rng, n: usize| {
        let cells: Vec<String> = (0..n).map(|_| cell(rng, names)).collect();
        let edge = if rng.one_in(3) { "" } else { "|" };
        format!("{edge} {} {edge}", cells.join(" | "))
    };
    let mut lines = vec![row(rng, cols)];
    let aligns: Vec<&str> = (0..cols)
        .map(|_| *rng.pick(&["---", ":--", "--:", ":-:", "-", "------"]))
        .collect();
    lines.push(format!("|{}|", aligns.join("|")));
    for _ in 0..rng.range(0, 4) {
        let n = if rng.one_in(5) { rng.range(0, 7) } else { cols };
        lines.push(row(rng, n));
    }
    if rng.one_in(3) {
        // A table inside a list item.
        let first = format!("- {}", inline(rng, names, 3));
        let mut nested = vec![first, String::new()];
        nested.extend(lines.into_iter().map(|l| format!("    {l}")));
        return nested;
    }
    lines
}

fn cell(rng: &mut Rng, names: &[String]) -> String {
    match rng.below(6) {
        0 => format!("[[{}\\|{}]]", name(rng, names), word(rng)),
        1 => "`a \\| b`".to_string(),
        2 => format!("${}$", tex(rng, 3)),
        _ => inline(rng, names, 3),
    }
}

/// A note name to link to (a word when there are none).
fn name(rng: &mut Rng, names: &[String]) -> String {
    if names.is_empty() {
        word(rng)
    } else {
        rng.pick(names).clone()
    }
}

fn word(rng: &mut Rng) -> String {
    (*rng.pick(WORDS)).to_string()
}

fn tag(rng: &mut Rng) -> String {
    let mut tag = String::from("#");
    let most = if rng.one_in(40) { 60 } else { 3 };
    for i in 0..rng.range(1, most) {
        if i > 0 {
            tag.push('/');
        }
        tag.push_str(rng.pick_str(&[
            "aws", "exam", "Compute", "日本", "a-b", "x_y", "2024", "ü", "🦀",
        ]));
    }
    if rng.one_in(30) {
        tag.push_str(&"long".repeat(rng.range(20, 120)));
    }
    tag
}

/// A wikilink target: a note name, maybe with a heading or block part.
fn target(rng: &mut Rng, names: &[String]) -> String {
    let mut t = match rng.below(8) {
        0 => String::new(),
        1 => format!("{}.md", name(rng, names)),
        2 => format!("folder/{}", name(rng, names)),
        3 => word(rng),
        _ => name(rng, names),
    };
    match rng.below(5) {
        0 => t.push_str(&format!("#{}", inline(rng, &[], 3))),
        1 => t.push_str(&format!("#^{}", id(rng))),
        2 => t.push('#'),
        _ => {}
    }
    t
}

fn embed(rng: &mut Rng, names: &[String]) -> String {
    match rng.below(4) {
        0 => format!(
            "![[{}{}]]",
            rng.pick(&[
                "pic.png",
                "a b.jpg",
                "diagram.svg",
                "doc.pdf",
                "x.PNG",
                "missing.gif"
            ]),
            rng.pick(&[
                "",
                "|300",
                "|300x200",
                "|0",
                "|99999999999",
                "|x",
                "|alt text"
            ])
        ),
        _ => format!("![[{}]]", target(rng, names)),
    }
}

/// A line of inline markdown of about `words` items.
pub fn inline(rng: &mut Rng, names: &[String], words: usize) -> String {
    let mut out = String::new();
    for i in 0..rng.range(1, words.max(1)) {
        if i > 0 {
            out.push_str(rng.pick_str(SPACES));
        }
        out.push_str(&inline_item(rng, names));
    }
    out
}

fn inline_item(rng: &mut Rng, names: &[String]) -> String {
    match rng.below(30) {
        0..=11 => word(rng),
        12 => format!("*{}*", word(rng)),
        13 => format!("**{}**", word(rng)),
        14 => format!("`{}`", word(rng)),
        15 => format!("[[{}]]", target(rng, names)),
        16 => format!("[[{}|{}]]", target(rng, names), word(rng)),
        17 => embed(rng, names),
        18 => format!(
            "[{}]({})",
            word(rng),
            rng.pick(&[
                "https://example.com/a?b=c#d",
                "../compute/ec2.md#spot-instances",
                "#local",
                "note.md",
                "a%20b.md",
                "<with space.md>",
                "/abs/path.md",
                "mailto:a@b.c",
                "javascript:alert(1)",
                "C:\\notes\\x.md",
                "",
                "../../../../etc/passwd",
                "pic.png \"title\"",
            ])
        ),
        19 => format!(
            "![{}]({})",
            word(rng),
            rng.pick(&["pic.png", "a b.png", "x.svg", ""])
        ),
        20 => tag(rng),
        21 => format!("=={}==", word(rng)),
        22 => format!("~~{}~~", word(rng)),
        23 => format!("${}$", tex(rng, 2)),
        24 => (*rng.pick(&[
            "<kbd>x</kbd>",
            "<span id=\"s\">",
            "</span>",
            "<a href=\"#x\">",
            "&amp;",
            "&#128512;",
            "&bogus;",
            "<br>",
        ]))
        .to_string(),
        25 => format!("[^{}]", rng.pick(&["1", "2", "note", "missing"])),
        26 => (*rng.pick(&[
            "https://example.com/path_(x)",
            "<https://a.b>",
            "www.example.com",
            "http://[::1]:80/",
        ]))
        .to_string(),
        27 => format!("%%{}%%", word(rng)),
        28 => format!("\\{}", rng.pick(&["[", "#", "$", "*", "|", "\\", "^"])),
        _ => marker(rng),
    }
}
