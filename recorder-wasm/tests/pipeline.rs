//! Browser tests of the pipeline: frame cuts, the sinks, retries, the `maxPendingBytes`
//! bound and buffer mode. They drive a `Pipeline` directly with synthetic events (the DOM
//! capture is not needed to produce a snapshot) and replace the page's `fetch` with a
//! scripted stub (`stub.js`) before the pipeline captures it.
#![cfg(target_arch = "wasm32")]

use js_sys::{Promise, Reflect, Uint8Array};
use recorder_core::event::{
    Console, Custom, ErrorKind, Event, EventData, Level, Meta, PageError, Snapshot,
};
use recorder_core::frame;
use recorder_wasm::emit::Recording;
use recorder_wasm::options::Options;
use recorder_wasm::pipeline::transport::Originals;
use recorder_wasm::pipeline::Pipeline;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/stub.js")]
extern "C" {
    #[wasm_bindgen(js_name = installFetch)]
    fn install_fetch(plan: JsValue);
    #[wasm_bindgen(js_name = releaseHanging)]
    fn release_hanging(status: u16);
    #[wasm_bindgen(js_name = extendPlan)]
    fn extend_plan(steps: JsValue);
    fn calls() -> js_sys::Array;
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch();
    #[wasm_bindgen(js_name = countWarnings)]
    fn count_warnings() -> JsValue;
}

/// Collects what `onFrame` receives.
struct Sink {
    frames: Rc<RefCell<Vec<Vec<u8>>>>,
    function: Closure<dyn FnMut(Uint8Array)>,
}

impl Sink {
    fn new() -> Sink {
        let frames = Rc::new(RefCell::new(Vec::new()));
        let f = frames.clone();
        let function = Closure::<dyn FnMut(Uint8Array)>::new(move |bytes: Uint8Array| {
            f.borrow_mut().push(bytes.to_vec())
        });
        Sink { frames, function }
    }

    fn js(&self) -> JsValue {
        self.function.as_ref().clone()
    }

    fn decoded(&self) -> Vec<frame::Frame> {
        decode_all(&self.frames.borrow())
    }
}

fn decode_all(frames: &[Vec<u8>]) -> Vec<frame::Frame> {
    frames
        .iter()
        .map(|f| frame::decode(f).expect("every delivered frame decodes"))
        .collect()
}

fn custom(name: &str) -> EventData {
    Custom {
        name: name.into(),
        payload: String::new(),
    }
    .into()
}

/// A Custom event whose payload does not compress: `n` random hex digits.
fn bulky(name: &str, n: usize) -> EventData {
    let payload = (0..n)
        .map(|_| char::from_digit((js_sys::Math::random() * 16.0) as u32, 16).unwrap())
        .collect();
    Custom {
        name: name.into(),
        payload,
    }
    .into()
}

fn names(frame: &frame::Frame) -> Vec<String> {
    frame
        .events
        .iter()
        .map(|e| match &e.data {
            EventData::Custom(c) => c.name.clone(),
            EventData::Meta(_) => "<meta>".into(),
            EventData::Snapshot(_) => "<snapshot>".into(),
            EventData::Error(_) => "<error>".into(),
            EventData::Console(_) => "<console>".into(),
            other => format!("{other:?}"),
        })
        .collect()
}

fn emit_checkpoint(recording: &Recording) {
    recording.emit_dom(Meta::default().into());
    recording.emit_dom(
        Snapshot {
            first_id: 1,
            nodes: Vec::new(),
        }
        .into(),
    );
}

