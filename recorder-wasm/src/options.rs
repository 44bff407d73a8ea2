//! Recording options, as passed to `record(options)` from JavaScript.
//!
//! Unknown keys are an error (a typo such as `maskAllInput` must not silently record
//! unmasked values), and so are values of the wrong type or out of range; the message names
//! the option. Every default is documented here.
//!
//! Options are read field by field from the JavaScript object (see `option_table!`) rather
//! than through serde: that keeps serde's deserializer machinery and float formatting out
//! of the wasm, and gives messages such as ``"`flushInterval` must be a whole number
//! (got "1000")"``. Adding an option is a field here, its default, and a line in the table.

use crate::text::quoted;
use js_sys::{Array, Object, Reflect};
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// Options of one recording. Field names are camelCase in JavaScript.
#[derive(Debug, Clone)]
pub struct Options {
    /// Receives each encoded frame as a `Uint8Array`. An exception it throws is caught and
    /// counted; the recording goes on. With `endpoint` too, frames go to both.
    pub on_frame: JsValue,
    /// URL that frames are POSTed to (`application/octet-stream`, one frame per request,
    /// headers `x-tapedeck-session` and `x-tapedeck-seq`), retried with backoff. Relative
    /// URLs are resolved against the document when the recording starts; after
    /// [`Options::from_js`] this is absolute.
    pub endpoint: Option<String>,
    /// Extra request headers for `endpoint` (an API key, say). `content-type` and
    /// `x-tapedeck-*` are the recorder's own and cannot be set.
    pub endpoint_headers: BTreeMap<String, String>,
    /// How often buffered events are sent as a frame, ms. Default 1000 (50 – 600 000).
    pub flush_interval: u32,
    /// A frame is cut early once its events reach about this many bytes (estimated before
    /// compression). Default 512 KiB (1 KiB – 32 MiB).
    pub max_frame_bytes: u32,
    /// Bound on the encoded frames held in memory: frames waiting for `endpoint` (while it
    /// fails) and, in buffer mode, the buffer. Past it the oldest frames before the newest
    /// snapshot are dropped (see `pipeline`). Default 8 MiB (64 KiB – 256 MiB).
    pub max_pending_bytes: u32,

    /// Buffer mode ("record on error"): keep only the last this-many seconds in memory and
    /// send them when an uncaught error, an unhandled rejection, a failed request or
    /// `flush()` happens; then record live. `None` (default): live mode. 1 – 3600.
    pub buffer_seconds: Option<u32>,

    /// Mask the values of every input, textarea and select. Default `true`.
    pub mask_all_inputs: bool,
    /// Input types whose values are recorded even with `maskAllInputs` (e.g. `["search"]`).
    /// `password` is never recorded, whatever this says.
    pub unmask_input_types: Vec<String>,
    /// Elements matching this selector (and their descendants) have their text masked.
    pub mask_text_selector: Option<String>,
    /// Inputs matching this selector are masked even when unmasked otherwise.
    pub mask_input_selector: Option<String>,
    /// Elements matching this selector are recorded unmasked (inputs) — never passwords.
    pub unmask_selector: Option<String>,
    /// Elements matching this selector are replaced by a same-size placeholder.
    pub block_selector: Option<String>,

    /// Record `console.*` calls. Default `true`.
    pub console: bool,
    /// Record uncaught errors and unhandled rejections. Default `true`.
    pub errors: bool,
    /// Record fetch and XMLHttpRequest calls. Default `true`.
    pub network: bool,
    /// Record performance observations. Default `true`.
    pub performance: bool,
    /// Capture request and response bodies (text and JSON only, same-origin unless
    /// `bodyAllowUrls` says otherwise). Default `true`.
    pub capture_bodies: bool,
    /// Largest body captured, bytes; longer bodies are cut. Default 64 KiB.
    pub max_body_bytes: u32,
    /// URL prefixes (or `*` globs) whose bodies are captured even cross-origin.
    pub body_allow_urls: Vec<String>,
    /// URL prefixes (or `*` globs) whose bodies are never captured.
    pub body_deny_urls: Vec<String>,
    /// Extra header names to redact (on top of the built-in list).
    pub redact_headers: Vec<String>,
    /// Origins that receive a `traceparent` header. Default: the page's own origin only
    /// (adding a header to a cross-origin request can make it fail CORS preflight).
    pub trace_origins: Option<Vec<String>>,

    /// Minimum interval between recorded pointer-move samples, ms. Default 50.
    pub mousemove_sample_ms: u32,
    /// Minimum interval between recorded scroll positions per element, ms. Default 100.
    pub scroll_sample_ms: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            on_frame: JsValue::UNDEFINED,
            endpoint: None,
            endpoint_headers: BTreeMap::new(),
            flush_interval: 1000,
            max_frame_bytes: 512 * 1024,
            max_pending_bytes: 8 * 1024 * 1024,
            buffer_seconds: None,
            mask_all_inputs: true,
            unmask_input_types: Vec::new(),
            mask_text_selector: None,
            mask_input_selector: None,
            unmask_selector: None,
            block_selector: None,
            console: true,
            errors: true,
            network: true,
            performance: true,
            capture_bodies: true,
            max_body_bytes: 64 * 1024,
            body_allow_urls: Vec::new(),
            body_deny_urls: Vec::new(),
            redact_headers: Vec::new(),
            trace_origins: None,
            mousemove_sample_ms: 50,
            scroll_sample_ms: 100,
        }
    }
}

