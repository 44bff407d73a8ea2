//! The network hooks in headless Chromium, against the test runner's own server (same
//! origin: unknown paths answer 404), `data:` URLs and a closed port. The end-to-end tests
//! (tests/e2e/hooks.test.mjs) check what a real server receives.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use recorder_core::event::{EventData, Initiator, Network};
use recorder_core::TraceParent;
use recorder_wasm::capture::{console, network};
use recorder_wasm::options::Options;
use recorder_wasm::Recorder;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export async function fetchText(input, init) {
  const response = await fetch(input, init);
  return { status: response.status, text: await response.text(), isResponse: response instanceof Response };
}
export function fetchError(input, init) {
  let promise;
  try { promise = fetch(input, init); } catch (e) { return Promise.resolve({ sync: e }); }
  return promise.then(() => null, (e) => e);
}
export function abortedFetch(url) {
  const controller = new AbortController();
  const promise = fetch(url, { signal: controller.signal });
  controller.abort();
  return promise.then(() => null, (e) => e);
}
export function xhr(method, url, body, headers) {
  return new Promise((resolve) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    for (const [k, v] of headers || []) x.setRequestHeader(k, v);
    x.onloadend = () => resolve({ status: x.status, text: x.responseText });
    x.send(body);
  });
}
export function makeRequest(url, init) { return new Request(url, init); }
export function throwingInit() { return { get headers() { throw new Error('page getter'); } }; }
export function inheritedInit() { return Object.create({ method: 'POST', body: 'inherited body' }); }
export function beacon(url, data) { return navigator.sendBeacon(url, data); }
export function natives() {
  const p = XMLHttpRequest.prototype;
  return [window.fetch, p.open, p.send, p.setRequestHeader, Navigator.prototype.sendBeacon, console.log];
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = fetchText)]
    fn fetch_text(input: &JsValue, init: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fetchError)]
    fn fetch_error(input: &JsValue, init: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = abortedFetch)]
    fn aborted_fetch(url: &str) -> js_sys::Promise;
    fn xhr(method: &str, url: &str, body: &JsValue, headers: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = makeRequest)]
    fn make_request(url: &str, init: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = throwingInit)]
    fn throwing_init() -> JsValue;
    #[wasm_bindgen(js_name = inheritedInit)]
    fn inherited_init() -> JsValue;
    fn beacon(url: &str, data: &JsValue) -> bool;
    fn natives() -> js_sys::Array;
}

fn requests(events: Vec<EventData>) -> Vec<Network> {
    events
        .into_iter()
        .filter_map(|e| match e {
            EventData::Network(n) => Some(n),
            _ => None,
        })
        .collect()
}

fn header<'a>(n: &'a Network, name: &str) -> Option<&'a str> {
    n.request_headers
        .iter()
        .find(|h| h.name == name)
        .map(|h| h.value.as_str())
}

/// Lets the hooks' own promise callbacks (body reading) run.
async fn settle() {
    for _ in 0..20 {
        let tick = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 5)
                .unwrap();
        });
        JsFuture::from(tick).await.unwrap();
    }
}

fn json_headers(pairs: &[(&str, &str)]) -> JsValue {
    let object = js_sys::Object::new();
    for (k, v) in pairs {
        set(&object, k, &(*v).into());
    }
    object.into()
}