fn start(options: Options) -> (Rc<Recording>, Rc<Pipeline>) {
    let recording = Rc::new(Recording::new(options));
    let pipeline = Pipeline::new(recording.clone(), Default::default(), Originals::capture());
    let r = recording.clone();
    pipeline.set_checkpoint(Some(Box::new(move || emit_checkpoint(&r))));
    (recording, pipeline)
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn stat(pipeline: &Pipeline, name: &str) -> f64 {
    Reflect::get(&pipeline.stats(), &name.into())
        .unwrap()
        .as_f64()
        .unwrap_or_else(|| panic!("stats().{name} is a number"))
}

/// Waits (up to `ms`) for `done`.
async fn until(ms: i32, mut done: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while !done() {
        if waited >= ms {
            return false;
        }
        sleep(20).await;
        waited += 20;
    }
    true
}

fn plan(steps: &[JsValue]) -> JsValue {
    steps.iter().collect::<js_sys::Array>().into()
}

struct Call {
    seq: u32,
    keepalive: bool,
    body: Vec<u8>,
    headers: JsValue,
}

fn recorded_calls() -> Vec<Call> {
    calls()
        .iter()
        .map(|c| {
            let get = |k: &str| Reflect::get(&c, &k.into()).unwrap();
            Call {
                seq: get("seq").as_f64().unwrap() as u32,
                keepalive: get("keepalive").as_bool().unwrap(),
                body: get("body").unchecked_into::<Uint8Array>().to_vec(),
                headers: get("headers"),
            }
        })
        .collect()
}

fn header(call: &Call, name: &str) -> Option<String> {
    Reflect::get(&call.headers, &name.into()).ok()?.as_string()
}

#[wasm_bindgen_test]
fn frames_decode_and_keep_the_order_of_events() {
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        ..Options::default()
    });
    for i in 0..5 {
        recording.emit(custom(&format!("e{i}")));
    }
    pipeline.cut();
    recording.emit(custom("e5"));
    pipeline.cut();
    pipeline.cut(); // nothing queued: no empty frame
    let frames = sink.decoded();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].header.seq, 0);
    assert_eq!(frames[1].header.seq, 1);
    assert_eq!(names(&frames[0]), ["e0", "e1", "e2", "e3", "e4"]);
    assert_eq!(names(&frames[1]), ["e5"]);
    assert_eq!(
        frames[0].header.session_start,
        recording.clock.session_start
    );
    let _ = pipeline.finish();
}

#[wasm_bindgen_test]
fn a_snapshot_starts_a_new_frame_and_keeps_its_meta() {
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        ..Options::default()
    });
    recording.emit(custom("before"));
    emit_checkpoint(&recording);
    recording.emit(custom("after"));
    pipeline.cut();
    let frames = sink.decoded();
    assert_eq!(frames.len(), 2, "the snapshot frame stands alone");
    assert_eq!(names(&frames[0]), ["before"]);
    assert_eq!(names(&frames[1]), ["<meta>", "<snapshot>", "after"]);
    let _ = pipeline.finish();
}

#[wasm_bindgen_test]
async fn a_frame_is_cut_soon_after_it_passes_max_frame_bytes() {
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        max_frame_bytes: 1024,
        flush_interval: 600_000,
        ..Options::default()
    });
    let console = |n: usize| -> EventData {
        Console {
            level: Level::Log,
            args: vec!["x".repeat(n)],
            stack: None,
        }
        .into()
    };
    recording.emit(console(600));
    recording.emit(console(600)); // the frame is now full
    assert!(sink.frames.borrow().is_empty(), "no encoding inside emit");
    recording.emit(console(10)); // starts the next frame
    assert!(until(1000, || !sink.frames.borrow().is_empty()).await);
    let frames = sink.decoded();
    assert_eq!(frames.len(), 2);
    assert_eq!(frames[0].events.len(), 2);
    assert_eq!(frames[1].events.len(), 1);
    let _ = pipeline.finish();
}

