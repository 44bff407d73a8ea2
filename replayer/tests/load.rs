//! Loading damaged recordings: frames out of order, missing, repeated, corrupt, and frames
//! of other sessions joined by trace id.

mod common;

use common::*;
use recorder_core::event::*;
use recorder_core::frame::{self, DecodeError, FrameHeader};
use recorder_core::{SpanId, TraceId};
use replayer::load::{Duplicate, Gap};
use replayer::{LoadError, Timeline};

const START: u64 = 1_700_000_000_000;

/// Twelve events at 0, 100, … 1100 ms: meta, snapshot, then console logs numbered by time.
fn twelve() -> Vec<Event> {
    let mut events = vec![
        Event::new(0, meta("https://shop.example/", "Shop")),
        Event::new(
            100,
            snapshot(page("Shop", vec![el("p", &[], vec![text("hi")])])),
        ),
    ];
    for t in (200..1200).step_by(100) {
        events.push(Event::new(
            t,
            Console {
                level: Level::Log,
                args: vec![format!("at {t}")],
                stack: None,
            },
        ));
    }
    events
}

fn times(timeline: &Timeline) -> Vec<u64> {
    timeline.events().iter().map(|e| e.time).collect()
}

#[test]
fn frames_in_any_order_give_one_ordered_timeline() {
    let events = twelve();
    let f = frames(sid(1), START, &events, 3);
    let shuffled = [&f[2], &f[0], &f[3], &f[1]].map(|v| v.as_slice());
    let timeline = Timeline::from_frames(shuffled).unwrap();
    assert_eq!(timeline.events(), &events[..]);
    let report = timeline.report();
    assert!(report.reordered);
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.session, Some(sid(1)));
    assert_eq!(report.session_start, START);
    assert_eq!(report.frames, 4);
    assert_eq!(timeline.duration(), 1100);
}

#[test]
fn concatenated_frames_in_one_input_are_all_read() {
    let f = frames(sid(1), START, &twelve(), 5);
    let all: Vec<u8> = f.concat();
    let timeline = Timeline::from_frames([all.as_slice()]).unwrap();
    assert_eq!(timeline.events().len(), 12);
    assert!(!timeline.report().reordered);
}

#[test]
fn gaps_are_reported_and_the_rest_loads() {
    let f = frames(sid(1), START, &twelve(), 2); // six frames: seq 0..=5
    let timeline = Timeline::from_frames([&f[0], &f[2], &f[5]].map(|v| v.as_slice())).unwrap();
    let report = timeline.report();
    assert_eq!(
        report.gaps,
        vec![Gap { first: 1, last: 1 }, Gap { first: 3, last: 4 }]
    );
    assert!(!report.is_complete());
    assert_eq!(times(&timeline), vec![0, 100, 400, 500, 1000, 1100]);
    let warnings = report.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("frame 1 of the session is missing")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("frames 3–4")),
        "{warnings:?}"
    );
}

#[test]
fn a_missing_first_frame_is_a_gap() {
    let f = frames(sid(1), START, &twelve(), 6);
    let timeline = Timeline::from_frames([f[1].as_slice()]).unwrap();
    assert_eq!(timeline.report().gaps, vec![Gap { first: 0, last: 0 }]);
    assert_eq!(timeline.events().len(), 6);
}

#[test]
fn duplicates_are_dropped_and_conflicts_reported() {
    let events = twelve();
    let f = frames(sid(1), START, &events, 6);
    // A retried upload: the same bytes twice.
    let timeline = Timeline::from_frames([&f[0], &f[1], &f[0]].map(|v| v.as_slice())).unwrap();
    assert_eq!(timeline.events(), &events[..]);
    assert_eq!(
        timeline.report().duplicates,
        vec![Duplicate {
            session: sid(1),
            seq: 0,
            identical: true
        }]
    );
    assert!(timeline.report().is_complete());

    // A different frame with the same number: the first one found wins.
    let other = frame::encode(
        &FrameHeader {
            session_id: sid(1),
            seq: 1,
            session_start: START,
            ..Default::default()
        },
        &[Event::new(
            5000,
            Custom {
                name: "impostor".into(),
                payload: String::new(),
            },
        )],
    )
    .unwrap();
    let timeline = Timeline::from_frames([&f[0], &f[1], &other].map(|v| v.as_slice())).unwrap();
    assert_eq!(timeline.events(), &events[..]);
    assert_eq!(
        timeline.report().duplicates,
        vec![Duplicate {
            session: sid(1),
            seq: 1,
            identical: false
        }]
    );
    assert!(!timeline.report().is_complete());
}

