//! The dev server over real HTTP on loopback: pages, live-reload events after edits, the error
//! overlay while old pages keep being served, and path traversal.

mod common;

use common::Fixture;
use common::http::{Events, get, request};
use std::fs;
use std::time::Duration;
use studysite::serve::{ServeOptions, start};

const WAIT: Duration = Duration::from_secs(15);

fn site() -> Fixture {
    let site = Fixture::new();
    site.file(
        "studysite.toml",
        "title = \"Served\"\nbase_url = \"https://example.io/sub/\"\n",
    )
    .note(
        "ec2/pricing.md",
        "# Pricing\n\nSpot is cheap. [[cognito]]\n",
    )
    // The chart is embedded: files no note uses are not published.
    .note("cognito.md", "# Cognito\n\nUser pools.\n\n![[chart.png]]\n")
    .file("static/extra.css", "p { color: blue }")
    .bytes("content/img/chart.png", b"\x89PNG\r\n\x1a\n");
    site
}

fn serve(site: &Fixture) -> studysite::serve::Running {
    let options = ServeOptions {
        build: site.options(),
        port: Some(0),
        ..ServeOptions::default()
    };
    start(&options, Box::new(|_| {})).expect("server starts")
}

fn body_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(".note-body").unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn serves_pages_then_reloads_after_an_edit_and_shows_errors_while_keeping_old_pages() {
    let site = site();
    let running = serve(&site);
    let addr = running.addr.to_string();

    let page = get(&addr, "/ec2/pricing/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(body_text(&page.text()).contains("Spot is cheap."));
    // Served pages link relatively, whatever base_url says, and carry live reload.
    let doc = scraper::Html::parse_document(&page.text());
    let hrefs: Vec<&str> = doc
        .select(&scraper::Selector::parse(".note-body a").unwrap())
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["../../cognito/index.html"]);
    let scripts: Vec<&str> = doc
        .select(&scraper::Selector::parse("script[src]").unwrap())
        .filter_map(|s| s.value().attr("src"))
        .collect();
    assert!(scripts.contains(&"/__studysite/live.js"), "{scripts:?}");
    assert_eq!(get(&addr, "/__studysite/live.js").status, 200);

    let mut events = Events::connect(&addr, "/__studysite/events");
    let hello = events.next(WAIT).expect("a first message on connect");
    assert_eq!(hello["reload"], false);
    assert_eq!(hello["errors"].as_array().unwrap().len(), 0);

    // Edit a note: a reload message names the page, and the new text is served.
    let note = site.root().join("content/ec2/pricing.md");
    fs::write(
        &note,
        "# Pricing\n\nSpot is cheaper than on-demand. [[cognito]]\n",
    )
    .unwrap();
    let reload = events.wait_for(WAIT, |m| m["reload"] == true);
    let changed: Vec<&str> = reload["changed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(changed.contains(&"ec2/pricing/index.html"), "{changed:?}");
    assert!(body_text(&get(&addr, "/ec2/pricing/").text()).contains("cheaper than on-demand"));

    // Break the front matter: an error message with file:line, and the old page stays.
    fs::write(&note, "---\ntitle: [broken\n---\n# Pricing\n\nNew text.\n").unwrap();
    let broken = events.wait_for(WAIT, |m| !m["errors"].as_array().unwrap().is_empty());
    let error = &broken["errors"][0];
    assert_eq!(error["file"], "content/ec2/pricing.md");
    assert_eq!(error["line"], 2);
    assert_eq!(error["severity"], "error");
    let still = get(&addr, "/ec2/pricing/");
    assert_eq!(still.status, 200);
    assert!(
        body_text(&still.text()).contains("cheaper than on-demand"),
        "last good page served"
    );

    // Fix it: the errors clear and the new text is served.
    fs::write(&note, "# Pricing\n\nFixed text.\n").unwrap();
    events.wait_for(WAIT, |m| {
        m["errors"].as_array().unwrap().is_empty() && m["reload"] == true
    });
    assert!(body_text(&get(&addr, "/ec2/pricing/").text()).contains("Fixed text."));

    // A stylesheet change swaps the stylesheet without a reload.
    fs::write(site.root().join("static/extra.css"), "p { color: red }").unwrap();
    let css = events.wait_for(WAIT, |m| !m["css"].as_array().unwrap().is_empty());
    assert_eq!(css["reload"], false);
    assert_eq!(css["css"][0], "/extra.css");
    assert_eq!(get(&addr, "/extra.css").text(), "p { color: red }");

    // A new note appears, a deleted one is gone.
    site.note("new/fresh.md", "# Fresh\n");
    events.wait_for(WAIT, |m| m["reload"] == true);
    assert_eq!(get(&addr, "/new/fresh/").status, 200);
    fs::remove_file(site.root().join("content/cognito.md")).unwrap();
    events.wait_for(WAIT, |m| m["reload"] == true);
    assert_eq!(get(&addr, "/cognito/").status, 404);
    running.stop();
}

#[test]
fn traversal_paths_are_404() {
    let site = site();
    fs::write(site.root().join("secret.txt"), "secret").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("secret.txt");
    fs::write(&outside, "secret").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, site.root().join("static/link.txt")).unwrap();
    let running = serve(&site);
    let addr = running.addr.to_string();
    for path in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/ec2/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/ec2/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/secret.txt",
        "/link.txt",
        "/studysite.toml",
        "/content/cognito.md",
    ] {
        let response = get(&addr, path);
        assert_eq!(response.status, 404, "{path} must be 404");
        assert!(!response.text().contains("secret"), "{path} leaked");
    }
    running.stop();
}