#[wasm_bindgen_test]
fn a_throwing_on_frame_is_counted_and_warned_once_through_the_original_console() {
    let before = count_warnings(); // what `console.warn` is when the recording starts
    let throwing = js_sys::Function::new_no_args("throw new Error('sink is broken')");
    let (recording, pipeline) = start(Options {
        on_frame: throwing.into(),
        ..Options::default()
    });
    let after = count_warnings(); // a capture wrapping console.warn later
    for i in 0..3 {
        recording.emit(custom(&format!("e{i}")));
        pipeline.cut();
    }
    assert_eq!(stat(&pipeline, "callbackErrors"), 3.0);
    assert_eq!(stat(&pipeline, "framesCut"), 3.0, "the recording goes on");
    let messages = |w: &JsValue| -> Vec<String> {
        let f: js_sys::Function = Reflect::get(w, &"messages".into()).unwrap().into();
        let list: js_sys::Array = f.call0(&JsValue::UNDEFINED).unwrap().into();
        list.iter().map(|m| m.as_string().unwrap()).collect()
    };
    let restore = |w: &JsValue| {
        let f: js_sys::Function = Reflect::get(w, &"restore".into()).unwrap().into();
        f.call0(&JsValue::UNDEFINED).unwrap();
    };
    let original = messages(&before);
    let wrapped = messages(&after);
    restore(&after);
    restore(&before);
    assert_eq!(original.len(), 1, "warned once: {original:?}");
    assert!(original[0].contains("onFrame threw") && original[0].contains("sink is broken"));
    assert!(wrapped.is_empty(), "the wrapped console is not used");
    let _ = pipeline.finish();
}

fn http_options(on_frame: Option<&Sink>) -> Options {
    let mut headers = std::collections::BTreeMap::new();
    headers.insert("x-api-key".to_string(), "k1".to_string());
    Options {
        on_frame: on_frame.map_or(JsValue::UNDEFINED, Sink::js),
        endpoint: Some("http://127.0.0.1:9/ingest".into()),
        endpoint_headers: headers,
        flush_interval: 600_000,
        ..Options::default()
    }
}

#[wasm_bindgen_test]
async fn the_endpoint_gets_every_frame_in_order_through_failures() {
    install_fetch(plan(&[500.into(), "network".into(), {
        let step = js_sys::Object::new();
        Reflect::set(&step, &"status".into(), &429.into()).unwrap();
        Reflect::set(&step, &"retryAfter".into(), &"1".into()).unwrap();
        step.into()
    }]));
    let (recording, pipeline) = start(http_options(None));
    // The page (or a capture) wraps fetch after the start: the pipeline must not use it.
    let wrapped_calls = Rc::new(RefCell::new(0));
    let counter = wrapped_calls.clone();
    let wrapper = Closure::<dyn FnMut()>::new(move || *counter.borrow_mut() += 1);
    let global: JsValue = js_sys::global().into();
    let stub = Reflect::get(&global, &"fetch".into()).unwrap();
    Reflect::set(&global, &"fetch".into(), wrapper.as_ref()).unwrap();

    recording.emit(custom("a"));
    pipeline.cut();
    recording.emit(custom("b"));
    let flushed = pipeline.flush();
    JsFuture::from(flushed).await.unwrap(); // resolves at the first failure
    assert!(stat(&pipeline, "failedAttempts") >= 1.0);
    assert!(
        until(8000, || stat(&pipeline, "framesDelivered") == 2.0).await,
        "both frames delivered after 500, network error and 429"
    );
    Reflect::set(&global, &"fetch".into(), &stub).unwrap();
    assert_eq!(
        *wrapped_calls.borrow(),
        0,
        "our requests use the original fetch"
    );

    let calls = recorded_calls();
    let seqs: Vec<u32> = calls.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [0, 0, 0, 0, 1], "retried in order, one at a time");
    // Retry-After: 1 s was honoured before the fourth attempt.
    let at = |i: u32| {
        Reflect::get(&calls_js(i), &"at".into())
            .unwrap()
            .as_f64()
            .unwrap()
    };
    assert!(at(3) - at(2) >= 990.0, "Retry-After honoured");
    for call in &calls {
        assert_eq!(
            header(call, "content-type").as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(header(call, "x-api-key").as_deref(), Some("k1"));
        assert_eq!(
            header(call, "x-tapedeck-session"),
            Some(recorder_core::frame::SessionId::default().to_string())
        );
        assert_eq!(header(call, "x-tapedeck-seq"), Some(call.seq.to_string()));
        assert_eq!(frame::decode(&call.body).unwrap().header.seq, call.seq);
    }
    let delivered: Vec<frame::Frame> = decode_all(&[calls[3].body.clone(), calls[4].body.clone()]);
    assert_eq!(names(&delivered[0]), ["a"]);
    assert_eq!(names(&delivered[1]), ["b"]);
    assert_eq!(stat(&pipeline, "pendingFrames"), 0.0);
    let _ = pipeline.finish();
    restore_fetch();
}

