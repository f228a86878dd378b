//! Runs inputs one by one: each under `catch_unwind`, with every panic recorded by a hook
//! (including the ones our code catches itself, such as a note's parse failing inside the
//! pipeline), timed against a slow-input threshold, and shared with a watchdog that reports
//! an input still running past the hang limit. Failures are grouped by where they happened,
//! minimised and saved.

use super::minimise::minimise;
use super::rng::hash;
use super::{Ctx, Input, Target};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One panic, as the hook saw it.
#[derive(Debug, Clone)]
struct PanicRecord {
    message: String,
    location: String,
    /// In our code or the standard library rather than in a dependency.
    ours: bool,
}

static PANICS: Mutex<Vec<PanicRecord>> = Mutex::new(Vec::new());

/// Whether an input is running: panics outside one (in the harness itself) are printed.
static EXECUTING: AtomicBool = AtomicBool::new(false);

/// Serialises runs within one process (the panic hook is process-wide).
static RUN: Mutex<()> = Mutex::new(());

fn install_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !EXECUTING.load(Ordering::SeqCst) {
            return default(info);
        }
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let ours = !location.contains("/.cargo/registry/") && !location.contains("/.cargo/git/");
        let message = info.payload_as_str().unwrap_or("(no message)").to_string();
        if let Ok(mut panics) = PANICS.lock() {
            panics.push(PanicRecord {
                message,
                location,
                ours,
            });
        }
    }));
}

/// How one input went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No panic, every invariant held.
    Passed,
    /// A panic in our code (escaped, or caught inside and turned into a diagnostic), or one
    /// in a dependency that escaped.
    Panic {
        /// The panic message.
        message: String,
        /// `file:line:col`.
        location: String,
    },
    /// An invariant did not hold.
    Violation(String),
    /// A dependency panicked and our code caught it (the build falls back as designed).
    Handled {
        /// `file:line:col` in the dependency.
        location: String,
    },
}

impl Verdict {
    /// What groups equal failures: the panic's location, or the violation's wording without
    /// its quoted details.
    pub fn signature(&self) -> Option<String> {
        match self {
            Verdict::Passed => None,
            Verdict::Panic { location, .. } => Some(format!("panic at {location}")),
            Verdict::Violation(v) => Some(format!(
                "violation: {}",
                v.split(['"', ':', '(']).next().unwrap_or(v).trim()
            )),
            Verdict::Handled { location } => Some(format!("handled panic at {location}")),
        }
    }
}

/// Runs one input; a panic anywhere (any thread) during it is reported.
pub fn execute(input: &Input, ctx: &Ctx) -> Verdict {
    PANICS.lock().map(|mut p| p.clear()).ok();
    EXECUTING.store(true, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(|| input.check(ctx)));
    EXECUTING.store(false, Ordering::SeqCst);
    let panics = PANICS
        .lock()
        .map(|mut p| std::mem::take(&mut *p))
        .unwrap_or_default();
    let panic = |p: &PanicRecord| Verdict::Panic {
        message: p.message.clone(),
        location: p.location.clone(),
    };
    match result {
        Err(_) => panics.iter().find(|p| p.ours).or(panics.last()).map_or(
            Verdict::Panic {
                message: "panic (not recorded)".into(),
                location: String::new(),
            },
            panic,
        ),
        Ok(Err(violation)) => Verdict::Violation(violation),
        Ok(Ok(())) => match panics.iter().find(|p| p.ours) {
            Some(p) => panic(p),
            None => panics
                .first()
                .map_or(Verdict::Passed, |p| Verdict::Handled {
                    location: p.location.clone(),
                }),
        },
    }
}

/// What a run should do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The target.
    pub target: Target,
    /// The run's seed.
    pub seed: u64,
    /// The first input's index.
    pub start: u64,
    /// How many inputs.
    pub count: u64,
    /// Inputs slower than this are reported.
    pub slow: Duration,
    /// Where failing inputs are saved (`None`: nowhere).
    pub out: Option<PathBuf>,
    /// Checks the minimiser may spend on each new failure (0: do not minimise).
    pub minimise_tries: usize,
    /// Tells `progress` each index before running it (to find an input that kills the
    /// process).
    pub announce: bool,
}

/// One kind of failure found in a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// `panic at src/x.rs:1:2`, `violation: …`, `slow`, `hang`, `abort`, `handled panic at …`.
    pub signature: String,
    /// The panic message or the violation.
    pub message: String,
    /// How many inputs failed this way.
    pub count: u64,
    /// The first (for `slow`: the slowest) input's index.
    pub index: u64,
    /// How long that input took.
    pub millis: u64,
    /// Where it was saved.
    pub saved: Option<PathBuf>,
    /// Its size before and after minimising.
    pub sizes: (usize, usize),
}

impl Finding {
    /// Whether this fails a run (handled dependency panics and slow inputs do not).
    pub fn is_failure(&self) -> bool {
        !(self.signature.starts_with("handled") || self.signature == "slow")
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Inputs run.
    pub executions: u64,
    /// Time spent running them.
    pub elapsed: Duration,
    /// Failures, by signature.
    pub findings: BTreeMap<String, Finding>,
}

impl Stats {
    /// Adds another run's counts.
    pub fn merge(&mut self, other: Stats) {
        self.executions += other.executions;
        self.elapsed += other.elapsed;
        for (sig, f) in other.findings {
            match self.findings.get_mut(&sig) {
                Some(mine) => {
                    mine.count += f.count;
                    if sig == "slow" && f.millis > mine.millis {
                        *mine = Finding {
                            count: mine.count,
                            ..f
                        };
                    }
                }
                None => {
                    self.findings.insert(sig, f);
                }
            }
        }
    }

