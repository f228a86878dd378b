//! Headless Chromium for browser tests, and a loopback HTTP file server to load pages from.
//!
//! Browser tests skip when no Chromium is found, unless `STUDYSITE_REQUIRE_BROWSER=1` (set by
//! `.ci/run`), in which case a missing browser fails the test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

/// The Chromium binary: `STUDYSITE_CHROMIUM`, else the usual install paths.
pub fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("STUDYSITE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Chromium, or `None` to skip the test (failing instead when CI requires a browser).
pub fn browser_or_skip(test: &str) -> Option<PathBuf> {
    match chromium() {
        Some(path) => Some(path),
        None if std::env::var("STUDYSITE_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("{test}: STUDYSITE_REQUIRE_BROWSER=1 but no Chromium was found")
        }
        None => {
            eprintln!("{test}: skipped, no Chromium found");
            None
        }
    }
}

/// The standard flags: headless, sandboxless (tests run as root), no background networking,
/// and a fresh profile.
pub fn base_args(profile: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-dev-shm-usage".into(),
        format!("--user-data-dir={}", profile.display()),
    ]
}

/// Loads `url`, lets scripts run for up to `budget_ms` of virtual time, and returns the DOM.
pub fn dump_dom(chromium: &Path, url: &str, budget_ms: u32) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut args = base_args(profile.path());
    args.push(format!("--virtual-time-budget={budget_ms}"));
    args.push("--dump-dom".into());
    args.push(url.into());
    let out = Command::new(chromium)
        .args(&args)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A minimal static file server on 127.0.0.1 (an ephemeral port) for loading built pages.
pub struct FileServer {
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl FileServer {
    /// Serves `root` until the test process ends.
    pub fn start(root: &Path) -> FileServer {
        FileServer::start_under(root, "/")
    }

    /// Serves `root` under a sub-path (`/notes/`), as GitHub Pages serves a project site:
    /// anything outside it is a bare 404, a missing file inside it gets the site's `404.html`.
    pub fn start_under(root: &Path, prefix: &str) -> FileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let root = root.to_path_buf();
        let prefix = prefix.to_string();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let prefix = prefix.clone();
                thread::spawn(move || serve_one(stream, &root, &prefix));
            }
        });
        FileServer { base }
    }
}

fn serve_one(mut stream: TcpStream, root: &Path, prefix: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let full = path;
    let redirect = |stream: &mut TcpStream| {
        // As static hosts do: a folder's URL without its slash is redirected.
        let head = format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: {full}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).ok();
    };
    if format!("{full}/") == prefix {
        return redirect(&mut stream);
    }
    let Some(path) = path.strip_prefix(prefix) else {
        let body = b"outside the site";
        let head = format!(
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).ok();
        stream.write_all(body).ok();
        return;
    };
    let decoded = percent_decode(path.trim_start_matches('/'));
    let mut file = root.join(&decoded);
    if decoded.split('/').any(|p| p == "..") {
        file = root.join("404.html");
    }
    if file.is_dir() && !full.ends_with('/') {
        return redirect(&mut stream);
    }
    if file.is_dir() {
        file = file.join("index.html");
    }
    let (status, body) = match std::fs::read(&file) {
        Ok(body) => ("200 OK", body),
        Err(_) => {
            file = root.join("404.html");
            ("404 Not Found", std::fs::read(&file).unwrap_or_default())
        }
    };
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") | Some("mjs") => "text/javascript",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok();
    stream.write_all(&body).ok();
}

