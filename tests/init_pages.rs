//! `studysite init --github-pages`: a workflow that builds the site with studysite and deploys
//! it with `actions/deploy-pages`, whose build command, run as written (with the URL GitHub
//! gives a project site), builds the folder it uploads, with links under the sub-path.

mod common;

use common::Fixture;
use serde_json::Value;
use std::fs;

fn init(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("studysite")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["init"])
        .args(args)
        .arg(dir)
        .output()
        .unwrap()
}

/// The steps of a job, as parsed YAML.
fn steps<'a>(workflow: &'a Value, job: &str) -> &'a Vec<Value> {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job {job} has steps: {workflow:#}"))
}

fn uses<'a>(steps: &'a [Value], action: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("{action}@")))
        })
        .unwrap_or_else(|| panic!("a step uses {action}: {steps:#?}"))
}

#[test]
fn init_writes_a_pages_workflow_whose_build_command_builds_what_it_uploads() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("notes");
    let out = init(&dir, &["--github-pages"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("pages.yml"), "{stdout}");
    let yml = fs::read_to_string(dir.join(".github/workflows/pages.yml")).unwrap();
    let workflow: Value = serde_saphyr::from_str(&yml).expect("the workflow is YAML");

    assert_eq!(workflow["permissions"]["pages"], "write");
    assert_eq!(workflow["permissions"]["id-token"], "write");
    let build = steps(&workflow, "build");
    let deploy = steps(&workflow, "deploy");
    assert_eq!(workflow["jobs"]["deploy"]["needs"], "build");
    uses(deploy, "actions/deploy-pages");
    uses(build, "actions/checkout");
    let pages_id = uses(build, "actions/configure-pages")["id"]
        .as_str()
        .unwrap();
    let uploaded = uses(build, "actions/upload-pages-artifact")["with"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let install = build
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("cargo install"))
        .expect("a step installs studysite");
    assert!(install.contains("studysite"), "{install}");
    let command = build
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.starts_with("studysite build"))
        .expect("a step builds with studysite")
        .trim()
        .to_string();
    // The URL comes from configure-pages: run the command as the runner would, with the URL
    // GitHub gives a project site.
    let expression = format!("${{{{ steps.{pages_id}.outputs.base_url }}}}");
    assert!(command.contains(&expression), "{command}");
    let command = command.replace(&expression, "https://user.github.io/notes");
    let words: Vec<String> = command
        .split_whitespace()
        .map(|w| w.trim_matches('"').to_string())
        .collect();
    let out = assert_cmd::Command::cargo_bin("studysite")
        .unwrap()
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(&words[1..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let home = fs::read_to_string(dir.join(&uploaded).join("index.html"))
        .unwrap_or_else(|e| panic!("{command} builds {uploaded}/: {e}"));
    assert!(
        home.contains("<link rel=\"canonical\" href=\"https://user.github.io/notes/\">"),
        "{home}"
    );
    let feed = fs::read_to_string(dir.join(&uploaded).join("feed.xml")).unwrap();
    assert!(
        feed.contains("href=\"https://user.github.io/notes/welcome/\""),
        "{feed}"
    );

    // Never overwritten; into an existing site, the workflow alone.
    let again = init(&dir, &["--github-pages"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not overwriting"));
    let site = Fixture::new();
    site.file("studysite.toml", "title = \"Mine\"\n");
    let out = init(site.root(), &["--github-pages"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(site.root().join(".github/workflows/pages.yml").exists());
    assert_eq!(
        fs::read_to_string(site.root().join("studysite.toml")).unwrap(),
        "title = \"Mine\"\n",
        "the site's config is left as it is"
    );
    // Without the flag, no workflow.
    let plain = parent.path().join("plain");
    assert!(init(&plain, &[]).status.success());
    assert!(!plain.join(".github").exists());
}
