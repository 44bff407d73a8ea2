//! Console capture: `console.debug`, `log`, `info`, `warn`, `error`, `trace` and `assert`
//! are wrapped; each call is recorded as a [`Console`] event and then runs the page's own
//! console method unchanged (same `this`, arguments and return value).
//!
//! - Arguments are rendered to text by [`render`](super::render::render) (objects, errors, DOM
//!   nodes, cycles), each at most [`ARG_LIMIT`] bytes and all together [`TOTAL_LIMIT`],
//!   redacted by the network rules: values of sensitive keys, secrets in URLs and
//!   JSON-like strings, card numbers (see [`render::redact_text`]).
//! - printf-style formats are applied when the first argument is a string containing `%`,
//!   as the browser console does: `%s`, `%d`/`%i`, `%f`, `%o`/`%O` consume an argument,
//!   `%c` consumes one and prints nothing (it is CSS), `%%` is `%`. The formatted text is
//!   the first recorded argument; arguments left over follow it separately.
//! - `console.assert(condition, …)` is recorded only when the condition is falsy, with
//!   the remaining arguments (or `Assertion failed` when there are none).
//! - warn, error, trace and assert record the stack of the call site, without the
//!   recorder's own frames.
//! - A console call made while a hook is running (a Proxy trap or getter invoked by our
//!   own code, the frame sink) is passed through but not recorded.

use super::js;
use super::redaction::Redaction;
use super::render::{self, render};
use super::stack;
use crate::emit::Recording;
use crate::hooks::MethodHook;
use crate::ids::NodeIds;
use js_sys::{Array, Object};
use recorder_core::event::{Console, Level};
use recorder_core::redact::Redactor;
use std::borrow::Cow;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};

/// Largest rendered argument, bytes.
pub const ARG_LIMIT: usize = 2048;
/// Largest total of one call's rendered arguments, bytes.
pub const TOTAL_LIMIT: usize = 8 * 1024;
/// Most arguments recorded per call.
pub const MAX_ARGS: usize = 32;

const METHODS: [(&str, Level); 7] = [
    ("debug", Level::Debug),
    ("log", Level::Log),
    ("info", Level::Info),
    ("warn", Level::Warn),
    ("error", Level::Error),
    ("trace", Level::Trace),
    ("assert", Level::Assert),
];

/// The installed console capture; dropping it restores every console method.
#[derive(Debug)]
pub struct Capture {
    _hooks: Vec<MethodHook>,
}

impl Capture {
    /// Wraps the console methods that exist (a missing one is simply not recorded).
    pub fn install(recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        let console = js::global("console");
        let redaction = Rc::new(Redaction::new(&recording.options));
        let mut hooks = Vec::new();
        if !console.is_object() {
            return Ok(Capture { _hooks: hooks });
        }
        for (name, level) in METHODS {
            let recording = Rc::downgrade(recording);
            let redaction = Rc::clone(&redaction);
            let target = console.clone();
            let before = move |_this: JsValue, args: Array| -> JsValue {
                js::guarded(|| {
                    let redactor = redaction.redactor();
                    record(&recording, redactor, &target, name, level, &args)
                });
                JsValue::UNDEFINED
            };
            let object: &Object = console.unchecked_ref();
            if let Some(hook) = MethodHook::install(object, name, Some(Box::new(before)), None) {
                hooks.push(hook);
            }
        }
        Ok(Capture { _hooks: hooks })
    }
}

fn record(
    recording: &Weak<Recording>,
    redactor: &Redactor,
    console: &JsValue,
    name: &str,
    level: Level,
    args: &Array,
) {
    let Some(recording) = recording.upgrade() else {
        return;
    };
    let mut values: Vec<JsValue> = args.iter().collect();
    if level == Level::Assert {
        if values.first().is_some_and(JsValue::is_truthy) {
            return;
        }
        if !values.is_empty() {
            values.remove(0);
        }
    }
    let mut args = format_args(&values, Some(&recording.ids), redactor);
    if level == Level::Assert && args.is_empty() {
        args.push("Assertion failed".to_owned());
    }
    let stack = match level {
        Level::Warn | Level::Error | Level::Trace | Level::Assert => call_site_stack(console, name),
        _ => None,
    };
    recording.emit(Console { level, args, stack }.into());
}

