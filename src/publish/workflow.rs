//! The GitHub Actions workflow `studysite init --github-pages` writes: on every push to the
//! default branch, install studysite, build the site with the URL GitHub Pages gives the
//! repository (`https://user.github.io/notes/` for a project site: the sub-path is set from
//! it, so links, the feed and canonical URLs are right), and deploy the output folder with
//! `actions/deploy-pages`.

/// Where the workflow is written, relative to the repository (site) root.
pub const PATH: &str = ".github/workflows/pages.yml";

/// The folder the workflow builds into and uploads.
pub const OUTPUT: &str = "public";

/// The workflow's YAML. It installs the studysite version that wrote it: from the repository
/// named in studysite's `Cargo.toml` (`repository`), else from crates.io.
pub fn pages_yml() -> String {
    let version = env!("CARGO_PKG_VERSION");
    TEMPLATE
        .replace("{version}", version)
        .replace("{install}", &install(env!("CARGO_PKG_REPOSITORY")))
        .replace("{output}", OUTPUT)
}

/// The command that installs studysite on the runner (the version is in `$STUDYSITE_VERSION`).
fn install(repository: &str) -> String {
    match repository.trim() {
        "" => "cargo install --locked studysite --version \"$STUDYSITE_VERSION\"".to_string(),
        repo => {
            format!("cargo install --locked --git {repo} --tag \"v$STUDYSITE_VERSION\" studysite")
        }
    }
}

const TEMPLATE: &str = r#"# Written by `studysite init --github-pages`. Builds the site with studysite and publishes it
# on GitHub Pages. Once: Settings → Pages → Build and deployment → Source: "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main] # the branch the notes are pushed to
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

# One deployment at a time; a newer push waits instead of cancelling one under way.
concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    env:
      STUDYSITE_VERSION: "{version}"
    steps:
      - uses: actions/checkout@v4
      - id: pages
        uses: actions/configure-pages@v5
      - name: Cache the studysite binary
        id: cache
        uses: actions/cache@v4
        with:
          path: ~/.cargo/bin/studysite
          key: studysite-${{ runner.os }}-${{ env.STUDYSITE_VERSION }}
      - name: Install studysite
        if: steps.cache.outputs.cache-hit != 'true'
        # To build from a copy of its repository instead:
        #   cargo install --locked --git https://github.com/OWNER/studysite studysite
        run: {install}
      - name: Build
        # base_url is the Pages URL (https://user.github.io/notes/ for a project site).
        run: studysite build --output {output} --base-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: {output}

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn studysite_is_installed_from_its_repository_when_it_names_one() {
        assert_eq!(
            install(""),
            "cargo install --locked studysite --version \"$STUDYSITE_VERSION\""
        );
        assert_eq!(
            install("https://github.com/someone/studysite"),
            "cargo install --locked --git https://github.com/someone/studysite --tag \"v$STUDYSITE_VERSION\" studysite"
        );
        let yml = pages_yml();
        for slot in ["{install}", "{output}", "{version}"] {
            assert!(!yml.contains(slot), "{slot} is filled");
        }
        assert!(yml.contains(&format!(
            "STUDYSITE_VERSION: \"{}\"",
            env!("CARGO_PKG_VERSION")
        )));
    }
}
