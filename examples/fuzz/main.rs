//! A fuzz harness on stable Rust: `cargo run --profile fuzz --example fuzz -- --inputs N
//! [--seed S] [--target markdown|site|config|names|all]`.
//!
//! Inputs run in child processes, chunk by chunk, so an input that kills its process (a stack
//! overflow, an allocation failure) is found and saved too: the chunk is run again announcing
//! each input, and the last one announced is the culprit. A watchdog in each child saves an
//! input still running after `--hang-secs` and ends the child. Every failing input is
//! minimised and saved (JSON, plus the text itself for notes and configs) in `--out`; replay
//! one with `--replay FILE`.

mod harness;

use clap::Parser;
use harness::corpus::{Corpus, CorpusOptions};
use harness::runner::{self, Current, Finding, RunOptions, Stats, Verdict};
use harness::{Ctx, Input, Target};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Fuzzes studysite's markdown passes, whole-site builds, config and URL scheme.
#[derive(Parser, Debug, Clone)]
struct Args {
    /// Inputs per target.
    #[arg(long, default_value_t = 100_000)]
    inputs: u64,
    /// The run's seed: the same seed makes the same inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Index of the first input.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// `markdown`, `site`, `config`, `names`, a comma-separated list, or `all`.
    #[arg(long, default_value = "all")]
    target: String,
    /// Where failing inputs are saved.
    #[arg(long, default_value = "target/fuzz-findings")]
    out: PathBuf,
    /// Only the repository's bundled content as the corpus (what CI has); otherwise also the
    /// shared seed notes and every vault under /tmp/vaults.
    #[arg(long)]
    bundled_only: bool,
    /// More folders of notes for the corpus.
    #[arg(long = "corpus")]
    corpus: Vec<PathBuf>,
    /// Inputs slower than this are reported as slow.
    #[arg(long, default_value_t = 1000)]
    slow_ms: u64,
    /// An input still running after this is saved as a hang and its process ended.
    #[arg(long, default_value_t = 30)]
    hang_secs: u64,
    /// Child processes at once.
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Inputs per child process (default: 200,000; 2,000 for `site`).
    #[arg(long)]
    chunk: Option<u64>,
    /// Checks the minimiser may spend on each new failure.
    #[arg(long, default_value_t = 2000)]
    minimise_tries: usize,
    /// Runs in this process (no protection against inputs that kill it).
    #[arg(long)]
    in_process: bool,
    /// Runs one saved input and says how it went.
    #[arg(long)]
    replay: Option<PathBuf>,
    /// Internal: runs a chunk as a child of the supervisor.
    #[arg(long, hide = true)]
    child: bool,
    /// Internal: in a child, announce every input before running it.
    #[arg(long, hide = true)]
    announce: bool,
    /// Internal: saves input `--start` as having killed its process, without running it.
    #[arg(long, hide = true)]
    save_abort: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let targets: Vec<Target> = if args.target == "all" {
        Target::ALL.to_vec()
    } else {
        let parsed: Option<Vec<Target>> = args.target.split(',').map(Target::parse).collect();
        match parsed {
            Some(t) => t,
            None => {
                eprintln!("unknown target in `{}`", args.target);
                return ExitCode::from(2);
            }
        }
    };
    if let Some(path) = &args.replay {
        return replay(&args, path);
    }
    if args.child || args.save_abort {
        return child(&args, targets[0]);
    }
    let mut failed = false;
    let mut all = Vec::new();
    for target in targets {
        let stats = if args.in_process {
            in_process(&args, target)
        } else {
            supervise(&args, target)
        };
        failed |= stats.failures().next().is_some();
        all.push((target, stats));
    }
    report(&all);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn context(args: &Args) -> Ctx {
    let mut options = if args.bundled_only {
        CorpusOptions::bundled()
    } else {
        CorpusOptions::everything()
    };
    options.dirs.extend(args.corpus.iter().cloned());
    Ctx::new(Corpus::load(&options)).expect("a scratch folder")
}

fn run_options(args: &Args, target: Target) -> RunOptions {
    RunOptions {
        target,
        seed: args.seed,
        start: args.start,
        count: args.inputs,
        slow: Duration::from_millis(args.slow_ms),
        out: Some(args.out.clone()),
        minimise_tries: args.minimise_tries,
        announce: args.announce,
    }
}

fn in_process(args: &Args, target: Target) -> Stats {
    let ctx = context(args);
    let current: Current = Arc::default();
    watchdog(current.clone(), args.hang_secs, args.out.clone());
    let started = Instant::now();
    runner::run(&ctx, &run_options(args, target), &current, &mut |next| {
        let done = next - args.start;
        let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
        eprint!("\r{}: {done} inputs, {rate:.0}/s   ", target.name());
    })
}

/// A child: runs its chunk and prints `progress N`, `at N` (when announcing) and finally
/// `stats {json}` on stdout.
fn child(args: &Args, target: Target) -> ExitCode {
    let ctx = context(args);
    if args.save_abort {
        let input = target.generate(args.seed, args.start, &ctx);
        let sig = abort_signature(args.start);
        match runner::save(&args.out, &sig, ABORT, args.start, &input, &input) {
            Ok(path) => println!("saved {}", path.display()),
            Err(e) => eprintln!("cannot save: {e}"),
        }
        return ExitCode::SUCCESS;
    }
    let current: Current = Arc::default();
    watchdog(current.clone(), args.hang_secs, args.out.clone());
    let announce = args.announce;
    let stats = runner::run(&ctx, &run_options(args, target), &current, &mut |next| {
        if announce {
            println!("at {next}");
        } else {
            println!("progress {next}");
        }
    });
    println!(
        "stats {}",
        serde_json::to_string(&stats).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

/// Ends the process (exit code 3) when one input runs past `hang_secs`, after saving it.
fn watchdog(current: Current, hang_secs: u64, out: PathBuf) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let stuck = current.lock().ok().and_then(|c| {
                c.as_ref()
                    .filter(|(_, began, _)| began.elapsed() > Duration::from_secs(hang_secs))
                    .map(|(index, began, input)| (*index, began.elapsed(), input.clone()))
            });
            if let Some((index, took, input)) = stuck {
                let msg = format!("still running after {} s", took.as_secs());
                let saved = runner::save(&out, "hang", &msg, index, &input, &input);
                let path = saved.map(|p| p.display().to_string()).unwrap_or_default();
                println!("hang {index} {} {path}", took.as_millis());
                std::process::exit(3);
            }
        }
    });
}

