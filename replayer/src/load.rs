//! Bytes → frames → one session's events in order, with a report of what was wrong.
//!
//! Recordings arrive damaged in ordinary ways: frames uploaded out of order, retried
//! (duplicates), lost (gaps), cut short or corrupted, files of several sessions
//! concatenated. None of it is fatal: every frame that decodes is kept, and the
//! [`LoadReport`] says what was missing or skipped.
//!
//! Two steps, so the first can be swapped for `recorder_core::session` once it lands:
//! - [`read_frames`] scans each input for frames back to back, resynchronizing on the
//!   next magic bytes after a corrupt region;
//! - [`assemble`] picks the page session, orders and deduplicates its frames, finds gaps,
//!   and joins the `Backend` events of other sessions (services) by absolute time.

use recorder_core::dom::DomError;
use recorder_core::event::{Backend, Event, EventData};
use recorder_core::frame::{self, DecodeError, Frame, SessionId, MAGIC};
use recorder_core::TraceId;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Why no timeline could be built at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// There were no bytes to read.
    #[error("no input: the recording is empty")]
    Empty,
    /// Not a single frame decoded; the error is that of the first corrupt region.
    #[error("no Tapedeck frame could be read: {0}")]
    NoFrames(DecodeError),
}

/// A run of bytes that did not decode as frames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorruptFrame {
    /// Which input (0-based, in the order given).
    pub input: usize,
    /// Byte offset of the region in that input.
    pub offset: usize,
    /// Bytes skipped, up to the next frame that decodes or the end of the input.
    pub len: usize,
    /// Why the first frame of the region did not decode.
    pub error: DecodeError,
}

/// What one input held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputStats {
    /// Its size in bytes.
    pub bytes: usize,
    /// Frames decoded from it.
    pub frames: usize,
    /// Bytes in corrupt regions.
    pub corrupt_bytes: usize,
}

/// A decoded frame and where it was found.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundFrame {
    /// Which input.
    pub input: usize,
    /// Byte offset in that input.
    pub offset: usize,
    /// The frame.
    pub frame: Frame,
}

/// Every frame of some inputs, in the order found, and the bytes that were not frames.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FrameScan {
    /// Frames in input order, then byte order.
    pub frames: Vec<FoundFrame>,
    /// Corrupt regions, in input order.
    pub corrupt: Vec<CorruptFrame>,
    /// One entry per input.
    pub inputs: Vec<InputStats>,
}

/// Decodes frames from each input (one frame, or several back to back).
///
/// After bytes that do not decode, reading resumes at the next occurrence of the magic
/// bytes that starts a valid frame, so one corrupt frame loses only itself. (A crafted
/// input full of magic bytes makes this scan slow, never unbounded in memory.)
pub fn read_frames<'a>(inputs: impl IntoIterator<Item = &'a [u8]>) -> FrameScan {
    let mut scan = FrameScan::default();
    for (input, bytes) in inputs.into_iter().enumerate() {
        let mut stats = InputStats {
            bytes: bytes.len(),
            ..InputStats::default()
        };
        let mut at = 0;
        let mut bad: Option<(usize, DecodeError)> = None;
        while at < bytes.len() {
            match frame::decode_prefix(&bytes[at..]) {
                Ok((frame, used)) => {
                    if let Some((offset, error)) = bad.take() {
                        stats.corrupt_bytes += at - offset;
                        scan.corrupt.push(CorruptFrame {
                            input,
                            offset,
                            len: at - offset,
                            error,
                        });
                    }
                    stats.frames += 1;
                    scan.frames.push(FoundFrame {
                        input,
                        offset: at,
                        frame,
                    });
                    at += used;
                }
                Err(error) => {
                    bad.get_or_insert((at, error));
                    at = next_magic(bytes, at + 1).unwrap_or(bytes.len());
                }
            }
        }
        if let Some((offset, error)) = bad {
            stats.corrupt_bytes += bytes.len() - offset;
            scan.corrupt.push(CorruptFrame {
                input,
                offset,
                len: bytes.len() - offset,
                error,
            });
        }
        scan.inputs.push(stats);
    }
    scan
}

