//! A note's events, kept packed once they are final. An `Event` is 80 bytes and each text an
//! allocation of its own, so the open events of 10,000 notes held about 370 MB for as long as
//! a build or a dev server lives; packed (postcard's varint encoding) they take about a sixth,
//! and each use unpacks them again with every text borrowed from the packed bytes.

use pulldown_cmark::Event;
use std::borrow::Cow;

/// A note's events: open while the parse passes, cards and diagrams change them, packed after.
#[derive(Clone)]
pub struct Events(Repr);

#[derive(Clone)]
enum Repr {
    Open(Vec<Event<'static>>),
    Packed {
        bytes: Box<[u8]>,
        len: usize,
        /// Where each link or image starts, so counting links needs no unpacking.
        links: Box<[u32]>,
    },
}

impl Default for Events {
    fn default() -> Events {
        Events(Repr::Open(Vec::new()))
    }
}

impl From<Vec<Event<'static>>> for Events {
    fn from(events: Vec<Event<'static>>) -> Events {
        Events(Repr::Open(events))
    }
}

impl Events {
    /// How many events there are.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Open(events) => events.len(),
            Repr::Packed { len, .. } => *len,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The events, unpacked if they are packed (their texts borrowed from the packed bytes).
    pub fn get(&self) -> Cow<'_, [Event<'_>]> {
        match &self.0 {
            Repr::Open(events) => Cow::Borrowed(events.as_slice()),
            Repr::Packed { bytes, .. } => Cow::Owned(
                postcard::from_bytes::<Vec<Event<'_>>>(bytes)
                    .expect("events packed by this process unpack"),
            ),
        }
    }

    /// The events to change, unpacked for good (pack them again when done).
    pub fn make_mut(&mut self) -> &mut Vec<Event<'static>> {
        if let Repr::Packed { .. } = self.0 {
            let open: Vec<Event<'static>> =
                self.get().iter().cloned().map(Event::into_static).collect();
            self.0 = Repr::Open(open);
        }
        match &mut self.0 {
            Repr::Open(events) => events,
            Repr::Packed { .. } => unreachable!("just unpacked"),
        }
    }

    /// Takes the events out, open, leaving none.
    pub fn take(&mut self) -> Vec<Event<'static>> {
        std::mem::take(self.make_mut())
    }

    /// Packs the events (they stay as they are when they cannot be packed, which does not
    /// happen for events pulldown-cmark makes).
    pub fn pack(&mut self) {
        let Repr::Open(events) = &self.0 else {
            return;
        };
        if let Ok(bytes) = postcard::to_allocvec(events) {
            let len = events.len();
            let links = events
                .iter()
                .enumerate()
                .filter(|(_, e)| is_link_start(e))
                .map(|(i, _)| i as u32)
                .collect();
            self.0 = Repr::Packed {
                bytes: bytes.into_boxed_slice(),
                len,
                links,
            };
        }
    }

    /// How many links and images start within `range` of the events.
    pub fn count_links(&self, range: std::ops::Range<usize>) -> usize {
        match &self.0 {
            Repr::Open(events) => {
                let end = range.end.min(events.len());
                events[range.start.min(end)..end]
                    .iter()
                    .filter(|e| is_link_start(e))
                    .count()
            }
            Repr::Packed { links, .. } => {
                let before = |i: usize| links.partition_point(|&at| (at as usize) < i);
                before(range.end).saturating_sub(before(range.start))
            }
        }
    }

    /// Whether the events are packed.
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed { .. })
    }
}

fn is_link_start(event: &Event<'_>) -> bool {
    use pulldown_cmark::Tag;
    matches!(
        event,
        Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. })
    )
}

impl PartialEq for Events {
    fn eq(&self, other: &Events) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.get().iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Highlighter, ParseOptions, parse};
    use super::*;

    #[test]
    fn packed_events_unpack_to_the_same_events_in_less_memory() {
        let md = "---\ntitle: T\n---\n# Title\n\nSome *text* with [a link](x.md \"t\"), `code`, \
                  $x^2$ and a[^1].\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- [ ] task\n- item ^id\n\n\
                  > [!note] Callout\n> body\n\n```rust\nfn main() {}\n```\n\n[^1]: Foot.\n";
        let parsed = parse(md, 0, &ParseOptions::default(), &Highlighter::default());
        let open = parsed.events.get().into_owned();
        let mut events = parsed.events.clone();
        events.pack();
        assert!(events.is_packed());
        assert_eq!(events.len(), open.len());
        assert_eq!(&*events.get(), &open[..]);
        let Repr::Packed { bytes, .. } = &events.0 else {
            unreachable!()
        };
        let open_bytes = open.len() * std::mem::size_of::<Event>();
        assert!(
            bytes.len() * 3 < open_bytes,
            "{} vs {open_bytes}",
            bytes.len()
        );
        let links = super::super::links::count_links(&open);
        assert!(links > 0);
        assert_eq!(events.count_links(0..open.len()), links);
        assert_eq!(
            events.count_links(0..open.len() / 2),
            parsed.events.count_links(0..open.len() / 2)
        );
        // Changing packed events unpacks them.
        events.make_mut().push(Event::Rule);
        assert!(!events.is_packed());
        assert_eq!(events.len(), open.len() + 1);
    }
}
