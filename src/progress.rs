//! The CLI's progress bar: shown on a terminal once a build has run for a second, hidden
//! otherwise (and never shown when stderr is piped or `--quiet` is given).

use crate::build::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a build runs before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// A progress bar on stderr that appears after [`DELAY`].
pub struct TerminalProgress {
    bar: ProgressBar,
    started: Instant,
    shown: Mutex<bool>,
    enabled: bool,
}

impl TerminalProgress {
    /// A bar for this process's stderr (inactive when it is not a terminal).
    pub fn new() -> TerminalProgress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg:>16} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        TerminalProgress {
            bar,
            started: Instant::now(),
            shown: Mutex::new(false),
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn show_if_slow(&self) {
        if !self.enabled || self.started.elapsed() < DELAY {
            return;
        }
        let mut shown = self.shown.lock().expect("progress panicked");
        if !*shown {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            *shown = true;
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for TerminalProgress {
    fn stage(&self, name: &'static str, items: usize) {
        self.bar.set_message(name);
        self.bar.set_length(items as u64);
        self.bar.set_position(0);
        self.show_if_slow();
    }

    fn advance(&self) {
        self.bar.inc(1);
        self.show_if_slow();
    }
}
