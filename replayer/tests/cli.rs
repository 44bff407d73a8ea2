//! The `tapedeck` binary, run as a user would.

mod common;

use common::*;
use recorder_core::event::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const START: u64 = 1_714_566_896_789;

/// A fresh directory for one test, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("tapedeck-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn tapedeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tapedeck"))
        .args(args)
        .output()
        .expect("run tapedeck")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn session() -> Vec<Event> {
    let body = vec![el("button", &[("id", "buy")], vec![text("Buy")])];
    vec![
        Event::new(0, meta("https://shop.example/", "Shop")),
        Event::new(0, snapshot(page("Shop", body))),
        Event::new(
            300,
            Pointer {
                kind: PointerKind::Click,
                target: Some(8),
                x: 1,
                y: 1,
                button: 0,
            },
        ),
        Event::new(
            400,
            MutationBatch {
                texts: vec![TextChange {
                    id: 9,
                    text: "Bought".into(),
                }],
                ..Default::default()
            },
        ),
        Event::new(
            900,
            Console {
                level: Level::Warn,
                args: vec!["low stock".into()],
                stack: None,
            },
        ),
    ]
}

/// Writes the session's frames (two events each) as files `0.tdk`, `1.tdk`, `2.tdk`.
fn write_frames(dir: &Path) -> Vec<String> {
    frames(sid(5), START, &session(), 2)
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let path = dir.join(format!("{i}.tdk"));
            std::fs::write(&path, f).unwrap();
            path.display().to_string()
        })
        .collect()
}

#[test]
fn inspect_prints_the_markdown_timeline() {
    let dir = scratch("inspect");
    let files = write_frames(&dir);
    // Frames given out of order still make one session.
    let out = tapedeck(&["inspect", &files[2], &files[0], &files[1]]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("# Session: Shop\n"), "{md}");
    assert!(
        md.contains("- `+0.300s` click `button#buy \"Buy\"`"),
        "{md}"
    );
    assert!(md.contains("**console.warn** `low stock`"), "{md}");
    assert_eq!(stderr(&out), "", "a complete session warns about nothing");

    // A directory of frame files, as the demo server stores them.
    let out = tapedeck(&["inspect", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), md);
}

#[test]
fn a_partial_session_loads_with_warnings() {
    let dir = scratch("partial");
    let files = write_frames(&dir);
    let mut damaged = std::fs::read(&files[1]).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x55;
    let mut stream = std::fs::read(&files[0]).unwrap();
    stream.extend_from_slice(&damaged);
    stream.extend_from_slice(&std::fs::read(&files[2]).unwrap());
    let joined = dir.join("joined.bin");
    std::fs::write(&joined, &stream).unwrap();

    let out = tapedeck(&["inspect", joined.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("tapedeck: warning: frame 1 of the session is missing"),
        "{err}"
    );
    assert!(
        err.contains(&format!("tapedeck: warning: {}: ", joined.display()))
            && err.contains("skipped: frame checksum mismatch"),
        "{err}"
    );
    assert!(stdout(&out).contains("**incomplete**"));
}

#[test]
fn html_exports_the_page_at_a_time() {
    let dir = scratch("html");
    let files = write_frames(&dir);
    let out_file = dir.join("page.html");
    let mut args = vec!["html"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--at", "350", "-o", out_file.to_str().unwrap()]);
    let out = tapedeck(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"),
        "{html}"
    );
    assert!(
        html.contains(r#"<base href="https://shop.example/">"#),
        "{html}"
    );
    assert!(html.contains(r#"<button id="buy">Buy</button>"#), "{html}");

    // `--at end` (the default) shows the last state, on stdout.
    let mut args = vec!["html"];
    args.extend(files.iter().map(String::as_str));
    args.push("--at=end");
    let out = tapedeck(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(r#"<button id="buy">Bought</button>"#));

    // `--raw`: the recorded DOM as is, without the export's additions.
    let mut args = vec!["html", "--raw", "--at", "350"];
    args.extend(files.iter().map(String::as_str));
    let out = tapedeck(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "<!DOCTYPE html><html><head><title>Shop</title></head>\
         <body><button id=\"buy\">Buy</button></body></html>"
    );

    let out = tapedeck(&["html", &files[0], "--at", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--at takes milliseconds or `end`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_keeps_its_line_format() {
    let dir = scratch("json");
    let files = write_frames(&dir);
    let out = tapedeck(&["json", &files[0], &files[1]]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[2]["seq"], 1);
    assert_eq!(lines[2]["time"], 300);
    assert_eq!(lines[2]["data"]["Pointer"]["target"], 8);
    assert!(lines[0]["data"]["Meta"]["url"] == "https://shop.example/");
}

#[test]
fn unreadable_inputs_fail_with_status_1() {
    let dir = scratch("unreadable");
    let missing = dir.join("missing.tdk");
    let out = tapedeck(&["inspect", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!("tapedeck: {}: ", missing.display())),
        "{}",
        stderr(&out)
    );

    let notes = dir.join("notes.txt");
    std::fs::write(
        &notes,
        "these are not frames, just some notes about the session",
    )
    .unwrap();
    let out = tapedeck(&["html", notes.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("tapedeck: {}: not a Tapedeck frame file (it does not start with the frame magic bytes)\n", notes.display())
    );

    let empty = dir.join("empty.tdk");
    std::fs::write(&empty, "").unwrap();
    let out = tapedeck(&["json", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("empty file"), "{}", stderr(&out));

    let out = tapedeck(&["inspect", dir.join("nothing-here").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_with_status_2() {
    for args in [
        &[][..],
        &["inspect"],
        &["frobnicate", "x.tdk"],
        &["inspect", "--at", "5"],
        &["html", "-o"],
    ] {
        let out = tapedeck(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("usage: tapedeck inspect FILE…"),
            "{args:?}"
        );
    }
    let out = tapedeck(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("usage: tapedeck"));
}