/// Renders a call's arguments, applying a printf-style first argument.
pub fn format_args(values: &[JsValue], ids: Option<&NodeIds>, redactor: &Redactor) -> Vec<String> {
    let mut out = Vec::new();
    let mut used = 0;
    let mut rest = values;
    if let Some(format) = values.first().and_then(JsValue::as_string) {
        if format.contains('%') {
            let (text, consumed) = printf(&format, &values[1..], ids, redactor);
            used += text.len();
            out.push(text);
            rest = values.get(1 + consumed..).unwrap_or(&[]);
        }
    }
    for value in rest {
        let budget = ARG_LIMIT.min(TOTAL_LIMIT.saturating_sub(used));
        if out.len() >= MAX_ARGS || budget == 0 {
            out.push("…".to_owned());
            break;
        }
        let text = render(value, ids, redactor, budget);
        used += text.len();
        out.push(text);
    }
    out
}

/// Applies `format` to `args` as the console does; returns the text and how many
/// arguments it consumed.
fn printf(
    format: &str,
    args: &[JsValue],
    ids: Option<&NodeIds>,
    redactor: &Redactor,
) -> (String, usize) {
    let mut out = String::with_capacity(format.len());
    let mut next = 0;
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.clone().next() else {
            out.push('%');
            break;
        };
        let consumes = matches!(spec, 's' | 'd' | 'i' | 'f' | 'o' | 'O' | 'c');
        if spec == '%' {
            chars.next();
            out.push('%');
        } else if consumes && next < args.len() {
            chars.next();
            let arg = &args[next];
            next += 1;
            match spec {
                'd' | 'i' | 'f' => out.push_str(&number_text(arg, spec == 'f')),
                'c' => {}
                _ => out.push_str(&render(arg, ids, redactor, ARG_LIMIT)),
            }
        } else {
            out.push('%');
        }
        if out.len() > ARG_LIMIT {
            break;
        }
    }
    // Redacted as a whole: a secret may be split between the format and an argument
    // (`'card %s'`, `'?token=%s'`).
    let out = match render::redact_text(redactor, &out) {
        Cow::Borrowed(_) => out,
        Cow::Owned(masked) => masked,
    };
    (render::cap(out, ARG_LIMIT), next)
}

/// `%d`, `%i` (integer) and `%f` of a value, as the console prints them.
fn number_text(value: &JsValue, float: bool) -> String {
    if value.is_bigint() {
        return js::primitive_text(value) + "n";
    }
    // Strings convert as `Number(s)` does (`"42"` → 42), without linking a float parser.
    let n = value
        .as_f64()
        .or_else(|| {
            value
                .as_string()
                .map(|s| js_sys::Number::from(JsValue::from(s)).value_of())
        })
        .unwrap_or(f64::NAN);
    let n = if float { n } else { n.trunc() };
    js::primitive_text(&JsValue::from_f64(n))
}

/// The stack of the page code that called the console method `name`: V8's
/// `Error.captureStackTrace` cut at the method's wrapper when available, else a fresh
/// `Error().stack` with the recorder's own frames dropped.
fn call_site_stack(console: &JsValue, name: &str) -> Option<String> {
    let error = js::global("Error");
    let capture = js::get(&error, "captureStackTrace");
    let wrapper = js::get(console, name);
    // V8 counts the recorder's own wasm frames against `Error.stackTraceLimit` (10 by
    // default); lift it for this one capture so the page's frames fit.
    let limit = js::get(&error, "stackTraceLimit");
    let lifted = limit.as_f64().map(|n| n + 64.0);
    if let Some(lifted) = lifted {
        js::set(&error, "stackTraceLimit", &lifted.into());
    }
    let mut stack = None;
    if capture.is_function() && wrapper.is_function() {
        let holder: JsValue = Object::new().into();
        if js::apply(&capture, &error, &[&holder, &wrapper]).is_ok() {
            stack = js::get_string(&holder, "stack").map(|s| stack::below_wrapper(&s));
        }
    }
    if stack.as_ref().is_none_or(String::is_empty) {
        stack = js::construct("Error", &[])
            .ok()
            .and_then(|fresh| js::get_string(&fresh, "stack"))
            .map(|s| stack::call_site(&s));
    }
    if lifted.is_some() {
        js::set(&error, "stackTraceLimit", &limit);
    }
    stack.filter(|s| !s.is_empty())
}