/// Position of the next frame magic at or after `from`.
fn next_magic(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(MAGIC.len())
        .position(|w| w == MAGIC)
        .map(|p| from + p)
}

/// A run of missing frames of the page session: sequence numbers `first..=last`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// First missing sequence number.
    pub first: u32,
    /// Last missing sequence number.
    pub last: u32,
}

impl Gap {
    /// How many frames are missing.
    pub fn len(&self) -> u64 {
        u64::from(self.last - self.first) + 1
    }

    /// Always `false`: a gap misses at least one frame.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// A frame seen more than once; only the first copy is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// Its session.
    pub session: SessionId,
    /// Its sequence number.
    pub seq: u32,
    /// Whether the copy was identical (a retried upload). A different frame with the same
    /// number means two recordings share a session id; the later one is dropped.
    pub identical: bool,
}

/// A frame of another session that contributed nothing (no joinable `Backend` event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IgnoredFrame {
    /// Its session.
    pub session: SessionId,
    /// Its sequence number.
    pub seq: u32,
    /// Its events, all ignored.
    pub events: usize,
}

/// A session other than the page's, whose `Backend` events were joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OtherSession {
    /// Its id.
    pub id: SessionId,
    /// Its start, Unix ms.
    pub start: u64,
    /// Its frames that were read.
    pub frames: usize,
    /// `Backend` events joined to the timeline.
    pub joined: usize,
    /// Events left out: anything but `Backend`, and backend work whose trace id no request
    /// of the page carries.
    pub ignored: usize,
}

/// An event that could not be applied to the DOM; the DOM is replayed without it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyFailure {
    /// Index in [`Timeline::events`](crate::Timeline::events).
    pub index: usize,
    /// Its time.
    pub time: u64,
    /// Why it failed.
    pub error: DomError,
}

/// What loading found besides the events: enough to tell a user how complete the
/// recording is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    /// The page session (the one with `Meta`/`Snapshot` events, else the most frames).
    pub session: Option<SessionId>,
    /// Its start, Unix ms; event times are relative to it.
    pub session_start: u64,
    /// Frames of the page session used.
    pub frames: usize,
    /// Whether those frames arrived out of sequence order (harmless; they were sorted).
    pub reordered: bool,
    /// Missing frames of the page session.
    pub gaps: Vec<Gap>,
    /// Frames seen more than once.
    pub duplicates: Vec<Duplicate>,
    /// Bytes that did not decode.
    pub corrupt: Vec<CorruptFrame>,
    /// Per input.
    pub inputs: Vec<InputStats>,
    /// Sessions whose backend work was joined.
    pub other_sessions: Vec<OtherSession>,
    /// Frames of other sessions that contributed nothing.
    pub ignored: Vec<IgnoredFrame>,
    /// Events of other sessions that fell before the page session's start (clock skew
    /// between machines) and were moved to time 0.
    pub clamped: usize,
    /// Events that could not be applied to the DOM.
    pub dom_errors: Vec<ApplyFailure>,
}

impl LoadReport {
    /// Whether nothing was lost: no gap, no corrupt bytes, no conflicting duplicate, and
    /// every DOM event applied. Identical duplicates and reordering lose nothing.
    pub fn is_complete(&self) -> bool {
        self.gaps.is_empty()
            && self.corrupt.is_empty()
            && self.duplicates.iter().all(|d| d.identical)
            && self.dom_errors.is_empty()
    }

    /// One line per problem, for a user: what was lost, where (inputs named `input 1`…).
    pub fn warnings(&self) -> Vec<String> {
        self.warnings_named(|i| format!("input {}", i + 1))
    }