/// What a child process did.
#[derive(Default)]
struct ChildRun {
    /// Its stats, when it finished.
    stats: Option<Stats>,
    /// The last `progress` (inputs below it are done) or `at` (the input running) heard.
    last: Option<u64>,
    /// A hang it reported: index, milliseconds, saved file.
    hang: Option<(u64, u64, String)>,
}

fn spawn(args: &Args, target: Target, start: u64, count: u64, announce: bool) -> ChildRun {
    let exe = std::env::current_exe().expect("the harness's own path");
    let mut cmd = Command::new(exe);
    cmd.arg("--child")
        .args(["--target", target.name()])
        .args(["--seed", &args.seed.to_string()])
        .args(["--start", &start.to_string()])
        .args(["--inputs", &count.to_string()])
        .args(["--slow-ms", &args.slow_ms.to_string()])
        .args(["--hang-secs", &args.hang_secs.to_string()])
        .args(["--minimise-tries", &args.minimise_tries.to_string()])
        .arg("--out")
        .arg(&args.out);
    if args.bundled_only {
        cmd.arg("--bundled-only");
    }
    for dir in &args.corpus {
        cmd.arg("--corpus").arg(dir);
    }
    if announce {
        cmd.arg("--announce");
    }
    let mut run = ChildRun::default();
    let Ok(mut proc) = cmd.stdout(Stdio::piped()).spawn() else {
        return run;
    };
    if let Some(out) = proc.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let (word, rest) = line.split_once(' ').unwrap_or((&line, ""));
            match word {
                "progress" | "at" => run.last = rest.parse().ok(),
                "stats" => run.stats = serde_json::from_str(rest).ok(),
                "hang" => {
                    let mut parts = rest.splitn(3, ' ');
                    let index = parts.next().and_then(|p| p.parse().ok()).unwrap_or(start);
                    let millis = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
                    run.hang = Some((index, millis, parts.next().unwrap_or("").to_string()));
                }
                _ => {}
            }
        }
    }
    if !proc.wait().is_ok_and(|s| s.success()) {
        run.stats = None;
    }
    run
}

fn finding(signature: &str, message: String, index: u64, millis: u64, saved: &str) -> Stats {
    let mut stats = Stats::default();
    let saved = (!saved.is_empty()).then(|| PathBuf::from(saved));
    stats.findings.insert(
        signature.to_string(),
        Finding {
            signature: signature.to_string(),
            message,
            count: 1,
            index,
            millis,
            saved,
            sizes: (0, 0),
        },
    );
    stats
}

/// Runs `[start, end)` in children, again past any input that hung or killed its child.
fn run_chunk(args: &Args, target: Target, start: u64, end: u64) -> Stats {
    let mut stats = Stats::default();
    let mut pos = start;
    while pos < end {
        let began = Instant::now();
        let mut run = spawn(args, target, pos, end - pos, false);
        let mut from = pos;
        if run.stats.is_none() && run.hang.is_none() {
            // It died: run again from its last progress, announcing every input.
            from = run.last.unwrap_or(pos);
            run = spawn(args, target, from, end - from, true);
        }
        let mut partial = Stats {
            executions: from - pos,
            ..Stats::default()
        };
        if let Some(s) = run.stats {
            partial.merge(s);
            pos = end;
        } else if let Some((index, millis, saved)) = run.hang {
            partial.merge(finding(
                "hang",
                format!("ran {millis} ms"),
                index,
                millis,
                &saved,
            ));
            partial.executions += index + 1 - from;
            pos = index + 1;
        } else {
            let culprit = run.last.unwrap_or(from);
            let (saved, sizes) = save_abort(args, target, culprit);
            let mut found = finding(&abort_signature(culprit), ABORT.into(), culprit, 0, &saved);
            found.findings.values_mut().for_each(|f| f.sizes = sizes);
            partial.merge(found);
            partial.executions += culprit + 1 - from;
            pos = culprit + 1;
        }
        partial.elapsed = began.elapsed();
        stats.merge(partial);
    }
    stats
}

