//! The code stylesheet (`syntax.css`): one colour (and weight, slant) per [`TokenClass`],
//! taken from the configured syntect themes, then made readable — at least 4.5:1 against the
//! code background of the built-in stylesheet — in light and in dark mode.
//!
//! Each class has one rule reading custom properties (`.highlighted .k { color: var(--hl-k) }`)
//! and the dark theme only changes the properties, so no light rule can outweigh a dark one.

use super::contrast::{AA, Rgb, readable};
use crate::markdown::{ClassSet, TokenClass};
use syntect::highlighting::{FontStyle, Highlighter, Theme, ThemeSet};
use syntect::parsing::Scope;

/// How a theme shows one token class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassStyle {
    /// The colour, or `None` for the surrounding text's.
    pub color: Option<Rgb>,
    /// A background of its own (diff lines), or `None`.
    pub background: Option<Rgb>,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
}

impl ClassStyle {
    fn is_plain(self) -> bool {
        self.color.is_none() && self.background.is_none() && !self.bold && !self.italic
    }
}

/// What code is drawn on: the background of code blocks and the colour of plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surface {
    /// The `pre` background (`--bg-raised`).
    pub background: Rgb,
    /// Plain text (`--text`).
    pub text: Rgb,
}

/// The code surfaces of the built-in stylesheet, in light and in dark mode.
pub fn code_surfaces() -> (Surface, Surface) {
    let css = std::str::from_utf8(super::builtin_style_css()).unwrap_or_default();
    let surface = |opening: &str, background: Rgb, text: Rgb| Surface {
        background: block_var(css, opening, "--bg-raised").unwrap_or(background),
        text: block_var(css, opening, "--text").unwrap_or(text),
    };
    (
        surface(":root {", Rgb(255, 255, 255), Rgb(0x1f, 0x23, 0x28)),
        surface(
            ":root[data-theme=\"dark\"] {",
            Rgb(0x1c, 0x1f, 0x23),
            Rgb(0xe6, 0xe3, 0xdc),
        ),
    )
}

/// The value of custom property `name` in the first block that opens with `opening`.
fn block_var(css: &str, opening: &str, name: &str) -> Option<Rgb> {
    let start = css.find(opening)? + opening.len();
    let block = &css[start..start + css[start..].find('}')?];
    block.split(';').find_map(|decl| {
        let (key, value) = decl.split_once(':')?;
        (key.trim() == name).then(|| Rgb::parse(value))?
    })
}

fn load(name: &str) -> Result<Theme, String> {
    let mut themes = ThemeSet::load_defaults();
    themes.themes.remove(name).ok_or_else(|| {
        let known: Vec<String> = ThemeSet::load_defaults().themes.into_keys().collect();
        format!(
            "unknown highlight theme `{name}`; available: {}",
            known.join(", ")
        )
    })
}

/// How `theme` shows each class on `surface`, colours made readable; plain classes left out.
pub fn class_styles(theme: &Theme, surface: Surface) -> Vec<(TokenClass, ClassStyle)> {
    let background = surface.background;
    let highlighter = Highlighter::new(theme);
    let plain = theme.settings.foreground;
    TokenClass::ALL
        .iter()
        .filter_map(|class| {
            let stack: Vec<Scope> = std::iter::once("source")
                .chain(class.sample_scopes().split(' '))
                .filter_map(|s| Scope::new(s).ok())
                .collect();
            let style = highlighter.style_for_stack(&stack);
            let own_background = (Some(style.background) != theme.settings.background).then(|| {
                let c = style.background;
                // Plain text must stay readable on it (a light theme's diff colours in dark mode).
                readable(Rgb(c.r, c.g, c.b).over(background, c.a), surface.text, AA)
            });
            let under = own_background.unwrap_or(background);
            let color = (Some(style.foreground) != plain).then(|| {
                let c = style.foreground;
                readable(Rgb(c.r, c.g, c.b).over(under, c.a), under, AA)
            });
            let found = ClassStyle {
                color,
                background: own_background,
                bold: style.font_style.contains(FontStyle::BOLD),
                italic: style.font_style.contains(FontStyle::ITALIC),
            };
            (!found.is_plain()).then_some((*class, found))
        })
        .collect()
}

