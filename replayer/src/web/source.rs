//! Frames as handed over by JavaScript → a [`Timeline`] and the report `r.report` shows.
//!
//! The timeline reads damaged recordings itself (see `crate::load`): a frame that does not
//! decode is reported and skipped, frames of another session contribute only their joined
//! backend work, and missing sequence numbers are gaps. This module converts JS inputs in
//! and the report out.

use crate::Timeline;
use js_sys::{Array, ArrayBuffer, Uint8Array};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// What was wrong with the frames, as `r.report` shows it (camelCase fields).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LoadReport {
    /// The session (32 hex digits), from the first good frame.
    pub session_id: Option<String>,
    /// Unix ms at which the session started.
    pub session_start: Option<u64>,
    /// Good frames used.
    pub frames: usize,
    /// Events in them.
    pub events: usize,
    /// Byte ranges that did not decode.
    pub corrupt: Vec<Corrupt>,
    /// Sequence numbers read more than once (the first frame is kept).
    pub duplicates: Vec<u32>,
    /// Frames of other sessions that contributed nothing (their backend work, when its
    /// trace ids match the page's requests, is joined into the timeline).
    pub other_sessions: Vec<OtherSession>,
    /// Sequence numbers below the highest one read that never arrived.
    pub gaps: Vec<Gap>,
    /// Whether nothing of the above happened.
    pub clean: bool,
}

/// A damaged byte range.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Corrupt {
    /// Which input (index in the frames array; 0 for a single buffer).
    pub input: usize,
    /// Byte offset in that input.
    pub offset: usize,
    /// Bytes skipped.
    pub length: usize,
    /// Why the first frame there did not decode.
    pub error: String,
}

/// A frame of another session.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct OtherSession {
    /// Its session id.
    pub session: String,
    /// Its sequence number.
    pub seq: u32,
}

/// Missing sequence numbers `first..=last`.
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct Gap {
    /// First missing.
    pub first: u32,
    /// Last missing.
    pub last: u32,
}

/// The byte buffers of `frames`: a `Uint8Array`, an `ArrayBuffer`, or an array of them.
pub(crate) fn inputs(frames: &JsValue) -> Result<Vec<Vec<u8>>, String> {
    const EXPECTED: &str = "frames must be a Uint8Array, an ArrayBuffer, or an array of them";
    let one = |value: &JsValue| -> Option<Vec<u8>> {
        if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
            Some(bytes.to_vec())
        } else {
            value
                .dyn_ref::<ArrayBuffer>()
                .map(|buffer| Uint8Array::new(buffer).to_vec())
        }
    };
    if let Some(bytes) = one(frames) {
        return Ok(vec![bytes]);
    }
    let Some(array) = frames.dyn_ref::<Array>() else {
        return Err(format!("{EXPECTED} (got {})", describe(frames)));
    };
    array
        .iter()
        .enumerate()
        .map(|(i, item)| {
            one(&item).ok_or_else(|| format!("{EXPECTED} (item {i} is {})", describe(&item)))
        })
        .collect()
}

fn describe(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if value.is_array() {
        "an array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// Reads `inputs` into a timeline, reporting what could not be used. Fails only when no
/// frame at all is readable.
pub(crate) fn load(inputs: &[Vec<u8>]) -> Result<(Timeline, LoadReport), String> {
    let timeline = Timeline::from_frames(inputs.iter().map(Vec::as_slice))
        .map_err(|e| format!("no readable frame in the recording: {e}"))?;
    let report = convert(timeline.report(), timeline.events().len());
    Ok((timeline, report))
}

fn convert(report: &crate::load::LoadReport, events: usize) -> LoadReport {
    let corrupt: Vec<Corrupt> = report
        .corrupt
        .iter()
        .map(|c| Corrupt {
            input: c.input,
            offset: c.offset,
            length: c.len,
            error: c.error.to_string(),
        })
        .collect();
    let duplicates: Vec<u32> = report.duplicates.iter().map(|d| d.seq).collect();
    let other_sessions: Vec<OtherSession> = report
        .ignored
        .iter()
        .map(|f| OtherSession {
            session: f.session.to_string(),
            seq: f.seq,
        })
        .collect();
    let gaps: Vec<Gap> = report
        .gaps
        .iter()
        .map(|g| Gap {
            first: g.first,
            last: g.last,
        })
        .collect();
    let clean =
        corrupt.is_empty() && duplicates.is_empty() && other_sessions.is_empty() && gaps.is_empty();
    LoadReport {
        session_id: report.session.map(|id| id.to_string()),
        session_start: report.session.map(|_| report.session_start),
        frames: report.frames,
        events,
        corrupt,
        duplicates,
        other_sessions,
        gaps,
        clean,
    }
}
