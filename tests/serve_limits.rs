//! The dev server under connection floods, idle sockets and slow senders, probed over real
//! loopback connections within fixed bounds: a flood past the process's file descriptors must
//! not lock the student out, and idle or slow connections are closed.

mod common;

use common::Fixture;
use common::http::get;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use studysite::serve::listen::Limits;
use studysite::serve::{ServeOptions, start};

fn site() -> Fixture {
    let site = Fixture::new();
    site.note("a.md", "# A\n\nServed under load.\n");
    site
}

/// Whether the server has closed `stream` (a read gives end of file or a reset) within `wait`.
fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[test]
fn a_flood_of_idle_connections_past_the_descriptor_limit_does_not_stop_serving() {
    // The server as a user runs it, in a process that may open 512 files, and more idle
    // connections than that.
    let site = site();
    let mut command = Command::new(env!("CARGO_BIN_EXE_studysite"));
    command
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 512,
                rlim_max: 512,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("studysite serve starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let target: std::net::SocketAddr = addr.parse().unwrap();
    let mut flood = Vec::new();
    for _ in 0..1_140 {
        match TcpStream::connect_timeout(&target, Duration::from_secs(3)) {
            Ok(stream) => flood.push(stream),
            // The server stopped accepting: the flood has locked it up.
            Err(_) => break,
        }
    }
    assert!(flood.len() > 1_000, "the flood connected: {}", flood.len());
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let page = get(&addr, "/a/");
    let waited = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Served under load."));
    assert!(waited < Duration::from_secs(5), "answered in {waited:?}");
    drop(flood);
}

#[test]
fn idle_and_slow_connections_are_closed() {
    let site = site();
    let options = ServeOptions {
        build: site.options(),
        port: Some(0),
        limits: Limits {
            max_connections: 8,
            idle: Duration::from_secs(2),
            header_read: Duration::from_secs(2),
        },
        ..ServeOptions::default()
    };
    let running = start(&options, Box::new(|_| {})).expect("server starts");
    let addr = running.addr.to_string();

    // A connection that sends nothing is closed after the idle limit.
    let mut idle = TcpStream::connect(&addr).unwrap();
    let started = Instant::now();
    assert!(
        closed_within(&mut idle, Duration::from_secs(6)),
        "idle kept open"
    );
    assert!(started.elapsed() >= Duration::from_millis(1_500));

    // A sender that trickles its headers a byte at a time (never idle) is closed once the
    // header limit passes.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(b"GET /a/ HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let started = Instant::now();
    let mut gone = false;
    while started.elapsed() < Duration::from_secs(6) {
        if slow.write_all(b"X").is_err() || closed_within(&mut slow, Duration::from_millis(300)) {
            gone = true;
            break;
        }
    }
    assert!(gone, "a slow sender kept its connection for 6 s");

    running.stop();
}

#[test]
fn past_the_cap_the_quietest_connections_make_room_at_once() {
    let site = site();
    let options = ServeOptions {
        build: site.options(),
        port: Some(0),
        limits: Limits {
            max_connections: 8,
            idle: Duration::from_secs(60),
            header_read: Duration::from_secs(60),
        },
        ..ServeOptions::default()
    };
    let running = start(&options, Box::new(|_| {})).expect("server starts");
    let addr = running.addr.to_string();
    // No timeout is near: whatever closes now was closed to make room.
    let mut crowd: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(&addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let page = get(&addr, "/a/");
    assert_eq!(page.status, 200);
    let closed = crowd
        .iter_mut()
        .filter(|s| closed_within(&mut (*s).try_clone().unwrap(), Duration::from_millis(100)))
        .count();
    // 20 idle and the request make 21: at least 13 were closed, at most 21 - 1.
    assert!(
        (13..=20).contains(&closed),
        "{closed} of 20 idle connections closed for a cap of 8"
    );
    running.stop();
}

/// The first build of a vault can take seconds: `serve` says what it is doing at once (on
/// stderr), before the `Serving …` line (on stdout) that follows the build.
#[test]
fn serve_says_it_is_building_before_it_serves() {
    let site = site();
    let mut child = Command::new(env!("CARGO_BIN_EXE_studysite"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("studysite serve starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(first.starts_with("Building the site in "), "{first:?}");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("Serving "), "{line:?}");
    let _ = child.kill();
    let _ = child.wait();
}