#[wasm_bindgen_test]
async fn fetch_responses_reach_the_page_unchanged_and_bodies_are_redacted() {
    let rec = recording(Options {
        body_allow_urls: vec!["data:".into()],
        ..Options::default()
    });
    let capture = network::Capture::install(&rec).unwrap();
    let json = r#"{"token":"abc","items":[1,2]}"#;
    let url = format!("data:application/json,{json}");
    let page = JsFuture::from(fetch_text(&url.as_str().into(), &JsValue::UNDEFINED))
        .await
        .unwrap();
    settle().await;
    drop(capture);

    assert_eq!(get(&page, "status"), 200);
    assert_eq!(get(&page, "text"), json, "the page reads the whole body");
    assert_eq!(get(&page, "isResponse"), true);
    let recorded = requests(events(&rec));
    assert_eq!(recorded.len(), 1);
    let n = &recorded[0];
    assert_eq!(n.initiator, Some(Initiator::Fetch));
    assert_eq!((n.method.as_str(), n.status), ("GET", Some(200)));
    assert_eq!(
        n.response_body.as_ref().map(|b| b.text.as_str()),
        Some(r#"{"token":"[redacted]","items":[1,2]}"#)
    );
    assert_eq!(n.trace_id, None, "data: is not the page's origin");
    assert!(n.duration >= 0.0);
}

#[wasm_bindgen_test]
async fn same_origin_requests_get_a_traceparent_without_touching_the_pages_objects() {
    let rec = recording(Options::default());
    let capture = network::Capture::install(&rec).unwrap();
    let init = js_sys::Object::new();
    set(
        &init,
        "headers",
        &json_headers(&[("X-Custom", "1"), ("Authorization", "Bearer s3cret")]),
    );
    let request = make_request("/tapedeck-missing?api_key=k", &init);
    let page = JsFuture::from(fetch_text(&request, &JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(get(&page, "status"), 404);
    let request_headers: web_sys::Headers = get(&request, "headers").into();
    assert!(
        !request_headers.has("traceparent").unwrap(),
        "the page's Request was not mutated"
    );

    // A traceparent set by the page is kept, and its trace id recorded.
    let own = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let init = js_sys::Object::new();
    let pairs: js_sys::Array = [array(&["traceparent".into(), own.into()])]
        .iter()
        .collect();
    set(&init, "headers", &pairs);
    JsFuture::from(fetch_text(&"/tapedeck-own-trace".into(), &init))
        .await
        .unwrap();
    // Members inherited by `init` are still seen by fetch.
    JsFuture::from(fetch_text(&"/tapedeck-inherited".into(), &inherited_init()))
        .await
        .unwrap();
    settle().await;
    drop(capture);

    let recorded = requests(events(&rec));
    assert_eq!(recorded.len(), 3);
    let n = &recorded[0];
    assert_eq!(n.status, Some(404));
    assert!(
        n.url.ends_with("/tapedeck-missing?api_key=[redacted]"),
        "{}",
        n.url
    );
    assert_eq!(header(n, "authorization"), Some("[redacted]"));
    assert_eq!(header(n, "x-custom"), Some("1"));
    let sent = TraceParent::parse(header(n, "traceparent").expect("traceparent sent")).unwrap();
    assert_eq!(Some(sent.trace_id), n.trace_id);
    assert!(sent.sampled());

    assert_eq!(
        recorded[1].trace_id.map(|t| t.to_string()).as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(header(&recorded[1], "traceparent"), Some(own));

    let n = &recorded[2];
    assert_eq!(n.method, "POST");
    assert!(n.trace_id.is_some());
    assert_eq!(
        n.request_body.as_ref().map(|b| b.text.as_str()),
        Some("inherited body")
    );
    assert_eq!(n.request_size, Some(14));
}

#[wasm_bindgen_test]
async fn failures_and_aborts_reach_the_page_as_before() {
    let rec = recording(Options::default());
    let capture = network::Capture::install(&rec).unwrap();
    let failure = JsFuture::from(fetch_error(
        &"http://127.0.0.1:1/closed".into(),
        &JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let aborted = JsFuture::from(aborted_fetch("/tapedeck-aborted"))
        .await
        .unwrap();
    let thrown = JsFuture::from(fetch_error(&"/tapedeck-getter".into(), &throwing_init()))
        .await
        .unwrap();
    settle().await;
    drop(capture);

    assert!(failure.is_instance_of::<js_sys::TypeError>());
    assert_eq!(get(&aborted, "name"), "AbortError");
    assert_eq!(
        get(&thrown, "message"),
        "page getter",
        "the page's own exception"
    );
    let recorded = requests(events(&rec));
    let errors: Vec<Option<&str>> = recorded.iter().map(|n| n.error.as_deref()).collect();
    assert_eq!(
        errors,
        [
            Some("TypeError: Failed to fetch"),
            Some("abort"),
            Some("Error: page getter")
        ]
    );
    assert!(recorded.iter().all(|n| n.status.is_none()));
    assert_eq!(recorded[0].trace_id, None, "no traceparent cross-origin");
}

#[wasm_bindgen_test]
async fn xhr_requests_are_recorded() {
    let rec = recording(Options::default());
    let capture = network::Capture::install(&rec).unwrap();
    let headers: js_sys::Array = [
        array(&["Content-Type".into(), "application/json".into()]),
        array(&["X-Api-Key".into(), "k".into()]),
    ]
    .iter()
    .collect();
    let body = r#"{"user":"ann","password":"hunter2"}"#;
    let page = JsFuture::from(xhr("POST", "/tapedeck-xhr", &body.into(), &headers))
        .await
        .unwrap();
    JsFuture::from(xhr(
        "GET",
        "http://127.0.0.1:1/closed",
        &JsValue::NULL,
        &JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    // The page's `onloadend` resolved the promise before the recorder's listener ran.
    settle().await;
    drop(capture);

    assert!(get(&page, "status").as_f64().unwrap() >= 400.0);
    let recorded = requests(events(&rec));
    assert_eq!(recorded.len(), 2);
    let n = &recorded[0];
    assert_eq!(n.initiator, Some(Initiator::Xhr));
    assert_eq!(n.method, "POST");
    assert_eq!(n.status.map(f64::from), get(&page, "status").as_f64());
    assert_eq!(header(n, "x-api-key"), Some("[redacted]"));
    assert_eq!(
        n.request_body.as_ref().map(|b| b.text.as_str()),
        Some(r#"{"user":"ann","password":"[redacted]"}"#)
    );
    let sent = TraceParent::parse(header(n, "traceparent").unwrap()).unwrap();
    assert_eq!(Some(sent.trace_id), n.trace_id);
    assert!(!n.response_headers.is_empty());

    let failed = &recorded[1];
    assert_eq!(
        (failed.status, failed.error.as_deref()),
        (None, Some("error"))
    );
    assert_eq!(failed.trace_id, None);
}

#[wasm_bindgen_test]
fn beacons_are_recorded() {
    let rec = recording(Options::default());
    let capture = network::Capture::install(&rec).unwrap();
    assert!(beacon("/tapedeck-beacon", &"payload".into()));
    drop(capture);
    let recorded = requests(events(&rec));
    assert_eq!(recorded.len(), 1);
    let n = &recorded[0];
    assert_eq!(
        (n.initiator, n.method.as_str()),
        (Some(Initiator::Beacon), "POST")
    );
    assert_eq!(
        n.request_body.as_ref().map(|b| b.text.as_str()),
        Some("payload")
    );
}

#[wasm_bindgen_test]
async fn stop_restores_every_native_function() {
    let before = natives();
    let options = js_sys::Object::new();
    set(&options, "onFrame", &js_sys::Function::new_no_args(""));
    let mut recorder = Recorder::start(options.into()).unwrap();
    let during = natives();
    for i in 0..before.length() {
        assert_ne!(before.get(i), during.get(i), "hook {i} installed");
    }
    wasm_bindgen_futures::JsFuture::from(recorder.stop())
        .await
        .unwrap();
    let after = natives();
    for i in 0..before.length() {
        assert_eq!(before.get(i), after.get(i), "hook {i} restored");
    }
    // Sanity: the console capture is part of the recorder's set.
    let _ = console::ARG_LIMIT;
}
