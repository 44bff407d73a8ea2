//! `tapedeck` — inspect recorded sessions from the command line.
//!
//! ```text
//! tapedeck inspect FILE…                      summary, load report and timeline (Markdown)
//! tapedeck html FILE… [--at MS|end] [-o OUT]  the page at MS as standalone, safe HTML
//! tapedeck json FILE…                         every event as one JSON object per line
//! ```
//!
//! A FILE holds one frame or frames back to back (a directory: its `*.tdk` files, as the
//! demo server stores them). Frames may come in any order; frames of other sessions
//! contribute their backend spans and logs. Damaged recordings still load, with a warning
//! per problem on stderr.
//!
//! `json` prints frames as found, file by file: `{"seq":…,"time":…,"data":{"Kind":{…}}}`
//! with `time` in ms since that frame's session start.
//!
//! Exit status: 0 success, 1 unreadable input (or output), 2 usage error.

use recorder_core::frame::{DecodeError, MAGIC};
use recorder_core::session::{Problem, Scanned, Scanner, Sessions};
use replayer::load::read_frames;
use replayer::{CheckpointPolicy, Timeline};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: tapedeck inspect FILE…
       tapedeck html FILE… [--at MS|end] [-o OUT.html]
       tapedeck json FILE…

FILE: frames back to back, or a directory of *.tdk frame files.
  inspect  summary, load report and timeline as Markdown
  html     the page at MS (ms since the session start; default: end) as standalone HTML
           with scripts, event handlers and javascript: URLs removed
  json     every event, one JSON object per line";

/// A failure and its exit status.
enum Failure {
    /// Bad arguments (status 2).
    Usage(String),
    /// Unreadable input or unwritable output (status 1).
    Io(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("tapedeck: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Io(msg)) => {
            eprintln!("tapedeck: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    match command.as_str() {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        "-V" | "--version" => {
            println!("tapedeck {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        "inspect" => {
            let files = files_only(rest)?;
            let timeline = load(&files)?;
            emit(None, timeline.timeline_markdown().as_bytes())
        }
        "html" => {
            let mut files = Vec::new();
            let mut at: Option<String> = None;
            let mut output: Option<PathBuf> = None;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--at" => at = Some(value(&mut it, "--at")?),
                    "-o" | "--output" => output = Some(value(&mut it, arg)?.into()),
                    a if a.starts_with("--at=") => at = Some(a["--at=".len()..].to_owned()),
                    a if a.starts_with("--output=") => output = Some(a["--output=".len()..].into()),
                    a if a.starts_with('-') && a != "-" => {
                        return Err(Failure::Usage(format!("unknown option {a}")))
                    }
                    _ => files.push(PathBuf::from(arg)),
                }
            }
            if files.is_empty() {
                return Err(Failure::Usage("html needs at least one FILE".into()));
            }
            let timeline = load(&files)?;
            let t = match at.as_deref() {
                None | Some("end") => timeline.duration(),
                Some(ms) => ms.parse::<u64>().map_err(|_| {
                    Failure::Usage(format!("--at takes milliseconds or `end`, not {ms:?}"))
                })?,
            };
            let html = timeline
                .html_at(t)
                .map_err(|e| Failure::Io(format!("cannot export: {e}")))?;
            emit(output.as_deref(), html.as_bytes())
        }
        "json" => {
            let files = files_only(rest)?;
            let (inputs, names) = read_inputs(&files)?;
            // Frames as found, file by file: the scanner, not a session reader, so that
            // duplicates and other sessions' frames are printed too.
            let scans: Vec<Vec<Scanned>> = inputs
                .iter()
                .map(|bytes| Scanner::new(bytes).collect())
                .collect();
            for (i, steps) in scans.iter().enumerate() {
                if !steps.iter().any(|s| matches!(s, Scanned::Frame { .. })) {
                    let error = steps.iter().find_map(|s| match s {
                        Scanned::Corrupt { error, .. } => Some(error),
                        Scanned::Frame { .. } => None,
                    });
                    return Err(no_frames(&names[i], &inputs[i], error));
                }
            }
            let mut out = Vec::new();
            for (steps, name) in scans.iter().zip(&names) {
                for step in steps {
                    match step {
                        Scanned::Frame { frame, .. } => {
                            for event in &frame.events {
                                let line = serde_json::json!({
                                    "seq": frame.header.seq,
                                    "time": event.time,
                                    "data": event.data,
                                });
                                let _ = writeln!(out, "{line}");
                            }
                        }
                        Scanned::Corrupt {
                            offset, len, error, ..
                        } => warn(
                            name,
                            &format!("{len} bytes at offset {offset} skipped: {error}"),
                        ),
                    }
                }
            }
            emit(None, &out)
        }
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
}

/// The value after an option.
fn value<'a>(it: &mut impl Iterator<Item = &'a String>, option: &str) -> Result<String, Failure> {
    it.next()
        .cloned()
        .ok_or_else(|| Failure::Usage(format!("{option} needs a value")))
}