#[test]
fn content_types_head_and_the_sites_404_page() {
    let site = site();
    let running = serve(&site);
    let addr = running.addr.to_string();
    let cases = [
        ("/", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/img/chart.png", "image/png"),
        // No sitemap.xml: the server serves from `/`, a base URL without a host.
    ];
    for (path, kind) in cases {
        let response = get(&addr, path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(kind), "{path}");
    }
    let head = request(&addr, "HEAD", "/ec2/pricing/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let missing = get(&addr, "/no/such/page/");
    assert_eq!(missing.status, 404);
    let doc = scraper::Html::parse_document(&missing.text());
    let h1: Vec<String> = doc
        .select(&scraper::Selector::parse("h1").unwrap())
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(h1, ["Page not found"]);
    let moved = get(&addr, "/ec2/pricing");
    assert_eq!(moved.status, 308);
    assert_eq!(moved.header("location"), Some("/ec2/pricing/"));
    assert_eq!(request(&addr, "POST", "/").status, 405);
    running.stop();
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let options = ServeOptions {
        build: site.options(),
        port: Some(port),
        ..ServeOptions::default()
    };
    let error = match start(&options, Box::new(|_| {})) {
        Ok(_) => panic!("a taken port must fail"),
        Err(e) => e.to_string(),
    };
    assert!(
        error.contains(&format!("port {port}")) && error.contains("already in use"),
        "{error}"
    );
}

#[test]
fn bursts_of_events_and_editor_scratch_files_end_in_one_consistent_site() {
    let site = site();
    let running = serve(&site);
    let addr = running.addr.to_string();
    let mut events = Events::connect(&addr, "/__studysite/events");
    events.next(WAIT).unwrap();
    // An editor's atomic save: write a temporary file, then rename it over the note.
    let note = site.root().join("content/cognito.md");
    let temp = site.root().join("content/.cognito.md.tmp");
    fs::write(&temp, "# Cognito\n\nSaved atomically.\n").unwrap();
    fs::rename(&temp, &note).unwrap();
    // A burst: two hundred notes in a new folder at once.
    let dir = site.root().join("content/burst");
    fs::create_dir_all(&dir).unwrap();
    for i in 0..200 {
        fs::write(
            dir.join(format!("n{i}.md")),
            format!("# N{i}\n\n[[cognito]]\n"),
        )
        .unwrap();
    }
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let ok = get(&addr, "/burst/n199/").status == 200
            && body_text(&get(&addr, "/cognito/").text()).contains("Saved atomically");
        if ok {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the burst was not picked up"
        );
        events.next(Duration::from_millis(500));
    }
    assert_eq!(get(&addr, "/burst/n0/").status, 200);
    // Let the watcher settle, then compare what is served with a fresh build of the files.
    while events.next(Duration::from_millis(800)).is_some() {}
    let served = running.files();
    running.stop();
    let fresh = studysite::session::Session::open(&studysite::BuildOptions {
        base_url: Some("/".into()),
        ..site.options()
    })
    .unwrap();
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        fresh.files().keys().collect::<Vec<_>>()
    );
    assert!(served == fresh.files(), "served site equals a fresh build");
}

#[test]
fn requests_for_other_hosts_are_refused_against_dns_rebinding() {
    let site = site();
    let options = ServeOptions {
        build: site.options(),
        port: Some(0),
        allowed_hosts: vec!["notes.lan".into()],
        ..ServeOptions::default()
    };
    let running = start(&options, Box::new(|_| {})).expect("server starts");
    let addr = running.addr.to_string();
    let port = running.addr.port();
    let ask = |host: Option<&str>| {
        let host = host.map_or(String::new(), |h| format!("Host: {h}\r\n"));
        common::http::send(
            &addr,
            &format!("GET /ec2/pricing/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
        )
    };
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".into(),
        format!("notes.lan:{port}"),
    ] {
        let response = ask(Some(&host));
        assert_eq!(response.status, 200, "{host}");
        assert!(body_text(&response.text()).contains("Spot is cheap."));
    }
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        "127.0.0.1.nip.io".into(),
    ] {
        let response = ask(Some(&host));
        assert_eq!(response.status, 403, "{host}");
        assert!(!response.text().contains("Spot is cheap."));
        assert!(
            response.text().contains("--allow-host"),
            "the refusal says what to do"
        );
    }
    // The event stream and the live-reload script are guarded too.
    let events = common::http::send(
        &addr,
        "GET /__studysite/live.js HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(events.status, 403);
    // HTTP/1.1 without a Host is refused as well.
    assert_eq!(ask(None).status, 403);
}
