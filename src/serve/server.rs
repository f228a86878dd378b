//! The HTTP side of `serve`: the built files from memory, the live-reload script and event
//! stream. Only paths of the built site are served, so nothing outside it can be reached.

use super::live::{self, EVENTS_PATH, Message, SCRIPT_PATH};
use crate::output::Content;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the server and the rebuild loop share.
pub struct Shared {
    /// The built site, by site path (copied files are read from their sources).
    pub files: RwLock<HashMap<String, Content>>,
    /// The last message sent, for browsers that connect later.
    pub last: RwLock<Message>,
    /// Rebuild messages.
    pub events: broadcast::Sender<Message>,
    /// Browsers listening now.
    pub clients: AtomicUsize,
}

impl Shared {
    /// Shared state holding `files`.
    pub fn new(files: HashMap<String, Content>, first: Message) -> Shared {
        let (events, _) = broadcast::channel(64);
        Shared {
            files: RwLock::new(files),
            last: RwLock::new(first),
            events,
            clients: AtomicUsize::new(0),
        }
    }
}

/// The routes, answering only requests for an allowed host (see
/// [`super::listen::host_allowed`]).
pub fn router(shared: Arc<Shared>, allowed_hosts: Arc<Vec<String>>) -> Router {
    Router::new()
        .route(SCRIPT_PATH, get(script))
        .route(EVENTS_PATH, get(events))
        .fallback(file)
        .with_state(shared)
        .layer(axum::middleware::from_fn(move |request, next| {
            super::listen::check_host(allowed_hosts.clone(), request, next)
        }))
        // A development server: browsers must always see the latest build.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        live::script(),
    )
}

/// Counts a listening browser while its stream lives.
struct ClientGuard(Arc<Shared>);

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let first = shared.last.read().expect("rebuild loop panicked").clone();
    shared.clients.fetch_add(1, Ordering::SeqCst);
    let guard = ClientGuard(shared.clone());
    let later = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(message) => return Some((message, receiver)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let messages = stream::once(async move { first })
        .chain(later)
        .map(move |message| {
            let _listening = &guard;
            let json = serde_json::to_string(&message).unwrap_or_default();
            Ok(Event::default().data(json))
        });
    Sse::new(messages).keep_alive(KeepAlive::default())
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A built file, by site path.
    File(String),
    /// A page asked for without its trailing slash.
    Redirect(String),
    /// Nothing (or a path that tries to leave the site).
    NotFound,
}

/// Maps a request path to a built file. Pure, so the traversal rules can be tested alone:
/// percent-escapes are decoded first, and any `..`, `.`, backslash or NUL is refused.
pub fn lookup(exists: impl Fn(&str) -> bool, raw: &str) -> Lookup {
    let decoded = crate::paths::decode_path(raw);
    if !decoded.starts_with('/')
        || decoded.contains(['\\', '\0'])
        || decoded.split('/').any(|part| part == ".." || part == ".")
    {
        return Lookup::NotFound;
    }
    let key = &decoded[1..];
    let inner = key.strip_suffix('/').unwrap_or(key);
    if !inner.is_empty() && inner.split('/').any(str::is_empty) {
        return Lookup::NotFound;
    }
    let file = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    if exists(&file) {
        return Lookup::File(file);
    }
    if !key.is_empty() && !key.ends_with('/') && exists(&format!("{key}/index.html")) {
        return Lookup::Redirect(format!("{raw}/"));
    }
    Lookup::NotFound
}

/// The `Content-Type` of a site path.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, path: &str, bytes: &[u8]) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        live::inject(bytes)
    } else {
        bytes.to_vec()
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, kind)
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

async fn file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let (status, path, content) = {
        let files = shared.files.read().unwrap_or_else(|p| p.into_inner());
        match lookup(|p| files.contains_key(p), uri.path()) {
            Lookup::File(path) => {
                let content = files[&path].clone();
                (StatusCode::OK, path, content)
            }
            Lookup::Redirect(to) => {
                return Response::builder()
                    .status(StatusCode::PERMANENT_REDIRECT)
                    .header(header::LOCATION, to)
                    .body(Body::empty())
                    .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
            }
            Lookup::NotFound => match files.get("404.html") {
                Some(page) => (StatusCode::NOT_FOUND, "404.html".to_string(), page.clone()),
                None => return StatusCode::NOT_FOUND.into_response(),
            },
        }
    };
    match content {
        Content::Bytes(bytes) => respond(status, &path, &bytes),
        // Attachments and static files are read from their sources when asked for, never
        // held in memory.
        Content::File(source) => match tokio::fs::read(&source).await {
            Ok(bytes) => respond(status, &path, &bytes),
            Err(_) => StatusCode::NOT_FOUND.into_response(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> bool {
        [
            "index.html",
            "ec2/pricing/index.html",
            "style.css",
            "img/a b.png",
        ]
        .contains(&path)
    }

    #[test]
    fn pages_and_files_are_found() {
        assert_eq!(lookup(site, "/"), Lookup::File("index.html".into()));
        assert_eq!(
            lookup(site, "/ec2/pricing/"),
            Lookup::File("ec2/pricing/index.html".into())
        );
        assert_eq!(lookup(site, "/style.css"), Lookup::File("style.css".into()));
        assert_eq!(
            lookup(site, "/img/a%20b.png"),
            Lookup::File("img/a b.png".into())
        );
        assert_eq!(
            lookup(site, "/ec2/pricing"),
            Lookup::Redirect("/ec2/pricing/".into())
        );
        assert_eq!(lookup(site, "/nope"), Lookup::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/ec2/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%5c..%5cwindows",
            "/ec2\\..\\index.html",
            "/./style.css",
            "/style.css%00.png",
            "//etc/passwd",
        ] {
            assert_eq!(lookup(|_| true, bad), Lookup::NotFound, "{bad}");
        }
    }

    #[test]
    fn content_types_match_extensions() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("app.wasm"), "application/wasm");
        assert_eq!(content_type("search.json"), "application/json");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
