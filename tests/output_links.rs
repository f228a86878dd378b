//! The built site's links as a link checker sees them: no dead link or anchor in the bundled
//! site or in a vault that uses every element, and `studysite check` (which checks the output
//! it builds in memory) reports the ones a site does have, naming the generated page.

mod common;

use common::checkers::dead_links;
use common::{Fixture, copy_dir};
use std::path::Path;

fn bundled() -> Fixture {
    let site = Fixture::new();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &site.root().join("content"));
    std::fs::copy(
        repo.join("studysite.toml"),
        site.root().join("studysite.toml"),
    )
    .unwrap();
    site
}

#[test]
fn the_bundled_site_and_the_every_element_vault_have_no_dead_links_or_anchors() {
    for site in [bundled(), common::vault::every_element()] {
        let report = site.build_ok();
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        let dead = dead_links(&site.public());
        assert!(dead.is_empty(), "{} dead:\n{}", dead.len(), dead.join("\n"));
    }
}
