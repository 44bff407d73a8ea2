//! Encode → transport: queued events become frames, frames go to the sink (being built:
//! see issue 3 — size-triggered cuts, the HTTP sink with retry, unload delivery and buffer
//! mode come next).

use crate::emit::Recording;
use recorder_core::frame::{self, FrameHeader, SessionId};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

/// Turns the recording's queued events into frames and hands them to the sink.
#[derive(Debug)]
pub struct Pipeline {
    recording: Rc<Recording>,
    session_id: SessionId,
    next_seq: Cell<u32>,
}

impl Pipeline {
    /// A pipeline for one session.
    pub fn new(recording: Rc<Recording>, session_id: SessionId) -> Pipeline {
        Pipeline {
            recording,
            session_id,
            next_seq: Cell::new(0),
        }
    }

    /// The recording this pipeline drains.
    pub fn recording(&self) -> &Rc<Recording> {
        &self.recording
    }

    /// Encodes whatever is queued as one frame and delivers it.
    pub fn flush(&self) -> Result<(), JsValue> {
        self.recording.settle_dom();
        let events = self.recording.take_events();
        if events.is_empty() {
            return Ok(());
        }
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        let header = FrameHeader {
            session_id: self.session_id,
            seq,
            session_start: self.recording.clock.session_start,
            ..FrameHeader::default()
        };
        let bytes =
            frame::encode(&header, &events).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let on_frame = &self.recording.options.on_frame;
        if let Some(f) = on_frame.dyn_ref::<js_sys::Function>() {
            let array = js_sys::Uint8Array::from(bytes.as_slice());
            f.call1(&JsValue::UNDEFINED, &array)?;
        }
        Ok(())
    }
}
