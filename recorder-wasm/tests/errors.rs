//! The error hook in headless Chromium: uncaught exceptions, unhandled rejections and
//! resources that failed to load become `Error` events.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use recorder_core::event::{ErrorKind, EventData, PageError};
use recorder_wasm::capture::errors;
use recorder_wasm::options::Options;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function dispatchError(error) {
  window.dispatchEvent(new ErrorEvent('error', {
    message: 'Uncaught ' + String(error), filename: 'https://app.example/app.js?token=abc',
    lineno: 12, colno: 7, error,
  }));
}
export function dispatchRejection(reason) {
  const promise = Promise.resolve();
  window.dispatchEvent(new PromiseRejectionEvent('unhandledrejection', { promise, reason }));
}
export function throwInside(name) { const e = new RangeError('nope ' + name); return e; }
export function brokenImage() {
  return new Promise((resolve) => {
    const img = document.createElement('img');
    img.onerror = () => { img.remove(); resolve(); };
    img.src = '/definitely-missing.png?v=1&session=1';
    document.body.appendChild(img);
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = dispatchError)]
    fn dispatch_error(error: &JsValue);
    #[wasm_bindgen(js_name = dispatchRejection)]
    fn dispatch_rejection(reason: &JsValue);
    #[wasm_bindgen(js_name = throwInside)]
    fn make_error(name: &str) -> JsValue;
    #[wasm_bindgen(js_name = brokenImage)]
    fn broken_image() -> js_sys::Promise;
}

fn page_errors(events: Vec<EventData>) -> Vec<PageError> {
    events
        .into_iter()
        .filter_map(|e| match e {
            EventData::Error(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
fn uncaught_exceptions_are_recorded_with_their_stack() {
    let rec = recording(Options::default());
    let capture = errors::Capture::install(&rec).unwrap();
    dispatch_error(&make_error("thrown"));
    let object = js_sys::Object::new();
    set(&object, "code", &7.into());
    dispatch_error(&object);
    drop(capture);
    dispatch_error(&make_error("after stop"));

    let errors = page_errors(events(&rec));
    assert_eq!(errors.len(), 2, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.kind, ErrorKind::Exception);
    assert_eq!(e.message, "RangeError: nope thrown");
    assert!(
        e.stack.as_deref().unwrap().contains("throwInside"),
        "{:?}",
        e.stack
    );
    assert_eq!(
        e.source.as_deref(),
        Some("https://app.example/app.js?token=[redacted]")
    );
    assert_eq!((e.line, e.column), (12, 7));
    assert_eq!(errors[1].message, "Uncaught {code: 7}");
    assert_eq!(errors[1].stack, None);
}

#[wasm_bindgen_test]
fn unhandled_rejections_are_recorded() {
    let rec = recording(Options::default());
    let capture = errors::Capture::install(&rec).unwrap();
    dispatch_rejection(&make_error("rejected"));
    dispatch_rejection(&"plain reason".into());
    drop(capture);

    let errors = page_errors(events(&rec));
    assert_eq!(errors.len(), 2);
    let e = &errors[0];
    assert_eq!(e.kind, ErrorKind::UnhandledRejection);
    assert_eq!(e.message, "RangeError: nope rejected");
    assert!(e.stack.is_some());
    // Where the error was made, from the top frame of its stack.
    assert!(e.source.as_deref().is_some_and(|s| !s.is_empty()), "{e:?}");
    assert!(e.line > 0 && e.column > 0);
    assert_eq!(errors[1].message, "plain reason");
    assert_eq!((errors[1].stack.as_deref(), errors[1].line), (None, 0));
}

#[wasm_bindgen_test]
async fn resources_that_fail_to_load_are_recorded() {
    let rec = recording(Options::default());
    let capture = errors::Capture::install(&rec).unwrap();
    JsFuture::from(broken_image()).await.unwrap();
    drop(capture);

    let errors = page_errors(events(&rec));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.kind, ErrorKind::Resource);
    assert_eq!(e.message, "Failed to load <img>");
    let source = e.source.as_deref().unwrap();
    assert!(
        // Absolute, and redacted (`session` is a sensitive parameter name).
        source.ends_with("/definitely-missing.png?v=1&session=[redacted]"),
        "absolute URL: {source}"
    );
}
