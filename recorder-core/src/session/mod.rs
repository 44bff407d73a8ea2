//! Reassembling sessions from frames that arrive in any order, twice, damaged, or mixed
//! with other sessions' frames.
//!
//! Frames travel separately (one HTTP request each, retried, possibly reordered by the
//! network or written to a file back to back), so a reader must not give up on a session
//! because one frame is missing or corrupt. Three layers, each built on the one before:
//!
//! - [`Scanner`] — the scanning primitive: iterates over a stream of frames written back
//!   to back, yielding each frame or corrupt region ([`Scanned`]) with its byte offset,
//!   resynchronizing after damage at a bounded cost.
//! - [`SessionReader`] — collects the frames of **one** session from any number of
//!   inputs; frames of other sessions are reported and set aside.
//! - [`MultiSessionReader`] — collects the frames of **every** session found, grouped by
//!   session id, each [`Session`] with its own [`Report`] (a replayer joining a page with
//!   the services it called; a store sorting a mixed upload).
//!
//! Both readers keep every good frame and write down everything else in a [`Report`] —
//!
//! - **corrupt** input, with the [`DecodeError`] and where it was (which input, which
//!   byte offset), and in a stream of concatenated frames the bytes it had to skip;
//! - frames of **another session** ([`SessionReader`] only);
//! - **duplicates** (the same sequence number again), and whether they were byte-identical
//!   retries or conflicting frames (the first one received is kept; conflicting ones are
//!   set aside in [`Session::conflicting`]);
//! - **out-of-order** arrival (harmless, but a sign of retries or parallel uploads);
//! - **gaps**: sequence numbers below the highest one seen that never arrived.
//!
//! ```
//! use recorder_core::event::{Event, Focus};
//! use recorder_core::frame::{self, FrameHeader, SessionId};
//! use recorder_core::session::{Problem, SessionReader};
//!
//! let header = |seq| FrameHeader { session_id: SessionId([7; 16]), seq, ..Default::default() };
//! let event = |t| vec![Event::new(t, Focus { target: 3, focused: true })];
//! let mut reader = SessionReader::new();
//! reader.push(&frame::encode(&header(2), &event(2000)).unwrap());
//! reader.push(&frame::encode(&header(0), &event(0)).unwrap());
//! reader.push(b"not a frame");
//!
//! let session = reader.finish();
//! assert_eq!(session.frames.iter().map(|f| f.header.seq).collect::<Vec<_>>(), [0, 2]);
//! assert!(session.report.problems.iter().any(|p| matches!(p, Problem::Gap { first: 1, last: 1 })));
//! assert_eq!(session.report.corrupt().count(), 1);
//! ```

mod multi;
mod reader;
mod scan;

pub use multi::{InputStats, MultiSessionReader, Sessions};
pub use reader::SessionReader;
pub use scan::{Scanned, Scanner};

use crate::event::Event;
use crate::frame::{DecodeError, Frame, SessionId};
use std::collections::{BTreeMap, HashSet};

/// Where a problem was found: the `input`-th input given to a reader (one per call to
/// `push`, `push_stream` or `push_frame`, counting from 0), at byte `offset` of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Index of the input (one per `push`/`push_stream`/`push_frame` call).
    pub input: usize,
    /// Byte offset in that input where the frame (or the damaged region) starts.
    pub offset: usize,
}

/// Something that went wrong (or merely unusually) while reading a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Bytes that are not a valid frame.
    Corrupt {
        /// Where the bad bytes start.
        at: Location,
        /// How many bytes were given up on: the whole input for [`SessionReader::push`];
        /// in a stream, up to the next frame that decodes.
        len: usize,
        /// The sequence number, when the header was intact (checksum valid) but the
        /// payload did not decode.
        seq: Option<u32>,
        /// Why the first bytes of the region did not decode.
        error: DecodeError,
    },
    /// A valid frame of a different session, set aside.
    OtherSession {
        /// Where the frame was.
        at: Location,
        /// Its session.
        session: SessionId,
        /// Its sequence number.
        seq: u32,
    },
    /// A second frame with a sequence number already read; the first one is kept (and a
    /// conflicting one set aside in [`Session::conflicting`]).
    Duplicate {
        /// Where the later frame was.
        at: Location,
        /// The sequence number.
        seq: u32,
        /// Whether it was byte for byte the same as a frame already read with that number
        /// (a retried upload, also of a frame set aside) rather than a different frame
        /// claiming the same number.
        identical: bool,
    },
    /// A frame arrived after one with a higher sequence number.
    OutOfOrder {
        /// Where the frame was.
        at: Location,
        /// Its sequence number.
        seq: u32,
        /// The highest sequence number read before it.
        after: u32,
    },
    /// A frame of this session disagrees on the session start time; its event times are
    /// taken as they are (relative to the session start of the lowest frame).
    StartMismatch {
        /// Where the frame was.
        at: Location,
        /// Its sequence number.
        seq: u32,
        /// Its session start, Unix ms.
        session_start: u64,
    },
    /// Sequence numbers `first..=last` never arrived (only gaps below the highest sequence
    /// number read can be seen; frames missing at the end cannot).
    Gap {
        /// First missing sequence number.
        first: u32,
        /// Last missing sequence number.
        last: u32,
    },
}

