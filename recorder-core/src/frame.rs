//! The frame codec: a batch of events as one self-describing, independently decodable unit.
//!
//! ```text
//! offset size field
//!      0    4 magic "TDCK"
//!      4    1 format version (FORMAT_VERSION)
//!      5    1 dictionary id (0 none, 1 the built-in DICTIONARY)
//!      6   16 session id
//!     22    4 sequence number            (u32 LE; 0, 1, 2… per session)
//!     26    8 session start              (u64 LE, Unix ms)
//!     34    8 base time                  (u64 LE, ms since session start of the first event)
//!     42    4 event count                (u32 LE)
//!     46    4 uncompressed payload size  (u32 LE)
//!     50    4 compressed payload size    (u32 LE)
//!     54    4 CRC-32 of bytes 0..54 and the payload
//!     58    … payload: LZ4 block of MessagePack [[Δt, event], …]
//! ```
//!
//! Event times are written as signed deltas from the previous event (the first from the
//! base time), so a typical event spends one byte on its timestamp. Strings go through a
//! per-frame table (see `wire::intern`); mutation batches are written as columns of
//! id deltas, names and values, and a text input's value as an edit of its previous
//! value in the frame (see `wire::columns`); and LZ4 starts from a static dictionary of
//! common MessagePack shapes, so even small frames compress.
//!
//! # Untrusted input
//! Frames arrive from browsers over the network, so [`decode`] treats every byte as
//! hostile and returns a [`DecodeError`] for anything malformed; it never panics. Its
//! allocations are bounded by the input:
//!
//! - the checksum is verified before anything is decompressed;
//! - the announced uncompressed size must be within [`Limits::max_payload_len`] *and*
//!   reachable from the compressed size (LZ4 inflates at most 255×), so a 58-byte frame
//!   cannot make the decoder reserve 64 MiB;
//! - sequence preallocations are capped (serde caps each at 1 MiB, the event list at
//!   [`MAX_PREALLOCATED_EVENTS`]);
//! - MessagePack nesting is limited to [`MAX_NESTING`] levels (rmp-serde's default of
//!   1024 overflows small stacks);
//! - string-table indices are range-checked.
//!
//! What remains is the decoded events themselves, which can be larger than their
//! MessagePack (a two-byte string-table index becomes a string of up to 96 bytes, a
//! four-byte node a 72-byte [`SnapNode`](crate::event::SnapNode)): the worst case measured
//! (`tests/decode_memory.rs`) is 45× the uncompressed payload; a realistic snapshot takes
//! 8×; text input edits (see `wire::columns`) add at most 1 MiB of values per frame,
//! however few bytes they take. So a decompression bomb is bounded by the uncompressed
//! limit, not by the compressed size (875 bytes of frame can legally inflate to 9 MB of
//! events): a service decoding
//! frames from strangers should choose its own [`Limits::max_payload_len`] with 50× that
//! in mind, and call [`decode_with`].

use crate::event::{Event, EventData};
use crate::wire::intern;
use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserializer, Serialize, Serializer};
use std::fmt;

/// The magic bytes every frame starts with.
pub const MAGIC: [u8; 4] = *b"TDCK";
/// The frame format this crate writes and reads.
///
/// Version 2 (this one) writes mutation batches as columns and typed text as edits (see
/// `wire::columns`); version 1 frames are refused with
/// [`DecodeError::UnsupportedVersion`], as any version but this one.
pub const FORMAT_VERSION: u8 = 2;
/// Size of the fixed header.
pub const HEADER_LEN: usize = 58;
/// Largest uncompressed payload a decoder accepts (and an encoder produces).
pub const MAX_PAYLOAD_LEN: usize = 64 << 20;
/// LZ4 turns each input byte into at most this many output bytes (a match length is
/// extended 255 at a time), so a larger announced ratio is a lie, caught before allocating.
const MAX_INFLATION: usize = 255;
/// The event list of a frame reserves room for at most this many events up front,
/// whatever its header claims; more are still accepted, growing the list as they come.
pub const MAX_PREALLOCATED_EVENTS: usize = 4096;
/// Deepest MessagePack nesting a payload may have. The event model nests about ten levels
/// (event list, event, mutation batch, added tree, node list, node, element, attribute
/// list, attribute); rmp-serde's own default of 1024 lets a hostile payload recurse
/// deep enough, through serde's skipping of unknown map fields, to overflow a 2 MiB
/// thread stack in a debug build (or wasm's 1 MiB stack), so the decoder allows 32.
pub const MAX_NESTING: usize = 32;
/// An event takes at least this many MessagePack bytes (time delta, then a two-element
/// array of tag and payload), so a header announcing more events than the payload can
/// hold is rejected before decompressing.
const MIN_EVENT_LEN: usize = 4;