    /// Findings that fail the run.
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings.values().filter(|f| f.is_failure())
    }
}

/// The input being run, for the watchdog.
pub type Current = Arc<Mutex<Option<(u64, Instant, Arc<Input>)>>>;

/// The stack of a build's worker threads (rayon's default): inputs run on a thread with this
/// stack, so one that needs more than a build has fails here too.
pub const BUILD_STACK: usize = 2 << 20;

/// Runs `f` on a thread with [`BUILD_STACK`] (`STUDYSITE_FUZZ_STACK` bytes instead, to try
/// the harness's handling of stack overflows).
pub fn on_build_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let stack = std::env::var("STUDYSITE_FUZZ_STACK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(BUILD_STACK);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("fuzz".into())
            .stack_size(stack)
            .spawn_scoped(scope, f)
            .expect("a thread for the run")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Runs `options.count` inputs; `progress` hears the next index now and then.
pub fn run(
    ctx: &Ctx,
    options: &RunOptions,
    current: &Current,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Stats {
    let _one_at_a_time = RUN.lock().unwrap_or_else(|e| e.into_inner());
    install_hook();
    let stats = on_build_stack(|| run_inputs(ctx, options, current, progress));
    drop(std::panic::take_hook());
    stats
}

fn run_inputs(
    ctx: &Ctx,
    options: &RunOptions,
    current: &Current,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Stats {
    let mut stats = Stats::default();
    let started = Instant::now();
    let mut last_report = Instant::now();
    for index in options.start..options.start + options.count {
        let input = Arc::new(options.target.generate(options.seed, index, ctx));
        if options.announce {
            progress(index);
        }
        let began = Instant::now();
        if let Ok(mut c) = current.lock() {
            *c = Some((index, began, input.clone()));
        }
        let verdict = execute(&input, ctx);
        let took = began.elapsed();
        stats.executions += 1;
        if let Some(sig) = verdict.signature() {
            record(
                &mut stats, ctx, options, &sig, &verdict, index, &input, took,
            );
        }
        if took > options.slow {
            record(
                &mut stats,
                ctx,
                options,
                "slow",
                &Verdict::Passed,
                index,
                &input,
                took,
            );
        }
        if !options.announce && last_report.elapsed() > Duration::from_millis(500) {
            progress(index + 1);
            last_report = Instant::now();
        }
    }
    if let Ok(mut c) = current.lock() {
        *c = None;
    }
    stats.elapsed = started.elapsed();
    progress(options.start + options.count);
    stats
}

#[allow(clippy::too_many_arguments)]
fn record(
    stats: &mut Stats,
    ctx: &Ctx,
    options: &RunOptions,
    sig: &str,
    verdict: &Verdict,
    index: u64,
    input: &Input,
    took: Duration,
) {
    let millis = took.as_millis() as u64;
    if let Some(known) = stats.findings.get_mut(sig) {
        known.count += 1;
        let slower = sig == "slow" && millis > known.millis;
        if !slower {
            return;
        }
    }
    let message = match verdict {
        Verdict::Panic { message, .. } | Verdict::Violation(message) => message.clone(),
        Verdict::Handled { location } => format!("caught panic in a dependency at {location}"),
        Verdict::Passed => format!("took {millis} ms"),
    };
    let failing = !(sig == "slow" || sig.starts_with("handled"));
    let small = if failing && options.minimise_tries > 0 {
        minimise(
            input,
            &mut |candidate| execute(candidate, ctx).signature().as_deref() == Some(sig),
            options.minimise_tries,
        )
    } else {
        input.clone()
    };
    let saved = options
        .out
        .as_deref()
        .and_then(|dir| save(dir, sig, &message, index, input, &small).ok());
    let count = stats.findings.get(sig).map_or(1, |f| f.count);
    stats.findings.insert(
        sig.to_string(),
        Finding {
            signature: sig.to_string(),
            message,
            count,
            index,
            millis,
            saved,
            sizes: (input.size(), small.size()),
        },
    );
}

/// Saves a failing input (as found and minimised) as JSON, and the minimised text of a
/// one-text input as it is, to read or to paste into a test.
pub fn save(
    dir: &Path,
    sig: &str,
    message: &str,
    index: u64,
    input: &Input,
    small: &Input,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let kind = sig
        .split(' ')
        .next()
        .unwrap_or("finding")
        .trim_end_matches(':');
    let stem = format!(
        "{}-{kind}-{:016x}",
        input.target().name(),
        hash(sig.as_bytes())
    );
    let path = dir.join(format!("{stem}.json"));
    let record = serde_json::json!({
        "signature": sig,
        "message": message,
        "index": index,
        "input": input,
        "minimised": small,
    });
    std::fs::write(&path, serde_json::to_string_pretty(&record)?)?;
    if let Input::Markdown { text } | Input::Config { text } = small {
        let ext = if matches!(small, Input::Config { .. }) {
            "toml"
        } else {
            "md"
        };
        std::fs::write(dir.join(format!("{stem}.min.{ext}")), text)?;
    }
    Ok(path)
}

/// Reads an input saved by [`save`] (its minimised form, else as found) or a bare input.
pub fn load(path: &Path) -> Result<Input, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let input = value
        .get("minimised")
        .or(value.get("input"))
        .unwrap_or(&value);
    serde_json::from_value(input.clone()).map_err(|e| e.to_string())
}

/// Runs one input with the panic hook in place (for replaying a saved input).
pub fn replay(input: &Input, ctx: &Ctx) -> Verdict {
    let _one_at_a_time = RUN.lock().unwrap_or_else(|e| e.into_inner());
    install_hook();
    let verdict = on_build_stack(|| execute(input, ctx));
    drop(std::panic::take_hook());
    verdict
}