/// Every problem met while reading a session, in the order met; gaps come last.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The problems.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether nothing was lost, damaged, duplicated, foreign or reordered.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether every frame up to the highest one read is present and intact (duplicates,
    /// reordering and foreign frames lose nothing of this session).
    pub fn is_complete(&self) -> bool {
        !self
            .problems
            .iter()
            .any(|p| matches!(p, Problem::Gap { .. } | Problem::Corrupt { .. }))
    }

    /// The corrupt regions.
    pub fn corrupt(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| matches!(p, Problem::Corrupt { .. }))
    }

    /// The missing sequence numbers, as inclusive ranges.
    pub fn gaps(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.problems.iter().filter_map(|p| match p {
            Problem::Gap { first, last } => Some((*first, *last)),
            _ => None,
        })
    }
}

/// A reassembled session: its good frames in sequence order, and what went wrong.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    /// The session's id (`None` when no valid frame was read).
    pub id: Option<SessionId>,
    /// Unix ms of the session start, from the lowest-numbered frame read.
    pub start: u64,
    /// The frames, ordered by sequence number; missing numbers are simply absent.
    pub frames: Vec<Frame>,
    /// Frames that claimed a sequence number already taken by a different frame
    /// ([`Problem::Duplicate`] with `identical: false`), in arrival order, each once.
    /// They are not part of the session as read, but not thrown away either: a caller
    /// may know better (a service that re-encodes its own frames reuses numbers).
    pub conflicting: Vec<Frame>,
    /// What went wrong.
    pub report: Report,
}

impl Session {
    /// All events in sequence order (frame by frame, each frame in recorded order). Event
    /// times are ms since the session start; add [`Session::start`] for Unix time.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.frames.iter().flat_map(|f| f.events.iter())
    }

    /// Unix ms of an event of this session.
    pub fn unix_time(&self, event: &Event) -> u64 {
        self.start.saturating_add(event.time)
    }
}

/// A frame kept by a reader, with what is needed to tell a retry from a conflict.
#[derive(Debug)]
struct Kept {
    frame: Frame,
    /// The frame's fingerprint (see [`scan::fingerprint`]); `None` for frames handed over
    /// already decoded, which are compared by value.
    fingerprint: Option<(u32, usize)>,
}

/// The frames of one session as they are read, and the problems met: what both readers
/// keep per session.
#[derive(Debug, Default)]
struct Collector {
    frames: BTreeMap<u32, Kept>,
    conflicting: Vec<Frame>,
    /// Sequence number and fingerprint of each frame in `conflicting` that has one, so a
    /// retry of a conflicting frame is told apart in constant time.
    conflict_prints: HashSet<(u32, (u32, usize))>,
    problems: Vec<Problem>,
    highest: Option<u32>,
}

impl Collector {
    /// Takes a frame of this session: kept, unless its sequence number is taken.
    fn accept(&mut self, frame: Frame, fingerprint: Option<(u32, usize)>, at: Location) {
        let header = frame.header;
        if let Some(kept) = self.frames.get(&header.seq) {
            let identical = match (kept.fingerprint, fingerprint) {
                (Some(a), Some(b)) => a == b,
                _ => kept.frame == frame,
            } || fingerprint
                .is_some_and(|f| self.conflict_prints.contains(&(header.seq, f)));
            self.problems.push(Problem::Duplicate {
                at,
                seq: header.seq,
                identical,
            });
            if !identical {
                if let Some(f) = fingerprint {
                    self.conflict_prints.insert((header.seq, f));
                }
                self.conflicting.push(frame);
            }
            return;
        }
        if let Some((_, first)) = self.frames.first_key_value() {
            if first.frame.header.session_start != header.session_start {
                self.problems.push(Problem::StartMismatch {
                    at,
                    seq: header.seq,
                    session_start: header.session_start,
                });
            }
        }
        match self.highest {
            Some(after) if header.seq < after => self.problems.push(Problem::OutOfOrder {
                at,
                seq: header.seq,
                after,
            }),
            _ => self.highest = Some(header.seq),
        }
        self.frames.insert(header.seq, Kept { frame, fingerprint });
    }

    /// The session: frames in sequence order, and the report with the gaps added.
    fn finish(self, id: Option<SessionId>) -> Session {
        let Collector {
            frames,
            conflicting,
            mut problems,
            ..
        } = self;
        let mut expected = 0u32;
        for &seq in frames.keys() {
            if seq > expected {
                problems.push(Problem::Gap {
                    first: expected,
                    last: seq - 1,
                });
            }
            expected = seq.saturating_add(1);
        }
        let frames: Vec<Frame> = frames.into_values().map(|k| k.frame).collect();
        Session {
            id,
            start: frames.first().map_or(0, |f| f.header.session_start),
            frames,
            conflicting,
            report: Report { problems },
        }
    }
}

/// One step of a scan of input `input` (whose bytes are `bytes`): a frame with its
/// fingerprint and location, or the corrupt region as a [`Problem`].
type Located = Result<(Frame, Option<(u32, usize)>, Location), Problem>;

fn locate(input: usize, bytes: &[u8], step: Scanned) -> Located {
    match step {
        Scanned::Frame { offset, frame, .. } => {
            let fingerprint = scan::fingerprint(bytes.get(offset..).unwrap_or_default());
            Ok((frame, fingerprint, Location { input, offset }))
        }
        Scanned::Corrupt {
            offset,
            len,
            seq,
            error,
        } => Err(Problem::Corrupt {
            at: Location { input, offset },
            len,
            seq,
            error,
        }),
    }
}
