//! studysite: turns a folder of markdown study notes into a fast, cross-linked study site.
//!
//! The pipeline, one module a stage: [`vault`] loads notes, [`markdown`] parses each note,
//! [`diagrams`] draws their mermaid diagrams, [`site`] assembles them with [`nav`]igation,
//! [`graph`] resolves links and [`taxonomy`] collects tags and topics, [`render`] fills the
//! templates, and [`output`] writes the files. [`pipeline`] runs the stages (once, for every
//! command) and keeps their results with the [dependency record](pipeline::deps); [`build`],
//! [`session`] and [`serve`] drive it.

pub mod build;
pub mod cards;
pub mod config;
pub mod diagnostics;
pub mod diagrams;
pub mod graph;
pub mod hash;
pub mod init;
pub mod linkcheck;
pub mod linked;
pub mod markdown;
pub mod nav;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod progress;
pub mod project;
pub mod publish;
pub mod render;
pub mod search;
pub mod serve;
pub mod session;
pub mod site;
pub mod taxonomy;
pub mod theme;
pub mod vault;

pub use build::{BuildOptions, BuildReport, build, check};

/// Drops `value` on a thread of its own: freeing the previous version of a site-wide
/// structure (10,000 notes' worth of strings) is off the path of a rebuild that replaced it.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new()
        .name("studysite-drop".into())
        .spawn(move || drop(value));
    // Without a thread (none left), the value was dropped with the failed spawn's closure.
    drop(spawned);
}
