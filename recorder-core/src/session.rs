//! Reassembling a session from frames that arrive in any order, twice, damaged, or mixed
//! with other sessions' frames.
//!
//! Frames travel separately (one HTTP request each, retried, possibly reordered by the
//! network or written to a file back to back), so a reader must not give up on a session
//! because one frame is missing or corrupt: [`SessionReader`] keeps every good frame and
//! writes down everything else in a [`Report`] —
//!
//! - **corrupt** input, with the [`DecodeError`] and where it was (which input, which
//!   byte offset), and in a stream of concatenated frames the bytes it had to skip;
//! - frames of **another session**, which are set aside;
//! - **duplicates** (the same sequence number again), and whether they were byte-identical
//!   retries or conflicting frames (the first one received is kept);
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

use crate::event::Event;
use crate::frame::{self, DecodeError, Frame, FrameHeader, Limits, SessionId, HEADER_LEN, MAGIC};
use std::collections::BTreeMap;

/// Where a problem was found: the `input`-th call to [`SessionReader::push`] or
/// [`SessionReader::push_stream`] (counting from 0), at byte `offset` of that input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// Index of the input (one per `push`/`push_stream` call).
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
    /// A second frame with a sequence number already read; the first one is kept.
    Duplicate {
        /// Where the later frame was.
        at: Location,
        /// The sequence number.
        seq: u32,
        /// Whether it was byte for byte the same frame (a retried upload) rather than a
        /// different frame claiming the same number.
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

/// A frame kept by the reader, with what is needed to tell a retry from a conflict.
#[derive(Debug)]
struct Kept {
    frame: Frame,
    /// The frame's stored CRC-32 (over header and payload) and payload length: equal for
    /// a byte-identical retry; a conflicting frame matching both is a 1-in-2³² accident.
    /// `None` for frames handed over already decoded, which are compared by value.
    fingerprint: Option<(u32, usize)>,
}

/// Collects frames of one session (see the [module docs](self)).
///
/// The session is the one given to [`SessionReader::for_session`], or else that of the
/// first valid frame read. Reading never fails: everything that is not a good frame of
/// the session ends up in the [`Report`].
#[derive(Debug, Default)]
pub struct SessionReader {
    session: Option<SessionId>,
    frames: BTreeMap<u32, Kept>,
    problems: Vec<Problem>,
    highest: Option<u32>,
    inputs: usize,
    limits: Limits,
}

/// While resynchronizing a stream, candidate frames are checksummed; a hostile stream
/// could plant a magic number every few bytes, each announcing a payload up to the end
/// of the stream. The checksum work is capped at this many times the stream's length
/// (plus [`RESYNC_ALLOWANCE`]); past it, the rest of the stream is reported as corrupt.
const RESYNC_WORK_FACTOR: usize = 8;
/// Checksum work a resynchronization may always do, however short the stream.
const RESYNC_ALLOWANCE: usize = 1 << 20;

impl SessionReader {
    /// A reader that takes the session of the first valid frame it reads.
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader for one known session; frames of any other are reported and set aside.
    pub fn for_session(id: SessionId) -> Self {
        SessionReader {
            session: Some(id),
            ..Self::default()
        }
    }

    /// Decodes with these [`Limits`] (see [`frame::decode_with`]) instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Reads one frame (for example the body of one upload request). Anything but exactly
    /// one valid frame is reported as corrupt, trailing bytes included.
    pub fn push(&mut self, bytes: &[u8]) {
        let input = self.next_input();
        let at = Location { input, offset: 0 };
        match frame::decode_with(bytes, &self.limits) {
            Ok(frame) => self.accept(frame, fingerprint(bytes), at),
            Err(error) => self.problems.push(Problem::Corrupt {
                at,
                len: bytes.len(),
                seq: intact_seq(bytes),
                error,
            }),
        }
    }

    /// Reads a stream of frames written back to back (a file, or a request body holding
    /// several frames). After a damaged region the reader resynchronizes on the next
    /// [`MAGIC`] that starts a valid frame, so one bad frame costs only itself.
    pub fn push_stream(&mut self, bytes: &[u8]) {
        let input = self.next_input();
        let mut budget = bytes
            .len()
            .saturating_mul(RESYNC_WORK_FACTOR)
            .saturating_add(RESYNC_ALLOWANCE);
        let mut offset = 0;
        while offset < bytes.len() {
            let at = Location { input, offset };
            let rest = &bytes[offset..];
            match frame::decode_prefix_with(rest, &self.limits) {
                Ok((frame, used)) => {
                    self.accept(frame, fingerprint(rest), at);
                    offset += used;
                }
                Err(error) => {
                    // With a valid checksum the header's length is trustworthy: skip exactly
                    // this frame. Otherwise search for the next frame that decodes.
                    let (skip, seq) = match frame::decode_header(rest) {
                        Ok(header) => (frame_len(rest), Some(header.seq)),
                        Err(_) => (self.resync(rest, &mut budget), None),
                    };
                    self.problems.push(Problem::Corrupt {
                        at,
                        len: skip,
                        seq,
                        error,
                    });
                    offset += skip;
                }
            }
        }
    }

    /// Adds a frame decoded elsewhere (it has no byte location; it is reported at offset 0
    /// of its own input, and duplicates of it count as identical when equal).
    pub fn push_frame(&mut self, frame: Frame) {
        let at = Location {
            input: self.next_input(),
            offset: 0,
        };
        self.accept(frame, None, at);
    }

    /// Problems so far, without the gaps (which are known only at the end).
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Number of distinct good frames read so far.
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// The session: good frames in sequence order, and the report with the gaps added.
    pub fn finish(self) -> Session {
        let SessionReader {
            session,
            frames,
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
            id: session,
            start: frames.first().map_or(0, |f| f.header.session_start),
            frames,
            report: Report { problems },
        }
    }

    fn next_input(&mut self) -> usize {
        self.inputs += 1;
        self.inputs - 1
    }

    fn accept(&mut self, frame: Frame, fingerprint: Option<(u32, usize)>, at: Location) {
        let header = frame.header;
        let session = *self.session.get_or_insert(header.session_id);
        if header.session_id != session {
            self.problems.push(Problem::OtherSession {
                at,
                session: header.session_id,
                seq: header.seq,
            });
            return;
        }
        if let Some(kept) = self.frames.get(&header.seq) {
            let identical = match (kept.fingerprint, fingerprint) {
                (Some(a), Some(b)) => a == b,
                _ => kept.frame == frame,
            };
            self.problems.push(Problem::Duplicate {
                at,
                seq: header.seq,
                identical,
            });
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

    /// How many bytes of `rest` (which does not start with a valid frame) to skip: up to
    /// the next magic number that starts a frame with a valid checksum, or all of it.
    fn resync(&mut self, rest: &[u8], budget: &mut usize) -> usize {
        let mut from = 1;
        while let Some(found) = find_magic(&rest[from.min(rest.len())..]) {
            let candidate = from + found;
            let bytes = &rest[candidate..];
            // A header announcing more bytes than remain is rejected before checksumming.
            let cost = HEADER_LEN + declared_payload_len(bytes).min(bytes.len());
            if cost > *budget {
                break;
            }
            *budget -= cost;
            if frame::decode_header(bytes).is_ok() {
                return candidate;
            }
            from = candidate + 1;
        }
        rest.len()
    }
}

/// The stored CRC and payload length of a frame that decoded (so its header is intact).
fn fingerprint(bytes: &[u8]) -> Option<(u32, usize)> {
    let crc = bytes.get(54..58)?;
    let crc = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    Some((crc, declared_payload_len(bytes)))
}

/// The compressed payload length a header claims (0 when there is no full header).
fn declared_payload_len(bytes: &[u8]) -> usize {
    match bytes.get(50..54) {
        Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize,
        None => 0,
    }
}

/// Length of a frame whose header (and so its length field) passed the checksum.
fn frame_len(bytes: &[u8]) -> usize {
    HEADER_LEN + declared_payload_len(bytes)
}

/// The sequence number of bytes whose header is intact.
fn intact_seq(bytes: &[u8]) -> Option<u32> {
    frame::decode_header(bytes).ok().map(|h: FrameHeader| h.seq)
}

fn find_magic(haystack: &[u8]) -> Option<usize> {
    haystack.windows(MAGIC.len()).position(|w| w == MAGIC)
}
