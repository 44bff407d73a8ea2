//! Bytes → frames → one session's events in order, with a report of what was wrong.
//!
//! Recordings arrive damaged in ordinary ways: frames uploaded out of order, retried
//! (duplicates), lost (gaps), cut short or corrupted, files of several sessions
//! concatenated. None of it is fatal: every frame that decodes is kept, and the
//! [`LoadReport`] says what was missing or skipped.
//!
//! Two steps:
//! - [`read_frames`] scans each input and groups its frames by session, with
//!   `recorder_core::session`'s [`MultiSessionReader`] (the one frame reader of the
//!   project: resynchronization after corrupt regions, duplicates, gaps, reordering);
//! - [`assemble`] does what only a replay needs: picks the page session, joins the
//!   `Backend` events of other sessions (services) by trace id onto the page's clock,
//!   orders the events by time, and turns the readers' reports into a [`LoadReport`].

use recorder_core::dom::DomError;
use recorder_core::event::{Backend, Event, EventData};
use recorder_core::frame::{DecodeError, Frame, SessionId};
use recorder_core::session::{MultiSessionReader, Problem, Session, Sessions};
use recorder_core::TraceId;
use std::collections::HashSet;
use std::fmt;

pub use recorder_core::session::InputStats;

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
    /// Bytes skipped: one damaged frame whose header was intact, or up to the next
    /// frame that decodes or the end of the input.
    pub len: usize,
    /// Why the first frame of the region did not decode.
    pub error: DecodeError,
}

impl CorruptFrame {
    /// The region a reader's [`Problem::Corrupt`] describes (`None` for other problems).
    pub fn from_problem(problem: &Problem) -> Option<CorruptFrame> {
        match problem {
            Problem::Corrupt { at, len, error, .. } => Some(CorruptFrame {
                input: at.input,
                offset: at.offset,
                len: *len,
                error: error.clone(),
            }),
            _ => None,
        }
    }
}

/// Reads frames from each input (one frame, or several back to back), grouped by
/// session.
///
/// After bytes that do not decode, reading resumes at the next frame with a valid
/// checksum, so one corrupt frame loses only itself; the work this search may do is
/// bounded (see [`recorder_core::session::Scanner`]).
pub fn read_frames<'a>(inputs: impl IntoIterator<Item = &'a [u8]>) -> Sessions {
    let mut reader = MultiSessionReader::new();
    for bytes in inputs {
        reader.push_stream(bytes);
    }
    reader.finish()
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

/// Orders the frames read by [`read_frames`] into one session's events (see the module
/// docs).
///
/// The page session is the one with `Meta`/`Snapshot` events, else the one with the most
/// frames, else the first read. Events are ordered by time; equal times keep frame order
/// (the page session by sequence number, then other sessions in the order first read)
/// and then their order within the frame. Times of other sessions are moved onto the
/// page session's clock: `other.start + t − page.start`.
pub fn assemble(read: Sessions) -> Result<(Vec<Event>, LoadReport), LoadError> {
    let Sessions {
        mut sessions,
        report: read_report,
        inputs,
    } = read;
    let mut report = LoadReport {
        corrupt: read_report
            .problems
            .iter()
            .filter_map(CorruptFrame::from_problem)
            .collect(),
        inputs,
        ..LoadReport::default()
    };
    let has_page_events = |s: &Session| {
        s.frames.iter().chain(&s.conflicting).any(|f| {
            f.events
                .iter()
                .any(|e| matches!(e.data, EventData::Meta(_) | EventData::Snapshot(_)))
        })
    };
    let Some(main) = (0..sessions.len()).max_by_key(|&i| {
        let s = &sessions[i];
        (has_page_events(s), s.frames.len(), std::cmp::Reverse(i))
    }) else {
        return Err(match report.corrupt.first() {
            Some(c) => LoadError::NoFrames(c.error.clone()),
            None => LoadError::Empty,
        });
    };
    // `remove`, not `swap_remove`: the other sessions keep the order they were read in.
    let page = sessions.remove(main);
    let id = page.id.unwrap_or_default();
    report.session = page.id;
    report.session_start = page.start;
    report.frames = page.frames.len();
    for problem in &page.report.problems {
        match *problem {
            Problem::OutOfOrder { .. } => report.reordered = true,
            Problem::Gap { first, last } => report.gaps.push(Gap { first, last }),
            Problem::Duplicate { seq, identical, .. } => report.duplicates.push(Duplicate {
                session: id,
                seq,
                identical,
            }),
            _ => {}
        }
    }

    // Backend work of other sessions is joined only when a request of the page carries
    // its trace id: a service's stream holds every user's traces.
    let traces: HashSet<TraceId> = page
        .events()
        .filter_map(|e| match &e.data {
            EventData::Network(n) => n.trace_id,
            _ => None,
        })
        .collect();

    // Each frame's times moved onto the page's clock (they differ for other sessions,
    // and for page frames whose session start disagrees).
    let start = i128::from(page.start);
    let offset = |f: &Frame| i128::from(f.header.session_start) - start;
    let mut timed: Vec<(i128, Event)> = Vec::new();
    for f in page.frames {
        let offset = offset(&f);
        timed.extend(
            f.events
                .into_iter()
                .map(|e| (i128::from(e.time) + offset, e)),
        );
    }
    for other in sessions {
        let id = other.id.unwrap_or_default();
        let mut summary = OtherSession {
            id,
            start: other.start,
            frames: 0,
            joined: 0,
            ignored: 0,
        };
        for problem in &other.report.problems {
            // A service re-encoding its frames (as the demo store does) reuses numbers:
            // different frames with one number are both real, so only retries count.
            if let Problem::Duplicate {
                seq,
                identical: true,
                ..
            } = *problem
            {
                report.duplicates.push(Duplicate {
                    session: id,
                    seq,
                    identical: true,
                });
            }
        }
        let mut frames = other.frames;
        frames.extend(other.conflicting);
        frames.sort_by_key(|f| f.header.seq); // stable: the first read of a number first
        summary.frames = frames.len();
        for f in frames {
            let offset = offset(&f);
            let count = f.events.len();
            let before = timed.len();
            timed.extend(
                f.events
                    .into_iter()
                    .filter(|e| joins(e, &traces))
                    .map(|e| (i128::from(e.time) + offset, e)),
            );
            let joined = timed.len() - before;
            summary.joined += joined;
            summary.ignored += count - joined;
            if joined == 0 {
                report.ignored.push(IgnoredFrame {
                    session: id,
                    seq: f.header.seq,
                    events: count,
                });
            }
        }
        report.other_sessions.push(summary);
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

/// Whether an event of another session is backend work for one of the page's requests.
fn joins(event: &Event, traces: &HashSet<TraceId>) -> bool {
    match &event.data {
        EventData::Backend(Backend::Span(s)) => traces.contains(&s.trace_id),
        EventData::Backend(Backend::Log(l)) => l.trace_id.is_some_and(|t| traces.contains(&t)),
        _ => false,
    }
}