fn calls_js(i: u32) -> JsValue {
    calls().get(i)
}

#[wasm_bindgen_test]
async fn a_refused_frame_is_dropped_and_counted() {
    install_fetch(plan(&[400.into()]));
    let (recording, pipeline) = start(http_options(None));
    recording.emit(custom("refused"));
    pipeline.cut();
    recording.emit(custom("accepted"));
    JsFuture::from(pipeline.flush()).await.unwrap();
    assert!(until(2000, || stat(&pipeline, "framesDelivered") == 1.0).await);
    assert_eq!(stat(&pipeline, "framesRejected"), 1.0);
    let seqs: Vec<u32> = recorded_calls().iter().map(|c| c.seq).collect();
    assert_eq!(seqs, [0, 1], "a 400 is not retried");
    let _ = pipeline.finish();
    restore_fetch();
}

#[wasm_bindgen_test]
async fn flush_resolves_once_the_endpoint_has_answered() {
    install_fetch(plan(&["hang".into()]));
    let (recording, pipeline) = start(http_options(None));
    recording.emit(custom("a"));
    let flushed = Rc::new(RefCell::new(false));
    let done = flushed.clone();
    let promise = pipeline.flush();
    wasm_bindgen_futures::spawn_local(async move {
        JsFuture::from(promise).await.unwrap();
        *done.borrow_mut() = true;
    });
    sleep(100).await;
    assert!(!*flushed.borrow(), "still waiting for the endpoint");
    release_hanging(204);
    assert!(until(1000, || *flushed.borrow()).await);
    assert_eq!(stat(&pipeline, "framesDelivered"), 1.0);
    let _ = pipeline.finish();
    restore_fetch();
}

#[wasm_bindgen_test]
async fn the_bound_drops_oldest_frames_keeps_the_snapshot_and_reports_the_gap() {
    // The first request hangs, so everything after it waits; each frame is ~8 KB of
    // incompressible payload against a 64 KiB bound.
    install_fetch(plan(&["hang".into()]));
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        max_pending_bytes: 64 * 1024,
        ..http_options(Some(&sink))
    });
    recording.emit(custom("first")); // seq 0: in flight, hanging
    pipeline.cut();
    sleep(10).await; // the sender starts on the microtask queue
    emit_checkpoint(&recording); // seq 1: the anchor
    pipeline.cut();
    for i in 0..12 {
        recording.emit(bulky(&format!("bulk{i}"), 8000));
        pipeline.cut();
        let pending = stat(&pipeline, "pendingBytes");
        assert!(
            pending <= 64.0 * 1024.0,
            "bound held after frame {i}: {pending}"
        );
    }
    assert!(stat(&pipeline, "framesDropped") >= 1.0);
    // Recovery: the hanging request answers, everything else is accepted.
    release_hanging(200);
    JsFuture::from(pipeline.flush()).await.unwrap();
    assert!(until(4000, || stat(&pipeline, "pendingFrames") == 0.0).await);

    let delivered: Vec<frame::Frame> = decode_all(
        &recorded_calls()
            .iter()
            .map(|c| c.body.clone())
            .collect::<Vec<_>>(),
    );
    let seqs: Vec<u32> = delivered.iter().map(|f| f.header.seq).collect();
    let all: Vec<u32> = (0..*seqs.iter().max().unwrap() + 1).collect();
    let missing: Vec<u32> = all.iter().copied().filter(|s| !seqs.contains(s)).collect();
    assert!(!missing.is_empty(), "some frames were dropped");
    // The dropped event names exactly the missing frames.
    let reports: Vec<serde_json::Value> = delivered
        .iter()
        .flat_map(|f| f.events.iter())
        .filter_map(|e| match &e.data {
            EventData::Custom(c) if c.name == "tapedeck.dropped" => {
                Some(serde_json::from_str(&c.payload).unwrap())
            }
            _ => None,
        })
        .collect();
    // Each report carries the session's running total (a frame carrying an earlier
    // report may itself have been dropped).
    let reported: u64 = reports
        .iter()
        .map(|r| r["totalFrames"].as_u64().unwrap())
        .max()
        .unwrap();
    assert_eq!(
        reported,
        missing.len() as u64,
        "{reports:?} vs missing {missing:?}"
    );
    assert_eq!(stat(&pipeline, "framesDropped") as u64, reported);
    // A snapshot frame is among those delivered after the gap, so replay can resume.
    let last_gap = *missing.last().unwrap();
    assert!(
        delivered
            .iter()
            .any(|f| f.header.seq > last_gap && names(f).contains(&"<snapshot>".to_string())),
        "a snapshot follows the gap"
    );
    // onFrame saw every frame, dropped or not: the bound is about the endpoint's queue.
    assert_eq!(sink.frames.borrow().len(), all.len());
    let _ = pipeline.finish();
    restore_fetch();
}

