use super::*;

/// What a Windows-1252 round trip does to UTF-8 text: every byte becomes the character the
/// code page has for it; bytes it has none for are kept as C1 controls, or dropped.
fn mangle(text: &str, drop_undefined: bool) -> String {
    text.bytes()
        .filter_map(|b| match b {
            0x80..=0x9F => match HIGH[usize::from(b - 0x80)] {
                Some(c) => Some(c),
                None if drop_undefined => None,
                None => Some(char::from(b)),
            },
            _ => Some(char::from(b)),
        })
        .collect()
}

/// Legitimate text in many languages, in our own words.
const LEGIT: &[&str] = &[
    "L'été dernier, Noël a bu un café crème à Orléans — une idée naïve, « très » coûteuse…",
    "Ça coûte 3 € ; À bientôt ! ŒUVRE, CAFÉ” et « Élodie » ; déjà-vu, où, maïs, çà et là.",
    "Die Größe des Speichers: Äpfel, Öl, Übergröße, Fuß… Straße – „Grüße“, ÄÖÜ und ß.",
    "Não há ações nem informações; São Paulo, coração, NÃO, Ó mar, órgão, à noite, pão.",
    "Zażółć gęślą jaźń; Łódź, Świętokrzyskie, źdźbło, ŻÓŁW i łąka.",
    "Καλημέρα κόσμε· η γρήγορη καφέ αλεπού πηδά.",
    "Привет, мир! Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "数据库的可用性为百分之九十九点九九，每月停机约四十三分钟。",
    "こんにちは、世界。クラウドの可用性を計算します。",
    "🔐 Security ✅ done 🚀 launch 👩‍💻 dev 📋 list 🇫🇷 flag",
    "¿Qué tal? ¡Olé! Þórður, Ðe, año, ×2, 25°C, ½ cup, ©2024, ±5%, 3 µs, x² y³, ¼ § ¶",
    "Čeština: příliš žluťoučký kůň; Türkçe: ığdır şehri; Română: științe, țară.",
];

#[test]
fn legitimate_text_in_many_languages_is_not_mojibake() {
    for text in LEGIT {
        assert_eq!(scan_line(text), [], "{text}");
        assert_eq!(repair_line(text), None, "{text}");
        assert!(warnings(text, Path::new("n.md")).is_empty(), "{text}");
    }
}

#[test]
fn mangled_text_in_every_language_repairs_to_the_original() {
    for text in LEGIT {
        let bad = mangle(text, false);
        assert_ne!(&bad, text);
        assert_eq!(repair_line(&bad).as_deref(), Some(*text), "{bad}");
    }
}

#[test]
fn common_mojibake_is_found_with_its_repair() {
    let cases = [
        ("cafÃ©", "café"),
        ("Ã‰cole", "École"),
        ("itâ€™s", "it’s"),
        ("a â€” b", "a — b"),
        ("10Â\u{a0}GB", "10\u{a0}GB"),
        ("## ðŸ“‹ Table", "## 📋 Table"),
        ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"),
    ];
    for (bad, good) in cases {
        assert_eq!(repair_line(bad).as_deref(), Some(good), "{bad}");
    }
}

#[test]
fn text_mangled_twice_is_repaired_twice() {
    let twice = mangle(&mangle("it’s — done", false), false);
    assert_eq!(repair_line(&twice).as_deref(), Some("it’s — done"));
}

#[test]
fn a_sequence_that_lost_its_last_byte_is_reported_not_guessed() {
    // 🔐 is F0 9F 94 90; 0x90 has no Windows-1252 character and is dropped.
    let line = mangle("# 🔐 Access keys and 📋 lists", true);
    assert!(line.starts_with("# ðŸ” Access"), "{line}");
    let findings = scan_line(&line);
    let cut = findings
        .iter()
        .find_map(|f| match &f.kind {
            Kind::Truncated { candidates } => Some(candidates.clone()),
            Kind::Repairable { .. } => None,
        })
        .expect("a cut-short finding");
    assert!(cut.contains(&'🔐'), "{cut:?}");
    assert!(
        cut.len() > 1,
        "more than one candidate, so no guess: {cut:?}"
    );
    let repaired = repair_line(&line).unwrap();
    assert!(repaired.contains("ðŸ” Access"), "left as is: {repaired}");
    assert!(repaired.contains("📋 lists"), "{repaired}");

    let w = warnings(&line, Path::new("notes/iam.md"));
    let cut_warning = w.iter().find(|d| d.message.contains("cut short")).unwrap();
    assert_eq!((cut_warning.line, cut_warning.col), (1, 3));
    assert!(
        cut_warning.message.contains("🔐"),
        "{}",
        cut_warning.message
    );
    assert!(
        cut_warning.message.contains("retype"),
        "{}",
        cut_warning.message
    );
}

#[test]
fn a_closing_quote_that_lost_its_byte_is_reported() {
    // ” is E2 80 9D; 0x9D is dropped.
    let line = mangle("He said “yes” twice.", true);
    let findings = scan_line(&line);
    assert!(
        findings.iter().any(
            |f| matches!(&f.kind, Kind::Truncated { candidates } if candidates.contains(&'”'))
        ),
        "{line}: {findings:?}"
    );
}

#[test]
fn warnings_name_line_column_and_intended_text() {
    let text = "First line.\nThe cafÃ© is open â€” come in.\n";
    let w = warnings(text, Path::new("notes/x.md"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].line, w[0].col), (2, 8));
    assert!(
        w[0].message.contains("\"cafÃ©\" → \"café\""),
        "{}",
        w[0].message
    );
    assert!(w[0].message.contains("\"â€”\" → \"—\""), "{}", w[0].message);
}

#[test]
fn binary_noise_pasted_as_text_is_not_mojibake() {
    // Bytes of a compressed stream shown as Latin-1: decodable pairs occur by chance.
    let noise = "stream ±x¸lÝÄ\u{9f}XY%üÚ©Æ¯Üú¨? F³*ÌT/è\u{95}lW8Úô¥¤ endstream";
    assert_eq!(scan_line(noise), [], "{noise}");
}
