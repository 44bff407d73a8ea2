//! Tapedeck's browser recorder: captures a page's DOM, input, console, errors, network and
//! performance into Tapedeck frames (see `recorder-core`), and delivers them.
//!
//! The data flows capture → encode → transport:
//! - [`capture`] — one module per source, each installed as a value whose drop detaches it;
//! - [`emit`] — the shared recording context every capture pushes events through;
//! - [`pipeline`] — events → frames → the sinks (a JS callback and/or an HTTP endpoint,
//!   [`pipeline::transport`]), with the `maxPendingBytes` bound and buffer mode.
//!
//! JavaScript uses it through the `tapedeck` npm package (`record(options)`), which wraps
//! [`Recorder`].
//!
//! # Lifecycle
//! [`Recorder::start`] validates the options, reads the page's `fetch` and `console.warn`
//! before any capture wraps them (the recorder's own requests and warnings are not
//! recorded), installs the captures (a failure leaves nothing installed), then starts the
//! flush timer (and buffer mode's checkpoint timer) and the `pagehide` /
//! `visibilitychange` listeners. [`Recorder::stop`] cuts a last frame, then drops all of
//! it, which detaches every hook; a second call does nothing. One recording runs per page.
#![deny(missing_docs, rust_2018_idioms)]

pub mod capture;
pub mod emit;
pub mod hooks;
pub mod ids;
pub mod options;
pub mod pipeline;
pub mod text;

use capture::Captures;
use emit::Recording;
use gloo_timers::callback::Interval;
use hooks::Listener;
use options::Options;
use pipeline::transport::Originals;
use pipeline::Pipeline;
use recorder_core::event::Custom;
use recorder_core::frame::SessionId;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    /// One recording per page: a second `record()` is an error, not a second observer.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// The recorder's version, as recorded in `Meta` events.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// A running recording. `stop()` (or dropping it) detaches every hook.
#[wasm_bindgen]
pub struct Recorder {
    session_id: SessionId,
    /// Kept after `stop()` for `stats()`.
    pipeline: Rc<Pipeline>,
    active: Option<Active>,
}

/// Everything attached to the page while recording. Dropping it detaches it all: fields
/// drop in declaration order, so the captures go first, then the timers and listeners.
struct Active {
    #[allow(dead_code)] // held for its Drop
    captures: Rc<Captures>,
    _flush_timer: Interval,
    _checkpoint_timer: Option<Interval>,
    _pagehide: Option<Listener>,
    _visibility: Option<Listener>,
}

