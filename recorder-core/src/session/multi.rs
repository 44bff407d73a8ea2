//! [`MultiSessionReader`]: the frames of every session, grouped by session id.

use super::{locate, Collector, Located, Location, Problem, Report, Scanned, Scanner, Session};
use crate::frame::{Frame, Limits, SessionId};
use std::collections::HashMap;

/// What one input held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputStats {
    /// Its size in bytes (0 for a frame handed over decoded).
    pub bytes: usize,
    /// Frames decoded from it, of any session, duplicates included.
    pub frames: usize,
    /// Bytes in corrupt regions.
    pub corrupt_bytes: usize,
}

/// Every session read by a [`MultiSessionReader`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sessions {
    /// One per session id, in the order their first frame was read; each with its frames
    /// and its own report (duplicates, reordering, start mismatches, gaps).
    pub sessions: Vec<Session>,
    /// The bytes that were not frames: only [`Problem::Corrupt`], in the order met. A
    /// damaged region belongs to no session (its session id may be what was damaged).
    pub report: Report,
    /// One entry per input, in the order given.
    pub inputs: Vec<InputStats>,
}

impl Sessions {
    /// The session with this id.
    pub fn get(&self, id: SessionId) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == Some(id))
    }

    /// Whether not a single frame was read.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}

/// Collects the frames of every session in its inputs, grouped by session id (see the
/// [module docs](super)).
///
/// Each session is reassembled exactly as a [`SessionReader::for_session`] would
/// (same duplicates, gaps and reordering in its report); corrupt regions, which belong
/// to no session, are reported once for all, with per-input counts.
///
/// ```
/// use recorder_core::event::{Event, Focus};
/// use recorder_core::frame::{self, FrameHeader, SessionId};
/// use recorder_core::session::MultiSessionReader;
///
/// let frame = |id, seq| {
///     let header = FrameHeader { session_id: SessionId([id; 16]), seq, ..Default::default() };
///     frame::encode(&header, &[Event::new(0, Focus { target: 3, focused: true })]).unwrap()
/// };
/// let mut stream = frame(1, 0);
/// stream.extend(frame(2, 0));
/// stream.extend(frame(1, 2));
///
/// let mut reader = MultiSessionReader::new();
/// reader.push_stream(&stream);
/// let read = reader.finish();
/// assert_eq!(read.sessions.len(), 2);
/// let page = read.get(SessionId([1; 16])).unwrap();
/// assert_eq!(page.frames.len(), 2);
/// assert_eq!(page.report.gaps().collect::<Vec<_>>(), [(1, 1)]);
/// assert_eq!(read.inputs[0].frames, 3);
/// ```
///
/// [`SessionReader::for_session`]: super::SessionReader::for_session
#[derive(Debug, Default)]
pub struct MultiSessionReader {
    sessions: Vec<(SessionId, Collector)>,
    index: HashMap<SessionId, usize>,
    corrupt: Vec<Problem>,
    inputs: Vec<InputStats>,
    limits: Limits,
}

impl MultiSessionReader {
    /// An empty reader.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes with these [`Limits`] (see [`frame::decode_with`](crate::frame::decode_with))
    /// instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Reads one frame (for example the body of one upload request). Anything but exactly
    /// one valid frame is reported as corrupt, trailing bytes included.
    pub fn push(&mut self, bytes: &[u8]) {
        let input = self.next_input(bytes.len());
        let step = Scanned::whole(bytes, &self.limits);
        self.take(input, locate(input, bytes, step));
    }

    /// Reads a stream of frames written back to back, with a [`Scanner`] (see
    /// [`SessionReader::push_stream`](super::SessionReader::push_stream)).
    pub fn push_stream(&mut self, bytes: &[u8]) {
        let input = self.next_input(bytes.len());
        for step in Scanner::new(bytes).with_limits(self.limits) {
            self.take(input, locate(input, bytes, step));
        }
    }

    /// Adds a frame decoded elsewhere (see
    /// [`SessionReader::push_frame`](super::SessionReader::push_frame)).
    pub fn push_frame(&mut self, frame: Frame) {
        let input = self.next_input(0);
        let at = Location { input, offset: 0 };
        self.take(input, Ok((frame, None, at)));
    }

    /// Number of sessions met so far.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Every session, each with its report (gaps added), and the corrupt regions.
    pub fn finish(self) -> Sessions {
        Sessions {
            sessions: self
                .sessions
                .into_iter()
                .map(|(id, collector)| collector.finish(Some(id)))
                .collect(),
            report: Report {
                problems: self.corrupt,
            },
            inputs: self.inputs,
        }
    }

    fn next_input(&mut self, bytes: usize) -> usize {
        self.inputs.push(InputStats {
            bytes,
            ..InputStats::default()
        });
        self.inputs.len() - 1
    }

    fn take(&mut self, input: usize, located: Located) {
        let stats = &mut self.inputs[input];
        let (frame, fingerprint, at) = match located {
            Ok(found) => found,
            Err(corrupt) => {
                if let Problem::Corrupt { len, .. } = corrupt {
                    stats.corrupt_bytes += len;
                }
                return self.corrupt.push(corrupt);
            }
        };
        stats.frames += 1;
        let id = frame.header.session_id;
        let sessions = &mut self.sessions;
        let i = *self.index.entry(id).or_insert_with(|| {
            sessions.push((id, Collector::default()));
            sessions.len() - 1
        });
        self.sessions[i].1.accept(frame, fingerprint, at);
    }
}