/// The static LZ4 dictionary shared by recorder and replayer (id 1): 16 KiB of common
/// MessagePack shapes and web vocabulary, trained by `examples/train_dictionary.rs`. It
/// saves a third of a typical one-second frame. Its bytes are part of the format: a new
/// dictionary needs a new id, never an edit of this one.
pub const DICTIONARY: &[u8] = include_bytes!("frame_dictionary.bin");
const DICTIONARY_ID: u8 = 1;

/// A session's random 128-bit id.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub [u8; 16]);

impl SessionId {
    /// Parses 32 lower-case hex digits.
    pub fn from_hex(s: &str) -> Option<Self> {
        crate::trace::TraceId::from_hex(s).map(|t| SessionId(t.0))
    }

    /// 32 lower-case hex digits (the `Display` form).
    pub fn to_hex(&self) -> String {
        crate::trace::TraceId(self.0).to_hex()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({self})")
    }
}

/// Everything in a frame but its events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameHeader {
    /// Format version of the frame.
    pub version: u8,
    /// The session the frame belongs to.
    pub session_id: SessionId,
    /// Position of the frame in its session, from 0.
    pub seq: u32,
    /// Unix time in ms at which the session started; event times are relative to it.
    pub session_start: u64,
    /// Time of the first event (ms since the session start).
    pub base_time: u64,
    /// Number of events in the frame.
    pub event_count: u32,
}

/// A decoded frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// The header.
    pub header: FrameHeader,
    /// The events, in recorded order.
    pub events: Vec<Event>,
}

/// Why a frame could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// More events than a frame can count (`u32`).
    #[error("{0} events do not fit in one frame")]
    TooManyEvents(usize),
    /// The serialized events exceed [`MAX_PAYLOAD_LEN`]; split them over more frames.
    #[error("frame payload of {0} bytes exceeds the {MAX_PAYLOAD_LEN}-byte limit")]
    TooLarge(usize),
    /// Event times are not representable as deltas.
    #[error("event time {0} ms is out of range")]
    TimeOutOfRange(u64),
    /// LZ4 compression failed.
    #[error("cannot compress frame payload: {0}")]
    Compress(String),
}

impl EncodeError {
    /// What went wrong, as a fixed phrase (the `Display` text without its figures), for
    /// callers that report errors without `core::fmt`, such as the browser recorder.
    pub fn reason(&self) -> &'static str {
        match self {
            EncodeError::TooManyEvents(_) => "too many events for one frame",
            EncodeError::TooLarge(_) => "frame payload exceeds the format's limit",
            EncodeError::TimeOutOfRange(_) => "event time out of range",
            EncodeError::Compress(_) => "cannot compress frame payload",
        }
    }
}