#[wasm_bindgen_test]
async fn unload_sends_waiting_frames_with_keepalive_within_64_kib() {
    install_fetch(plan(&["hang".into()]));
    let (recording, pipeline) = start(http_options(None));
    recording.emit(custom("in flight"));
    pipeline.cut(); // seq 0 hangs
    sleep(10).await;
    recording.emit(bulky("big", 70_000));
    pipeline.cut(); // seq 1: too big for keepalive
    recording.emit(custom("small")); // seq 2, cut by page_hidden
    pipeline.page_hidden(true);
    sleep(50).await;
    let keepalive: Vec<u32> = recorded_calls()
        .iter()
        .filter(|c| c.keepalive)
        .map(|c| c.seq)
        .collect();
    assert_eq!(
        keepalive,
        [0, 2],
        "the in-flight frame again, and what fits in 64 KiB"
    );
    release_hanging(200);
    assert!(until(2000, || stat(&pipeline, "pendingFrames") == 0.0).await);
    let _ = pipeline.finish();
    restore_fetch();
}

#[wasm_bindgen_test]
async fn buffer_mode_holds_the_last_seconds_and_sends_them_on_an_error() {
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        buffer_seconds: Some(1),
        flush_interval: 600_000,
        ..Options::default()
    });
    emit_checkpoint(&recording); // the initial snapshot
    let started = recording.clock.now();
    let mut checkpoints = vec![started];
    for i in 0..30 {
        recording.emit(custom(&format!("e{i}")));
        pipeline.cut();
        if i % 5 == 4 {
            checkpoints.push(recording.clock.now());
            pipeline.buffer_checkpoint(); // every 0.5 s, as the recorder's timer does
        }
        sleep(100).await;
    }
    assert!(
        sink.frames.borrow().is_empty(),
        "nothing sent before the trigger"
    );
    assert!(pipeline.is_buffering());
    let trigger_time = recording.clock.now();
    recording.emit(
        PageError {
            kind: ErrorKind::Exception,
            message: "boom".into(),
            stack: None,
            source: None,
            line: 0,
            column: 0,
        }
        .into(),
    );
    assert!(until(1000, || !sink.frames.borrow().is_empty()).await);
    assert!(!pipeline.is_buffering(), "live after the trigger");
    let frames = sink.decoded();
    let seqs: Vec<u32> = frames.iter().map(|f| f.header.seq).collect();
    assert_eq!(
        seqs,
        (0..frames.len() as u32).collect::<Vec<_>>(),
        "renumbered from 0"
    );
    assert_eq!(
        names(&frames[0])[..2],
        ["<meta>", "<snapshot>"],
        "starts at a snapshot"
    );
    // The buffer starts at the newest checkpoint at or before the window start (now − 1 s
    // when the trigger was handled): it reaches back at least 1 s, and no later checkpoint
    // would have done.
    let first = frames[0].events[0].time;
    assert!(
        first + 1000 <= trigger_time + 20,
        "covers at least 1 s before the trigger: starts {} ms before",
        trigger_time - first
    );
    assert!(checkpoints.contains(&first) || checkpoints.contains(&(first - 1)));
    for &c in checkpoints.iter().filter(|&&c| c > first + 1) {
        assert!(
            c + 1000 > trigger_time,
            "checkpoint at {c} was a later possible start"
        );
    }
    assert!(first > started, "the oldest part was forgotten");
    let last = frames.last().unwrap();
    assert_eq!(names(last).last().map(String::as_str), Some("<error>"));
    // Live from now on, numbering on.
    recording.emit(custom("live"));
    pipeline.cut();
    let frames = sink.decoded();
    let live = frames.last().unwrap();
    assert_eq!(names(live), ["live"]);
    assert_eq!(live.header.seq, seqs.len() as u32);
    let _ = pipeline.finish();
}

