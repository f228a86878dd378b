//! Navigation: the tree of sections (folders) and notes, the reading order behind
//! previous/next, breadcrumbs, and the sidebar of one page.
//!
//! The sidebar is bounded: it shows the top level and the branch that leads to the current
//! page, and long folders show a window around the current note, so the work per page does not
//! grow with the size of the vault.

use crate::hash::FastHash;
use crate::paths;
use crate::vault::NoteId;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// How many entries of the page's own folder the sidebar shows at most.
pub const SIDEBAR_WINDOW: usize = 40;

/// How many entries of each folder above the page's own the sidebar shows at most (the open
/// branch and its neighbours; the rest is one "more" link each side). With 500 top folders,
/// a window of 40 there made the sidebar a third of every page.
pub const ANCESTOR_WINDOW: usize = 12;

/// A page of the site that navigation knows about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKey {
    /// A note's own page.
    Note(NoteId),
    /// A folder's page (the top folder is the home page).
    Section(String),
}

/// One entry of a folder, in display order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Child {
    /// A note of the folder.
    Note(NoteId),
    /// A sub-folder.
    Section(String),
}

/// A folder of notes.
#[derive(Debug, Clone)]
pub struct Section {
    /// Content-relative folder, `""` for the top.
    pub folder: String,
    /// The note that holds the folder's own text (`_index.md`), if any.
    pub index: Option<NoteId>,
    /// Shown in navigation.
    pub title: String,
    /// Ordering among siblings.
    pub weight: Option<i64>,
    /// The site path of the section page.
    pub path: String,
    /// Notes and sub-folders in display order.
    pub children: Vec<Child>,
}

/// What navigation needs to know about one note.
#[derive(Debug, Clone)]
pub struct NoteInfo {
    /// Its id.
    pub id: NoteId,
    /// Its title.
    pub title: String,
    /// Its front matter weight.
    pub weight: Option<i64>,
    /// Its site path.
    pub path: String,
}

/// The whole navigation structure of a site.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// Sections by folder.
    pub sections: BTreeMap<String, Section>,
    // Hashed fast: every page is in both, and ids are not chosen by an attacker.
    notes: HashMap<NoteId, NoteInfo, FastHash>,
    order: Vec<PageKey>,
    position: HashMap<PageKey, usize, FastHash>,
}

/// A link to a page, as templates show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageLink {
    /// The page's title.
    pub title: String,
    /// The page's site path (without the base path).
    pub path: String,
}

/// One line of the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SidebarEntry {
    /// The text.
    pub title: String,
    /// Site path of the page it opens.
    pub path: String,
    /// Nesting depth, 0 at the top.
    pub depth: usize,
    /// A folder (rather than a note).
    pub is_section: bool,
    /// The page being shown.
    pub is_current: bool,
    /// A folder on the way to the current page, shown open.
    pub is_open: bool,
    /// A "N more…" entry standing for entries left out of a long folder.
    pub more: usize,
}

