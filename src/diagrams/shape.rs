//! Where things are on a rendered diagram: the bounding boxes of shapes, so that a label is
//! known to sit on a coloured shape (and needs a text colour readable on it) or beside it.

use super::svg::{Attr, get, number};

/// The bounding box (x, y, width, height) of a shape, where it is cheap to know: rectangles,
/// circles, ellipses, polygons, and paths made of absolute commands.
pub fn bbox(shape: &str, attrs: &[Attr]) -> Option<[f32; 4]> {
    let n = |k| number(attrs, k);
    let points: Vec<(f32, f32)> = match shape {
        "rect" => {
            let (x, y) = (n("x").unwrap_or(0.0), n("y").unwrap_or(0.0));
            vec![(x, y), (x + n("width")?, y + n("height")?)]
        }
        "circle" | "ellipse" => {
            let (cx, cy) = (n("cx")?, n("cy")?);
            let (rx, ry) = (n("rx").or(n("r"))?, n("ry").or(n("r"))?);
            vec![(cx - rx, cy - ry), (cx + rx, cy + ry)]
        }
        "polygon" | "polyline" => pairs(get(attrs, "points")?),
        _ => path_points(get(attrs, "d")?)?,
    };
    let xs = points.iter().map(|p| p.0);
    let ys = points.iter().map(|p| p.1);
    let (x0, x1) = (
        xs.clone().fold(f32::MAX, f32::min),
        xs.fold(f32::MIN, f32::max),
    );
    let (y0, y1) = (
        ys.clone().fold(f32::MAX, f32::min),
        ys.fold(f32::MIN, f32::max),
    );
    (x0 <= x1 && y0 <= y1).then_some([x0, y0, x1 - x0, y1 - y0])
}

fn pairs(list: &str) -> Vec<(f32, f32)> {
    let v: Vec<f32> = list
        .split([' ', ','])
        .filter_map(|p| p.parse().ok())
        .collect();
    v.chunks_exact(2).map(|c| (c[0], c[1])).collect()
}

/// The end points of an absolute path (`M`, `L`, `H`, `V`, `C`, `S`, `Q`, `T`, `A`, `Z`);
/// `None` when it uses relative commands.
fn path_points(d: &str) -> Option<Vec<(f32, f32)>> {
    let mut tokens = Vec::new();
    let mut number = String::new();
    for c in d.chars() {
        if c.is_ascii_alphabetic() && c != 'e' {
            if !number.is_empty() {
                tokens.push(std::mem::take(&mut number));
            }
            tokens.push(c.to_string());
        } else if c == ' ' || c == ',' || (c == '-' && !number.is_empty() && !number.ends_with('e'))
        {
            if !number.is_empty() {
                tokens.push(std::mem::take(&mut number));
            }
            if c == '-' {
                number.push(c);
            }
        } else {
            number.push(c);
        }
    }
    if !number.is_empty() {
        tokens.push(number);
    }
    let mut points = Vec::new();
    let mut command = 'M';
    let mut args: Vec<f32> = Vec::new();
    let mut last = (0.0, 0.0);
    for token in tokens {
        if let Some(c) = token.chars().next().filter(char::is_ascii_alphabetic) {
            if c.is_ascii_lowercase() && c != 'z' {
                return None;
            }
            command = c;
            args.clear();
            continue;
        }
        args.push(token.parse().ok()?);
        let need = match command {
            'H' | 'V' => 1,
            'M' | 'L' | 'T' => 2,
            'S' | 'Q' => 4,
            'C' => 6,
            'A' => 7,
            _ => return None,
        };
        if args.len() == need {
            last = match command {
                'H' => (args[0], last.1),
                'V' => (last.0, args[0]),
                _ => (args[need - 2], args[need - 1]),
            };
            points.push(last);
            args.clear();
        }
    }
    Some(points)
}

/// Whether a `<text>`'s anchor point lies on the shape (with a pixel to spare).
pub fn text_inside(attrs: &[Attr], bbox: &[f32; 4]) -> bool {
    let (Some(x), Some(y)) = (number(attrs, "x"), number(attrs, "y")) else {
        return false;
    };
    let [bx, by, w, h] = *bbox;
    x >= bx - 1.0 && x <= bx + w + 1.0 && y >= by - 1.0 && y <= by + h + 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_bounding_boxes_come_from_absolute_commands() {
        assert_eq!(
            path_points("M 1,2 L 3 4 H 10 V -5 A 5 5 0 0 1 7 8 Z"),
            Some(vec![
                (1.0, 2.0),
                (3.0, 4.0),
                (10.0, 4.0),
                (10.0, -5.0),
                (7.0, 8.0)
            ])
        );
        assert_eq!(path_points("m 1 2 l 3 4"), None);
        assert_eq!(
            bbox(
                "circle",
                &[("cx", "5".into()), ("cy", "5".into()), ("r", "2".into())]
            ),
            Some([3.0, 3.0, 4.0, 4.0])
        );
    }
}
