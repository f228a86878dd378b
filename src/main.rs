//! The `studysite` command: flags in, options to the library, diagnostics and a summary out.
//! Exit codes: 0 success, 1 content errors (or warnings with `--deny warnings`), 2 usage errors.

use anstream::{eprintln, print, println};
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
        /// Keep running and rebuild when notes, templates or static files change
        #[arg(long)]
        watch: bool,
        /// Build into an output folder that holds files studysite did not write (they are kept,
        /// never deleted)
        #[arg(long)]
        force: bool,
    },
    /// Build the site, serve it locally and rebuild and reload the browser on every change
    #[command(
        after_help = "Examples:\n  studysite serve\n  studysite serve --root ~/vault --port 0 --open"
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on (default: 1111, or the next free one); 0 picks any free port
        #[arg(short, long)]
        port: Option<u16>,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Also answer requests for this host name (besides localhost and IP addresses);
        /// repeat for several
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
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
        /// Print the lines with mojibake (UTF-8 once read as Windows-1252), repaired
        #[arg(long)]
        fix_mojibake: bool,
        /// With --fix-mojibake: rewrite those notes, each first copied to .studysite-backup/
        #[arg(long, requires = "fix_mojibake")]
        write: bool,
    },
    /// Flashcards: list the decks, or export them for Anki
    #[command(
        after_help = "Examples:\n  studysite cards list --format json\n  studysite cards export --format anki --deck 'AWS SAA::EC2' > ec2.txt"
    )]
    Cards {
        #[command(subcommand)]
        command: CardsCommand,
    },
    /// Create a new site: a config file and a first note
    #[command(
        after_help = "Example:\n  studysite init my-notes && studysite build --root my-notes"
    )]
    Init {
        /// The folder to create
        dir: PathBuf,
        // publish hook: the GitHub Pages workflow.
        /// Also write .github/workflows/pages.yml, which builds the site and deploys it to
        /// GitHub Pages (into an existing site: only the workflow)
        #[arg(long)]
        github_pages: bool,
    },
}