impl Nav {
    /// Builds the tree. `folders` must hold every folder with notes and all their ancestors;
    /// `section_index` gives the `_index.md` of a folder, already left out of `notes`.
    pub fn build(
        notes: Vec<NoteInfo>,
        folders: impl IntoIterator<Item = String>,
        section_index: &BTreeMap<String, (NoteId, String, Option<i64>)>,
        folder_paths: &BTreeMap<String, String>,
        site_title: &str,
    ) -> Nav {
        let mut sections: BTreeMap<String, Section> = folders
            .into_iter()
            .map(|folder| {
                let (index, title, weight) = match section_index.get(&folder) {
                    Some((id, title, weight)) => (Some(id.clone()), title.clone(), *weight),
                    None if folder.is_empty() => (None, site_title.to_string(), None),
                    None => (
                        None,
                        folder.rsplit('/').next().unwrap_or("").to_string(),
                        None,
                    ),
                };
                let path = folder_paths
                    .get(&folder)
                    .cloned()
                    .unwrap_or_else(|| paths::folder_path(&folder));
                let section = Section {
                    folder: folder.clone(),
                    index,
                    title,
                    weight,
                    path,
                    children: Vec::new(),
                };
                (folder, section)
            })
            .collect();
        let mut keyed: BTreeMap<String, Vec<(Option<i64>, String, Child)>> = BTreeMap::new();
        for note in &notes {
            keyed
                .entry(note.id.folder().to_string())
                .or_default()
                .push((
                    note.weight,
                    note.id.stem().to_string(),
                    Child::Note(note.id.clone()),
                ));
        }
        for (folder, section) in &sections {
            if folder.is_empty() {
                continue;
            }
            let parent = folder.rfind('/').map_or("", |i| &folder[..i]).to_string();
            let name = folder.rsplit('/').next().unwrap_or("").to_string();
            keyed.entry(parent).or_default().push((
                section.weight,
                name,
                Child::Section(folder.clone()),
            ));
        }
        for (folder, mut children) in keyed {
            children.sort_by(|a, b| compare_entries(a.0, &a.1, b.0, &b.1));
            if let Some(section) = sections.get_mut(&folder) {
                section.children = children.into_iter().map(|(_, _, c)| c).collect();
            }
        }
        let mut by_id = HashMap::with_capacity_and_hasher(notes.len(), FastHash::default());
        by_id.extend(notes.into_iter().map(|n| (n.id.clone(), n)));
        let notes = by_id;
        let mut nav = Nav {
            sections,
            notes,
            order: Vec::new(),
            position: HashMap::default(),
        };
        nav.order_from("");
        nav.position = nav
            .order
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        nav
    }

    fn order_from(&mut self, folder: &str) {
        self.order.push(PageKey::Section(folder.to_string()));
        let children = self
            .sections
            .get(folder)
            .map(|s| s.children.clone())
            .unwrap_or_default();
        for child in children {
            match child {
                Child::Note(id) => self.order.push(PageKey::Note(id)),
                Child::Section(f) => self.order_from(&f),
            }
        }
    }

    /// Every page in reading order: each folder's page, then its notes and sub-folders.
    pub fn reading_order(&self) -> &[PageKey] {
        &self.order
    }

    /// The title and path of a page.
    pub fn link(&self, key: &PageKey) -> Option<PageLink> {
        match key {
            PageKey::Note(id) => self.notes.get(id).map(|n| PageLink {
                title: n.title.clone(),
                path: n.path.clone(),
            }),
            PageKey::Section(f) => self.sections.get(f).map(|s| PageLink {
                title: s.title.clone(),
                path: s.path.clone(),
            }),
        }
    }

    /// Gives a page a new title.
    pub fn set_title(&mut self, key: &PageKey, title: String) {
        match key {
            PageKey::Note(id) => {
                if let Some(n) = self.notes.get_mut(id) {
                    n.title = title;
                }
            }
            PageKey::Section(f) => {
                if let Some(s) = self.sections.get_mut(f) {
                    s.title = title;
                }
            }
        }
    }

    /// The title and site path of a page.
    pub fn title_path(&self, key: &PageKey) -> Option<(&str, &str)> {
        match key {
            PageKey::Note(id) => self
                .notes
                .get(id)
                .map(|n| (n.title.as_str(), n.path.as_str())),
            PageKey::Section(f) => self
                .sections
                .get(f)
                .map(|s| (s.title.as_str(), s.path.as_str())),
        }
    }

    /// The pages just before and after `key` in reading order.
    pub fn neighbours(&self, key: &PageKey) -> (Option<&PageKey>, Option<&PageKey>) {
        let Some(&i) = self.position.get(key) else {
            return (None, None);
        };
        (
            i.checked_sub(1).and_then(|j| self.order.get(j)),
            self.order.get(i + 1),
        )
    }

    /// The folder whose chain of folders the breadcrumbs of `key` show (`None` for the home
    /// page, which has none).
    pub fn crumbs_folder(key: &PageKey) -> Option<&str> {
        match key {
            PageKey::Note(id) => Some(id.folder()),
            PageKey::Section(f) if f.is_empty() => None,
            PageKey::Section(f) => Some(f.rfind('/').map_or("", |i| &f[..i])),
        }
    }

    /// The pages before and after `key` in reading order.
    pub fn prev_next(&self, key: &PageKey) -> (Option<PageLink>, Option<PageLink>) {
        let Some(&i) = self.position.get(key) else {
            return (None, None);
        };
        let prev = i.checked_sub(1).and_then(|j| self.link(&self.order[j]));
        let next = self.order.get(i + 1).and_then(|k| self.link(k));
        (prev, next)
    }

