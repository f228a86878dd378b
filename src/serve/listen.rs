//! Accepting connections for the dev server, with the limits a server on a laptop needs: a
//! cap on open connections (past it, the one quiet the longest is closed, so a flood of idle
//! sockets cannot lock the student out), a time limit on reading a request's headers
//! (slowloris) and on a connection that neither reads nor writes (live-reload streams write a
//! keep-alive every 15 s, so they stay). And which `Host` a request may name, against DNS
//! rebinding: a page on another site that resolves its own name to 127.0.0.1 must not read
//! the served notes.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How much the server lets connections take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at most; a new one past this closes the one quiet the longest.
    pub max_connections: usize,
    /// A connection that neither sends nor receives a byte for this long is closed.
    pub idle: Duration,
    /// A request's headers must arrive within this.
    pub header_read: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: connection_budget(),
            idle: Duration::from_secs(60),
            header_read: Duration::from_secs(10),
        }
    }
}

/// How many connections to hold open at most: 256, or a quarter of the file descriptors the
/// process may open if that is less (the rest are for the watcher, attachments, the build).
#[cfg(unix)]
fn connection_budget() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given.
    let known = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    if !known || limit.rlim_cur == libc::RLIM_INFINITY {
        return 256;
    }
    ((limit.rlim_cur / 4) as usize).clamp(8, 256)
}

#[cfg(not(unix))]
fn connection_budget() -> usize {
    256
}

/// Whether a request naming `host` (its `Host` header) may be answered: IP addresses (a
/// rebinding attack needs a name), `localhost` and its subdomains, and the names given with
/// `--allow-host`. Pure, so the rules are tested alone.
pub fn host_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host else {
        return false;
    };
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]:1111`
        match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.strip_prefix(':').is_some_and(is_port) => {
                return ip.parse::<std::net::Ipv6Addr>().is_ok();
            }
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() {
        return false;
    }
    name.parse::<IpAddr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || allowed
            .iter()
            .any(|a| a.trim_end_matches('.').eq_ignore_ascii_case(&name))
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Answers 403 to a request whose `Host` is not allowed (see [`host_allowed`]).
pub async fn check_host(allowed: Arc<Vec<String>>, request: Request<Body>, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    if host_allowed(host.as_deref(), &allowed) {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "studysite serve answers only requests for localhost or an IP address; \
             start it with --allow-host NAME to add a name\n",
        )
            .into_response()
    }
}

/// The open connections: when each last moved a byte, and how to close it.
#[derive(Default)]
struct Registry {
    next: u64,
    open: HashMap<u64, (Arc<AtomicU64>, Arc<Notify>)>,
}

/// Serves `app` on `listener` within `limits`, until the future is dropped.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits) {
    let clock = Instant::now();
    let registry = Arc::new(Mutex::new(Registry::default()));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, or a connection reset before it was accepted:
                // wait a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let last = Arc::new(AtomicU64::new(millis(clock)));
        let close = Arc::new(Notify::new());
        let id = {
            let mut reg = registry.lock().unwrap_or_else(|p| p.into_inner());
            while reg.open.len() >= limits.max_connections.max(1) {
                let quietest = reg
                    .open
                    .iter()
                    .min_by_key(|(_, (last, _))| last.load(Ordering::Relaxed))
                    .map(|(id, _)| *id);
                let Some(quietest) = quietest else { break };
                if let Some((_, close)) = reg.open.remove(&quietest) {
                    close.notify_one();
                }
            }
            reg.next += 1;
            let id = reg.next;
            reg.open.insert(id, (last.clone(), close.clone()));
            id
        };
        let app = app.clone();
        let registry = registry.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            connection(stream, app, &limits, clock, last, close).await;
            registry
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .open
                .remove(&id);
        });
    }
}

/// Serves one connection until it ends, goes quiet for `limits.idle`, or is closed to make
/// room.
async fn connection(
    stream: tokio::net::TcpStream,
    app: Router,
    limits: &Limits,
    clock: Instant,
    last: Arc<AtomicU64>,
    close: Arc<Notify>,
) {
    let io = TokioIo::new(Tracked {
        inner: stream,
        last: last.clone(),
        clock,
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let conn = builder.serve_connection(io, TowerToHyperService::new(app));
    tokio::pin!(conn);
    let idle_ms = limits.idle.as_millis() as u64;
    loop {
        let quiet_for = millis(clock).saturating_sub(last.load(Ordering::Relaxed));
        if quiet_for >= idle_ms {
            return;
        }
        let wait = Duration::from_millis(idle_ms - quiet_for);
        tokio::select! {
            _ = &mut conn => return,
            _ = close.notified() => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

fn millis(clock: Instant) -> u64 {
    clock.elapsed().as_millis() as u64
}

/// A stream that notes when it last moved a byte.
struct Tracked<S> {
    inner: S,
    last: Arc<AtomicU64>,
    clock: Instant,
}

impl<S> Tracked<S> {
    fn touch(&self) {
        self.last.store(millis(self.clock), Ordering::Relaxed);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::host_allowed;

    #[test]
    fn local_names_and_addresses_are_allowed() {
        for host in [
            "localhost",
            "localhost:1111",
            "LOCALHOST:1111",
            "localhost.:1111",
            "app.localhost:1111",
            "127.0.0.1:1111",
            "127.0.0.1",
            "[::1]:1111",
            "[::1]",
            "192.168.1.20:1111",
        ] {
            assert!(host_allowed(Some(host), &[]), "{host}");
        }
    }

    #[test]
    fn other_names_are_refused() {
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "",
            ":1111",
            "localhost:11x1",
            "localhost:1111:1",
            "[::1",
            "[not-ip]:1111",
            "[::1]junk",
        ] {
            assert!(!host_allowed(Some(host), &[]), "{host}");
        }
        assert!(!host_allowed(None, &[]));
    }

    #[test]
    fn allowed_names_are_added() {
        let allowed = vec!["notes.lan".to_string()];
        assert!(host_allowed(Some("notes.lan:1111"), &allowed));
        assert!(host_allowed(Some("NOTES.LAN"), &allowed));
        assert!(!host_allowed(Some("other.lan"), &allowed));
    }
}
