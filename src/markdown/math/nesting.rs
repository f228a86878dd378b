//! How deep a formula nests, estimated from its source before math-core sees it. math-core's
//! parser and MathML writer recurse once per level, so a formula thousands of levels deep (a
//! `{` per level, `\sqrt\sqrt…`, `\displaystyle` again and again) would overflow the stack of
//! the thread converting it, which ends the whole build.

/// An upper estimate of how deep math-core recurses on `tex`: every group, `\left…\right` and
/// `\begin…\end` adds a level while it is open, and every other command, `^` and `_` adds one
/// until its group closes (a command may take the rest of its group as its argument, as
/// `\displaystyle` does). A command defined by one of `macros` counts as its body does, plus
/// one.
pub fn nesting(tex: &str, macros: &[(String, String)]) -> usize {
    nesting_within(tex, macros, &mut Vec::new())
}

/// [`nesting`], with `expanding` the macros whose bodies are being counted (a macro that
/// uses itself counts as no deeper than its other commands: math-core stops such expansions).
fn nesting_within<'a>(
    tex: &str,
    macros: &'a [(String, String)],
    expanding: &mut Vec<&'a str>,
) -> usize {
    let bytes = tex.as_bytes();
    let mut opened: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                opened.push(depth);
                depth += 1;
            }
            b'}' => depth = opened.pop().unwrap_or(depth),
            b'^' | b'_' => depth += 1,
            b'\\' => {
                let name_len = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphabetic())
                    .count();
                if name_len == 0 {
                    // `\{`, `\\`, `\,`: a symbol or a space, no argument.
                    i += 2;
                    continue;
                }
                // The name is ASCII letters right after an ASCII `\`: a char boundary on both ends.
                let name = &tex[i + 1..i + 1 + name_len];
                match name {
                    "left" | "begin" => {
                        opened.push(depth);
                        depth += 1;
                    }
                    "right" | "end" => depth = opened.pop().unwrap_or(depth),
                    _ => depth += 1 + macro_nesting(name, macros, expanding),
                }
                i += 1 + name_len;
                deepest = deepest.max(depth);
                continue;
            }
            _ => {}
        }
        deepest = deepest.max(depth);
        i += 1;
    }
    deepest
}

fn macro_nesting<'a>(
    name: &str,
    macros: &'a [(String, String)],
    expanding: &mut Vec<&'a str>,
) -> usize {
    let Some((defined, body)) = macros.iter().rev().find(|(n, _)| n == name) else {
        return 0;
    };
    if expanding.contains(&defined.as_str()) {
        return 0;
    }
    expanding.push(defined);
    let depth = nesting_within(body, macros, expanding);
    expanding.pop();
    depth
}

#[cfg(test)]
mod tests {
    use super::super::{INLINE_NESTING, MAX_NESTING};
    use super::nesting;
    use crate::markdown::{Highlighter, ParseOptions, Resolution, parse, render};

    /// The HTML and the warnings of a note, parsed on a thread with the stack rayon gives a
    /// build's workers.
    fn on_build_thread(md: String) -> (String, Vec<String>) {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let parsed = parse(&md, 0, &ParseOptions::default(), &Highlighter::default());
                let keep = vec![Resolution::Keep; parsed.links.len()];
                let warnings = parsed.diagnostics.iter().map(|d| d.message.clone());
                (render(&parsed, &keep), warnings.collect())
            })
            .unwrap()
            .join()
            .unwrap()
    }

    /// Valid formulas that nest `n` levels in the ways math-core recurses on.
    fn deep(n: usize) -> Vec<String> {
        vec![
            format!("{}x{}", "{".repeat(n), "}".repeat(n)),
            format!("{}x", "\\sqrt".repeat(n)),
            format!("{}x", "\\displaystyle ".repeat(n)),
            format!("{}x", "\\hat".repeat(n)),
            format!("{}x{}", "\\left(".repeat(n), "\\right)".repeat(n)),
            format!(
                "{}x{}",
                "\\begin{gathered}".repeat(n),
                "\\end{gathered}".repeat(n)
            ),
            format!("{}x{}", "\\frac{1}{".repeat(n / 2), "}".repeat(n / 2)),
            format!("x{}2{}", "^{".repeat(n / 2), "}".repeat(n / 2)),
        ]
    }

    #[test]
    fn a_formula_nested_thousands_of_levels_deep_is_refused_not_a_stack_overflow() {
        for formula in deep(5_000) {
            let (html, warnings) = on_build_thread(format!("Deep: ${formula}$\n"));
            assert!(
                warnings.iter().any(|w| w.contains("levels deep")),
                "{warnings:?}"
            );
            assert!(html.contains("math-error"), "shown as its source");
        }
    }

    #[test]
    fn formulas_up_to_the_limit_convert_on_a_build_thread() {
        for n in [INLINE_NESTING - 2, INLINE_NESTING + 2, MAX_NESTING - 2] {
            for formula in deep(n) {
                assert!(nesting(&formula, &[]) <= MAX_NESTING, "{n}");
                let (html, warnings) = on_build_thread(format!("${formula}$\n"));
                assert!(
                    !warnings.iter().any(|w| w.contains("levels deep")),
                    "{n}: {warnings:?}"
                );
                assert!(
                    html.contains("<math") || html.contains("math-error"),
                    "{html}"
                );
            }
        }
    }

    #[test]
    fn groups_environments_and_delimiters_nest_while_open() {
        assert_eq!(nesting("x + y", &[]), 0);
        assert_eq!(nesting("{{x}}{y}", &[]), 2);
        assert_eq!(nesting("\\left( {x} \\right) {y}", &[]), 2);
        assert_eq!(nesting("\\begin{matrix} a \\end{matrix}", &[]), 2);
        assert_eq!(
            nesting("}}} {x}", &[]),
            1,
            "unbalanced closings are ignored"
        );
    }

    #[test]
    fn commands_and_scripts_count_until_their_group_closes() {
        assert_eq!(nesting("\\sqrt\\sqrt\\sqrt x", &[]), 3);
        assert_eq!(nesting("{\\displaystyle a \\displaystyle b} c", &[]), 3);
        assert_eq!(nesting("x^{2}_{i}", &[]), 3);
        assert_eq!(
            nesting("\\{ \\\\ \\, x", &[]),
            0,
            "escaped symbols take no argument"
        );
    }

    #[test]
    fn macros_count_as_deep_as_their_bodies() {
        let macros = vec![("s".to_string(), "\\sqrt\\sqrt\\sqrt".to_string())];
        assert_eq!(nesting("\\s\\s", &macros), 8);
        let looping = vec![("a".to_string(), "{\\a}".to_string())];
        assert_eq!(nesting("\\a", &looping), 3);
    }
}
