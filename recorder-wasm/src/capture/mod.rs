//! Capture: everything the recorder observes on the page, one module per source. Each
//! module's `install` returns a value whose drop detaches it (see `crate::hooks`), and a
//! failing `install` leaves nothing behind.

pub mod console;
pub mod dom;
pub mod errors;
pub mod input;
pub mod js;
pub mod meta;
pub mod network;
pub mod performance;
pub mod privacy;
pub mod redaction;
pub mod render;
pub mod stack;

use crate::emit::Recording;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Every installed capture of one recording. Dropping it detaches them all; fields drop
/// in declaration order, so the DOM observer goes last and the barrier stays valid for
/// hooks detaching before it.
#[derive(Debug)]
#[allow(dead_code)] // most fields are held only for their Drop, which detaches them
pub struct Captures {
    console: Option<console::Capture>,
    errors: Option<errors::Capture>,
    network: Option<network::Capture>,
    performance: Option<performance::Capture>,
    input: Option<input::Capture>,
    dom: dom::Capture,
}

impl Captures {
    /// Emits `Meta` and the initial snapshot, then installs every enabled capture.
    pub fn install(recording: &Rc<Recording>) -> Result<Captures, JsValue> {
        meta::emit_meta(recording);
        let dom = dom::Capture::install(recording)?;
        let options = &recording.options;
        Ok(Captures {
            input: Some(input::Capture::install(recording)?),
            console: options
                .console
                .then(|| console::Capture::install(recording))
                .transpose()?,
            errors: options
                .errors
                .then(|| errors::Capture::install(recording))
                .transpose()?,
            network: options
                .network
                .then(|| network::Capture::install(recording))
                .transpose()?,
            performance: options
                .performance
                .then(|| performance::Capture::install(recording))
                .transpose()?,
            dom,
        })
    }

    /// Takes a fresh full snapshot (buffer-mode checkpoints, navigation).
    pub fn checkpoint(&self) {
        self.dom.snapshot();
    }
}
