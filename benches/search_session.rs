//! The browser half of the search benchmark (filled in with the browser tests).

/// Measures query sessions on a built site.
pub fn measure(_label: &str, _public: &std::path::Path) {}
