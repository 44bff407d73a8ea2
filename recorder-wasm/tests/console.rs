//! The console hook in headless Chromium: what it records, and that the page's console
//! behaves exactly as before.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use recorder_core::event::{Console, EventData, Level};
use recorder_core::redact::Redactor;
use recorder_wasm::capture::console::{self, ARG_LIMIT};
use recorder_wasm::capture::render::render;
use recorder_wasm::options::Options;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const LEVELS: [&str; 7] = ["debug", "log", "info", "warn", "error", "trace", "assert"];

/// Runs `f` with every console method replaced by one spy, then puts the real ones back
/// (assert after this returns: a failing assertion reports through the console).
fn with_spy<R>(f: impl FnOnce(&js_sys::Function) -> R) -> (R, js_sys::Function) {
    let console = global("console");
    let originals: Vec<JsValue> = LEVELS.iter().map(|l| get(&console, l)).collect();
    let spy = make_spy();
    for level in LEVELS {
        set(&console, level, &spy);
    }
    let result = f(&spy);
    for (level, original) in LEVELS.iter().zip(originals) {
        set(&console, level, &original);
    }
    (result, spy)
}

fn consoles(events: Vec<EventData>) -> Vec<Console> {
    events
        .into_iter()
        .filter_map(|e| match e {
            EventData::Console(c) => Some(c),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
fn every_level_is_recorded_and_the_page_console_still_runs() {
    let ((rec, returned, restored), spy) = with_spy(|spy| {
        let rec = recording(Options::default());
        let capture = console::Capture::install(&rec).unwrap();
        let args = array(&[
            "hello".into(),
            42.into(),
            true.into(),
            JsValue::NULL,
            JsValue::UNDEFINED,
        ]);
        let returned = call_console("log", &args);
        for level in ["debug", "info", "warn", "error", "trace"] {
            call_console(level, &array(&[level.into()]));
        }
        call_console("assert", &array(&[true.into(), "holds".into()]));
        call_console("assert", &array(&[0.into(), "broken".into()]));
        call_console("assert", &array(&[false.into()]));
        drop(capture);
        let restored = get(&global("console"), "log") == JsValue::from(spy.clone());
        (rec, returned, restored)
    });
    assert_eq!(
        returned, "spy-result",
        "the original's return value reaches the page"
    );
    assert!(
        restored,
        "dropping the capture restores the page's console.log"
    );

    // The page's console saw every call, with its own `this` and arguments.
    let calls = spy_calls(&spy);
    assert_eq!(calls.length(), 9);
    let first = calls.get(0);
    assert_eq!(get(&first, "self"), global("console"));
    let first_args: js_sys::Array = get(&first, "args").into();
    assert_eq!(first_args.length(), 5);
    assert_eq!(first_args.get(0), "hello");
    assert!(first_args.get(4).is_undefined());

    let recorded = consoles(events(&rec));
    let levels: Vec<Level> = recorded.iter().map(|c| c.level).collect();
    use Level::*;
    assert_eq!(
        levels,
        [Log, Debug, Info, Warn, Error, Trace, Assert, Assert]
    );
    assert_eq!(
        recorded[0].args,
        ["hello", "42", "true", "null", "undefined"]
    );
    assert_eq!(recorded[0].stack, None, "log has no stack");
    assert_eq!(recorded[6].args, ["broken"]);
    assert_eq!(recorded[7].args, ["Assertion failed"]);
    for c in &recorded[3..] {
        let stack = c
            .stack
            .as_deref()
            .expect("warn/error/trace/assert have a stack");
        assert!(
            stack.lines().next().unwrap().contains("callConsole"),
            "the stack starts at the page's call site: {stack}"
        );
        assert!(
            !stack.contains("glue.js") && !stack.contains("wrapper"),
            "{stack}"
        );
    }
}

#[wasm_bindgen_test]
fn objects_render_safely() {
    let ((rec, getters, id), spy) = with_spy(|_| {
        let rec = recording(Options::default());
        let capture = console::Capture::install(&rec).unwrap();
        let getters = getter_object();
        let document = web_sys::window().unwrap().document().unwrap();
        let button = document.create_element("button").unwrap();
        let id = rec.ids.assign(&button);
        let div = document.create_element("div").unwrap();
        let args = array(&[
            cyclic(),
            get(&getters, "obj"),
            button.into(),
            div.into(),
            hostile_proxy(),
            revoked_proxy(),
        ]);
        call_console("log", &args);
        drop(capture);
        (rec, getters, id)
    });
    assert_eq!(
        spy_calls(&spy).length(),
        1,
        "the page's console ran despite the proxies"
    );
    assert_eq!(
        get(&get(&getters, "state"), "hits"),
        0,
        "a getter was invoked"
    );
    let recorded = consoles(events(&rec));
    assert_eq!(
        recorded[0].args,
        [
            r#"{name: "a", list: [1, [Circular]], self: [Circular]}"#.to_owned(),
            "{a: 1, secret: [Getter]}".to_owned(),
            format!("<button #{id}>"),
            "<div>".to_owned(),
            "{}".to_owned(),
            "{}".to_owned(),
        ]
    );
}

#[wasm_bindgen_test]
fn values_of_every_kind_render_compactly() {
    let rendered: Vec<String> = sample_values()
        .iter()
        .map(|v| render(&v, None, &Redactor::default(), ARG_LIMIT))
        .collect();
    let expected = [
        r#"Map(1) {"a" => 1}"#,
        r#"Set(2) {1, "two"}"#,
        "{a: {b: {c: {…}}}}",
        "[Function named]",
        "[Function (anonymous)]",
        "10n",
        "Symbol(s)",
        "1970-01-01T00:00:00.000Z",
        "Uint8Array(4)",
        "Point {x: 1}",
        r#"{k: "v"}"#,
        r#"["x", <empty>, "z"]"#,
        r#"{"needs quotes": "line\nbreak \"q\""}"#,
        "-0.5",
        "NaN",
    ];
    assert_eq!(&rendered[..expected.len()], expected);
    // Integers are printed by the recorder itself, as JavaScript would.
    for (n, text) in [
        (-42.0, "-42"),
        (-0.0, "0"),
        (9007199254740991.0, "9007199254740991"),
        (9007199254740992.0, "9007199254740992"),
        (1e21, "1e+21"),
        (f64::INFINITY, "Infinity"),
    ] {
        assert_eq!(
            render(&JsValue::from(n), None, &Redactor::default(), ARG_LIMIT),
            text
        );
    }
    let error = &rendered[expected.len()];
    assert!(error.starts_with("TypeError: bad\n    at "), "{error}");
}

#[wasm_bindgen_test]
fn formats_are_applied_and_sizes_capped() {
    let (rec, _) = with_spy(|_| {
        let rec = recording(Options::default());
        let capture = console::Capture::install(&rec).unwrap();
        let object = js_sys::Object::new();
        set(&object, "a", &1.into());
        call_console(
            "log",
            &array(&[
                "%s is %d years, %o %c100%% %x".into(),
                "Ann".into(),
                42.9.into(),
                object.into(),
                "color: red".into(),
                "extra".into(),
            ]),
        );
        call_console("log", &array(&["%s and %s".into(), "only one".into()]));
        let long = "x".repeat(10_000);
        let big: js_sys::Array = (0..1000).map(JsValue::from).collect();
        call_console("log", &array(&[long.as_str().into(), big.into()]));
        let many: js_sys::Array = (0..100).map(|_| JsValue::from(long.as_str())).collect();
        call_console("log", &many);
        drop(capture);
        rec
    });
    let recorded = consoles(events(&rec));
    assert_eq!(
        recorded[0].args,
        ["Ann is 42 years, {a: 1} 100% %x", "extra"]
    );
    assert_eq!(recorded[1].args, ["only one and %s"]);
    let [long_arg, big_arg] = &recorded[2].args[..] else {
        panic!("two args: {:?}", recorded[2].args);
    };
    assert!(long_arg.len() <= ARG_LIMIT + '…'.len_utf8() && long_arg.ends_with('…'));
    assert!(big_arg.ends_with(", … 950 more]"), "{big_arg}");
    let total: usize = recorded[3].args.iter().map(String::len).sum();
    assert!(total <= console::TOTAL_LIMIT + 64, "total {total}");
    assert_eq!(recorded[3].args.last().unwrap(), "…");
}

#[wasm_bindgen_test]
fn the_recorder_does_not_record_itself() {
    let (rec, spy) = with_spy(|_| {
        let rec = recording(Options::default());
        let capture = console::Capture::install(&rec).unwrap();
        // Rendering the proxy runs its trap, which logs: that inner call must reach the
        // page's console but not the recording.
        call_console("log", &array(&[logging_proxy()]));
        drop(capture);
        rec
    });
    let calls = spy_calls(&spy);
    assert!(calls.length() >= 2, "the trap's own log reached the page");
    let inner: js_sys::Array = get(&calls.get(1), "args").into();
    assert_eq!(inner.get(0), "trap ran");
    let recorded = consoles(events(&rec));
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].args, ["{x: 1}"]);
}

#[wasm_bindgen_test]
fn sensitive_keys_and_card_numbers_are_redacted() {
    let parse = |json: &str| js_sys::JSON::parse(json).unwrap();
    let (rec, _) = with_spy(|_| {
        let rec = recording(Options::default());
        let capture = console::Capture::install(&rec).unwrap();
        call_console(
            "log",
            &array(&[
                "login".into(),
                parse(
                    r#"{"user": "ann", "password": "hunter2", "apiKey": {"id": 7},
                        "auth": {"access_token": "abc", "author": "bob"},
                        "session_id": "", "otp": null, "pin": 1234, "cvv": false}"#,
                ),
                parse(r#"[{"client_secret": "s3"}]"#),
            ]),
        );
        call_console(
            "warn",
            &array(&[
                "paid with %s, card 4111 1111 1111 1111".into(),
                "5555555555554444".into(),
                parse(
                    r#"{"note": "card 4111-1111-1111-1111", "order": 1718036327123, "n": 4111111111111111}"#,
                ),
            ]),
        );
        call_console(
            "error",
            &array(&[
                "GET /api/orders?token=t0k3n&page=2 failed".into(),
                r#"{"user":"ann","client_secret":"s3cr3t"}"#.into(),
                "retry %s".into(),
                "https://x.example/cb?code=c0d3".into(),
            ]),
        );
        let map = js_sys::Map::new();
        map.set(&"token".into(), &"t0k3n".into());
        map.set(&"count".into(), &2.into());
        call_console("log", &array(&[map.into()]));
        drop(capture);
        rec
    });
    let recorded = consoles(events(&rec));
    assert_eq!(
        recorded[0].args,
        [
            "login",
            r#"{user: "ann", password: [redacted], apiKey: [redacted], auth: [redacted], session_id: "", otp: null, pin: [redacted], cvv: false}"#,
            "[{client_secret: [redacted]}]",
        ]
    );
    assert_eq!(
        recorded[1].args,
        [
            "paid with ************4444, card **** **** **** 1111",
            r#"{note: "card ****-****-****-1111", order: 1718036327123, n: ************1111}"#,
        ]
    );
    assert_eq!(
        recorded[2].args,
        [
            "GET /api/orders?token=[redacted]&page=2 failed",
            r#"{"user":"ann","client_secret":"[redacted]"}"#,
            "retry %s", // only a first argument is a format
            "https://x.example/cb?code=[redacted]",
        ]
    );
    assert_eq!(
        recorded[3].args,
        [r#"Map(2) {"token" => [redacted], "count" => 2}"#]
    );
    let text = format!("{recorded:?}");
    for secret in ["hunter2", "abc", "s3", "t0k3n", "c0d3", "4111 1111", "5555"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[wasm_bindgen_test]
fn thrown_values_are_redacted_too() {
    let value = js_sys::JSON::parse(r#"{"message": "no", "token": "abc"}"#).unwrap();
    assert_eq!(
        render(&value, None, &Redactor::default(), ARG_LIMIT),
        r#"{message: "no", token: [redacted]}"#
    );
    let error = js_sys::Error::new("charge failed for 4111111111111111");
    let text = render(&error.into(), None, &Redactor::default(), ARG_LIMIT);
    assert!(
        text.starts_with("Error: charge failed for ************1111"),
        "{text}"
    );
}
