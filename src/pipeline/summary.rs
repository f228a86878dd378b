//! What other pages show of a note: when an edit leaves it unchanged, the edit is a body
//! edit and reaches only the pages that show the note's body.

use crate::markdown::ParsedNote;
use crate::vault::Note;
use std::hash::{Hash, Hasher};

/// Everything other pages show of a note, or use to resolve links to it: when this is unchanged
/// by an edit, only the note's own page and the pages that show its body change.
pub fn summary(note: &Note, parsed: &ParsedNote) -> u64 {
    let mut h = crate::hash::Digester::new();
    let front = &note.front;
    (
        &front.title,
        &front.description,
        &front.tags,
        &front.date,
        &front.updated,
        front.weight,
        &front.aliases,
        // Issue 10 hook: a permalink moves the page; classes are on it.
        &front.permalink,
        &front.cssclasses,
    )
        .hash(&mut h);
    for (key, value) in &front.extra {
        (key, value.to_string()).hash(&mut h);
    }
    // fuzz hook: whether a note has math decides whether the site has the math files.
    (parsed.starts_with_h1, parsed.first_h1(), parsed.has_math).hash(&mut h);
    for heading in &parsed.headings {
        (
            heading.level,
            &heading.text,
            &heading.anchor,
            &heading.block_id,
            &heading.card,
        )
            .hash(&mut h);
    }
    (&parsed.block_ids, &parsed.html_ids, &parsed.tags).hash(&mut h);
    for (fragment, _, _) in &parsed.html_anchor_links {
        fragment.hash(&mut h);
    }
    for card in &parsed.cards {
        (&card.id, card.kind as u8).hash(&mut h);
    }
    for link in &parsed.links {
        (
            &link.target,
            link.kind == crate::markdown::LinkKind::Image,
            link.wiki,
            link.has_label,
            &link.label,
            &link.context,
        )
            .hash(&mut h);
    }
    h.finish()
}
