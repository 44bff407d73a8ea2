//! Browser tests of the recorder's lifecycle, run in headless Chromium by `scripts/test`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Promise, Reflect, Uint8Array};
use recorder_wasm::Recorder;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn options_with_sink() -> JsValue {
    let options = js_sys::Object::new();
    let sink = js_sys::Function::new_no_args("");
    Reflect::set(&options, &"onFrame".into(), &sink).unwrap();
    options.into()
}

fn with(options: JsValue, name: &str, value: JsValue) -> JsValue {
    Reflect::set(&options, &name.into(), &value).unwrap();
    options
}

fn start_error(options: JsValue) -> String {
    match Recorder::start(options) {
        Ok(_) => panic!("the recording started"),
        Err(e) => {
            let e: JsValue = e.into();
            e.dyn_into::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default()
        }
    }
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

/// An `onFrame` that counts frames.
fn counting_sink() -> (Rc<RefCell<usize>>, Closure<dyn FnMut(Uint8Array)>) {
    let count = Rc::new(RefCell::new(0));
    let c = count.clone();
    let closure = Closure::<dyn FnMut(Uint8Array)>::new(move |_| *c.borrow_mut() += 1);
    (count, closure)
}

#[wasm_bindgen_test]
async fn a_second_recording_is_refused_until_the_first_stops() {
    let mut first = Recorder::start(options_with_sink()).expect("first recording starts");
    assert_eq!(first.session_id().len(), 32);
    assert!(start_error(options_with_sink()).contains("already running"));
    JsFuture::from(first.stop()).await.unwrap();
    JsFuture::from(first.stop())
        .await
        .expect("stopping twice is a no-op");
    JsFuture::from(first.flush())
        .await
        .expect("flush after stop resolves");
    assert!(
        first.add_event("late", JsValue::UNDEFINED).is_err(),
        "addEvent after stop is an error"
    );
    let mut again = Recorder::start(options_with_sink()).expect("a new recording after stop");
    assert_ne!(again.session_id(), first.session_id());
    JsFuture::from(again.stop()).await.unwrap();
}

#[wasm_bindgen_test]
fn options_without_a_sink_or_with_unknown_keys_are_rejected() {
    assert!(start_error(JsValue::UNDEFINED).contains("onFrame"));
    assert!(
        start_error(with(options_with_sink(), "maskAllInput", JsValue::TRUE))
            .contains("unknown option `maskAllInput`"),
        "a misspelled option must not be ignored"
    );
    assert!(start_error(JsValue::from_str("fast")).contains("must be an object"));
    assert!(start_error(with(
        js_sys::Object::new().into(),
        "onFrame",
        JsValue::from(3)
    ))
    .contains("must be a function"));
}

#[wasm_bindgen_test]
fn malformed_option_values_are_rejected_with_the_option_named() {
    let cases: Vec<(&str, JsValue, &str)> = vec![
        ("flushInterval", JsValue::from(1), "flushInterval"),
        ("flushInterval", JsValue::from_str("1000"), "invalid"),
        ("maxPendingBytes", JsValue::from(10), "maxPendingBytes"),
        ("maxFrameBytes", JsValue::from(-1), "invalid"),
        ("bufferSeconds", JsValue::from(0), "bufferSeconds"),
        ("bufferSeconds", JsValue::from(7200), "bufferSeconds"),
        ("endpoint", JsValue::from_str("http://[::1"), "endpoint"),
        (
            "endpoint",
            JsValue::from_str("ftp://example.com/x"),
            "endpoint",
        ),
        (
            "endpoint",
            JsValue::from(3),
            "`endpoint` must be a string (got 3)",
        ),
        (
            "flushInterval",
            JsValue::from(1000.5),
            "`flushInterval` must be a whole number",
        ),
        (
            "console",
            JsValue::from_str("yes"),
            "`console` must be true or false (got \"yes\")",
        ),
        (
            "unmaskInputTypes",
            JsValue::from_str("search"),
            "must be an array of strings",
        ),
        (
            "traceOrigins",
            js_sys::Array::of1(&JsValue::from(1)).into(),
            "must be an array of strings",
        ),
        (
            "endpointHeaders",
            JsValue::from_str("x"),
            "must be an object of string values",
        ),
    ];
    for (name, value, expected) in cases {
        let message = start_error(with(options_with_sink(), name, value));
        assert!(message.contains(expected), "{name}: {message}");
    }
    let headers = |name: &str, value: &str| {
        let h = js_sys::Object::new();
        Reflect::set(&h, &name.into(), &value.into()).unwrap();
        let o = with(options_with_sink(), "endpoint", "/ingest".into());
        with(o, "endpointHeaders", h.into())
    };
    assert!(start_error(headers("x-tapedeck-seq", "1")).contains("the recorder sets it"));
    assert!(start_error(headers("Content-Type", "text/plain")).contains("the recorder sets it"));
    assert!(start_error(headers("bad name", "1")).contains("invalid header name"));
    assert!(start_error(headers("x-key", "a\r\nb")).contains("line break"));
    let without_endpoint = {
        let h = js_sys::Object::new();
        Reflect::set(&h, &"x-key".into(), &"1".into()).unwrap();
        with(options_with_sink(), "endpointHeaders", h.into())
    };
    assert!(start_error(without_endpoint).contains("needs `endpoint`"));
    let numeric_header = {
        let h = js_sys::Object::new();
        Reflect::set(&h, &"x-key".into(), &JsValue::from(1)).unwrap();
        let o = with(options_with_sink(), "endpoint", "/ingest".into());
        with(o, "endpointHeaders", h.into())
    };
    assert!(start_error(numeric_header).contains("must be an object of string values"));
}

#[wasm_bindgen_test]
async fn options_from_any_plain_object_with_nulls_for_unset_values() {
    // Object.create(null), null for optional values, and arrays of strings are fine.
    let options: JsValue =
        js_sys::Object::create(&JsValue::NULL.unchecked_into::<js_sys::Object>()).into();
    let options = with(options, "onFrame", js_sys::Function::new_no_args("").into());
    let options = with(options, "bufferSeconds", JsValue::NULL);
    let options = with(options, "blockSelector", JsValue::NULL);
    let options = with(
        options,
        "unmaskInputTypes",
        js_sys::Array::of1(&"search".into()).into(),
    );
    let parsed = recorder_wasm::options::Options::from_js(options.clone()).unwrap();
    assert_eq!(parsed.buffer_seconds, None);
    assert_eq!(parsed.unmask_input_types, ["search"]);
    assert_eq!(parsed.flush_interval, 1000, "defaults stay");
    let mut rec = Recorder::start(options).expect("starts");
    JsFuture::from(rec.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn every_documented_option_name_is_accepted() {
    // Each name in the list must be a real field: set it to a value of the right type and
    // check that the recorder starts (unknown names and wrong types both fail).
    let values = [
        ("endpoint", JsValue::from_str("/ingest")),
        ("flushInterval", JsValue::from(1000)),
        ("maxFrameBytes", JsValue::from(65536)),
        ("maxPendingBytes", JsValue::from(1 << 20)),
        ("maskAllInputs", JsValue::TRUE),
        ("console", JsValue::FALSE),
        ("scrollSampleMs", JsValue::from(100)),
        ("bufferSeconds", JsValue::from(30)),
    ];
    for (name, value) in values {
        assert!(recorder_wasm::options::OPTION_NAMES.contains(&name));
        let mut recorder = Recorder::start(with(options_with_sink(), name, value))
            .unwrap_or_else(|_| panic!("option {name} rejected"));
        JsFuture::from(recorder.stop()).await.unwrap();
    }
}

#[wasm_bindgen_test]
fn a_relative_endpoint_is_resolved_against_the_document() {
    let options = with(
        JsValue::from(js_sys::Object::new()),
        "endpoint",
        "/ingest?k=1".into(),
    );
    let parsed = recorder_wasm::options::Options::from_js(options).unwrap();
    let location = Reflect::get(&js_sys::global(), &"location".into()).unwrap();
    let origin = Reflect::get(&location, &"origin".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(parsed.endpoint, Some(format!("{origin}/ingest?k=1")));
}

#[wasm_bindgen_test]
async fn a_failed_start_leaves_nothing_behind() {
    let (count, sink) = counting_sink();
    let bad = with(
        with(options_with_sink(), "onFrame", sink.as_ref().clone()),
        "endpoint",
        "http://[::1".into(),
    );
    assert!(Recorder::start(bad).is_err());
    // No timer or listener of the failed start delivers anything…
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("pagehide").unwrap())
        .unwrap();
    sleep(100).await;
    assert_eq!(*count.borrow(), 0);
    // …and the page is free for a recording.
    let mut rec = Recorder::start(options_with_sink()).expect("starts after a failed start");
    JsFuture::from(rec.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn frames_flow_on_the_timer_and_stop_detaches_timers_and_listeners() {
    let (count, sink) = counting_sink();
    let options = with(
        with(options_with_sink(), "onFrame", sink.as_ref().clone()),
        "flushInterval",
        JsValue::from(50),
    );
    let mut rec = Recorder::start(options).unwrap();
    rec.add_event("one", JsValue::UNDEFINED).unwrap();
    sleep(150).await;
    assert!(*count.borrow() >= 1, "the flush timer cut a frame");

    rec.add_event("two", JsValue::UNDEFINED).unwrap();
    let before = *count.borrow();
    JsFuture::from(rec.stop()).await.unwrap();
    assert_eq!(*count.borrow(), before + 1, "stop() flushed the last event");

    // After stop: no timer, no pagehide or visibility listener delivers anything.
    let window = web_sys::window().unwrap();
    window
        .dispatch_event(&web_sys::Event::new("pagehide").unwrap())
        .unwrap();
    window
        .document()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
        .unwrap();
    sleep(150).await;
    assert_eq!(*count.borrow(), before + 1);
    let stats = rec.stats();
    assert_eq!(
        Reflect::get(&stats, &"framesCut".into()).unwrap().as_f64(),
        Some((before + 1) as f64)
    );
}

#[wasm_bindgen_test]
async fn pagehide_cuts_a_frame_at_once() {
    let (count, sink) = counting_sink();
    let options = with(
        with(options_with_sink(), "onFrame", sink.as_ref().clone()),
        "flushInterval",
        JsValue::from(600_000),
    );
    let mut rec = Recorder::start(options).unwrap();
    sleep(10).await; // the start's own cut (nothing queued without DOM capture, or a snapshot)
    let before = *count.borrow();
    rec.add_event("last words", JsValue::UNDEFINED).unwrap();
    web_sys::window()
        .unwrap()
        .dispatch_event(&web_sys::Event::new("pagehide").unwrap())
        .unwrap();
    assert_eq!(*count.borrow(), before + 1, "delivered synchronously");
    JsFuture::from(rec.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_callback_that_stops_the_recording_does_not_break_it() {
    // onFrame calling back into the recorder (stop, addEvent) must not panic the instance.
    let holder: Rc<RefCell<Option<Recorder>>> = Rc::new(RefCell::new(None));
    let h = holder.clone();
    let calls = Rc::new(RefCell::new(0));
    let c = calls.clone();
    let sink = Closure::<dyn FnMut(Uint8Array)>::new(move |_| {
        *c.borrow_mut() += 1;
        if let Ok(mut slot) = h.try_borrow_mut() {
            if let Some(rec) = slot.as_mut() {
                let _ = rec.add_event("from the callback", JsValue::UNDEFINED);
                let _ = rec.stop();
            }
        }
    });
    let options = with(
        with(options_with_sink(), "onFrame", sink.as_ref().clone()),
        "flushInterval",
        JsValue::from(50),
    );
    let rec = Recorder::start(options).unwrap();
    rec.add_event("x", JsValue::UNDEFINED).unwrap();
    *holder.borrow_mut() = Some(rec);
    sleep(200).await;
    assert!(*calls.borrow() >= 1);
    // It stopped from inside the callback: a new recording can start.
    let mut next = Recorder::start(options_with_sink()).expect("the callback's stop() took");
    JsFuture::from(next.stop()).await.unwrap();
}