/// Why options were rejected.
#[derive(Debug)]
pub enum OptionsError {
    /// Not an object, an unknown key, or a value of the wrong type.
    Invalid(String),
    /// Neither `onFrame` nor `endpoint` was given: frames would have nowhere to go.
    NoSink,
    /// A number out of its range.
    OutOfRange {
        /// Option name.
        name: &'static str,
        /// Smallest accepted value.
        min: u32,
        /// Largest accepted value.
        max: u32,
        /// The value given.
        value: u32,
    },
}

impl OptionsError {
    /// The message shown to JavaScript (built without `core::fmt`, see [`crate::text`]).
    pub fn message(&self) -> String {
        use crate::text::decimal;
        match self {
            OptionsError::Invalid(detail) => ["invalid recording options: ", detail].concat(),
            OptionsError::NoSink => {
                "recording options need `onFrame` (a function) or `endpoint` (a URL)".into()
            }
            OptionsError::OutOfRange {
                name,
                min,
                max,
                value,
            } => [
                "recording option `",
                name,
                "` must be between ",
                &decimal(u64::from(*min)),
                " and ",
                &decimal(u64::from(*max)),
                ", got ",
                &decimal(u64::from(*value)),
            ]
            .concat(),
        }
    }
}

impl std::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for OptionsError {}

/// Declares, in one place, each option's JavaScript name and field: generates
/// [`OPTION_NAMES`] and the reader used by [`Options::from_js`].
macro_rules! option_table {
    ($($name:literal => $field:ident,)*) => {
        /// Every option name, as written in JavaScript.
        pub const OPTION_NAMES: &[&str] = &[$($name),*];

        fn read_fields(object: &Object, options: &mut Options) -> Result<(), OptionsError> {
            $(
                if let Some(value) = read(object, $name)? {
                    options.$field = FromJs::from_js($name, value)?;
                }
            )*
            Ok(())
        }
    };
}

option_table! {
    "onFrame" => on_frame,
    "endpoint" => endpoint,
    "endpointHeaders" => endpoint_headers,
    "flushInterval" => flush_interval,
    "maxFrameBytes" => max_frame_bytes,
    "maxPendingBytes" => max_pending_bytes,
    "bufferSeconds" => buffer_seconds,
    "maskAllInputs" => mask_all_inputs,
    "unmaskInputTypes" => unmask_input_types,
    "maskTextSelector" => mask_text_selector,
    "maskInputSelector" => mask_input_selector,
    "unmaskSelector" => unmask_selector,
    "blockSelector" => block_selector,
    "console" => console,
    "errors" => errors,
    "network" => network,
    "performance" => performance,
    "captureBodies" => capture_bodies,
    "maxBodyBytes" => max_body_bytes,
    "bodyAllowUrls" => body_allow_urls,
    "bodyDenyUrls" => body_deny_urls,
    "redactHeaders" => redact_headers,
    "traceOrigins" => trace_origins,
    "mousemoveSampleMs" => mousemove_sample_ms,
    "scrollSampleMs" => scroll_sample_ms,
}

/// `object[name]`, `None` when undefined. Not inlined: it is called once per option.
#[inline(never)]
fn read(object: &Object, name: &str) -> Result<Option<JsValue>, OptionsError> {
    let value = Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| OptionsError::Invalid(["cannot read `", name, "`"].concat()))?;
    Ok((!value.is_undefined()).then_some(value))
}

/// A value an option can hold, read from JavaScript with a message naming the option.
trait FromJs: Sized {
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError>;
}

fn wrong(name: &str, expected: &str, value: &JsValue) -> OptionsError {
    let got = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| value.js_typeof().as_string().unwrap_or_default());
    let got: String = got.chars().take(40).collect();
    OptionsError::Invalid(["`", name, "` must be ", expected, " (got ", &got, ")"].concat())
}

impl FromJs for JsValue {
    fn from_js(_: &str, value: JsValue) -> Result<Self, OptionsError> {
        Ok(value)
    }
}

impl FromJs for bool {
    #[inline(never)]
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError> {
        value
            .as_bool()
            .ok_or_else(|| wrong(name, "true or false", &value))
    }
}

impl FromJs for u32 {
    #[inline(never)]
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError> {
        match value.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as u32),
            _ => Err(wrong(name, "a whole number", &value)),
        }
    }
}

impl FromJs for String {
    #[inline(never)]
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError> {
        value
            .as_string()
            .ok_or_else(|| wrong(name, "a string", &value))
    }
}

impl FromJs for Vec<String> {
    #[inline(never)]
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError> {
        let array = value
            .dyn_ref::<Array>()
            .filter(|_| Array::is_array(&value))
            .ok_or_else(|| wrong(name, "an array of strings", &value))?;
        array
            .iter()
            .map(|item| item.as_string())
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| wrong(name, "an array of strings", &value))
    }
}

