//! The `studysite` command: flags in, options to the library, diagnostics and a summary out.
//! Exit codes: 0 success, 1 content errors (or warnings with `--deny warnings`), 2 usage errors.

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use studysite::diagnostics::{Diagnostic, Severity};
use studysite::{BuildOptions, BuildReport};

const EXAMPLES: &str = "\
Examples:
  studysite build                       Build the site in this folder into ./public
  studysite build --root ~/vault --output /tmp/site
  studysite build --base-url https://user.example.io/aws-notes/
  studysite check --deny warnings       Fail on any broken link (for CI)
  studysite init my-notes               Start a new site";

#[derive(Parser)]
#[command(name = "studysite", version, about = "Turn a folder of markdown study notes into a cross-linked study site", after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print stage timings and more detail
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// The site folder (holds studysite.toml and content/), or a bare folder of notes
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Build notes marked `draft: true` too
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder
    #[command(
        after_help = "Example:\n  studysite build --root notes --output dist --base-url /notes/"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site (default: output_dir from studysite.toml, else ./public)
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// The URL the site will be served from, e.g. https://user.example.io/aws-notes/
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Check every link, anchor, image and front matter without writing anything
    #[command(after_help = "Example:\n  studysite check --format json --deny warnings")]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Output format of the diagnostics
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors
        #[arg(long, value_enum, value_name = "LEVEL")]
        deny: Option<Deny>,
    },
    /// Create a new site: a config file and a first note
    #[command(
        after_help = "Example:\n  studysite init my-notes && studysite build --root my-notes"
    )]
    Init {
        /// The folder to create
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Deny {
    Warnings,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Build {
            site,
            output,
            base_url,
        } => run_build(&cli, site, output.clone(), base_url.clone()),
        Command::Check { site, format, deny } => run_check(&cli, site, *format, *deny),
        Command::Init { dir } => run_init(&cli, dir),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "{}error{}: {e:#}",
                style_error().render(),
                style_error().render_reset()
            );
            ExitCode::from(1)
        }
    }
}

fn style_error() -> Style {
    Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
}

fn style_warning() -> Style {
    Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold()
}

fn style_dim() -> Style {
    Style::new().dimmed()
}

fn print_diagnostic(d: &Diagnostic) {
    let style = match d.severity {
        Severity::Error => style_error(),
        Severity::Warning => style_warning(),
    };
    eprintln!(
        "{}: {}{}{}: {}",
        d.location(),
        style.render(),
        d.severity,
        style.render_reset(),
        d.message
    );
}

fn print_diagnostics(cli: &Cli, report: &BuildReport) {
    for d in report.diagnostics.iter() {
        if cli.quiet && !d.is_error() {
            continue;
        }
        print_diagnostic(d);
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn counts(report: &BuildReport) -> String {
    let d = &report.diagnostics;
    match (d.errors(), d.warnings()) {
        (0, 0) => "no warnings".into(),
        (0, w) => plural(w, "warning", "warnings"),
        (e, 0) => plural(e, "error", "errors"),
        (e, w) => format!(
            "{}, {}",
            plural(e, "error", "errors"),
            plural(w, "warning", "warnings")
        ),
    }
}

fn print_timings(report: &BuildReport) {
    let t = &report.timings;
    eprintln!(
        "{}stages: load {:.0?}, parse {:.0?}, diagrams {:.0?}, link {:.0?}, render {:.0?}, write {:.0?}{}",
        style_dim().render(),
        t.load,
        t.parse,
        t.diagrams,
        t.link,
        t.render,
        t.write,
        style_dim().render_reset()
    );
    let d = &report.diagrams;
    if d.blocks > 0 {
        eprintln!(
            "{}diagrams: {} distinct; {} rendered, {} from the cache, {} normalised, {} left to mermaid.js, {} invalid{}",
            style_dim().render(),
            d.distinct,
            d.rendered,
            d.cached,
            d.normalized,
            d.browser,
            d.invalid,
            style_dim().render_reset()
        );
    }
}

fn options(site: &SiteArgs) -> BuildOptions {
    BuildOptions {
        root: site.root.clone(),
        drafts: site.drafts,
        ..BuildOptions::default()
    }
}

fn run_build(
    cli: &Cli,
    site: &SiteArgs,
    output: Option<PathBuf>,
    base_url: Option<String>,
) -> anyhow::Result<ExitCode> {
    let options = BuildOptions {
        output,
        base_url,
        ..options(site)
    };
    let report = studysite::build(&options)?;
    print_diagnostics(cli, &report);
    if cli.verbose {
        print_timings(&report);
    }
    if !report.succeeded() {
        eprintln!(
            "{}build failed{}: {}; the previous site was left as it was",
            style_error().render(),
            style_error().render_reset(),
            counts(&report)
        );
        return Ok(ExitCode::from(1));
    }
    if !cli.quiet {
        let out = report
            .output
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        println!(
            "Built {} into {} ({} files) in {:.2} s, {} → {out}",
            plural(report.notes, "note", "notes"),
            plural(report.pages, "page", "pages"),
            report.files,
            report.elapsed.as_secs_f64(),
            counts(&report),
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_check(
    cli: &Cli,
    site: &SiteArgs,
    format: Format,
    deny: Option<Deny>,
) -> anyhow::Result<ExitCode> {
    let report = studysite::check(&options(site))?;
    let failed = report.diagnostics.has_errors()
        || (deny == Some(Deny::Warnings) && !report.diagnostics.is_empty());
    match format {
        Format::Json => {
            let json = serde_json::json!({
                "diagnostics": report.diagnostics,
                "errors": report.diagnostics.errors(),
                "warnings": report.diagnostics.warnings(),
                "notes": report.notes,
                "ok": !failed,
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Human => {
            print_diagnostics(cli, &report);
            if cli.verbose {
                print_timings(&report);
            }
            if !cli.quiet || failed {
                let verdict = if failed { "failed" } else { "ok" };
                println!(
                    "Checked {} in {:.2} s: {} ({verdict})",
                    plural(report.notes, "note", "notes"),
                    report.elapsed.as_secs_f64(),
                    counts(&report)
                );
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_init(cli: &Cli, dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    let created = studysite::init::init(dir)?;
    if !cli.quiet {
        for path in &created {
            println!("created {}", path.display());
        }
        println!(
            "Next: studysite build --root {} (templates and static files are built in; add templates/ or static/ to override them)",
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