/// The classes that the light or the dark theme shows differently from plain text: only
/// those get spans.
pub fn colored_classes(light: &str, dark: &str) -> Result<ClassSet, String> {
    let (light_surface, dark_surface) = code_surfaces();
    let mut set = ClassSet::NONE;
    for (class, _) in class_styles(&load(light)?, light_surface)
        .into_iter()
        .chain(class_styles(&load(dark)?, dark_surface))
    {
        set = set.with(class);
    }
    Ok(set)
}

/// One stylesheet for highlighted code: the light theme by default, the dark one when the page
/// is dark (chosen with the toggle, or by the system when the reader has not chosen), light
/// again on paper.
pub fn syntax_css(light: &str, dark: &str) -> Result<String, String> {
    let (light_surface, dark_surface) = code_surfaces();
    let light_styles = class_styles(&load(light)?, light_surface);
    let dark_styles = class_styles(&load(dark)?, dark_surface);
    let style_in = |styles: &[(TokenClass, ClassStyle)], class| {
        styles.iter().find(|(c, _)| *c == class).map(|(_, s)| *s)
    };
    let mut light_vars = String::new();
    let mut dark_vars = String::new();
    let mut rules = String::new();
    for class in TokenClass::ALL {
        let (l, d) = (
            style_in(&light_styles, class),
            style_in(&dark_styles, class),
        );
        if l.is_none() && d.is_none() {
            continue;
        }
        let plain = ClassStyle {
            color: None,
            background: None,
            bold: false,
            italic: false,
        };
        let (l, d) = (l.unwrap_or(plain), d.unwrap_or(plain));
        let name = class.css();
        let mut props = Vec::new();
        if l.color.is_some() || d.color.is_some() {
            let value = |s: ClassStyle| s.color.map_or("currentcolor".to_string(), Rgb::hex);
            light_vars.push_str(&format!("--hl-{name}:{};", value(l)));
            dark_vars.push_str(&format!("--hl-{name}:{};", value(d)));
            props.push(format!("color:var(--hl-{name})"));
        }
        if l.background.is_some() || d.background.is_some() {
            let value = |s: ClassStyle| s.background.map_or("transparent".to_string(), Rgb::hex);
            light_vars.push_str(&format!("--hl-{name}-bg:{};", value(l)));
            dark_vars.push_str(&format!("--hl-{name}-bg:{};", value(d)));
            props.push(format!("background-color:var(--hl-{name}-bg)"));
        }
        if l.bold || d.bold {
            let value = |s: ClassStyle| if s.bold { "bold" } else { "normal" };
            light_vars.push_str(&format!("--hl-{name}-w:{};", value(l)));
            dark_vars.push_str(&format!("--hl-{name}-w:{};", value(d)));
            props.push(format!("font-weight:var(--hl-{name}-w)"));
        }
        if l.italic || d.italic {
            let value = |s: ClassStyle| if s.italic { "italic" } else { "normal" };
            light_vars.push_str(&format!("--hl-{name}-i:{};", value(l)));
            dark_vars.push_str(&format!("--hl-{name}-i:{};", value(d)));
            props.push(format!("font-style:var(--hl-{name}-i)"));
        }
        rules.push_str(&format!(".highlighted .{name}{{{}}}\n", props.join(";")));
    }
    Ok(format!(
        "/* Code: {light} (light) and {dark} (dark), generated by studysite; colours at least \
         4.5:1 against the code background */\n\
         :root{{{light_vars}}}\n\
         :root[data-theme=\"dark\"]{{{dark_vars}}}\n\
         @media (prefers-color-scheme: dark){{:root:not([data-theme]){{{dark_vars}}}}}\n\
         @media print{{:root,:root[data-theme=\"dark\"]{{{light_vars}}}}}\n\
         {rules}"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::contrast::ratio;
    use super::*;

    /// The `--hl-…` colours declared in the block that opens with `opening`.
    fn colours(css: &str, opening: &str) -> Vec<(String, Rgb)> {
        let start = css.find(opening).unwrap() + opening.len();
        let block = &css[start..start + css[start..].find('}').unwrap()];
        block
            .split(';')
            .filter_map(|decl| {
                let (key, value) = decl.split_once(':')?;
                Some((key.trim().to_string(), Rgb::parse(value)?))
            })
            .collect()
    }

    /// Every colour against the code background, or against its class's own background; and
    /// plain text against each class background.
    fn check(theme: &str, colours: &[(String, Rgb)], code_bg: Rgb, text: Rgb) {
        let own_bg = |name: &str| {
            colours
                .iter()
                .find(|(n, _)| *n == format!("{name}-bg"))
                .map(|(_, c)| *c)
        };
        for (name, c) in colours {
            let (against, what) = match name.strip_suffix("-bg") {
                Some(_) => (text, "text"),
                None => (own_bg(name).unwrap_or(code_bg), "background"),
            };
            let r = ratio(*c, against);
            assert!(
                r >= AA,
                "{theme}: {name} {} is {r:.2}:1 to the {what}",
                c.hex()
            );
        }
    }

    #[test]
    fn every_class_colour_is_readable_in_every_default_theme_pair() {
        let (light, dark) = code_surfaces();
        let (light_bg, dark_bg, light_text, dark_text) =
            (light.background, dark.background, light.text, dark.text);
        assert_ne!(light_bg, dark_bg, "both backgrounds found in style.css");
        let themes: Vec<String> = ThemeSet::load_defaults().themes.into_keys().collect();
        for light in &themes {
            for dark in &themes {
                let css = syntax_css(light, dark).unwrap();
                let light_colours = colours(&css, ":root{");
                let dark_colours = colours(&css, ":root[data-theme=\"dark\"]{");
                assert!(
                    !light_colours.is_empty() && !dark_colours.is_empty(),
                    "{css}"
                );
                check(light, &light_colours, light_bg, light_text);
                check(dark, &dark_colours, dark_bg, dark_text);
            }
        }
    }

    #[test]
    fn dark_mode_changes_only_custom_properties() {
        let css = syntax_css("InspiredGitHub", "base16-ocean.dark").unwrap();
        for line in css.lines().filter(|l| l.starts_with(".highlighted")) {
            assert!(line.contains("var(--hl-"), "{line}");
        }
        assert_eq!(
            css.matches(".highlighted .c{").count(),
            1,
            "one rule per class, for light and dark alike"
        );
        let dark = colours(&css, ":root[data-theme=\"dark\"]{");
        let system_dark = colours(&css, ":root:not([data-theme]){");
        assert_eq!(dark, system_dark);
        // base16-ocean.dark colours JSON keys as strings, green: the dark value must be it.
        let key = dark.iter().find(|(n, _)| n == "--hl-ky").unwrap().1;
        let string = dark.iter().find(|(n, _)| n == "--hl-s").unwrap().1;
        assert_eq!(key, string);
    }

    #[test]
    fn comments_keep_their_theme_look_but_readable() {
        let (light, _) = code_surfaces();
        let light_bg = light.background;
        let theme = load("InspiredGitHub").unwrap();
        let styles = class_styles(&theme, light);
        let comment = styles
            .iter()
            .find(|(c, _)| *c == TokenClass::Comment)
            .unwrap()
            .1;
        assert!(comment.italic);
        let grey = Rgb::parse("#969896").unwrap();
        assert_ne!(comment.color, Some(grey), "2.9:1 grey is darkened");
        assert!(ratio(comment.color.unwrap(), light_bg) >= AA);
    }

    #[test]
    fn colored_classes_are_those_either_theme_shows() {
        let set = colored_classes("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(set.contains(TokenClass::Keyword));
        assert!(set.contains(TokenClass::Comment));
        assert!(
            !set.contains(TokenClass::TypeName),
            "neither theme colours entity.name.type"
        );
        assert!(
            colored_classes("nope", "base16-ocean.dark")
                .unwrap_err()
                .contains("available")
        );
    }
}
