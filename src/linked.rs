//! The linked site: notes, navigation, resolved links and taxonomy together, which is what
//! rendering reads and what the dependency record digests.

use crate::graph::Graph;
use crate::site::Site;
use crate::taxonomy::Taxonomy;

/// A site with its links resolved and its taxonomy collected.
#[derive(Debug, Clone, Default)]
pub struct Linked {
    /// Notes, titles, navigation.
    pub site: Site,
    /// Resolved links and backlinks.
    pub graph: Graph,
    /// Tags, topics, related notes.
    pub taxonomy: Taxonomy,
}
