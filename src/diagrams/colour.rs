//! Colour arithmetic for themed diagrams: reading the colours a renderer writes (`#rgb`,
//! `#rrggbb`, `rgb()`, `hsl()`, `black`, `white`), and picking a readable text colour for a
//! fill.

/// Red, green and blue, 0–1.
type Rgb = [f32; 3];

/// The dark text colour for light fills, and the light one for dark fills.
pub const INK_DARK: &str = "#111418";
pub const INK_LIGHT: &str = "#f8f9fa";

/// Reads a CSS colour the way renderers write them; `None` for anything else.
pub fn parse(colour: &str) -> Option<Rgb> {
    let c = colour.trim().to_ascii_lowercase();
    if let Some(hex) = c.strip_prefix('#') {
        return hex_rgb(hex);
    }
    if let Some(args) = c.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
        let v = numbers(args)?;
        return Some([v[0] / 255.0, v[1] / 255.0, v[2] / 255.0]);
    }
    if let Some(args) = c.strip_prefix("hsl(").and_then(|r| r.strip_suffix(')')) {
        let v = numbers(args)?;
        return Some(hsl_rgb(v[0], v[1] / 100.0, v[2] / 100.0));
    }
    match c.as_str() {
        "black" => Some([0.0; 3]),
        "white" => Some([1.0; 3]),
        _ => None,
    }
}

fn numbers(args: &str) -> Option<[f32; 3]> {
    let v: Vec<f32> = args
        .split([',', ' '])
        .filter(|p| !p.is_empty())
        .take(3)
        .map(|p| p.trim_end_matches('%').parse().ok())
        .collect::<Option<_>>()?;
    (v.len() == 3).then(|| [v[0], v[1], v[2]])
}

fn hex_rgb(hex: &str) -> Option<Rgb> {
    let digit = |i: usize, len: usize| -> Option<f32> {
        let part = hex.get(i * len..i * len + len)?;
        let v = u8::from_str_radix(part, 16).ok()?;
        Some(
            if len == 1 {
                f32::from(v * 17)
            } else {
                f32::from(v)
            } / 255.0,
        )
    };
    let len = match hex.len() {
        3 | 4 => 1,
        6 | 8 => 2,
        _ => return None,
    };
    Some([digit(0, len)?, digit(1, len)?, digit(2, len)?])
}

fn hsl_rgb(h: f32, s: f32, l: f32) -> Rgb {
    let a = s * l.min(1.0 - l);
    let f = |n: f32| {
        let k = (n + h / 30.0) % 12.0;
        l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)
    };
    [f(0.0), f(8.0), f(4.0)]
}

/// Relative luminance (0 black, 1 white), as WCAG defines it.
pub fn luminance(colour: &str) -> Option<f32> {
    let rgb = parse(colour)?;
    let channel = |c: f32| {
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]))
}

/// HSL lightness (0–1).
pub fn lightness(colour: &str) -> Option<f32> {
    let [r, g, b] = parse(colour)?;
    Some((r.max(g).max(b) + r.min(g).min(b)) / 2.0)
}

/// The text colour with the better contrast on `fill`.
pub fn ink_for(fill: &str) -> Option<&'static str> {
    let l = luminance(fill)?;
    let dark = (l + 0.05) / (luminance(INK_DARK)? + 0.05);
    let light = (luminance(INK_LIGHT)? + 0.05) / (l + 0.05);
    Some(if dark >= light { INK_DARK } else { INK_LIGHT })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderer_colour_forms_are_read() {
        assert_eq!(parse("#fff"), Some([1.0; 3]));
        assert_eq!(parse("#000000"), Some([0.0; 3]));
        assert_eq!(parse("rgb(255, 0, 0)"), Some([1.0, 0.0, 0.0]));
        let blue = parse("hsl(240, 100%, 50%)").unwrap();
        assert!(blue[2] > 0.99 && blue[0] < 0.01, "{blue:?}");
        assert_eq!(parse("red"), None);
    }

    #[test]
    fn ink_is_dark_on_light_and_mid_fills_and_light_on_dark_ones() {
        assert_eq!(ink_for("#0c0"), Some(INK_DARK));
        assert_eq!(ink_for("hsl(215, 36%, 61%)"), Some(INK_DARK));
        assert_eq!(ink_for("#1e3a8a"), Some(INK_LIGHT));
        assert!(lightness("hsl(210, 40%, 94%)").unwrap() > 0.9);
    }
}