/// Decodes `%xx` escapes (invalid ones are kept).
pub fn percent_decoded(s: &str) -> String {
    percent_decode(s)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A headless Chromium driven over the DevTools protocol, for tests that need to watch a
/// page change over time (live reload) rather than read it once.
pub struct Cdp {
    child: std::process::Child,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// Events that arrived while waiting for answers, oldest first.
    events: Vec<serde_json::Value>,
    _profile: tempfile::TempDir,
}

impl Cdp {
    /// Starts Chromium on `url` and connects to the page.
    pub fn launch(chromium: &Path, url: &str) -> Cdp {
        use std::process::Stdio;
        let profile = tempfile::tempdir().unwrap();
        let mut args = base_args(profile.path());
        args.push("--remote-debugging-port=0".into());
        args.push("--window-size=1200,900".into());
        args.push(url.into());
        let child = Command::new(chromium)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes the port it chose into the profile folder.
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let Some(port) = text.lines().next().filter(|p| !p.is_empty())
            {
                break port.to_string();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "chromium did not open its DevTools port"
            );
            thread::sleep(std::time::Duration::from_millis(50));
        };
        let host = format!("127.0.0.1:{port}");
        // Find the page target.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let page_ws = loop {
            let list = raw_get(&host, "/json/list");
            let targets: serde_json::Value = serde_json::from_str(&list).unwrap_or_default();
            let found = targets.as_array().and_then(|t| {
                t.iter()
                    .find(|t| t["type"] == "page")
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string))
            });
            if let Some(ws) = found {
                break ws;
            }
            assert!(std::time::Instant::now() < deadline, "no page target");
            thread::sleep(std::time::Duration::from_millis(100));
        };
        let (socket, _) = tungstenite::connect(page_ws.as_str()).expect("devtools websocket");
        if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(30)))
                .unwrap();
        }
        Cdp {
            child,
            socket,
            next_id: 1,
            events: Vec::new(),
            _profile: profile,
        }
    }

    /// Starts Chromium on a blank page that reports what goes wrong (see [`Cdp::problems`])
    /// from the first page it is sent to on.
    pub fn launch_watched(chromium: &Path) -> Cdp {
        let mut cdp = Cdp::launch(chromium, "about:blank");
        for domain in ["Page", "Runtime", "Log", "Network"] {
            cdp.call(&format!("{domain}.enable"), serde_json::json!({}));
        }
        cdp
    }

    /// Loads `url` and waits until the document at it is complete.
    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({ "url": url }));
        self.wait_loaded(url);
    }

    /// Waits until the page shows `url` (without its `#fragment`), fully loaded.
    pub fn wait_loaded(&mut self, url: &str) {
        let wanted = serde_json::to_string(url.split('#').next().unwrap_or(url)).unwrap();
        self.wait_for(
            &format!(
                "document.readyState === 'complete' && (location.origin + location.pathname + location.search) === {wanted}"
            ),
            std::time::Duration::from_secs(20),
        );
    }

    /// What went wrong since the last call: uncaught exceptions, `console.error`, errors the
    /// browser logged, requests that failed or were answered with an error status. Requests
    /// cut short by leaving the page are not problems.
    pub fn problems(&mut self) -> Vec<String> {
        self.eval("0");
        let mut urls = std::collections::HashMap::new();
        let mut found = Vec::new();
        for event in std::mem::take(&mut self.events) {
            let p = &event["params"];
            match event["method"].as_str().unwrap_or("") {
                "Network.requestWillBeSent" => {
                    urls.insert(
                        p["requestId"].to_string(),
                        p["request"]["url"].as_str().unwrap_or("").to_string(),
                    );
                }
                "Network.loadingFailed" if p["canceled"] != true => found.push(format!(
                    "request failed ({}): {}",
                    p["errorText"],
                    urls.get(&p["requestId"].to_string())
                        .map_or("?", String::as_str)
                )),
                "Network.responseReceived" if p["response"]["status"].as_u64() >= Some(400) => {
                    found.push(format!(
                        "HTTP {}: {}",
                        p["response"]["status"], p["response"]["url"]
                    ))
                }
                "Runtime.exceptionThrown" => found.push(format!(
                    "exception: {}",
                    p["exceptionDetails"]["exception"]["description"]
                        .as_str()
                        .unwrap_or_else(|| p["exceptionDetails"]["text"].as_str().unwrap_or(""))
                )),
                "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => {
                    found.push(format!("console.{}: {}", p["type"], p["args"]))
                }
                "Log.entryAdded" if p["entry"]["level"] == "error" => found.push(format!(
                    "logged: {} ({})",
                    p["entry"]["text"], p["entry"]["url"]
                )),
                _ => {}
            }
        }
        found
    }

    /// Sends a DevTools command and returns its result.
    pub fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let id = self.next_id;
        self.next_id += 1;
        let command = serde_json::json!({"id": id, "method": method, "params": params});
        self.socket
            .send(tungstenite::Message::Text(command.to_string().into()))
            .expect("send to devtools");
        loop {
            let message = self
                .socket
                .read()
                .unwrap_or_else(|e| panic!("no answer from devtools to `{method}`: {e}"));
            let tungstenite::Message::Text(text) = message else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if value["id"] == id {
                return value["result"].clone();
            }
            if value.get("method").is_some() {
                self.events.push(value);
            }
        }
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    pub fn eval(&mut self, expression: &str) -> serde_json::Value {
        let params = serde_json::json!({"expression": expression, "returnByValue": true, "awaitPromise": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Polls `expression` until it is truthy (returns its value) or panics after `timeout`.
    pub fn wait_for(
        &mut self,
        expression: &str,
        timeout: std::time::Duration,
    ) -> serde_json::Value {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let value = self.eval(expression);
            let truthy = !matches!(
                value,
                serde_json::Value::Null | serde_json::Value::Bool(false)
            ) && value != serde_json::json!(0)
                && value != serde_json::json!("");
            if truthy {
                return value;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "`{expression}` did not become true within {timeout:?}"
            );
            thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

impl Drop for Cdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn raw_get(host: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(host) else {
        return String::new();
    };
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .ok();
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    // The DevTools server may keep the connection open: read until the JSON is complete.
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = std::io::Read::read(&mut stream, &mut buf) {
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&raw);
        if let Some(body) = text.split("\r\n\r\n").nth(1)
            && serde_json::from_str::<serde_json::Value>(body).is_ok()
        {
            return body.to_string();
        }
    }
    String::from_utf8_lossy(&raw)
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or("")
        .to_string()
}