impl FromJs for BTreeMap<String, String> {
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError> {
        let expected = "an object of string values";
        if !value.is_object() || Array::is_array(&value) {
            return Err(wrong(name, expected, &value));
        }
        let object: &Object = value.unchecked_ref();
        let mut map = BTreeMap::new();
        for entry in Object::entries(object).iter() {
            let entry: Array = entry.unchecked_into();
            match (entry.get(0).as_string(), entry.get(1).as_string()) {
                (Some(k), Some(v)) => {
                    map.insert(k, v);
                }
                _ => return Err(wrong(name, expected, &value)),
            }
        }
        Ok(map)
    }
}

impl<T: FromJs> FromJs for Option<T> {
    fn from_js(name: &str, value: JsValue) -> Result<Self, OptionsError> {
        if value.is_null() {
            Ok(None)
        } else {
            T::from_js(name, value).map(Some)
        }
    }
}

impl Options {
    /// Reads and validates options from a JavaScript value (`undefined` is not enough:
    /// a sink is required).
    pub fn from_js(value: JsValue) -> Result<Options, OptionsError> {
        let mut options = Options::default();
        if !value.is_undefined() && !value.is_null() {
            if !value.is_object() || Array::is_array(&value) {
                return Err(OptionsError::Invalid("options must be an object".into()));
            }
            let object: &Object = value.unchecked_ref();
            for key in Object::keys(object).iter() {
                let key = key.as_string().unwrap_or_default();
                if !OPTION_NAMES.contains(&key.as_str()) {
                    return Err(OptionsError::Invalid(
                        ["unknown option `", &key, "`"].concat(),
                    ));
                }
            }
            read_fields(object, &mut options)?;
        }
        options.validate()?;
        if let Some(endpoint) = &options.endpoint {
            options.endpoint = Some(resolve_url(endpoint).ok_or_else(|| {
                OptionsError::Invalid(
                    ["`endpoint` is not a valid URL: ", &quoted(endpoint)].concat(),
                )
            })?);
        }
        Ok(options)
    }

    fn validate(&self) -> Result<(), OptionsError> {
        if !self.on_frame.is_function() && self.endpoint.is_none() {
            if !self.on_frame.is_undefined() && !self.on_frame.is_null() {
                return Err(OptionsError::Invalid("`onFrame` must be a function".into()));
            }
            return Err(OptionsError::NoSink);
        }
        let ranges: [(&'static str, u32, u32, u32); 6] = [
            ("flushInterval", self.flush_interval, 50, 600_000),
            ("maxFrameBytes", self.max_frame_bytes, 1024, 32 << 20),
            (
                "maxPendingBytes",
                self.max_pending_bytes,
                64 * 1024,
                256 << 20,
            ),
            ("maxBodyBytes", self.max_body_bytes, 0, 16 << 20),
            ("mousemoveSampleMs", self.mousemove_sample_ms, 0, 10_000),
            ("scrollSampleMs", self.scroll_sample_ms, 0, 10_000),
        ];
        for (name, value, min, max) in ranges {
            if value < min || value > max {
                return Err(OptionsError::OutOfRange {
                    name,
                    min,
                    max,
                    value,
                });
            }
        }
        for (name, value) in &self.endpoint_headers {
            let lower = name.to_ascii_lowercase();
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(OptionsError::Invalid(
                    [
                        "`endpointHeaders` has an invalid header name ",
                        &quoted(name),
                    ]
                    .concat(),
                ));
            }
            if lower == "content-type" || lower.starts_with("x-tapedeck-") {
                return Err(OptionsError::Invalid(
                    [
                        "`endpointHeaders` cannot set ",
                        &quoted(name),
                        ": the recorder sets it",
                    ]
                    .concat(),
                ));
            }
            if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
                return Err(OptionsError::Invalid(
                    [
                        "`endpointHeaders` value of ",
                        &quoted(name),
                        " contains a line break",
                    ]
                    .concat(),
                ));
            }
        }
        if !self.endpoint_headers.is_empty() && self.endpoint.is_none() {
            return Err(OptionsError::Invalid(
                "`endpointHeaders` needs `endpoint`".into(),
            ));
        }
        if let Some(seconds) = self.buffer_seconds {
            if !(1..=3600).contains(&seconds) {
                return Err(OptionsError::OutOfRange {
                    name: "bufferSeconds",
                    min: 1,
                    max: 3600,
                    value: seconds,
                });
            }
        }
        Ok(())
    }
}

/// Header-name characters (RFC 9110 `tchar`).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Resolves `url` against the document's base URL (or takes it as it is when absolute);
/// `None` when it does not parse or is not http(s).
pub fn resolve_url(url: &str) -> Option<String> {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    let parsed = match &base {
        Some(base) => web_sys::Url::new_with_base(url, base).ok()?,
        None => web_sys::Url::new(url).ok()?,
    };
    matches!(parsed.protocol().as_str(), "http:" | "https:").then(|| parsed.href())
}