    /// The folders from the top down to the one that holds `key` (for a section: its parent).
    pub fn breadcrumbs(&self, key: &PageKey) -> Vec<PageLink> {
        let folder = match key {
            PageKey::Note(id) => id.folder().to_string(),
            PageKey::Section(f) if f.is_empty() => return Vec::new(),
            PageKey::Section(f) => f.rfind('/').map_or("", |i| &f[..i]).to_string(),
        };
        let mut chain = vec![String::new()];
        let mut acc = String::new();
        for part in folder.split('/').filter(|p| !p.is_empty()) {
            if !acc.is_empty() {
                acc.push('/');
            }
            acc.push_str(part);
            chain.push(acc.clone());
        }
        chain
            .into_iter()
            .filter_map(|f| self.link(&PageKey::Section(f)))
            .collect()
    }

    /// The sidebar of one page: the top level, and the open branch down to `key`.
    pub fn sidebar(&self, key: &PageKey) -> Vec<SidebarEntry> {
        let mut out = Vec::new();
        self.visit_sidebar(key, &mut |e: EntryRef<'_>| {
            out.push(SidebarEntry {
                title: e
                    .title
                    .map_or_else(|| format!("{} more…", e.more), str::to_string),
                path: e.path.to_string(),
                depth: e.depth,
                is_section: e.is_section,
                is_current: e.is_current,
                is_open: e.is_open,
                more: e.more,
            })
        });
        out
    }

    /// A digest of exactly what the sidebar of `key` shows: its entries laid end to end and
    /// hashed at once (a title edit takes the key of every page in the folder, and a
    /// streaming hash fed field by field cost more than the walk).
    pub fn sidebar_key(&self, key: &PageKey) -> u64 {
        let mut bytes = Vec::with_capacity(4096);
        self.visit_sidebar(key, &mut |e: EntryRef<'_>| e.write_to(&mut bytes));
        xxhash_rust::xxh3::xxh3_64(&bytes)
    }

    /// Walks the sidebar of `key`, entry by entry: the top level, and the open branch down to
    /// the page, long folders cut to a window around it.
    fn visit_sidebar<'a>(&'a self, key: &PageKey, f: &mut impl FnMut(EntryRef<'a>)) {
        let current_folder = match key {
            PageKey::Note(id) => id.folder(),
            PageKey::Section(f) => f.as_str(),
        };
        self.sidebar_level("", 0, key, current_folder, f);
    }

    fn sidebar_level<'a>(
        &'a self,
        folder: &str,
        depth: usize,
        key: &PageKey,
        current_folder: &str,
        out: &mut impl FnMut(EntryRef<'a>),
    ) {
        let Some(section) = self.sections.get(folder) else {
            return;
        };
        let children = &section.children;
        let current_at = children.iter().position(|c| match (c, key) {
            (Child::Note(id), PageKey::Note(k)) => id == k,
            (Child::Section(f), _) => is_within(current_folder, f),
            _ => false,
        });
        let size = if folder == current_folder {
            SIDEBAR_WINDOW
        } else {
            ANCESTOR_WINDOW
        };
        let (start, end) = window(children.len(), current_at, size);
        if start > 0 {
            out(EntryRef::more(section, depth, start));
        }
        for child in &children[start..end] {
            match child {
                Child::Note(id) => {
                    let Some(note) = self.notes.get(id) else {
                        continue;
                    };
                    out(EntryRef {
                        title: Some(&note.title),
                        path: &note.path,
                        depth,
                        is_section: false,
                        is_current: matches!(key, PageKey::Note(k) if k == id),
                        is_open: false,
                        more: 0,
                    });
                }
                Child::Section(f) => {
                    let Some(sub) = self.sections.get(f) else {
                        continue;
                    };
                    let open = is_within(current_folder, f);
                    out(EntryRef {
                        title: Some(&sub.title),
                        path: &sub.path,
                        depth,
                        is_section: true,
                        is_current: matches!(key, PageKey::Section(k) if k == f),
                        is_open: open,
                        more: 0,
                    });
                    if open {
                        self.sidebar_level(f, depth + 1, key, current_folder, out);
                    }
                }
            }
        }
        if end < children.len() {
            out(EntryRef::more(section, depth, children.len() - end));
        }
    }

    /// The section of a folder.
    pub fn section(&self, folder: &str) -> Option<&Section> {
        self.sections.get(folder)
    }
}

