//! Times the native replayer on a recorded session, for the browser benchmark (`bench/`):
//! loading the frames into a [`Timeline`] (decode, order, checkpoints) and
//! [`Timeline::dom_at`] the end of the session, each `--runs N` times (default 7).
//!
//! ```text
//! cargo run --release -p replayer --example seek_time -- SESSION.tdk [--runs N]
//! ```
//!
//! Prints one JSON object: the session's shape, the DOM at the end (node and element
//! counts, so a caller can check it against the recorded page) and every run's time in
//! milliseconds (`load_ms`, `dom_at_ms`), unsorted: the caller takes the median.

use recorder_core::dom::NodeKind;
use replayer::Timeline;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut file = None;
    let mut runs = 7usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage("--runs takes a positive number"),
            },
            a if a.starts_with('-') => return usage(&format!("unknown option {a}")),
            _ => file = Some(arg),
        }
    }
    let Some(file) = file else {
        return usage("missing SESSION file");
    };
    let bytes = match std::fs::read(&file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("seek_time: {file}: {e}");
            return ExitCode::from(1);
        }
    };

    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1000.0;
    let mut load_ms = Vec::with_capacity(runs);
    let mut timeline = None;
    for _ in 0..runs {
        let start = Instant::now();
        let loaded = Timeline::from_frames([black_box(bytes.as_slice())]);
        load_ms.push(ms(start));
        match loaded {
            Ok(t) => timeline = Some(t),
            Err(e) => {
                eprintln!("seek_time: {file}: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let timeline = timeline.expect("runs > 0");
    let end = timeline.duration();

    let mut dom_at_ms = Vec::with_capacity(runs);
    let mut dom = None;
    for _ in 0..runs {
        let start = Instant::now();
        let d = timeline.dom_at(black_box(end));
        dom_at_ms.push(ms(start));
        dom = Some(d);
    }
    let dom = dom.expect("runs > 0");
    let elements = dom.iter().filter(|n| n.kind() == NodeKind::Element).count();

    let report = serde_json::json!({
        "events": timeline.events().len(),
        "duration": end,
        "checkpoints": timeline.checkpoint_positions().count(),
        "seek_cost": timeline.seek_cost(end),
        "dom_errors": timeline.report().dom_errors.len(),
        "nodes": dom.len(),
        "elements": elements,
        "load_ms": load_ms,
        "dom_at_ms": dom_at_ms,
    });
    println!("{report}");
    ExitCode::SUCCESS
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("seek_time: {msg}\nusage: seek_time SESSION.tdk [--runs N]");
    ExitCode::from(2)
}
