//! Frames written back to back, read one after another, with resynchronization after
//! damage: the one scanning loop behind every reader of frame streams.

use crate::frame::{self, DecodeError, Frame, Limits, HEADER_LEN, MAGIC};
use std::ops::Range;

/// One step through a stream of frames: a frame, or a run of bytes that is not one.
#[derive(Clone, Debug, PartialEq)]
pub enum Scanned {
    /// A frame that decoded.
    Frame {
        /// Byte offset of the frame in the stream.
        offset: usize,
        /// Its length in bytes.
        len: usize,
        /// The frame.
        frame: Frame,
    },
    /// Bytes given up on: a frame whose header was intact but whose payload did not
    /// decode (skipped exactly), or damaged bytes up to the next frame with a valid
    /// checksum (or the end of the stream).
    Corrupt {
        /// Byte offset where the bad bytes start.
        offset: usize,
        /// How many bytes were skipped (never 0).
        len: usize,
        /// The sequence number, when the header was intact (checksum valid) but the
        /// payload did not decode.
        seq: Option<u32>,
        /// Why the first bytes of the region did not decode.
        error: DecodeError,
    },
}

impl Scanned {
    /// The bytes of the stream this step covers.
    pub fn span(&self) -> Range<usize> {
        let (Scanned::Frame { offset, len, .. } | Scanned::Corrupt { offset, len, .. }) = self;
        *offset..offset + len
    }

    /// Reads `bytes` as exactly one frame (the body of one upload): anything else,
    /// trailing bytes included, is one corrupt region covering all of it.
    pub fn whole(bytes: &[u8], limits: &Limits) -> Scanned {
        match frame::decode_with(bytes, limits) {
            Ok(frame) => Scanned::Frame {
                offset: 0,
                len: bytes.len(),
                frame,
            },
            Err(error) => Scanned::Corrupt {
                offset: 0,
                len: bytes.len(),
                seq: frame::decode_header(bytes).ok().map(|h| h.seq),
                error,
            },
        }
    }
}

/// While resynchronizing a stream, candidate frames are checksummed; a hostile stream
/// could plant a magic number every few bytes, each announcing a payload up to the end
/// of the stream. The checksum work is capped at this many times the stream's length
/// (plus [`RESYNC_ALLOWANCE`]); past it, the rest of the stream is reported as corrupt.
const RESYNC_WORK_FACTOR: usize = 8;
/// Checksum work a resynchronization may always do, however short the stream.
const RESYNC_ALLOWANCE: usize = 1 << 20;

/// Iterates over a stream of frames written back to back (a file, or a request body
/// holding several frames), yielding each frame or corrupt region with its offset.
///
/// After a damaged region the scanner resynchronizes on the next [`MAGIC`] that starts a
/// frame with a valid checksum, so one bad frame costs only itself. A frame whose header
/// is intact (checksum valid) but whose payload does not decode is skipped exactly, by
/// the length its header gives. The regions yielded cover the stream without overlap,
/// in order; the work spent looking for the next frame is bounded by a small multiple
/// of the stream's length, however hostile the bytes.
///
/// ```
/// use recorder_core::event::{Event, Focus};
/// use recorder_core::frame::{self, FrameHeader};
/// use recorder_core::session::{Scanned, Scanner};
///
/// let header = |seq| FrameHeader { seq, ..Default::default() };
/// let events = [Event::new(0, Focus { target: 3, focused: true })];
/// let mut stream = frame::encode(&header(0), &events).unwrap();
/// stream.extend_from_slice(b"junk");
/// frame::encode_into(&header(1), &events, &mut stream).unwrap();
///
/// let steps: Vec<Scanned> = Scanner::new(&stream).collect();
/// assert!(matches!(&steps[..], [
///     Scanned::Frame { .. },
///     Scanned::Corrupt { len: 4, .. },
///     Scanned::Frame { frame, .. },
/// ] if frame.header.seq == 1));
/// ```
#[derive(Clone, Debug)]
pub struct Scanner<'a> {
    bytes: &'a [u8],
    offset: usize,
    limits: Limits,
    /// Checksum work left for resynchronization (see [`RESYNC_WORK_FACTOR`]).
    budget: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner over `bytes`, decoding with the default [`Limits`].
    pub fn new(bytes: &'a [u8]) -> Self {
        Scanner {
            bytes,
            offset: 0,
            limits: Limits::default(),
            budget: bytes
                .len()
                .saturating_mul(RESYNC_WORK_FACTOR)
                .saturating_add(RESYNC_ALLOWANCE),
        }
    }

    /// Decodes with these [`Limits`] (see [`frame::decode_with`]) instead of the defaults.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How many bytes to skip from `rest` (which does not start with a valid frame): up
    /// to the next magic number that starts a frame with a valid checksum, or all of it.
    fn resync(&mut self, rest: &[u8]) -> usize {
        let mut from = 1;
        while let Some(found) = find_magic(rest.get(from..).unwrap_or_default()) {
            let candidate = from + found;
            let bytes = &rest[candidate..];
            // A header announcing more bytes than remain is rejected before checksumming.
            let cost = HEADER_LEN + declared_payload_len(bytes).min(bytes.len());
            if cost > self.budget {
                break;
            }
            self.budget -= cost;
            if frame::decode_header(bytes).is_ok() {
                return candidate;
            }
            from = candidate + 1;
        }
        rest.len()
    }
}

impl Iterator for Scanner<'_> {
    type Item = Scanned;

    fn next(&mut self) -> Option<Scanned> {
        let offset = self.offset;
        let rest = self.bytes.get(offset..).filter(|r| !r.is_empty())?;
        let step = match frame::decode_prefix_with(rest, &self.limits) {
            Ok((frame, len)) => Scanned::Frame { offset, len, frame },
            Err(error) => {
                // With a valid checksum the header's length is trustworthy: skip exactly
                // this frame. Otherwise search for the next frame that decodes.
                let (len, seq) = match frame::decode_header(rest) {
                    Ok(header) => (frame_len(rest), Some(header.seq)),
                    Err(_) => (self.resync(rest), None),
                };
                Scanned::Corrupt {
                    offset,
                    len,
                    seq,
                    error,
                }
            }
        };
        self.offset = step.span().end;
        Some(step)
    }
}

impl std::iter::FusedIterator for Scanner<'_> {}

/// What tells a byte-identical retry of a frame from a different frame with the same
/// sequence number: its stored CRC-32 (over header and payload) and payload length. A
/// conflicting frame matching both is a 1-in-2³² accident. `bytes` must start with a
/// frame that decoded (so its header is intact).
pub(super) fn fingerprint(bytes: &[u8]) -> Option<(u32, usize)> {
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

fn find_magic(haystack: &[u8]) -> Option<usize> {
    haystack.windows(MAGIC.len()).position(|w| w == MAGIC)
}
