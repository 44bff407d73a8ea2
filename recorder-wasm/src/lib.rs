//! Tapedeck's browser recorder: captures a page's DOM, input, console, errors, network and
//! performance into Tapedeck frames (see `recorder-core`), and delivers them.
//!
//! The data flows capture → encode → transport:
//! - [`capture`] — one module per source, each installed as a value whose drop detaches it;
//! - [`emit`] — the shared recording context every capture pushes events through;
//! - [`pipeline`] — events → frames → the sink (a JS callback or an HTTP endpoint).
//!
//! JavaScript uses it through the `tapedeck` npm package (`record(options)`), which wraps
//! [`Recorder`].
#![deny(missing_docs, rust_2018_idioms)]

pub mod capture;
pub mod emit;
pub mod hooks;
pub mod ids;
pub mod options;
pub mod pipeline;

use capture::Captures;
use emit::Recording;
use options::Options;
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
    active: Option<Active>,
}

struct Active {
    // Declaration order is drop order: stop capturing, then stop the timer, then the pipeline.
    #[allow(dead_code)] // held for its Drop
    captures: Captures,
    _timer: gloo_timers::callback::Interval,
    pipeline: Rc<Pipeline>,
}

#[wasm_bindgen]
impl Recorder {
    /// Starts recording the current page. Fails with a clear message on invalid options or
    /// when a recording is already running; a failed start leaves nothing installed.
    pub fn start(options: JsValue) -> Result<Recorder, JsError> {
        let options = Options::from_js(options)?;
        if ACTIVE.with(|a| a.get()) {
            return Err(JsError::new(
                "tapedeck: a recording is already running on this page; stop() it first",
            ));
        }
        let session_id = random_session_id();
        let flush_interval = options.flush_interval;
        let recording = Rc::new(Recording::new(options));
        let captures = Captures::install(&recording).map_err(js_error)?;
        let pipeline = Rc::new(Pipeline::new(recording.clone(), session_id));
        let timer = {
            let pipeline = pipeline.clone();
            gloo_timers::callback::Interval::new(flush_interval, move || {
                let _ = pipeline.flush();
            })
        };
        ACTIVE.with(|a| a.set(true));
        Ok(Recorder {
            session_id,
            active: Some(Active {
                captures,
                _timer: timer,
                pipeline,
            }),
        })
    }

    /// The session id (32 hex digits).
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.session_id.to_string()
    }

    /// Records an application event: `name` and a JSON-serializable payload.
    #[wasm_bindgen(js_name = addEvent)]
    pub fn add_event(&self, name: &str, payload: JsValue) -> Result<(), JsError> {
        let Some(active) = &self.active else {
            return Err(JsError::new("tapedeck: addEvent() after stop()"));
        };
        let payload = if payload.is_undefined() {
            String::new()
        } else {
            js_sys::JSON::stringify(&payload)
                .map_err(|_| JsError::new("tapedeck: addEvent payload is not JSON-serializable"))?
                .into()
        };
        active.pipeline.recording().emit(
            Custom {
                name: name.to_owned(),
                payload,
            }
            .into(),
        );
        Ok(())
    }

    /// Sends everything recorded so far as a frame now.
    pub fn flush(&self) -> Result<(), JsError> {
        match &self.active {
            Some(active) => active.pipeline.flush().map_err(js_error),
            None => Ok(()),
        }
    }

    /// Stops recording: flushes, then detaches every hook. A second call does nothing.
    pub fn stop(&mut self) -> Result<(), JsError> {
        let Some(active) = self.active.take() else {
            return Ok(());
        };
        let result = active.pipeline.flush();
        drop(active);
        ACTIVE.with(|a| a.set(false));
        result.map_err(js_error)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if self.active.take().is_some() {
            ACTIVE.with(|a| a.set(false));
        }
    }
}

fn js_error(value: JsValue) -> JsError {
    JsError::new(&value.as_string().unwrap_or_else(|| format!("{value:?}")))
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