#[wasm_bindgen_test]
fn buffer_mode_flush_releases_and_stop_discards() {
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        buffer_seconds: Some(30),
        ..Options::default()
    });
    emit_checkpoint(&recording);
    recording.emit(custom("a"));
    pipeline.cut();
    assert!(sink.frames.borrow().is_empty());
    let _ = pipeline.flush();
    assert_eq!(
        sink.decoded().iter().map(names).collect::<Vec<_>>(),
        [["<meta>", "<snapshot>", "a"]]
    );

    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        buffer_seconds: Some(30),
        ..Options::default()
    });
    emit_checkpoint(&recording);
    recording.emit(custom("never sent"));
    pipeline.cut();
    let _ = pipeline.finish();
    assert!(
        sink.frames.borrow().is_empty(),
        "stop() discards an unreleased buffer"
    );
}

#[wasm_bindgen_test]
fn the_recorders_own_requests_are_not_recorded() {
    let sink = Sink::new();
    let (recording, pipeline) = start(http_options(Some(&sink)));
    assert!(recording.is_own_request("http://127.0.0.1:9/ingest"));
    assert!(recording.is_own_request("http://127.0.0.1:9/ingest?x=1"));
    assert!(!recording.is_own_request("http://127.0.0.1:9/ingest2"));
    assert!(!recording.is_own_request("/api"));
    // A failing request to the endpoint would otherwise end up in the recording (and
    // release a buffer).
    recording.emit(
        recorder_core::event::Network {
            url: "http://127.0.0.1:9/ingest".into(),
            status: Some(500),
            ..Default::default()
        }
        .into(),
    );
    recording.emit(custom("kept"));
    let events: Vec<Event> = recording.take_events();
    assert_eq!(events.len(), 1);
    let _ = pipeline.finish();
}

#[wasm_bindgen_test]
async fn an_on_frame_that_detaches_its_array_does_not_spoil_the_endpoints_copy() {
    install_fetch(plan(&[]));
    let detaching =
        js_sys::Function::new_with_args("b", "structuredClone(b, { transfer: [b.buffer] })");
    let (recording, pipeline) = start(Options {
        on_frame: detaching.into(),
        ..http_options(None)
    });
    recording.emit(custom("both sinks"));
    JsFuture::from(pipeline.flush()).await.unwrap();
    assert_eq!(stat(&pipeline, "callbackErrors"), 0.0);
    assert!(until(1000, || stat(&pipeline, "framesDelivered") == 1.0).await);
    let calls = recorded_calls();
    assert_eq!(
        names(&frame::decode(&calls[0].body).unwrap()),
        ["both sinks"]
    );
    let _ = pipeline.finish();
    restore_fetch();
}

#[wasm_bindgen_test]
async fn live_an_error_is_an_ordinary_event_and_cuts_nothing_early() {
    let sink = Sink::new();
    let (recording, pipeline) = start(Options {
        on_frame: sink.js(),
        flush_interval: 600_000,
        ..Options::default()
    });
    recording.emit(
        PageError {
            kind: ErrorKind::Exception,
            message: "boom".into(),
            stack: None,
            source: None,
            line: 0,
            column: 0,
        }
        .into(),
    );
    sleep(50).await;
    assert!(
        sink.frames.borrow().is_empty(),
        "no frame before the next cut"
    );
    pipeline.cut();
    assert_eq!(names(&sink.decoded()[0]), ["<error>"]);
    let _ = pipeline.finish();
}