#[wasm_bindgen]
impl Recorder {
    /// Starts recording the current page. Fails with a clear message on invalid options or
    /// when a recording is already running; a failed start leaves nothing installed.
    pub fn start(options: JsValue) -> Result<Recorder, JsError> {
        let options = Options::from_js(options).map_err(|e| JsError::new(&e.message()))?;
        if ACTIVE.with(|a| a.get()) {
            return Err(JsError::new(
                "tapedeck: a recording is already running on this page; stop() it first",
            ));
        }
        // Before any capture wraps them: our own requests and warnings must not be recorded.
        let originals = Originals::capture();
        let session_id = random_session_id();
        let flush_interval = options.flush_interval;
        let buffer_seconds = options.buffer_seconds;
        let recording = Rc::new(Recording::new(options));
        let pipeline = Pipeline::new(recording.clone(), session_id, originals);
        let captures = match Captures::install(&recording) {
            Ok(captures) => Rc::new(captures),
            Err(error) => {
                // Nothing of a failed start is delivered, scheduled or left attached (the
                // captures installed before the failure were dropped by `install`).
                recording.mark_stopped();
                let _ = recording.take_events();
                let _ = pipeline.finish();
                return Err(js_error(error));
            }
        };
        {
            let captures = Rc::downgrade(&captures);
            let recording = recording.clone();
            pipeline.set_checkpoint(Some(Box::new(move || {
                if let Some(captures) = captures.upgrade() {
                    capture::meta::emit_meta(&recording);
                    captures.checkpoint();
                }
            })));
        }
        let flush_timer = {
            let pipeline = pipeline.clone();
            Interval::new(flush_interval, move || pipeline.clone().cut())
        };
        // Buffer mode: a fresh snapshot every N/2 s keeps the buffer replayable (see
        // `pipeline`).
        let checkpoint_timer = buffer_seconds.map(|seconds| {
            let pipeline = pipeline.clone();
            Interval::new(seconds.saturating_mul(500), move || {
                pipeline.clone().buffer_checkpoint()
            })
        });
        let window = web_sys::window();
        let pagehide = window.as_ref().map(|window| {
            let pipeline = pipeline.clone();
            Listener::new(window, "pagehide", move |_| {
                pipeline.clone().page_hidden(true)
            })
        });
        let visibility = window.and_then(|w| w.document()).map(|document| {
            let pipeline = pipeline.clone();
            let target = document.clone();
            Listener::new(&target, "visibilitychange", move |_| {
                if document.visibility_state() == web_sys::VisibilityState::Hidden {
                    pipeline.clone().page_hidden(false);
                }
            })
        });
        // The initial snapshot goes out on the next task rather than after a full interval.
        if !pipeline.is_buffering() {
            pipeline.schedule(false);
        }
        ACTIVE.with(|a| a.set(true));
        Ok(Recorder {
            session_id,
            pipeline,
            active: Some(Active {
                captures,
                _flush_timer: flush_timer,
                _checkpoint_timer: checkpoint_timer,
                _pagehide: pagehide,
                _visibility: visibility,
            }),
        })
    }

    /// The session id (32 hex digits).
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.session_id.to_hex()
    }

    /// Records an application event: `name` and a JSON-serializable payload.
    #[wasm_bindgen(js_name = addEvent)]
    pub fn add_event(&self, name: &str, payload: JsValue) -> Result<(), JsError> {
        if self.active.is_none() {
            return Err(JsError::new("tapedeck: addEvent() after stop()"));
        }
        let payload = if payload.is_undefined() {
            String::new()
        } else {
            js_sys::JSON::stringify(&payload)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| {
                    JsError::new("tapedeck: addEvent payload is not JSON-serializable")
                })?
        };
        self.pipeline.recording().emit(
            Custom {
                name: name.to_owned(),
                payload,
            }
            .into(),
        );
        Ok(())
    }

    /// Sends everything recorded so far (in buffer mode: the buffer, then goes live).
    /// Resolves once the frames are handed to `onFrame` and the endpoint has answered for
    /// them (or a request failed: they stay queued and are retried).
    pub fn flush(&self) -> js_sys::Promise {
        if self.active.is_none() {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        self.pipeline.clone().flush()
    }

    /// Stops recording: a last frame (a buffer never released is discarded), then every
    /// capture, timer and listener is detached. Resolves like `flush()`. A second call
    /// does nothing.
    pub fn stop(&mut self) -> js_sys::Promise {
        let Some(active) = self.active.take() else {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        };
        let pipeline = self.pipeline.clone();
        let settled = pipeline.finish();
        pipeline.recording().mark_stopped();
        drop(active);
        ACTIVE.with(|a| a.set(false));
        settled
    }

    /// Delivery counters: frames cut, delivered, rejected, dropped, pending… (see the npm
    /// package's types).
    pub fn stats(&self) -> JsValue {
        self.pipeline.stats()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(active) = self.active.take() {
            let _ = self.pipeline.finish();
            self.pipeline.recording().mark_stopped();
            drop(active);
            ACTIVE.with(|a| a.set(false));
        }
    }
}

fn js_error(value: JsValue) -> JsError {
    JsError::new(
        &value
            .as_string()
            .unwrap_or_else(|| String::from("tapedeck: recording could not start")),
    )
}

/// A random session id from `crypto.getRandomValues` (falling back to `Math.random` where
/// there is no Web Crypto, e.g. an old WebView).
fn random_session_id() -> SessionId {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    SessionId(bytes)
}