/// Why bytes could not be decoded as a frame.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than the header.
    #[error("{0} bytes is too short for a frame header ({HEADER_LEN} bytes)")]
    TooShort(usize),
    /// Does not start with [`MAGIC`].
    #[error("not a Tapedeck frame (bad magic bytes)")]
    BadMagic,
    /// A format version this decoder does not know.
    #[error("unsupported frame format version {0} (this decoder reads {FORMAT_VERSION})")]
    UnsupportedVersion(u8),
    /// A dictionary id this decoder does not know.
    #[error("unknown compression dictionary {0}")]
    UnknownDictionary(u8),
    /// The header announces more bytes than there are.
    #[error("frame truncated: header announces {expected} payload bytes, {actual} present")]
    Truncated {
        /// Payload bytes announced.
        expected: usize,
        /// Payload bytes present.
        actual: usize,
    },
    /// The header announces an uncompressed size above the decoder's
    /// [`Limits::max_payload_len`].
    #[error("frame payload of {len} bytes exceeds the {limit}-byte limit")]
    TooLarge {
        /// Uncompressed size announced.
        len: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The header announces sizes or counts that cannot belong together: more than 255
    /// uncompressed bytes per compressed byte, or more events than the payload can hold.
    #[error(
        "implausible frame header: {raw_len} uncompressed bytes from {payload_len} \
         compressed bytes holding {event_count} events"
    )]
    Implausible {
        /// Uncompressed size announced.
        raw_len: usize,
        /// Compressed size announced.
        payload_len: usize,
        /// Event count announced.
        event_count: u32,
    },
    /// The header's base time is beyond what an encoder writes (`i64::MAX` ms).
    #[error("frame base time {0} ms is out of range")]
    TimeOutOfRange(u64),
    /// Header or payload bytes were altered.
    #[error("frame checksum mismatch (stored {stored:08x}, computed {computed:08x})")]
    Checksum {
        /// CRC in the header.
        stored: u32,
        /// CRC of the bytes.
        computed: u32,
    },
    /// The LZ4 block is invalid or does not inflate to the announced size.
    #[error("cannot decompress frame payload: {0}")]
    Decompress(String),
    /// The payload is not a valid event list.
    #[error("invalid frame payload at event {event}: {message}")]
    Payload {
        /// Index of the event that failed to decode (the number of events before it).
        event: usize,
        /// What rmp-serde or the event model rejected.
        message: String,
    },
    /// Bytes follow the frame where [`decode`] expected its end.
    #[error("{0} trailing bytes after the frame")]
    TrailingBytes(usize),
    /// The payload holds a different number of events than the header says.
    #[error("header announces {header} events, payload holds {payload}")]
    EventCount {
        /// Count in the header.
        header: u32,
        /// Count in the payload.
        payload: usize,
    },
}

/// Encodes `events` (times in ms since `session_start`) as one frame.
///
/// `header.event_count`, `header.base_time` and `header.version` are computed from the
/// events; the caller sets the session id, sequence number and session start.
pub fn encode(header: &FrameHeader, events: &[Event]) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    encode_into(header, events, &mut out)?;
    Ok(out)
}

/// Like [`encode`], appending to `out` (which may hold earlier frames).
///
/// Reusing `out` across frames keeps the hot path to one allocation per frame (the
/// MessagePack scratch buffer); on error `out` is left as it was.
pub fn encode_into(
    header: &FrameHeader,
    events: &[Event],
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    let event_count =
        u32::try_from(events.len()).map_err(|_| EncodeError::TooManyEvents(events.len()))?;
    let base_time = events.first().map_or(0, |e| e.time);
    for e in events {
        if e.time > i64::MAX as u64 {
            return Err(EncodeError::TimeOutOfRange(e.time));
        }
    }
    let raw = payload(base_time, events);
    if raw.len() > MAX_PAYLOAD_LEN {
        return Err(EncodeError::TooLarge(raw.len()));
    }

    let start = out.len();
    out.reserve(HEADER_LEN + lz4_flex::block::get_maximum_output_size(raw.len()));
    out.extend_from_slice(&MAGIC);
    out.push(FORMAT_VERSION);
    out.push(DICTIONARY_ID);
    out.extend_from_slice(&header.session_id.0);
    out.extend_from_slice(&header.seq.to_le_bytes());
    out.extend_from_slice(&header.session_start.to_le_bytes());
    out.extend_from_slice(&base_time.to_le_bytes());
    out.extend_from_slice(&event_count.to_le_bytes());
    out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
    out.extend_from_slice(&[0; 8]); // compressed size and CRC, written below
    let payload_at = start + HEADER_LEN;
    out.resize(
        payload_at + lz4_flex::block::get_maximum_output_size(raw.len()),
        0,
    );
    let compressed =
        match lz4_flex::block::compress_into_with_dict(&raw, &mut out[payload_at..], DICTIONARY) {
            Ok(n) => n,
            Err(_) => {
                // Cannot happen (the output has the documented worst-case size), but a
                // library must not panic on it either. (lz4_flex's only compression error
                // is this one; its message is not formatted, which keeps `core::fmt` out
                // of the browser recorder.)
                out.truncate(start);
                return Err(EncodeError::Compress(
                    "output buffer smaller than LZ4's worst case".into(),
                ));
            }
        };
    out.truncate(payload_at + compressed);
    out[start + 50..start + 54].copy_from_slice(&(compressed as u32).to_le_bytes());
    let mut crc = crate::crc32::Crc32::new();
    crc.update(&out[start..start + 54]);
    crc.update(&out[payload_at..]);
    out[start + 54..start + 58].copy_from_slice(&crc.finalize().to_le_bytes());
    Ok(())
}

