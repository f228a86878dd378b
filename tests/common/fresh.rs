//! The check every incremental test ends with: the session serves what a fresh build of the
//! same files would, file for file and diagnostic for diagnostic.

use super::Fixture;
use std::collections::BTreeSet;
use studysite::session::Session;

/// Asserts that `session` holds exactly the files and diagnostics of a fresh build of `site`
/// (`step` names the moment in failure messages, which show both versions of a differing
/// file).
pub fn assert_same_as_fresh(site: &Fixture, session: &Session, step: &str) {
    let fresh_session = Session::open(&site.options()).expect("fresh build");
    let (fresh, ours) = (fresh_session.files(), session.files());
    assert_eq!(
        ours.keys().collect::<BTreeSet<_>>(),
        fresh.keys().collect::<BTreeSet<_>>(),
        "{step}: different file lists"
    );
    for (path, bytes) in &fresh {
        assert!(
            ours[path] == *bytes,
            "{step}: {path} differs from a fresh build\n--- incremental ---\n{}\n--- fresh ---\n{}",
            String::from_utf8_lossy(&ours[path]),
            String::from_utf8_lossy(bytes)
        );
    }
    assert_eq!(
        session.diagnostics(),
        fresh_session.diagnostics(),
        "{step}: diagnostics differ"
    );
}
