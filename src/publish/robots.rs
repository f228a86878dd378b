//! `robots.txt`: every page may be crawled, and the sitemap is named by its absolute URL when
//! `base_url` has a host (the `Sitemap:` line must be absolute). Crawlers read it only at the
//! root of a host, so under a project sub-path it is there for hosts that serve it at the top.

use crate::config::Config;

/// The file's site path.
pub const PATH: &str = "robots.txt";

/// The text of `robots.txt`.
pub fn robots(config: &Config) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if config.has_host() {
        text.push_str(&format!(
            "\nSitemap: {}\n",
            config.absolute_url("sitemap.xml")
        ));
    }
    text
}