    /// [`LoadReport::warnings`] with inputs named by `input_name` (from a 0-based index),
    /// e.g. by file name.
    pub fn warnings_named(&self, input_name: impl Fn(usize) -> String) -> Vec<String> {
        let mut out = Vec::new();
        for gap in &self.gaps {
            out.push(if gap.first == gap.last {
                format!("frame {} of the session is missing", gap.first)
            } else {
                format!(
                    "frames {}–{} of the session are missing ({} frames)",
                    gap.first,
                    gap.last,
                    gap.len()
                )
            });
        }
        for c in &self.corrupt {
            out.push(format!(
                "{}: {} bytes at offset {} skipped: {}",
                input_name(c.input),
                c.len,
                c.offset,
                c.error
            ));
        }
        for d in self.duplicates.iter().filter(|d| !d.identical) {
            out.push(format!(
                "two different frames {} of session {}: the later one was dropped",
                d.seq, d.session
            ));
        }
        if let Some(first) = self.dom_errors.first() {
            out.push(format!(
                "{} recorded DOM change{} could not be applied (first at +{}.{:03}s: {}); the replay may differ from the page",
                self.dom_errors.len(),
                if self.dom_errors.len() == 1 { "" } else { "s" },
                first.time / 1000,
                first.time % 1000,
                first.error
            ));
        }
        for other in self.other_sessions.iter().filter(|o| o.joined == 0) {
            out.push(format!(
                "session {}: {} frame{} ignored (another page, or backend work for none of this page's requests)",
                other.id,
                other.frames,
                if other.frames == 1 { "" } else { "s" }
            ));
        }
        if self.clamped > 0 {
            out.push(format!(
                "{} backend event{} predate the session start (clock skew?) and were placed at +0.000s",
                self.clamped,
                if self.clamped == 1 { "" } else { "s" }
            ));
        }
        out
    }
}

impl fmt::Display for LoadReport {
    /// A one-line summary, then the warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.session {
            Some(id) => write!(f, "session {id}: {} frames", self.frames)?,
            None => write!(f, "no session")?,
        }
        let dups = self.duplicates.len();
        if dups > 0 {
            write!(f, ", {dups} duplicate{}", if dups == 1 { "" } else { "s" })?;
        }
        if self.reordered {
            write!(f, ", reordered")?;
        }
        for other in &self.other_sessions {
            write!(f, ", {} backend events from {}", other.joined, other.id)?;
        }
        if self.is_complete() {
            write!(f, ", complete")?;
        }
        for w in self.warnings() {
            write!(f, "\n- {w}")?;
        }
        Ok(())
    }
}

/// Frames of one session, in the order found.
struct Group {
    id: SessionId,
    frames: Vec<Frame>,
    has_page_events: bool,
}

