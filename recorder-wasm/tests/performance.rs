//! The performance observer and the `Meta` event in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use recorder_core::event::{DeviceKind, EventData, Performance};
use recorder_wasm::capture::redaction::Redaction;
use recorder_wasm::capture::{meta, performance};
use recorder_wasm::options::Options;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function busy(ms) { const end = performance.now() + ms; while (performance.now() < end) {} }
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function fetchSomething() { return fetch('/tapedeck-perf-fetch').then(() => {}, () => {}); }
"#)]
extern "C" {
    fn busy(ms: f64);
    fn sleep(ms: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fetchSomething)]
    fn fetch_something() -> js_sys::Promise;
}

#[wasm_bindgen_test]
async fn long_tasks_resources_and_heap_are_observed() {
    let rec = recording(Options::default());
    let capture = performance::Capture::install(&rec).unwrap();
    busy(120.0);
    JsFuture::from(fetch_something()).await.unwrap();
    JsFuture::from(sleep(300.0)).await.unwrap();
    drop(capture);

    let perf: Vec<Performance> = events(&rec)
        .into_iter()
        .filter_map(|e| match e {
            EventData::Performance(p) => Some(p),
            _ => None,
        })
        .collect();
    assert!(
        perf.iter()
            .any(|p| matches!(p, Performance::LongTask(t) if t.duration >= 100.0)),
        "a 120 ms task is a long task: {perf:?}"
    );
    // The test harness's own scripts loaded before the observer existed (buffered).
    let resources: Vec<_> = perf
        .iter()
        .filter_map(|p| match p {
            Performance::Resource(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(
        resources.iter().any(|r| r.initiator == "script"),
        "{resources:?}"
    );
    assert!(
        resources
            .iter()
            .all(|r| !r.url.contains("tapedeck-perf-fetch")),
        "fetches are left to the network hooks"
    );
    assert!(
        perf.iter()
            .any(|p| matches!(p, Performance::Memory(m) if m.used > 0 && m.limit >= m.total)),
        "Chrome exposes the heap size"
    );
}

#[wasm_bindgen_test]
fn meta_describes_the_page_and_the_browser() {
    let options = Options::default();
    let meta = meta::collect(&Redaction::new(&options));
    assert!(meta.url.starts_with("http://127.0.0.1:"), "{}", meta.url);
    assert!(meta.user_agent.contains("HeadlessChrome"));
    assert_eq!(meta.browser.name, "Headless Chrome");
    assert_eq!(meta.device.kind, DeviceKind::Bot);
    assert_eq!(meta.os.name, "Linux");
    assert!(meta.viewport.width > 0 && meta.screen.width > 0);
    assert!(meta.device_pixel_ratio > 0.0);
    assert!(!meta.language.is_empty());
    assert!(!meta.time_zone.is_empty());
    assert_eq!(meta.recorder_version, recorder_wasm::version());

    let rec = recording(options);
    meta::emit_meta(&rec);
    assert!(matches!(&events(&rec)[..], [EventData::Meta(m)] if m.url == meta.url));
}