/// What a decoder accepts, beyond the format's own rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest uncompressed payload accepted; values above [`MAX_PAYLOAD_LEN`] act as
    /// [`MAX_PAYLOAD_LEN`]. Decoded events take up to about 50× this in memory.
    pub max_payload_len: usize,
}

impl Default for Limits {
    /// The format's limit, [`MAX_PAYLOAD_LEN`]: right for a replayer opening a file its
    /// user chose, generous for a service taking uploads from anyone.
    fn default() -> Self {
        Limits {
            max_payload_len: MAX_PAYLOAD_LEN,
        }
    }
}

/// Decodes exactly one frame; trailing bytes are an error (see [`decode_prefix`]).
pub fn decode(bytes: &[u8]) -> Result<Frame, DecodeError> {
    decode_with(bytes, &Limits::default())
}

/// [`decode`] with explicit [`Limits`].
pub fn decode_with(bytes: &[u8], limits: &Limits) -> Result<Frame, DecodeError> {
    let (frame, used) = decode_prefix_with(bytes, limits)?;
    if used != bytes.len() {
        return Err(DecodeError::TrailingBytes(bytes.len() - used));
    }
    Ok(frame)
}

/// Decodes the frame at the start of `bytes`, returning it and the bytes it used, so a
/// file of concatenated frames can be read one after another.
pub fn decode_prefix(bytes: &[u8]) -> Result<(Frame, usize), DecodeError> {
    decode_prefix_with(bytes, &Limits::default())
}

/// [`decode_prefix`] with explicit [`Limits`].
pub fn decode_prefix_with(bytes: &[u8], limits: &Limits) -> Result<(Frame, usize), DecodeError> {
    let parsed = parse_header(bytes, limits)?;
    let payload = &bytes[HEADER_LEN..parsed.end];
    let dictionary: &[u8] = match parsed.dictionary {
        0 => &[],
        DICTIONARY_ID => DICTIONARY,
        other => return Err(DecodeError::UnknownDictionary(other)),
    };
    let raw = lz4_flex::block::decompress_with_dict(payload, parsed.raw_len, dictionary)
        .map_err(|e| DecodeError::Decompress(e.to_string()))?;
    if raw.len() != parsed.raw_len {
        return Err(DecodeError::Decompress(format!(
            "inflated to {} bytes, header announces {}",
            raw.len(),
            parsed.raw_len
        )));
    }
    let header = parsed.header;
    let decoded = std::cell::Cell::new(0);
    let events = intern::with_table(intern::Mode::Decode, || {
        let mut de = rmp_serde::Deserializer::from_read_ref(&raw);
        de.set_max_depth(MAX_NESTING);
        de.deserialize_seq(EventsVisitor {
            base_time: header.base_time,
            expected: header.event_count,
            decoded: &decoded,
        })
    })
    .map_err(|e: rmp_serde::decode::Error| DecodeError::Payload {
        event: decoded.get(),
        message: e.to_string(),
    })?;
    if events.len() != header.event_count as usize {
        return Err(DecodeError::EventCount {
            header: header.event_count,
            payload: events.len(),
        });
    }
    Ok((Frame { header, events }, parsed.end))
}

/// Reads and checks the header (including the checksum) without decompressing.
pub fn decode_header(bytes: &[u8]) -> Result<FrameHeader, DecodeError> {
    parse_header(bytes, &Limits::default()).map(|p| p.header)
}

struct ParsedHeader {
    header: FrameHeader,
    dictionary: u8,
    raw_len: usize,
    end: usize,
}