/// Orders the frames of a scan into one session's events (see the module docs).
///
/// Events are ordered by time; equal times keep frame order (the page session by sequence
/// number, then other sessions) and then their order within the frame. Times of other
/// sessions are moved onto the page session's clock: `other.start + t − page.start`.
pub fn assemble(scan: FrameScan) -> Result<(Vec<Event>, LoadReport), LoadError> {
    let mut report = LoadReport {
        corrupt: scan.corrupt,
        inputs: scan.inputs,
        ..LoadReport::default()
    };
    if scan.frames.is_empty() {
        return Err(match report.corrupt.first() {
            Some(c) => LoadError::NoFrames(c.error.clone()),
            None => LoadError::Empty,
        });
    }

    let mut groups: Vec<Group> = Vec::new();
    let mut by_id: HashMap<SessionId, usize> = HashMap::new();
    for found in scan.frames {
        let id = found.frame.header.session_id;
        let g = *by_id.entry(id).or_insert_with(|| {
            groups.push(Group {
                id,
                frames: Vec::new(),
                has_page_events: false,
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        group.has_page_events |= found
            .frame
            .events
            .iter()
            .any(|e| matches!(e.data, EventData::Meta(_) | EventData::Snapshot(_)));
        group.frames.push(found.frame);
    }
    // The page session: page events first, then more frames, then first seen.
    let main = (0..groups.len())
        .max_by_key(|&i| {
            let g = &groups[i];
            (g.has_page_events, g.frames.len(), std::cmp::Reverse(i))
        })
        .unwrap_or(0);
    let mut groups_ordered: Vec<Group> = Vec::with_capacity(groups.len());
    groups_ordered.push(groups.swap_remove(main));
    // `swap_remove` moved the last group into `main`'s place: restore first-seen order.
    groups.sort_by_key(|g| by_id.get(&g.id).copied().unwrap_or(usize::MAX));
    groups_ordered.extend(groups);

    let mut frames_in_order: Vec<(bool, Frame)> = Vec::new();
    for (k, group) in groups_ordered.into_iter().enumerate() {
        let is_main = k == 0;
        let mut frames = group.frames;
        if is_main {
            report.reordered = frames.windows(2).any(|w| w[0].header.seq > w[1].header.seq);
        }
        frames.sort_by_key(|f| f.header.seq); // stable: first found wins among equal seqs
        let mut kept: Vec<Frame> = Vec::with_capacity(frames.len());
        for f in frames {
            // Equal seqs are adjacent after the sort.
            let seen = kept.last().is_some_and(|k| k.header.seq == f.header.seq);
            if !seen {
                kept.push(f);
                continue;
            }
            let identical = kept
                .iter()
                .rev()
                .take_while(|k| k.header.seq == f.header.seq)
                .any(|k| *k == f);
            if identical || is_main {
                report.duplicates.push(Duplicate {
                    session: group.id,
                    seq: f.header.seq,
                    identical,
                });
            } else {
                // A service re-encoding its frames (as the demo store does) reuses numbers:
                // different frames with one number are both real.
                kept.push(f);
            }
        }
        if is_main {
            let mut expected = 0u32;
            for f in &kept {
                let seq = f.header.seq;
                if seq > expected {
                    report.gaps.push(Gap {
                        first: expected,
                        last: seq - 1,
                    });
                }
                expected = seq.saturating_add(1);
            }
            report.session = Some(group.id);
            report.session_start = kept.first().map_or(0, |f| f.header.session_start);
            report.frames = kept.len();
        } else {
            report.other_sessions.push(OtherSession {
                id: group.id,
                start: kept.first().map_or(0, |f| f.header.session_start),
                frames: kept.len(),
                joined: 0,
                ignored: 0,
            });
        }
        frames_in_order.extend(kept.into_iter().map(|f| (is_main, f)));
    }

    // Backend work of other sessions is joined only when a request of the page carries
    // its trace id: a service's stream holds every user's traces.
    let traces: HashSet<TraceId> = frames_in_order
        .iter()
        .filter(|(is_main, _)| *is_main)
        .flat_map(|(_, f)| &f.events)
        .filter_map(|e| match &e.data {
            EventData::Network(n) => n.trace_id,
            _ => None,
        })
        .collect();

    let start = i128::from(report.session_start);
    let mut timed: Vec<(i128, Event)> = Vec::new();
    let mut other_index = 0usize;
    let mut previous_session = None;
    for (is_main, f) in frames_in_order {
        let offset = i128::from(f.header.session_start) - start;
        if is_main {
            timed.extend(
                f.events
                    .into_iter()
                    .map(|e| (i128::from(e.time) + offset, e)),
            );
            continue;
        }
        if previous_session.is_some_and(|s| s != f.header.session_id) {
            other_index += 1;
        }
        previous_session = Some(f.header.session_id);
        let count = f.events.len();
        let mut joined = 0;
        for e in f.events {
            let linked = match &e.data {
                EventData::Backend(Backend::Span(s)) => traces.contains(&s.trace_id),
                EventData::Backend(Backend::Log(l)) => {
                    l.trace_id.is_some_and(|t| traces.contains(&t))
                }
                _ => false,
            };
            if linked {
                joined += 1;
                timed.push((i128::from(e.time) + offset, e));
            }
        }
        if let Some(other) = report.other_sessions.get_mut(other_index) {
            other.joined += joined;
            other.ignored += count - joined;
        }
        if joined == 0 {
            report.ignored.push(IgnoredFrame {
                session: f.header.session_id,
                seq: f.header.seq,
                events: count,
            });
        }
    }

    timed.sort_by_key(|(t, _)| *t); // stable: frame order, then in-frame order
    let events = timed
        .into_iter()
        .map(|(t, mut e)| {
            if t < 0 {
                report.clamped += 1;
            }
            e.time = u64::try_from(t.max(0)).unwrap_or(u64::MAX);
            e
        })
        .collect();
    Ok((events, report))
}
