//! input capture (being built: see issue 3).

use crate::emit::Recording;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The installed input capture; dropping it detaches it.
#[derive(Debug)]
pub struct Capture {}

impl Capture {
    /// Installs the capture.
    pub fn install(_recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        Ok(Capture {})
    }
}

/// Emits pending input events that must come before whatever is emitted next; part of the
/// recording's barrier (installed by the DOM capture). Nothing is pending yet.
pub(crate) fn settle() {}