// cards hook: `studysite cards list|export` (the work is in studysite::cards::cli).
#[derive(Subcommand)]
enum CardsCommand {
    /// Print every deck with its number of cards
    List {
        #[command(flatten)]
        site: SiteArgs,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Write the cards in Anki's text import format to standard output
    Export {
        #[command(flatten)]
        site: SiteArgs,
        /// Only `anki` (Anki's text import format)
        #[arg(long, value_enum, default_value_t = CardsFormat::Anki)]
        format: CardsFormat,
        /// Only this deck (`AWS SAA::EC2`) and its sub-decks
        #[arg(long)]
        deck: Option<String>,
        /// Copy the images the cards show into this folder (for Anki's collection.media)
        #[arg(long, value_name = "DIR")]
        media: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CardsFormat {
    Anki,
}

fn run_cards(cli: &Cli, command: &CardsCommand) -> anyhow::Result<ExitCode> {
    let out = match command {
        CardsCommand::List { site, format } => {
            studysite::cards::cli::list(&options(site), *format == Format::Json)?
        }
        CardsCommand::Export {
            site, deck, media, ..
        } => studysite::cards::cli::export(&options(site), deck.as_deref(), media.as_deref())?,
    };
    for d in out.diagnostics.iter() {
        if !cli.quiet || d.is_error() {
            eprintln!("{}", format_diagnostic(d));
        }
    }
    print!("{}", out.text);
    Ok(if out.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
            watch,
            force,
        } => run_build(
            &cli,
            BuildOptions {
                output: output.clone(),
                base_url: base_url.clone(),
                force: *force,
                ..options(site)
            },
            *watch,
        ),
        Command::Serve {
            site,
            port,
            bind,
            allow_host,
            open,
        } => run_serve(
            &cli,
            studysite::serve::ServeOptions {
                build: options(site),
                bind: *bind,
                port: *port,
                allowed_hosts: allow_host.clone(),
                ..Default::default()
            },
            *open,
        ),
        // mojibake hook: --fix-mojibake replaces the check.
        Command::Check {
            site,
            fix_mojibake: true,
            write,
            ..
        } => studysite::vault::fix_mojibake::fix(&options(site), *write).map(|report| {
            print!("{}", report.to_text(*write));
            ExitCode::SUCCESS
        }),
        Command::Check {
            site, format, deny, ..
        } => run_check(&cli, site, *format, *deny),
        Command::Init { dir, github_pages } => run_init(&cli, dir, *github_pages),
        Command::Cards { command } => run_cards(&cli, command),
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

fn format_diagnostic(d: &Diagnostic) -> String {
    let style = match d.severity {
        Severity::Error => style_error(),
        Severity::Warning => style_warning(),
    };
    format!(
        "{}: {}{}{}: {}",
        d.location(),
        style.render(),
        d.severity,
        style.render_reset(),
        d.message
    )
}

/// Prints the diagnostics: to stderr for `build` (its output is the site), to stdout for
/// `check` (they are its output).
fn print_diagnostics(cli: &Cli, report: &BuildReport, to_stdout: bool) {
    for d in report.diagnostics.iter() {
        if cli.quiet && !d.is_error() {
            continue;
        }
        if to_stdout {
            println!("{}", format_diagnostic(d));
        } else {
            eprintln!("{}", format_diagnostic(d));
        }
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
    // What highlighting did (a moved vault's blocks come from the cache).
    let c = &report.code;
    if c.highlighted + c.repeated + c.cached > 0 {
        eprintln!(
            "{}code: {} blocks highlighted, {} repeated, {} from the cache{}",
            style_dim().render(),
            c.highlighted,
            c.repeated,
            c.cached,
            style_dim().render_reset()
        );
    }
    // search: index size and shards (src/search/).
    let s = &report.search;
    if s.files > 0 {
        eprintln!(
            "{}search: {} notes, {} sections, {} terms; {} in {} files ({} term shards, {} dictionary shards, {} note files with {} of text), built in {:.0?}{}",
            style_dim().render(),
            s.notes,
            s.records,
            s.terms,
            size(s.bytes),
            s.files,
            s.term_shards,
            s.dict_shards,
            s.notes,
            size(s.doc_bytes),
            s.elapsed,
            style_dim().render_reset()
        );
    }
    let d = &report.diagrams;
    if d.blocks > 0 {
        eprintln!(
            "{}diagrams: {} distinct; {} rendered, {} from the cache, {} normalised, {} not drawn at build time, {} invalid{}",
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

/// Bytes as kB or MB.
fn size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

fn options(site: &SiteArgs) -> BuildOptions {
    BuildOptions {
        root: site.root.clone(),
        drafts: site.drafts,
        ..BuildOptions::default()
    }
}

fn run_build(cli: &Cli, options: BuildOptions, watch: bool) -> anyhow::Result<ExitCode> {
    let progress =
        (!cli.quiet).then(|| std::sync::Arc::new(studysite::progress::TerminalProgress::new()));
    let options = BuildOptions {
        progress: progress
            .clone()
            .map(|p| p as std::sync::Arc<dyn studysite::build::Progress>),
        ..options
    };
    if watch {
        let printer = RebuildPrinter::new(cli.quiet, cli.verbose);
        studysite::serve::watch_build(&options, Box::new(move |rebuilt| printer.print(rebuilt)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let report = studysite::build(&options)?;
    if let Some(p) = &progress {
        p.finish();
    }
    print_diagnostics(cli, &report, false);
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
        // Issue 10 hook: how many files of the content folder were left out.
        let left_out = match report.unreferenced {
            0 => String::new(),
            n => format!(
                ", {}",
                plural(
                    n,
                    "unreferenced file not published",
                    "unreferenced files not published"
                )
            ),
        };
        println!(
            "Built {} into {} ({} files, {} changed{left_out}) in {:.2} s, {} → {out}",
            plural(report.notes, "note", "notes"),
            plural(report.pages, "page", "pages"),
            report.files,
            report.changed + report.removed,
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
            let json = CheckJson {
                ok: !failed,
                notes: report.notes,
                errors: report.diagnostics.errors(),
                warnings: report.diagnostics.warnings(),
                diagnostics: report.diagnostics.as_slice(),
            };
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Human => {
            print_diagnostics(cli, &report, true);
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

/// Prints each rebuild: the errors it found and the warnings it found new (every warning of
/// the first build), one summary line, and with `verbose` each step's time.
struct RebuildPrinter {
    quiet: bool,
    verbose: bool,
    /// The warnings shown so far, as printed: a rebuild prints only those it adds.
    warnings: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl RebuildPrinter {
    fn new(quiet: bool, verbose: bool) -> std::sync::Arc<RebuildPrinter> {
        std::sync::Arc::new(RebuildPrinter {
            quiet,
            verbose,
            warnings: Default::default(),
        })
    }

    /// Counts these warnings as shown (printed already).
    fn shown<'a>(&self, diagnostics: impl IntoIterator<Item = &'a Diagnostic>) {
        let mut warnings = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
        warnings.extend(
            diagnostics
                .into_iter()
                .filter(|d| !d.is_error())
                .map(format_diagnostic),
        );
    }

    fn print(&self, rebuilt: &studysite::serve::Rebuilt) {
        let errors: Vec<&Diagnostic> = rebuilt
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        for d in &errors {
            eprintln!("{}", format_diagnostic(d));
        }
        if self.quiet {
            return;
        }
        {
            // The warnings of the site as it is now; those gone may come back and be shown.
            let now: std::collections::HashSet<String> = rebuilt
                .diagnostics
                .iter()
                .filter(|d| !d.is_error())
                .map(format_diagnostic)
                .collect();
            let mut shown = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
            let mut fresh: Vec<&String> = now.difference(&shown).collect();
            fresh.sort();
            for w in fresh {
                eprintln!("{w}");
            }
            *shown = now;
        }
        let update = &rebuilt.update;
        if self.verbose && !update.steps.is_empty() {
            let steps: Vec<String> = update
                .steps
                .iter()
                .map(|(name, t)| format!("{name} {:.1} ms", t.as_secs_f64() * 1000.0))
                .collect();
            eprintln!(
                "{}steps: {}{}",
                style_dim().render(),
                steps.join(", "),
                style_dim().render_reset()
            );
        }
        if errors.is_empty() {
            println!(
                "{} in {:.0} ms: {} rendered, {} changed{}",
                if rebuilt.first { "Built" } else { "Rebuilt" },
                rebuilt.elapsed.as_secs_f64() * 1000.0,
                plural(update.rendered, "page", "pages"),
                plural(update.changed.len() + update.removed.len(), "file", "files"),
                if update.fresh && !rebuilt.first {
                    " (whole site)"
                } else {
                    ""
                }
            );
        } else {
            println!(
                "{}{} has {}{}; the last good pages stay",
                style_error().render(),
                if rebuilt.first {
                    "The build"
                } else {
                    "Rebuild"
                },
                plural(errors.len(), "error", "errors"),
                style_error().render_reset()
            );
        }
    }
}

fn run_serve(
    cli: &Cli,
    options: studysite::serve::ServeOptions,
    open: bool,
) -> anyhow::Result<ExitCode> {
    let printer = RebuildPrinter::new(cli.quiet, cli.verbose);
    // The first build of a large vault takes seconds: say so at once, not after it.
    if !cli.quiet {
        eprintln!(
            "Building the site in {} before serving it…",
            options.build.root.display()
        );
    }
    let on_rebuild = printer.clone();
    let running =
        studysite::serve::start(&options, Box::new(move |rebuilt| on_rebuild.print(rebuilt)))?;
    for d in running.diagnostics.iter() {
        if !cli.quiet || d.is_error() {
            eprintln!("{}", format_diagnostic(d));
        }
    }
    printer.shown(running.diagnostics.iter());
    let url = running.url("");
    if !cli.quiet {
        println!(
            "Serving {} at {url} (built in {:.0} ms; watching for changes, Ctrl+C to stop)",
            plural(running.notes, "note", "notes"),
            running.first_build.as_secs_f64() * 1000.0
        );
    }
    if open {
        open_browser(&url);
    }
    running.wait();
    Ok(ExitCode::SUCCESS)
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(command).arg(url).spawn() {
        eprintln!("could not open a browser ({command}: {e}); open {url} yourself");
    }
}

/// The JSON `check --format json` prints.
#[derive(serde::Serialize)]
struct CheckJson<'a> {
    ok: bool,
    notes: usize,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
}

fn run_init(cli: &Cli, dir: &std::path::Path, github_pages: bool) -> anyhow::Result<ExitCode> {
    let created = studysite::init::init_with(dir, github_pages)?; // publish hook
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