#[test]
fn a_corrupt_frame_in_a_stream_loses_only_itself() {
    let f = frames(sid(1), START, &twelve(), 3); // four frames
    let mut stream = Vec::new();
    for (i, bytes) in f.iter().enumerate() {
        let mut bytes = bytes.clone();
        if i == 1 {
            let last = bytes.len() - 1;
            bytes[last] ^= 0xff; // payload damaged: checksum mismatch
        }
        stream.extend_from_slice(&bytes);
    }
    let second_len = f[1].len();
    let timeline = Timeline::from_frames([stream.as_slice()]).unwrap();
    let report = timeline.report();
    assert_eq!(report.corrupt.len(), 1);
    let c = &report.corrupt[0];
    assert_eq!((c.input, c.offset, c.len), (0, f[0].len(), second_len));
    assert!(
        matches!(c.error, DecodeError::Checksum { .. }),
        "{:?}",
        c.error
    );
    assert_eq!(report.gaps, vec![Gap { first: 1, last: 1 }]);
    assert_eq!(
        times(&timeline),
        vec![0, 100, 200, 600, 700, 800, 900, 1000, 1100]
    );
    assert_eq!(report.inputs[0].frames, 3);
    assert_eq!(report.inputs[0].corrupt_bytes, second_len);
}

#[test]
fn garbage_between_frames_and_a_truncated_tail_are_skipped() {
    let f = frames(sid(1), START, &twelve(), 6);
    let mut stream = b"garbage, then TDCK but not a frame".to_vec();
    stream.extend_from_slice(&f[0]);
    stream.extend_from_slice(&f[1][..f[1].len() - 5]); // cut off mid-upload
    let timeline = Timeline::from_frames([stream.as_slice()]).unwrap();
    let report = timeline.report();
    assert_eq!(timeline.events().len(), 6);
    assert_eq!(report.corrupt.len(), 2);
    assert_eq!(report.corrupt[0].offset, 0);
    assert_eq!(report.corrupt[0].error, DecodeError::BadMagic);
    assert!(matches!(
        report.corrupt[1].error,
        DecodeError::Truncated { .. }
    ));
    assert_eq!(
        report.corrupt[1].offset + report.corrupt[1].len,
        stream.len()
    );
}

#[test]
fn nothing_decodable_is_an_error() {
    assert_eq!(Timeline::from_frames([]).unwrap_err(), LoadError::Empty);
    assert_eq!(
        Timeline::from_frames([
            b"<!DOCTYPE html><html><body>not frames, and long enough for a header</body></html>"
                .as_slice()
        ])
        .unwrap_err(),
        LoadError::NoFrames(DecodeError::BadMagic)
    );
}

fn trace(n: u8) -> TraceId {
    TraceId([n; 16])
}

fn span(trace_id: TraceId, id: u8, parent: Option<u8>, name: &str) -> Span {
    Span {
        trace_id,
        span_id: SpanId([id; 8]),
        parent: parent.map(|p| SpanId([p; 8])),
        service: "orders".into(),
        name: name.into(),
        duration_us: 80_000,
        status: SpanStatus::Ok,
        attributes: Vec::new(),
    }
}

/// A request of the page at 1150 ms, carrying trace 7.
fn request_at_1150(method: &str, path: &str, status: u16) -> Event {
    Event::new(
        1150,
        Network {
            request_id: 1,
            method: method.into(),
            url: format!("https://shop.example{path}"),
            status: Some(status),
            duration: 120.0,
            trace_id: Some(trace(7)),
            ..Default::default()
        },
    )
}

