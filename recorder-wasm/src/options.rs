//! Recording options, as passed to `record(options)` from JavaScript.
//!
//! Unknown keys are an error (a typo such as `maskAllInput` must not silently record
//! unmasked values), and so are values out of range. Every default is documented here.

use serde::Deserialize;
use std::collections::BTreeMap;
use wasm_bindgen::{JsCast, JsValue};

/// Options of one recording. Field names are camelCase in JavaScript.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Options {
    /// Receives each encoded frame as a `Uint8Array`.
    #[serde(with = "serde_wasm_bindgen::preserve")]
    pub on_frame: JsValue,
    /// URL that frames are POSTed to (`application/octet-stream`, one frame per request).
    pub endpoint: Option<String>,
    /// Extra request headers for `endpoint` (an API key, say).
    pub endpoint_headers: BTreeMap<String, String>,
    /// How often buffered events are sent as a frame, ms. Default 1000.
    pub flush_interval: u32,
    /// A frame is cut early once its events reach about this many bytes. Default 512 KiB.
    pub max_frame_bytes: u32,
    /// Frames kept while the endpoint is failing; past it the oldest non-snapshot frames
    /// are dropped and a gap is recorded. Default 8 MiB.
    pub max_pending_bytes: u32,

    /// Buffer mode ("record on error"): keep only the last this-many seconds in memory and
    /// send them when an error, a failed request or `flush()` happens. `None`: live mode.
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
#[derive(Debug, thiserror::Error)]
pub enum OptionsError {
    /// Not an object, an unknown key, or a value of the wrong type.
    #[error("invalid recording options: {0}")]
    Invalid(String),
    /// Neither `onFrame` nor `endpoint` was given: frames would have nowhere to go.
    #[error("recording options need `onFrame` (a function) or `endpoint` (a URL)")]
    NoSink,
    /// A number out of its range.
    #[error("recording option `{name}` must be between {min} and {max}, got {value}")]
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

/// Every option name. serde-wasm-bindgen reads only the fields it knows, so unknown keys
/// are caught against this list (the browser test `every_documented_option_name_is_accepted`
/// checks names against the struct).
pub const OPTION_NAMES: &[&str] = &[
    "onFrame",
    "endpoint",
    "endpointHeaders",
    "flushInterval",
    "maxFrameBytes",
    "maxPendingBytes",
    "bufferSeconds",
    "maskAllInputs",
    "unmaskInputTypes",
    "maskTextSelector",
    "maskInputSelector",
    "unmaskSelector",
    "blockSelector",
    "console",
    "errors",
    "network",
    "performance",
    "captureBodies",
    "maxBodyBytes",
    "bodyAllowUrls",
    "bodyDenyUrls",
    "redactHeaders",
    "traceOrigins",
    "mousemoveSampleMs",
    "scrollSampleMs",
];

impl Options {
    /// Reads and validates options from a JavaScript value (`undefined` is not enough:
    /// a sink is required).
    pub fn from_js(value: JsValue) -> Result<Options, OptionsError> {
        let options: Options = if value.is_undefined() || value.is_null() {
            Options::default()
        } else {
            let object = value
                .dyn_ref::<js_sys::Object>()
                .ok_or_else(|| OptionsError::Invalid("options must be an object".into()))?;
            for key in js_sys::Object::keys(object).iter() {
                let key = key.as_string().unwrap_or_default();
                if !OPTION_NAMES.contains(&key.as_str()) {
                    return Err(OptionsError::Invalid(format!("unknown option `{key}`")));
                }
            }
            serde_wasm_bindgen::from_value(value)
                .map_err(|e| OptionsError::Invalid(e.to_string()))?
        };
        options.validate()?;
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
