//! The fuzz harness's CI smoke: each target for a bounded number of generated and mutated
//! inputs (debug build, well under a minute in all), failing on any panic in our code or
//! broken invariant. Long runs: `cargo run --profile fuzz --example fuzz -- --inputs N`.
//! `STUDYSITE_FUZZ_SEED=S` runs other inputs.

#[path = "../examples/fuzz/harness/mod.rs"]
#[allow(dead_code)]
mod harness;

use harness::corpus::{Corpus, CorpusOptions};
use harness::runner::{self, Current, RunOptions};
use harness::{Ctx, Target};
use std::time::Duration;

fn smoke(target: Target, count: u64) {
    let seed = std::env::var("STUDYSITE_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let ctx = Ctx::new(Corpus::load(&CorpusOptions::bundled())).expect("scratch folder");
    let options = RunOptions {
        target,
        seed,
        start: 0,
        count,
        slow: Duration::from_secs(20),
        out: None,
        minimise_tries: 200,
        announce: false,
    };
    let stats = runner::run(&ctx, &options, &Current::default(), &mut |_| {});
    assert_eq!(stats.executions, count);
    let failures: Vec<_> = stats.failures().collect();
    assert!(
        failures.is_empty(),
        "{} (seed {seed}): {failures:#?}",
        target.name()
    );
}

#[test]
fn generated_and_mutated_notes_never_panic_or_break_invariants() {
    smoke(Target::Markdown, 2_000);
}

#[test]
fn small_random_sites_build_and_rebuild_like_fresh_builds() {
    smoke(Target::Site, 50);
}

#[test]
fn mutated_configs_parse_or_fail_with_a_line() {
    smoke(Target::Config, 20_000);
}

#[test]
fn random_names_keep_the_url_scheme_promises() {
    smoke(Target::Names, 15_000);
}
