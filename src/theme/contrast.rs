//! Colours as the code stylesheet needs them: `#rrggbb` parsing and printing, WCAG 2 contrast
//! ratios, and the nearest colour of the same hue that reaches a ratio.

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// The ratio normal-size text needs against its background (WCAG 2 AA).
pub const AA: f64 = 4.5;

impl Rgb {
    /// Parses `#rgb` or `#rrggbb`.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        let digit = |i: usize, n: usize| u8::from_str_radix(hex.get(i..i + n)?, 16).ok();
        match hex.len() {
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            _ => None,
        }
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// `self` over `under` at opacity `alpha` (0–255).
    pub fn over(self, under: Rgb, alpha: u8) -> Rgb {
        let a = f64::from(alpha) / 255.0;
        let mix = |top: u8, bottom: u8| {
            (f64::from(top) * a + f64::from(bottom) * (1.0 - a)).round() as u8
        };
        Rgb(
            mix(self.0, under.0),
            mix(self.1, under.1),
            mix(self.2, under.2),
        )
    }

    fn toward(self, target: Rgb, t: f64) -> Rgb {
        let mix = |from: u8, to: u8| {
            (f64::from(from) + (f64::from(to) - f64::from(from)) * t).round() as u8
        };
        Rgb(
            mix(self.0, target.0),
            mix(self.1, target.1),
            mix(self.2, target.2),
        )
    }
}

/// The WCAG contrast ratio of two colours (1 to 21).
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// `color` itself when it reaches `min` against `background`; otherwise the first colour on
/// the way from it to black (on a light background) or white (on a dark one) that does.
pub fn readable(color: Rgb, background: Rgb, min: f64) -> Rgb {
    if ratio(color, background) >= min {
        return color;
    }
    let target = if background.luminance() > 0.18 {
        Rgb(0, 0, 0)
    } else {
        Rgb(255, 255, 255)
    };
    (1..=100)
        .map(|step| color.toward(target, f64::from(step) / 100.0))
        .find(|c| ratio(*c, background) >= min)
        .unwrap_or(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_match_the_wcag_examples() {
        let white = Rgb(255, 255, 255);
        assert!((ratio(Rgb(0, 0, 0), white) - 21.0).abs() < 1e-9);
        assert!((ratio(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 grey.
        assert!((ratio(Rgb::parse("#767676").unwrap(), white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn a_faint_colour_is_darkened_on_light_and_lightened_on_dark() {
        let grey = Rgb::parse("#969896").unwrap();
        let on_white = readable(grey, Rgb(255, 255, 255), AA);
        assert!(ratio(on_white, Rgb(255, 255, 255)) >= AA);
        assert!(on_white.luminance() < grey.luminance());
        let slate = Rgb::parse("#65737e").unwrap();
        let dark = Rgb::parse("#1c1f23").unwrap();
        let on_dark = readable(slate, dark, AA);
        assert!(ratio(on_dark, dark) >= AA);
        assert!(on_dark.luminance() > slate.luminance());
        let fine = Rgb::parse("#183691").unwrap();
        assert_eq!(readable(fine, Rgb(255, 255, 255), AA), fine);
    }

    #[test]
    fn colours_parse_and_print() {
        assert_eq!(Rgb::parse("#1C1f23"), Some(Rgb(0x1c, 0x1f, 0x23)));
        assert_eq!(Rgb::parse("#fff"), Some(Rgb(255, 255, 255)));
        assert_eq!(Rgb::parse("red"), None);
        assert_eq!(Rgb(1, 2, 255).hex(), "#0102ff");
        assert_eq!(Rgb(255, 255, 255).over(Rgb(0, 0, 0), 0), Rgb(0, 0, 0));
    }
}