/// Saves input `index` as having killed its process, minimised; returns where, and its sizes
/// before and after minimising.
fn save_abort(args: &Args, target: Target, index: u64) -> (String, (usize, usize)) {
    let exe = std::env::current_exe().expect("the harness's own path");
    let mut cmd = Command::new(exe);
    cmd.args(["--save-abort", "--target", target.name()])
        .args([
            "--seed",
            &args.seed.to_string(),
            "--start",
            &index.to_string(),
        ])
        .arg("--out")
        .arg(&args.out);
    if args.bundled_only {
        cmd.arg("--bundled-only");
    }
    for dir in &args.corpus {
        cmd.arg("--corpus").arg(dir);
    }
    let out = cmd
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let saved = out
        .unwrap_or_default()
        .trim()
        .strip_prefix("saved ")
        .unwrap_or("")
        .to_string();
    let sizes = if saved.is_empty() {
        (0, 0)
    } else {
        minimise_abort(args, index, Path::new(&saved))
    };
    (saved, sizes)
}

/// Minimises a saved input that kills its process, replaying each candidate in a child
/// process, and saves it again with its minimised form.
fn minimise_abort(args: &Args, index: u64, saved: &Path) -> (usize, usize) {
    let Ok(input) = runner::load(saved) else {
        return (0, 0);
    };
    let probe = args
        .out
        .join(format!("abort-probe-{}.json", std::process::id()));
    let exe = std::env::current_exe().expect("the harness's own path");
    let mut dies = |candidate: &Input| {
        let written = serde_json::to_string(candidate)
            .ok()
            .is_some_and(|json| std::fs::write(&probe, json).is_ok());
        written
            && Command::new(&exe)
                .arg("--replay")
                .arg(&probe)
                .arg("--bundled-only")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.code().is_none())
    };
    let small = harness::minimise::minimise(&input, &mut dies, args.minimise_tries.min(400));
    let _ = std::fs::remove_file(&probe);
    let sig = abort_signature(index);
    let _ = runner::save(&args.out, &sig, ABORT, index, &input, &small);
    (input.size(), small.size())
}

/// What an input that killed its process is saved as.
const ABORT: &str = "the process died (a stack overflow or an allocation failure?)";

fn abort_signature(index: u64) -> String {
    format!("abort at input {index}")
}

/// Runs every input of `target` in child processes, `--jobs` at once.
fn supervise(args: &Args, target: Target) -> Stats {
    let chunk = args.chunk.unwrap_or(if target == Target::Site {
        2_000
    } else {
        200_000
    });
    let end = args.start + args.inputs;
    let next = Mutex::new(args.start);
    let total = Mutex::new(Stats::default());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let (a, b) = {
                        let mut n = next.lock().unwrap();
                        if *n >= end {
                            return;
                        }
                        let a = *n;
                        *n = (a + chunk).min(end);
                        (a, *n)
                    };
                    let stats = run_chunk(args, target, a, b);
                    let mut total = total.lock().unwrap();
                    for f in stats.findings.values() {
                        if !total.findings.contains_key(&f.signature) {
                            eprintln!("\nnew finding: {} ({})", f.signature, f.message);
                        }
                    }
                    total.merge(stats);
                    let rate = total.executions as f64 / started.elapsed().as_secs_f64();
                    eprintln!(
                        "{}: {} of {} inputs, {rate:.0}/s wall, {} failures",
                        target.name(),
                        total.executions,
                        args.inputs,
                        total.failures().count()
                    );
                }
            });
        }
    });
    let mut stats = total.into_inner().unwrap();
    stats.elapsed = started.elapsed();
    stats
}

fn replay(args: &Args, path: &Path) -> ExitCode {
    let input: Input = match runner::load(path) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let ctx = context(args);
    let verdict = runner::replay(&input, &ctx);
    println!("{verdict:?}");
    if verdict == Verdict::Passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn report(all: &[(Target, Stats)]) {
    println!();
    println!("| target | inputs | seconds | inputs/s | failures |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mut total = 0;
    for (target, s) in all {
        let secs = s.elapsed.as_secs_f64();
        println!(
            "| {} | {} | {secs:.0} | {:.0} | {} |",
            target.name(),
            s.executions,
            s.executions as f64 / secs.max(1e-9),
            s.failures().count()
        );
        total += s.executions;
    }
    println!("| all | {total} | | | |");
    for (target, s) in all {
        for f in s.findings.values() {
            println!(
                "{}: {} ×{} (input {}, {} ms, {} → {} bytes): {}{}",
                target.name(),
                f.signature,
                f.count,
                f.index,
                f.millis,
                f.sizes.0,
                f.sizes.1,
                f.message.lines().next().unwrap_or(""),
                f.saved
                    .as_ref()
                    .map(|p| format!(" [{}]", p.display()))
                    .unwrap_or_default()
            );
        }
    }
}
