//! Seek times on a long generated session, printed (not asserted: speed claims come from
//! benchmarks, not from timed tests). Run it on its own, optimized:
//!
//! ```sh
//! source scripts/env.sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!     wasm_cargo test --release -p replayer --test web_timing -- --include-ignored --nocapture
//! ```
#![cfg(target_arch = "wasm32")]

mod web_util;

use replayer::Timeline;
use wasm_bindgen_test::*;
use web_util::*;

wasm_bindgen_test_configure!(run_in_browser);

fn log(line: &str) {
    web_sys::console::log_1(&line.into());
}

/// Runs `f` `ROUNDS` times; prints the fastest and slowest run (the machine is shared:
/// the fastest is the cost, the spread is the noise).
fn timed<R>(what: &str, mut f: impl FnMut() -> R) -> R {
    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..ROUNDS {
        let start = now();
        result = Some(f());
        times.push(now() - start);
    }
    times.sort_by(f64::total_cmp);
    log(&format!(
        "{what:<54} {:>7.1} ms  (slowest {:.1})",
        times[0],
        times[times.len() - 1]
    ));
    result.unwrap()
}

const ROUNDS: usize = 5;

#[wasm_bindgen_test]
#[ignore = "a measurement: run with --include-ignored"]
fn seek_times_on_a_long_session() {
    let events = generated_session(1234, 20_000, 1_500, 150);
    let duration = events.last().unwrap().time as f64;
    let frames = encode(&events, 200);
    let end = dom_at(&events, duration as u64);
    log(&format!(
        "session: {} events, {:.0} min, {} KB of frames, {} nodes at the start, {} at the end",
        events.len(),
        duration / 60_000.0,
        frames.len() / 1024,
        dom_at(&events, 0).len(),
        end.len()
    ));
    let timeline = timed("Timeline::from_frames", || {
        Timeline::from_frames([&frames[..]]).unwrap()
    });
    timed("Timeline::dom_at(end) (native side, for reference)", || {
        timeline.dom_at(duration as u64)
    });
    let run = timed("Replayer create (decode, build at 0)", || {
        start(bytes(&frames), &[]).unwrap()
    });
    let p = &run.player;
    let d = duration;
    let seek = |from: f64, to: f64| {
        p.seek(from).unwrap();
        let start = now();
        p.seek(to).unwrap();
        now() - start
    };
    // Each measured seek starts from a fixed position (reached untimed).
    let steps: [(&str, f64, f64); 6] = [
        ("seek 0 → end (forward: apply all, one diff)", 0.0, d),
        ("seek end → 0 (backward: dom_at(0), diff)", d, 0.0),
        ("seek 0 → middle", 0.0, d / 2.0),
        ("seek middle → end", d / 2.0, d),
        (
            "seek end → middle (backward: dom_at(middle), diff)",
            d,
            d / 2.0,
        ),
        (
            "seek end → end - 1 s (backward: replays all)",
            d,
            d - 1000.0,
        ),
    ];
    for (what, from, to) in steps {
        let mut times: Vec<f64> = (0..ROUNDS).map(|_| seek(from, to)).collect();
        times.sort_by(f64::total_cmp);
        log(&format!(
            "{what:<54} {:>7.1} ms  (slowest {:.1})",
            times[0],
            times[ROUNDS - 1]
        ));
    }
    let mut t = d / 3.0;
    p.seek(t).unwrap();
    timed("one forward step of 150 ms (playback-like)", || {
        t += 150.0;
        p.seek(t).unwrap();
    });
    let t = p.current_time() as u64;
    assert_shows(&run, &dom_at(&events, t), "after the steps");
    run.finish();
}
