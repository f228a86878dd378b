//! `studysite serve` and `studysite build --watch`: build once, watch the folders, rebuild what
//! changed (through [`Session`]), and either serve the site from memory with live reload or
//! write the changes to the output folder.

pub mod listen;
pub mod live;
pub mod server;
pub mod watch;

use crate::build::BuildOptions;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Content;
use crate::session::{Session, Update};
use anyhow::{Context, Result, bail};
use live::Message;
use server::Shared;
use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use watch::{FolderWatcher, Paths};

/// The port `serve` tries first.
pub const DEFAULT_PORT: u16 = 1111;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// What to build.
    pub build: BuildOptions,
    /// The address to listen on (loopback by default).
    pub bind: IpAddr,
    /// The port; `None` tries [`DEFAULT_PORT`] and the next few, `Some(0)` any free port.
    pub port: Option<u16>,
    /// Host names requests may name besides `localhost` and IP addresses (`--allow-host`).
    pub allowed_hosts: Vec<String>,
    /// Connection cap and timeouts.
    pub limits: listen::Limits,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            build: BuildOptions::default(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: None,
            allowed_hosts: Vec::new(),
            limits: listen::Limits::default(),
        }
    }
}

/// What one rebuild did, for the terminal.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// Whether this is the first build (`build --watch` reports it like a rebuild).
    pub first: bool,
    /// What changed.
    pub update: Update,
    /// The site's diagnostics after it.
    pub diagnostics: Diagnostics,
    /// How long it took.
    pub elapsed: Duration,
}

/// Called after every rebuild (from the rebuild thread).
pub type OnRebuild = Box<dyn Fn(&Rebuilt) + Send>;

/// A running server.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// How many notes the first build had.
    pub notes: usize,
    /// What the first build found.
    pub diagnostics: Diagnostics,
    /// How long the first build took.
    pub first_build: Duration,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    shutdown: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    threads: Vec<JoinHandle<()>>,
}

impl Running {
    /// The URL of a site path (`ec2/pricing/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// How many browsers are listening for reloads.
    pub fn clients(&self) -> usize {
        self.shared.clients.load(Ordering::SeqCst)
    }

    /// A copy of the files being served now.
    pub fn files(&self) -> crate::session::Files {
        let files = self.shared.files.read().unwrap_or_else(|p| p.into_inner());
        files
            .iter()
            .map(|(k, v)| (k.clone(), v.read().unwrap_or_default()))
            .collect()
    }

    /// Stops the server and the watcher and waits for them.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(tx) = self.shutdown.lock().expect("poisoned").take() {
            let _ = tx.send(());
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }

    /// Waits until the server stops (Ctrl+C).
    pub fn wait(mut self) {
        if let Some(server) = self.threads.pop() {
            let _ = server.join();
        }
        self.stop();
    }
}

/// Binds the listening socket: the given port, or the first free one from the default.
fn bind(options: &ServeOptions) -> Result<TcpListener> {
    let try_port = |port: u16| TcpListener::bind(SocketAddr::new(options.bind, port));
    match options.port {
        Some(port) => try_port(port).map_err(|e| {
            if e.kind() == ErrorKind::AddrInUse {
                anyhow::anyhow!(
                    "port {port} on {} is already in use (is another `studysite serve` running?); pick another with --port, or --port 0 for any free port",
                    options.bind
                )
            } else {
                anyhow::anyhow!("cannot listen on {}:{port}: {e}", options.bind)
            }
        }),
        None => (DEFAULT_PORT..DEFAULT_PORT + 20)
            .find_map(|port| try_port(port).ok())
            .map_or_else(|| try_port(0), Ok)
            .with_context(|| format!("cannot listen on {}", options.bind)),
    }
}

fn shared_files(files: &crate::output::Files) -> HashMap<String, Content> {
    files
        .iter()
        .map(|(k, (_, content))| (k.clone(), content.clone()))
        .collect()
}

fn errors_of(diagnostics: &Diagnostics) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect()
}

