//! How much one diagram may cost: a size budget (nodes and edges) checked before any layout,
//! and a time budget that our own flowchart layout checks cooperatively between its steps.
//! Past either, the diagram falls back (with a warning) and the rest of the build goes on.

use super::native::Rejection;
use std::time::{Duration, Instant};

/// The limits for one diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Most nodes (flowchart nodes, participants, states, classes, …) a diagram may have.
    pub max_nodes: usize,
    /// Most edges (links, messages, transitions, …) a diagram may have.
    pub max_edges: usize,
    /// Longest our own layout may run on one diagram.
    pub time: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_nodes: 2_000,
            max_edges: 4_000,
            time: Duration::from_secs(2),
        }
    }
}

/// The crate's layouts (every kind but flowcharts) cannot be interrupted, and they are
/// superlinear; these are the sizes past which they are not started at all. Measured on the
/// 2-core development machine (release build): 150 states take ~1.1 s, 200 take 2.6 s; 150
/// ER entities ~0.5 s; 200 sequence messages ~0.17 s.
const CRATE_MAX_NODES: usize = 150;
const CRATE_MAX_EDGES: usize = 300;

impl Budget {
    /// Checks a diagram's size before layout. `ours` says whether our own (interruptible,
    /// near-linear) layout will draw it, which gets the full size budget.
    pub fn check_size(&self, nodes: usize, edges: usize, ours: bool) -> Result<(), Rejection> {
        let (max_nodes, max_edges) = if ours {
            (self.max_nodes, self.max_edges)
        } else {
            (
                self.max_nodes.min(CRATE_MAX_NODES),
                self.max_edges.min(CRATE_MAX_EDGES),
            )
        };
        if nodes > max_nodes {
            return Err(Rejection(format!(
                "it has {nodes} nodes, more than the {max_nodes} a diagram may have"
            )));
        }
        if edges > max_edges {
            return Err(Rejection(format!(
                "it has {edges} edges, more than the {max_edges} a diagram may have"
            )));
        }
        Ok(())
    }

    /// A deadline starting now.
    pub fn start(&self) -> Deadline {
        Deadline {
            at: Instant::now().checked_add(self.time),
            time: self.time,
        }
    }
}

/// When a layout must give up.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<Instant>,
    time: Duration,
}

impl Deadline {
    /// A deadline that never passes.
    pub fn never() -> Deadline {
        Deadline {
            at: None,
            time: Duration::MAX,
        }
    }

    /// `Err` once the deadline has passed.
    pub fn check(&self) -> Result<(), Rejection> {
        match self.at {
            Some(at) if Instant::now() >= at => Err(Rejection(format!(
                "laying it out took longer than the {:.1} s a diagram may take",
                self.time.as_secs_f32()
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_past_the_budget_are_rejected_with_the_numbers() {
        let budget = Budget::default();
        assert!(budget.check_size(1_000, 999, true).is_ok());
        let err = budget.check_size(1_000, 999, false).unwrap_err();
        assert!(err.0.contains("1000 nodes, more than the 150"), "{err:?}");
        let err = budget.check_size(10, 5_000, true).unwrap_err();
        assert!(err.0.contains("5000 edges"), "{err:?}");
    }

    #[test]
    fn a_spent_deadline_says_so() {
        let budget = Budget {
            time: Duration::ZERO,
            ..Budget::default()
        };
        let err = budget.start().check().unwrap_err();
        assert!(err.0.contains("longer than the 0.0 s"), "{err:?}");
        assert!(Deadline::never().check().is_ok());
    }
}
