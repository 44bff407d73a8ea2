//! Browser tests of the recorder's lifecycle, run in headless Chromium by `scripts/test`.
#![cfg(target_arch = "wasm32")]

use recorder_wasm::Recorder;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn options_with_sink() -> JsValue {
    let options = js_sys::Object::new();
    let sink = js_sys::Function::new_no_args("");
    js_sys::Reflect::set(&options, &"onFrame".into(), &sink).unwrap();
    options.into()
}

#[wasm_bindgen_test]
fn a_second_recording_is_refused_until_the_first_stops() {
    let mut first = Recorder::start(options_with_sink()).expect("first recording starts");
    assert_eq!(first.session_id().len(), 32);
    assert!(
        Recorder::start(options_with_sink()).is_err(),
        "a second record() must fail"
    );
    first.stop().unwrap();
    first.stop().expect("stopping twice is a no-op");
    let mut again = Recorder::start(options_with_sink()).expect("a new recording after stop");
    again.stop().unwrap();
}

#[wasm_bindgen_test]
fn options_without_a_sink_or_with_unknown_keys_are_rejected() {
    assert!(Recorder::start(JsValue::UNDEFINED).is_err());
    let options = options_with_sink();
    js_sys::Reflect::set(&options, &"maskAllInput".into(), &JsValue::TRUE).unwrap();
    assert!(
        Recorder::start(options).is_err(),
        "a misspelled option must not be ignored"
    );
}

#[wasm_bindgen_test]
fn every_documented_option_name_is_accepted() {
    // Each name in the list must be a real field: set it to a value of the right type and
    // check that the recorder starts (unknown names and wrong types both fail).
    let values = [
        ("endpoint", JsValue::from_str("/ingest")),
        ("flushInterval", JsValue::from(1000)),
        ("maskAllInputs", JsValue::TRUE),
        ("console", JsValue::FALSE),
        ("scrollSampleMs", JsValue::from(100)),
        ("bufferSeconds", JsValue::from(30)),
    ];
    for (name, value) in values {
        assert!(recorder_wasm::options::OPTION_NAMES.contains(&name));
        let options = options_with_sink();
        js_sys::Reflect::set(&options, &name.into(), &value).unwrap();
        let mut recorder =
            Recorder::start(options).unwrap_or_else(|_| panic!("option {name} rejected"));
        recorder.stop().unwrap();
    }
    let options = options_with_sink();
    js_sys::Reflect::set(&options, &"flushInterval".into(), &JsValue::from(1)).unwrap();
    assert!(
        Recorder::start(options).is_err(),
        "out-of-range values are rejected"
    );
}
