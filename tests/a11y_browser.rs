//! The default theme as an outside reviewer checks it: axe-core in headless Chromium over a
//! set of pages of the bundled site and of a fixture vault that uses every element, in light,
//! dark and at a phone width. No serious or critical violation may remain.

mod common;

use common::browser::{FileServer, browser_or_skip};
use common::checkers::{Mode, axe_or_skip, axe_violations, summary};

const BUNDLED_PAGES: &[&str] = &[
    "",
    "compute/",
    "compute/ec2/ec2-overview/",
    "compute/ec2/placement-groups/",
    "compute/ec2/ec2-security/",
    "compute/auto-scaling/auto-scaling-groups/",
    "security/cognito/user-pools-vs-identity-pools/",
    "security/cognito/cognito-exam-tips/",
    "storage/ebs/ebs-arithmetic/",
    "glossary-ja/",
    "study-plan/",
    "topics/",
    "topics/amazon-cognito/",
    "tags/",
    "tags/networking/",
    "graph/",
    "cards/",
    "cards/deck/aws-saa/",
    "search/?q=instance",
    "404.html",
];

fn urls(base: &str, pages: &[&str]) -> Vec<String> {
    pages.iter().map(|p| format!("{base}/{p}")).collect()
}

#[test]
fn no_serious_or_critical_axe_violations_in_light_dark_and_phone() {
    let test = "no_serious_or_critical_axe_violations_in_light_dark_and_phone";
    let Some(chromium) = browser_or_skip(test) else {
        return;
    };
    let Some(axe) = axe_or_skip(test) else {
        return;
    };
    let site = common::bundled::bundled(None);
    let vault = common::vault::every_element();
    vault.build_ok();
    let bundled_server = FileServer::start(&site.public());
    let vault_server = FileServer::start(&vault.public());
    let mut pages = urls(&bundled_server.base, BUNDLED_PAGES);
    pages.extend(urls(&vault_server.base, common::vault::PAGES));
    let found = axe_violations(&chromium, &axe, &pages, &Mode::ALL);
    let serious: Vec<_> = found
        .iter()
        .filter(|v| v.impact == "serious" || v.impact == "critical")
        .collect();
    let others = found.len() - serious.len();
    eprintln!(
        "axe: {} pages × {} modes, {} serious or critical, {} minor or moderate",
        pages.len(),
        Mode::ALL.len(),
        serious.len(),
        others
    );
    eprint!("{}", summary(&found));
    for v in found
        .iter()
        .filter(|v| v.impact != "serious" && v.impact != "critical")
    {
        eprint!("(not failing) {v}");
    }
    let report: String = serious.iter().map(|v| v.to_string()).collect();
    assert!(
        serious.is_empty(),
        "serious or critical axe violations:\n{report}"
    );
}