fn parse_header(bytes: &[u8], limits: &Limits) -> Result<ParsedHeader, DecodeError> {
    if bytes.len() < HEADER_LEN {
        return Err(DecodeError::TooShort(bytes.len()));
    }
    if bytes[0..4] != MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let version = bytes[4];
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    let dictionary = bytes[5];
    let u32_at =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let mut session_id = [0u8; 16];
    session_id.copy_from_slice(&bytes[6..22]);
    let raw_len = u32_at(46) as usize;
    let payload_len = u32_at(50) as usize;
    let limit = limits.max_payload_len.min(MAX_PAYLOAD_LEN);
    if raw_len > limit {
        return Err(DecodeError::TooLarge {
            len: raw_len,
            limit,
        });
    }
    let available = bytes.len() - HEADER_LEN;
    if payload_len > available {
        return Err(DecodeError::Truncated {
            expected: payload_len,
            actual: available,
        });
    }
    let end = HEADER_LEN + payload_len;
    let event_count = u32_at(42);
    let base_time = u64_at(34);
    if base_time > i64::MAX as u64 {
        return Err(DecodeError::TimeOutOfRange(base_time));
    }
    if raw_len > payload_len.saturating_mul(MAX_INFLATION)
        || (event_count as usize).saturating_mul(MIN_EVENT_LEN) > raw_len
    {
        return Err(DecodeError::Implausible {
            raw_len,
            payload_len,
            event_count,
        });
    }
    let stored = u32_at(54);
    let mut crc = crate::crc32::Crc32::new();
    crc.update(&bytes[..54]);
    crc.update(&bytes[HEADER_LEN..end]);
    let computed = crc.finalize();
    if stored != computed {
        return Err(DecodeError::Checksum { stored, computed });
    }
    let header = FrameHeader {
        version,
        session_id: SessionId(session_id),
        seq: u32_at(22),
        session_start: u64_at(26),
        base_time,
        event_count,
    };
    Ok(ParsedHeader {
        header,
        dictionary,
        raw_len,
        end,
    })
}

/// The uncompressed payload of a frame of `events`: MessagePack written by
/// [`crate::msgpack`], byte for byte what [`WireEvents`] writes through rmp-serde.
pub(crate) fn payload(base_time: u64, events: &[Event]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(256 + 64 * events.len());
    intern::with_table(intern::Mode::Encode, || {
        crate::msgpack::events(&mut raw, base_time, events)
    });
    raw
}

/// The same payload through serde and rmp-serde: the reference [`payload`] is tested
/// against (`tests/encode_equivalence.rs`), written with the same `Serialize` impls the
/// decoder's `Deserialize` impls mirror.
#[cfg(feature = "testing")]
pub(crate) fn payload_via_serde(base_time: u64, events: &[Event]) -> Vec<u8> {
    let mut raw = Vec::new();
    intern::with_table(intern::Mode::Encode, || {
        WireEvents { base_time, events }.serialize(&mut rmp_serde::Serializer::new(&mut raw))
    })
    .expect("the event model always serializes");
    raw
}

/// Serializes events as `[Δt, data]` pairs, flattened into one array.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
struct WireEvents<'a> {
    base_time: u64,
    events: &'a [Event],
}

impl Serialize for WireEvents<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.events.len() * 2))?;
        let mut previous = self.base_time as i64;
        for event in self.events {
            let time = event.time as i64;
            seq.serialize_element(&time.wrapping_sub(previous))?;
            seq.serialize_element(&event.data)?;
            previous = time;
        }
        seq.end()
    }
}

struct EventsVisitor<'a> {
    base_time: u64,
    expected: u32,
    /// Events decoded so far, read after an error to say where the payload went wrong.
    decoded: &'a std::cell::Cell<usize>,
}

impl<'de> Visitor<'de> for EventsVisitor<'_> {
    type Value = Vec<Event>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of [time delta, event] pairs")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Event>, A::Error> {
        // The header's count is untrusted: cap the preallocation.
        let mut events = Vec::with_capacity((self.expected as usize).min(MAX_PREALLOCATED_EVENTS));
        let mut time = i128::from(self.base_time);
        while let Some(delta) = seq.next_element::<i64>()? {
            time += i128::from(delta);
            // The encoder only writes times up to i64::MAX (so deltas fit an i64); anything
            // else cannot have come from it, and would not re-encode.
            let at = u64::try_from(time)
                .ok()
                .filter(|t| *t <= i64::MAX as u64)
                .ok_or_else(|| de::Error::custom(format_args!("event time {time} out of range")))?;
            let data: EventData = seq
                .next_element()?
                .ok_or_else(|| de::Error::custom("time delta without an event"))?;
            events.push(Event { time: at, data });
            self.decoded.set(events.len());
        }
        Ok(events)
    }
}