/// One line of a sidebar, borrowed from the navigation.
struct EntryRef<'a> {
    /// `None` for a "N more…" entry.
    title: Option<&'a str>,
    path: &'a str,
    depth: usize,
    is_section: bool,
    is_current: bool,
    is_open: bool,
    more: usize,
}

impl<'a> EntryRef<'a> {
    /// Appends the entry to `out`, told apart from its neighbours (texts end with `0xff`,
    /// which UTF-8 never holds).
    fn write_to(&self, out: &mut Vec<u8>) {
        if let Some(title) = self.title {
            out.push(1);
            out.extend_from_slice(title.as_bytes());
        }
        out.push(0xff);
        out.extend_from_slice(self.path.as_bytes());
        out.push(0xff);
        let flags = u8::from(self.is_section)
            | (u8::from(self.is_current) << 1)
            | (u8::from(self.is_open) << 2);
        out.push(flags);
        out.extend_from_slice(&(self.depth as u64).to_le_bytes());
        out.extend_from_slice(&(self.more as u64).to_le_bytes());
    }

    fn more(section: &'a Section, depth: usize, count: usize) -> EntryRef<'a> {
        EntryRef {
            title: None,
            path: &section.path,
            depth,
            is_section: false,
            is_current: false,
            is_open: false,
            more: count,
        }
    }
}

/// Whether `folder` is `ancestor` or below it.
fn is_within(folder: &str, ancestor: &str) -> bool {
    folder == ancestor
        || (folder.starts_with(ancestor) && folder.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// The range of `len` entries to show: all when they fit, else `size` entries around `at`.
fn window(len: usize, at: Option<usize>, size: usize) -> (usize, usize) {
    if len <= size {
        return (0, len);
    }
    let at = at.unwrap_or(0);
    let start = at.saturating_sub(size / 2).min(len - size);
    (start, start + size)
}

/// Weighted entries first by weight, then the rest by name in natural order (`2` before `10`),
/// as a file explorer shows them.
fn compare_entries(wa: Option<i64>, a: &str, wb: Option<i64>, b: &str) -> Ordering {
    match (wa, wb) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        _ => natural_cmp(a, b),
    }
}

/// Compares names case-insensitively with runs of digits compared as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n: String = std::iter::from_fn(|| x.next_if(char::is_ascii_digit)).collect();
                let m: String = std::iter::from_fn(|| y.next_if(char::is_ascii_digit)).collect();
                let (n, m) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                let ord = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(c), Some(d)) => {
                let ord = c.to_lowercase().cmp(d.to_lowercase());
                if ord != Ordering::Equal {
                    return ord;
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, weight: Option<i64>) -> NoteInfo {
        let id = NoteId::new(id);
        NoteInfo {
            title: id.stem().to_uppercase(),
            path: paths::note_path(id.folder(), id.stem()),
            id,
            weight,
        }
    }

    fn sample() -> Nav {
        let notes = vec![
            info("intro.md", None),
            info("ec2/10-spot.md", None),
            info("ec2/2-pricing.md", None),
            info("ec2/lifecycle.md", Some(1)),
            info("ec2/deep/x.md", None),
            info("ebs/types.md", None),
        ];
        let folders = ["", "ec2", "ec2/deep", "ebs"].map(String::from);
        let mut index = BTreeMap::new();
        index.insert(
            "ebs".to_string(),
            (
                NoteId::new("ebs/_index.md"),
                "Block storage".to_string(),
                Some(1),
            ),
        );
        Nav::build(notes, folders, &index, &BTreeMap::new(), "Site")
    }

    #[test]
    fn children_are_ordered_by_weight_then_natural_name() {
        let nav = sample();
        let ec2 = &nav.sections["ec2"];
        let names: Vec<String> = ec2
            .children
            .iter()
            .map(|c| match c {
                Child::Note(id) => id.stem().to_string(),
                Child::Section(f) => f.clone(),
            })
            .collect();
        assert_eq!(names, ["lifecycle", "2-pricing", "10-spot", "ec2/deep"]);
        let top: Vec<_> = nav.sections[""].children.clone();
        assert_eq!(
            top[0],
            Child::Section("ebs".into()),
            "weighted section first"
        );
    }

    #[test]
    fn reading_order_and_prev_next() {
        let nav = sample();
        let key = PageKey::Note(NoteId::new("ec2/2-pricing.md"));
        let (prev, next) = nav.prev_next(&key);
        assert_eq!(prev.unwrap().title, "LIFECYCLE");
        assert_eq!(next.unwrap().title, "10-SPOT");
        let (prev, _) = nav.prev_next(&PageKey::Section(String::new()));
        assert!(prev.is_none());
    }

    #[test]
    fn breadcrumbs_lead_from_home_to_the_folder() {
        let nav = sample();
        let crumbs = nav.breadcrumbs(&PageKey::Note(NoteId::new("ec2/deep/x.md")));
        let titles: Vec<_> = crumbs.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Site", "ec2", "deep"]);
        assert_eq!(crumbs[2].path, "ec2/deep/");
    }

    #[test]
    fn sidebar_opens_only_the_current_branch() {
        let nav = sample();
        let bar = nav.sidebar(&PageKey::Note(NoteId::new("ec2/2-pricing.md")));
        let shown: Vec<(usize, &str, bool)> = bar
            .iter()
            .map(|e| (e.depth, e.title.as_str(), e.is_current))
            .collect();
        assert_eq!(
            shown,
            [
                (0, "Block storage", false),
                (0, "ec2", false),
                (1, "LIFECYCLE", false),
                (1, "2-PRICING", true),
                (1, "10-SPOT", false),
                (1, "deep", false),
                (0, "INTRO", false),
            ]
        );
    }

    #[test]
    fn sidebar_of_a_huge_folder_is_a_window() {
        let notes: Vec<NoteInfo> = (0..1000)
            .map(|i| info(&format!("big/n{i}.md"), None))
            .collect();
        let nav = Nav::build(
            notes,
            ["", "big"].map(String::from),
            &BTreeMap::new(),
            &BTreeMap::new(),
            "S",
        );
        let bar = nav.sidebar(&PageKey::Note(NoteId::new("big/n500.md")));
        assert!(bar.len() <= SIDEBAR_WINDOW + 3, "{}", bar.len());
        assert!(bar.iter().any(|e| e.is_current));
        let more: usize = bar.iter().map(|e| e.more).sum();
        assert_eq!(
            more + bar.iter().filter(|e| e.depth == 1 && e.more == 0).count(),
            1000
        );
    }

    #[test]
    fn folders_above_the_page_show_a_smaller_window() {
        let notes: Vec<NoteInfo> = (0..100)
            .flat_map(|f| (0..30).map(move |i| info(&format!("f{f:03}/n{i}.md"), None)))
            .collect();
        let folders: Vec<String> = std::iter::once(String::new())
            .chain((0..100).map(|f| format!("f{f:03}")))
            .collect();
        let nav = Nav::build(notes, folders, &BTreeMap::new(), &BTreeMap::new(), "S");
        let bar = nav.sidebar(&PageKey::Note(NoteId::new("f050/n3.md")));
        let top = bar.iter().filter(|e| e.depth == 0 && e.more == 0).count();
        let own = bar.iter().filter(|e| e.depth == 1 && e.more == 0).count();
        assert_eq!(
            top, ANCESTOR_WINDOW,
            "the top level is cut to the ancestor window"
        );
        assert_eq!(own, 30, "the page's own folder is shown whole");
        let more: usize = bar.iter().filter(|e| e.depth == 0).map(|e| e.more).sum();
        assert_eq!(more + top, 100);
        assert!(bar.iter().any(|e| e.is_open && e.title == "f050"));
    }

    #[test]
    fn natural_order_compares_numbers() {
        assert_eq!(natural_cmp("2-a", "10-a"), Ordering::Less);
        assert_eq!(natural_cmp("B", "a"), Ordering::Greater);
        assert_eq!(natural_cmp("a", "a1"), Ordering::Less);
    }
}