/// Builds the site in memory, serves it, and rebuilds on every change until stopped.
pub fn start(options: &ServeOptions, on_rebuild: OnRebuild) -> Result<Running> {
    let mut build = options.build.clone();
    // Pages link from the server's root, whatever the configured base URL.
    build.base_url = Some("/".into());
    let started = Instant::now();
    let session = Session::open(&build).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("cannot build the site:\n{}", shown.join("\n"))
    })?;
    let first_build = started.elapsed();
    let listener = bind(options)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let diagnostics = session.diagnostics();
    let first = Message {
        version: 0,
        reload: false,
        css: Vec::new(),
        errors: errors_of(&diagnostics),
        changed: Vec::new(),
        rendered: session.contents().len(),
        ms: first_build.as_secs_f64() * 1000.0,
    };
    let shared = Arc::new(Shared::new(shared_files(session.contents()), first));
    let watcher = FolderWatcher::start(Paths::of(session.project()))?;
    let stop = Arc::new(AtomicBool::new(false));
    let notes = session.notes();

    let rebuild_thread = {
        let shared = shared.clone();
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("studysite-rebuild".into())
            .spawn(move || {
                rebuild_loop(session, watcher, &stop, |rebuilt, session| {
                    publish(&shared, session, rebuilt);
                    on_rebuild(rebuilt);
                })
            })?
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server_thread = {
        let shared = shared.clone();
        let allowed = Arc::new(options.allowed_hosts.clone());
        let limits = options.limits.clone();
        std::thread::Builder::new()
            .name("studysite-server".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("error: cannot start the server: {e}");
                        return;
                    }
                };
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        eprintln!("error: cannot use the listening socket");
                        return;
                    };
                    let app = server::router(shared, allowed);
                    // Event streams stay open as long as a browser does, so stopping does not wait
                    // for connections to finish.
                    tokio::select! {
                        _ = listen::serve(listener, app, limits) => {}
                        _ = rx => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                });
                // Server-sent event streams never end by themselves; do not wait for them.
                runtime.shutdown_background();
            })?
    };
    Ok(Running {
        addr,
        notes,
        diagnostics,
        first_build,
        shared,
        stop,
        shutdown: Mutex::new(Some(tx)),
        threads: vec![rebuild_thread, server_thread],
    })
}

/// Watches and rebuilds until `stop` is set. A failing rebuild is reported, never fatal.
fn rebuild_loop(
    mut session: Session,
    mut watcher: FolderWatcher,
    stop: &AtomicBool,
    mut done: impl FnMut(&Rebuilt, &Session),
) {
    while !stop.load(Ordering::SeqCst) {
        let Some(changes) = watcher.next_batch(Duration::from_millis(100)) else {
            continue;
        };
        if changes.is_empty() {
            continue;
        }
        let started = Instant::now();
        let update = session.apply(&changes);
        let rebuilt = Rebuilt {
            first: false,
            update,
            diagnostics: session.diagnostics(),
            elapsed: started.elapsed(),
        };
        done(&rebuilt, &session);
    }
}

/// Puts a rebuild's files in place and tells the browsers.
fn publish(shared: &Shared, session: &Session, rebuilt: &Rebuilt) {
    let update = &rebuilt.update;
    {
        let mut files = shared.files.write().expect("server panicked");
        for path in &update.changed {
            if let Some(content) = session.file(path) {
                files.insert(path.clone(), content.clone());
            }
        }
        for path in &update.removed {
            files.remove(path);
        }
    }
    let css_only = update.css_only();
    let mut last = shared.last.write().expect("server panicked");
    let message = Message {
        version: last.version + 1,
        reload: !css_only && (!update.changed.is_empty() || !update.removed.is_empty()),
        css: if css_only {
            update.changed.iter().map(|p| format!("/{p}")).collect()
        } else {
            Vec::new()
        },
        errors: errors_of(&rebuilt.diagnostics),
        changed: update.changed.clone(),
        rendered: update.rendered,
        ms: rebuilt.elapsed.as_secs_f64() * 1000.0,
    };
    *last = message.clone();
    let _ = shared.events.send(message);
}

/// `build --watch`: builds into the output folder, then writes what changed on every change
/// until Ctrl+C, through the same output as `build` (atomic, manifest). A rebuild with errors
/// writes nothing: the last good site stays.
pub fn watch_build(options: &BuildOptions, on_rebuild: OnRebuild) -> Result<()> {
    let started = Instant::now();
    let session = Session::open_on_disk(options).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("cannot build the site:\n{}", shown.join("\n"))
    })?;
    let first = Rebuilt {
        first: true,
        update: session.opened().clone(),
        diagnostics: session.diagnostics(),
        elapsed: started.elapsed(),
    };
    on_rebuild(&first);
    if first.diagnostics.has_errors() {
        bail!("the first build has errors; fix them and start again");
    }
    let watcher = FolderWatcher::start(Paths::of(session.project()))?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                runtime.block_on(async {
                    let _ = tokio::signal::ctrl_c().await;
                });
            }
            stop.store(true, Ordering::SeqCst);
        });
    }
    rebuild_loop(session, watcher, &stop, |rebuilt, _| on_rebuild(rebuilt));
    Ok(())
}
