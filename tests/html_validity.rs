//! The whole built output as the Nu HTML Checker (vnu) reads it: the bundled site and a vault
//! that uses every element must have no errors.

mod common;

use common::Fixture;
use common::checkers::{vnu_errors, vnu_or_skip};
use std::path::Path;

#[test]
fn the_nu_html_checker_finds_no_errors_in_the_whole_output() {
    let test = "the_nu_html_checker_finds_no_errors_in_the_whole_output";
    let Some(jar) = vnu_or_skip(test) else {
        return;
    };
    let sites = [common::bundled::copy(None), common::vault::every_element()];
    for site in &sites {
        site.build_ok();
    }
    let folders: Vec<_> = sites.iter().map(Fixture::public).collect();
    let pages: usize = folders
        .iter()
        .map(|f| {
            walkdir::WalkDir::new(f)
                .into_iter()
                .flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
                .count()
        })
        .sum();
    assert!(pages > 40, "only {pages} pages were built");
    let folders: Vec<&Path> = folders.iter().map(|f| f.as_path()).collect();
    let errors = vnu_errors(&jar, &folders);
    eprintln!("vnu: {pages} pages, {} errors", errors.len());
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