fn files_only(args: &[String]) -> Result<Vec<PathBuf>, Failure> {
    if args.is_empty() {
        return Err(Failure::Usage("missing FILE".into()));
    }
    if let Some(option) = args.iter().find(|a| a.starts_with('-')) {
        return Err(Failure::Usage(format!("unknown option {option}")));
    }
    Ok(args.iter().map(PathBuf::from).collect())
}

/// Reads every file (a directory: its `*.tdk` files in name order).
fn read_inputs(paths: &[PathBuf]) -> Result<(Vec<Vec<u8>>, Vec<String>), Failure> {
    let mut inputs = Vec::new();
    let mut names = Vec::new();
    for path in paths {
        let read =
            |p: &Path| std::fs::read(p).map_err(|e| Failure::Io(format!("{}: {e}", p.display())));
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?
                .flatten()
                .map(|entry| entry.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tdk"))
                .collect();
            if files.is_empty() {
                return Err(Failure::Io(format!(
                    "{}: no .tdk frame files in this directory",
                    path.display()
                )));
            }
            files.sort();
            for file in files {
                inputs.push(read(&file)?);
                names.push(file.display().to_string());
            }
        } else {
            inputs.push(read(path)?);
            names.push(path.display().to_string());
        }
    }
    Ok((inputs, names))
}

/// Reads the files' frames, grouped by session; a file without a single frame is an error.
fn scan(paths: &[PathBuf]) -> Result<(Sessions, Vec<String>), Failure> {
    let (inputs, names) = read_inputs(paths)?;
    let read = read_frames(inputs.iter().map(Vec::as_slice));
    for (i, stats) in read.inputs.iter().enumerate() {
        if stats.frames > 0 {
            continue;
        }
        let error = read.report.problems.iter().find_map(|p| match p {
            Problem::Corrupt { at, error, .. } if at.input == i => Some(error),
            _ => None,
        });
        return Err(no_frames(&names[i], &inputs[i], error));
    }
    Ok((read, names))
}

/// Why the file `name` holding `bytes` gave no frame (`error`: its first corrupt region's).
fn no_frames(name: &str, bytes: &[u8], error: Option<&DecodeError>) -> Failure {
    let why = if bytes.is_empty() {
        "empty file".to_owned()
    } else if !bytes.starts_with(&MAGIC) {
        "not a Tapedeck frame file (it does not start with the frame magic bytes)".to_owned()
    } else {
        match error {
            Some(error) => format!("no readable frame: {error}"),
            None => "no readable frame".to_owned(),
        }
    };
    Failure::Io(format!("{name}: {why}"))
}

/// Loads the files as one timeline, warning on stderr about anything lost.
fn load(paths: &[PathBuf]) -> Result<Timeline, Failure> {
    // Scanned first so that a file without frames is named, not "no frames" overall.
    let (scan, names) = scan(paths)?;
    let timeline = Timeline::from_scan(scan, CheckpointPolicy::default())
        .map_err(|e| Failure::Io(e.to_string()))?;
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    for w in timeline.report().warnings_named(name) {
        eprintln!("tapedeck: warning: {w}");
    }
    Ok(timeline)
}

fn warn(name: &str, msg: &str) {
    eprintln!("tapedeck: warning: {name}: {msg}");
}

/// Writes to `path`, or to stdout.
fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    match path {
        Some(p) if p != Path::new("-") => {
            std::fs::write(p, bytes).map_err(|e| Failure::Io(format!("{}: {e}", p.display())))
        }
        _ => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(Failure::Io(format!("cannot write output: {e}"))),
            }
        }
    }
}
