//! `tapedeck` — inspect recorded sessions from the command line (being built: see issue 4).
//!
//! `tapedeck json FILE…` prints every event of the frames in FILEs (each a frame, or frames
//! back to back) as one JSON object per line: `{"seq":…,"time":…,"data":{"Kind":{…}}}`.

use recorder_core::frame;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((cmd, files)) if cmd == "json" && !files.is_empty() => match dump_json(files) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("tapedeck: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: tapedeck json FILE…");
            ExitCode::from(2)
        }
    }
}

fn dump_json(files: &[String]) -> Result<(), String> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in files {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let (frame, used) = frame::decode_prefix(rest).map_err(|e| format!("{path}: {e}"))?;
            for event in &frame.events {
                let line = serde_json::json!({ "seq": frame.header.seq, "time": event.time, "data": event.data });
                writeln!(out, "{line}").map_err(|e| e.to_string())?;
            }
            rest = &rest[used..];
        }
    }
    Ok(())
}