#[test]
fn backend_events_of_other_sessions_join_by_trace_id_on_the_page_clock() {
    let mut page = twelve();
    page.push(request_at_1150("POST", "/api/orders", 500));
    // The service's clock starts 10 ms before the page's: its times are 10 ms larger.
    let backend = vec![
        // Before the page session started: clamped to 0.
        Event::new(
            0,
            Backend::Log(LogRecord {
                trace_id: Some(trace(7)),
                span_id: None,
                level: Level::Info,
                service: "orders".into(),
                message: "early".into(),
                attributes: Vec::new(),
            }),
        ),
        Event::new(
            1165,
            Backend::Span(span(trace(7), 1, None, "POST /api/orders")),
        ),
        Event::new(1170, Backend::Span(span(trace(7), 2, Some(1), "db.insert"))),
        Event::new(
            1170,
            Backend::Span(span(trace(9), 3, None, "someone else's request")),
        ),
        Event::new(
            1180,
            Console {
                level: Level::Log,
                args: vec!["not backend".into()],
                stack: None,
            },
        ),
    ];
    let backend_frame = frames(sid(2), START - 10, &backend, 10).remove(0);
    let page_frames = frames(sid(1), START, &page, 5);
    let mut inputs: Vec<&[u8]> = vec![backend_frame.as_slice()]; // backend first: order must not matter
    inputs.extend(page_frames.iter().map(Vec::as_slice));
    let timeline = Timeline::from_frames(inputs).unwrap();

    let report = timeline.report();
    assert_eq!(
        report.session,
        Some(sid(1)),
        "the page session is the one with Meta/Snapshot"
    );
    assert_eq!(report.clamped, 1);
    assert_eq!(report.other_sessions.len(), 1);
    assert_eq!(report.other_sessions[0].joined, 3);
    assert_eq!(report.other_sessions[0].ignored, 2);

    let backend_times: Vec<(u64, String)> = timeline
        .events()
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Backend(Backend::Span(s)) => Some((e.time, s.name.clone())),
            EventData::Backend(Backend::Log(l)) => Some((e.time, l.message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        backend_times,
        vec![
            (0, "early".to_owned()),
            (1155, "POST /api/orders".to_owned()),
            (1160, "db.insert".to_owned()),
        ]
    );
    // Ordered: the request at 1150 comes before its spans.
    let kinds: Vec<&str> = timeline.events()[timeline.events().len() - 3..]
        .iter()
        .map(|e| match e.data {
            EventData::Network(_) => "network",
            EventData::Backend(_) => "backend",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["network", "backend", "backend"]);
}

#[test]
fn equal_times_keep_frame_then_in_frame_order() {
    let log = |s: &str| {
        Event::new(
            500,
            Console {
                level: Level::Log,
                args: vec![s.into()],
                stack: None,
            },
        )
    };
    let events = vec![
        Event::new(0, meta("https://a.example/", "A")),
        log("a"),
        log("b"),
        log("c"),
        log("d"),
        log("e"),
    ];
    let f = frames(sid(1), START, &events, 2);
    let timeline = Timeline::from_frames([&f[2], &f[1], &f[0]].map(|v| v.as_slice())).unwrap();
    let args: Vec<&str> = timeline
        .events()
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Console(c) => Some(c.args[0].as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(args, ["a", "b", "c", "d", "e"]);
}

#[test]
fn without_page_events_the_session_with_most_frames_is_the_page() {
    let log = |t| {
        Event::new(
            t,
            Console {
                level: Level::Log,
                args: vec!["x".into()],
                stack: None,
            },
        )
    };
    let a = frames(sid(1), START, &[log(1), log(2), log(3)], 1);
    let b = frames(sid(2), START, &[log(1)], 1);
    let timeline = Timeline::from_frames(b.iter().chain(&a).map(Vec::as_slice)).unwrap();
    assert_eq!(timeline.session_id(), Some(sid(1)));
    assert_eq!(timeline.events().len(), 3);
    assert_eq!(timeline.report().ignored.len(), 1);
    let warnings = timeline.report().warnings();
    assert_eq!(
        warnings,
        vec![format!(
            "session {}: 1 frame ignored (another page, or backend work for none of this page's requests)",
            sid(2)
        )]
    );
}

#[test]
fn a_service_reusing_frame_numbers_keeps_both_frames_but_retries_count_once() {
    let mut page = twelve();
    page.push(request_at_1150("GET", "/api/cart", 200));
    // Two downloads of the demo store each end with a re-encoded backend frame 0 of the
    // same service session, holding different spans.
    let backend = |id: u8, name: &str| {
        frames(
            sid(2),
            START,
            &[Event::new(
                1160,
                Backend::Span(span(trace(7), id, None, name)),
            )],
            1,
        )
        .remove(0)
    };
    let first = backend(1, "GET /api/cart");
    let second = backend(2, "cart.load");
    let page_frames = frames(sid(1), START, &page, 20);
    let mut inputs: Vec<&[u8]> = page_frames.iter().map(Vec::as_slice).collect();
    // Each retried once.
    inputs.extend([&first, &second, &second, &first].map(|v| v.as_slice()));
    let timeline = Timeline::from_frames(inputs).unwrap();

    let spans: Vec<&str> = timeline
        .events()
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Backend(Backend::Span(s)) => Some(s.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(spans, ["GET /api/cart", "cart.load"], "each span once");
    let report = timeline.report();
    let retry = Duplicate {
        session: sid(2),
        seq: 0,
        identical: true,
    };
    assert_eq!(
        report.duplicates,
        vec![retry, retry],
        "the retries are duplicates; the other frame 0 is not"
    );
    assert_eq!(report.other_sessions[0].frames, 2);
    assert_eq!(report.other_sessions[0].joined, 2);
    assert!(report.is_complete(), "{report}");
}

#[test]
fn per_input_counts_and_corrupt_regions_name_their_input() {
    let f = frames(sid(1), START, &twelve(), 6);
    let mut damaged = f[1].clone();
    damaged[10] ^= 0x01; // in the session id: checksum mismatch
    let timeline = Timeline::from_frames([&f[0], &damaged, &f[1]].map(|v| v.as_slice())).unwrap();
    let report = timeline.report();
    let counts: Vec<(usize, usize, usize)> = report
        .inputs
        .iter()
        .map(|i| (i.bytes, i.frames, i.corrupt_bytes))
        .collect();
    assert_eq!(
        counts,
        [
            (f[0].len(), 1, 0),
            (damaged.len(), 0, damaged.len()),
            (f[1].len(), 1, 0)
        ]
    );
    assert_eq!(report.corrupt.len(), 1);
    assert_eq!((report.corrupt[0].input, report.corrupt[0].offset), (1, 0));
    assert!(report.gaps.is_empty(), "frame 1 arrived intact later");
    assert!(!report.is_complete(), "corrupt bytes are still reported");
    let warnings = report.warnings_named(|i| format!("part{i}.tdk"));
    assert!(
        warnings.iter().any(|w| w.starts_with(&format!(
            "part1.tdk: {} bytes at offset 0 skipped: frame checksum mismatch",
            damaged.len()
        ))),
        "{warnings:?}"
    );
}
