//! Frames as handed over by JavaScript → a [`Timeline`] and a report of what was damaged.
//!
//! A player must show what it can of a damaged recording: each input is read as frames
//! back to back; a frame that does not decode is reported and skipped, and reading
//! resumes at the next frame that does (bounded work, so hostile bytes cannot make it
//! quadratic). Frames of another session and repeated sequence numbers are reported and
//! left out; missing sequence numbers are reported as gaps.
//!
//! The good frames then go to [`Timeline::from_frames`], so each is decoded once. (When the
//! timeline reads damaged sessions itself — issue 4, native side — this module shrinks to
//! the JS conversion.)

use crate::Timeline;
use js_sys::{Array, ArrayBuffer, Uint8Array};
use recorder_core::frame::{self, SessionId, HEADER_LEN, MAGIC};
use serde::Serialize;
use std::collections::BTreeSet;
use wasm_bindgen::{JsCast, JsValue};

/// While looking for the next frame after damage, candidate headers are checksummed; the
/// checksum work per input is capped at this many times its length (plus
/// [`RESYNC_ALLOWANCE`]), and the rest of the input is reported as corrupt past it.
const RESYNC_WORK_FACTOR: usize = 8;
/// Checksum work a resynchronization may always do.
const RESYNC_ALLOWANCE: usize = 1 << 20;

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
    /// Frames of other sessions, left out.
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
///
/// Frames are first told apart by their headers alone (checksummed, so damage shows
/// there), and the timeline decodes the good ones. Only if one of those still fails to
/// decode (a checksum-valid frame with a bad payload: an encoder bug or crafted bytes) are
/// the frames decoded one by one first, to leave out exactly the bad ones.
pub(crate) fn load(inputs: &[Vec<u8>]) -> Result<(Timeline, LoadReport), String> {
    let (good, report) = select(inputs, Check::Header);
    let (good, report) = match Timeline::from_frames(good.iter().copied()) {
        Ok(timeline) => return finish(timeline, report),
        Err(_) => select(inputs, Check::Decode),
    };
    let timeline = Timeline::from_frames(good).map_err(|e| e.to_string())?;
    finish(timeline, report)
}

fn finish(timeline: Timeline, mut report: LoadReport) -> Result<(Timeline, LoadReport), String> {
    if report.frames == 0 {
        let why = report
            .corrupt
            .first()
            .map(|c| format!(": {}", c.error))
            .unwrap_or_else(|| ": no bytes".into());
        return Err(format!("no readable frame in the recording{why}"));
    }
    report.events = timeline.events().len();
    Ok((timeline, report))
}

/// How much of a frame [`select`] checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The header and checksum.
    Header,
    /// Everything (decompression and events too).
    Decode,
}

/// The good frames of `inputs` (one session, first copy of each sequence number), and the
/// report of everything else.
fn select(inputs: &[Vec<u8>], check: Check) -> (Vec<&[u8]>, LoadReport) {
    let mut report = LoadReport::default();
    let mut session: Option<SessionId> = None;
    let mut seen = BTreeSet::new();
    let mut good: Vec<&[u8]> = Vec::new();
    for (input, bytes) in inputs.iter().enumerate() {
        let mut budget = bytes
            .len()
            .saturating_mul(RESYNC_WORK_FACTOR)
            .saturating_add(RESYNC_ALLOWANCE);
        let mut offset = 0;
        while offset < bytes.len() {
            let rest = &bytes[offset..];
            let read = match check {
                Check::Header => frame::decode_header(rest).map(|h| (h, frame_len(rest))),
                Check::Decode => frame::decode_prefix(rest).map(|(f, used)| (f.header, used)),
            };
            match read {
                Ok((header, used)) => {
                    let id = *session.get_or_insert(header.session_id);
                    if header.session_id != id {
                        report.other_sessions.push(OtherSession {
                            session: header.session_id.to_string(),
                            seq: header.seq,
                        });
                    } else if !seen.insert(header.seq) {
                        report.duplicates.push(header.seq);
                    } else {
                        if report.session_start.is_none() || header.seq == 0 {
                            report.session_start = Some(header.session_start);
                        }
                        report.frames += 1;
                        good.push(&rest[..used]);
                    }
                    offset += used;
                }
                Err(error) => {
                    let next = resync(bytes, offset + 1, &mut budget);
                    report.corrupt.push(Corrupt {
                        input,
                        offset,
                        length: next - offset,
                        error: error.to_string(),
                    });
                    offset = next;
                }
            }
        }
    }
    let mut expected = 0u32;
    for &seq in &seen {
        if seq > expected {
            report.gaps.push(Gap {
                first: expected,
                last: seq - 1,
            });
        }
        expected = seq.saturating_add(1);
    }
    report.session_id = session.map(|s| s.to_string());
    report.clean = report.corrupt.is_empty()
        && report.duplicates.is_empty()
        && report.other_sessions.is_empty()
        && report.gaps.is_empty();
    (good, report)
}

/// The length of the frame at the start of `bytes`, whose header `decode_header` accepted
/// (so the announced payload is present): the header plus the compressed payload size at
/// offset 50 (see the layout in `recorder_core::frame`).
fn frame_len(bytes: &[u8]) -> usize {
    let payload = bytes
        .get(50..54)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(bytes.len(), |b| u32::from_le_bytes(b) as usize);
    HEADER_LEN
        .saturating_add(payload)
        .clamp(HEADER_LEN, bytes.len().max(HEADER_LEN))
}

/// The offset of the next frame with a valid header at or after `from`, or the end.
fn resync(bytes: &[u8], from: usize, budget: &mut usize) -> usize {
    let mut at = from;
    while at + MAGIC.len() <= bytes.len() {
        let Some(found) = bytes[at..]
            .windows(MAGIC.len())
            .position(|w| w == MAGIC)
            .map(|p| at + p)
        else {
            break;
        };
        let cost = bytes.len() - found;
        if cost > *budget {
            break;
        }
        *budget -= cost.min(*budget);
        if frame::decode_header(&bytes[found..]).is_ok() {
            return found;
        }
        at = found + 1;
    }
    bytes.len()
}
