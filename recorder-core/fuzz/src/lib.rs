//! Helpers shared by the fuzz targets.

use recorder_core::frame::{self, Frame, DICTIONARY, FORMAT_VERSION, HEADER_LEN, MAGIC};

/// A frame with the given announced sizes and compressed bytes, and a correct checksum,
/// so fuzzed bytes get past the header into LZ4 and MessagePack decoding.
pub fn frame_around(raw_len: u32, compressed: &[u8], event_count: u32, dictionary: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + compressed.len());
    out.extend_from_slice(&MAGIC);
    out.push(FORMAT_VERSION);
    out.push(dictionary);
    out.extend_from_slice(&[0x5a; 16]);
    out.extend_from_slice(&7u32.to_le_bytes());
    out.extend_from_slice(&1_700_000_000_000u64.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&event_count.to_le_bytes());
    out.extend_from_slice(&raw_len.to_le_bytes());
    out.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&out);
    crc.update(compressed);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(compressed);
    out
}

/// A valid frame around a MessagePack payload (compressed with the built-in dictionary).
pub fn frame_from_payload(raw: &[u8], event_count: u32) -> Vec<u8> {
    let compressed = lz4_flex::block::compress_with_dict(raw, DICTIONARY);
    frame_around(raw.len() as u32, &compressed, event_count, 1)
}

/// A decoded frame must re-encode, and encoding must be a fixed point from then on:
/// decode(encode(f)) encodes to the same bytes. Compared as bytes, not values, because
/// fuzzed floats may be NaN.
pub fn check_round_trip(frame: &Frame) {
    assert_eq!(frame.events.len(), frame.header.event_count as usize);
    let once = frame::encode(&frame.header, &frame.events).expect("a decoded frame re-encodes");
    let again = frame::decode(&once).expect("an encoded frame decodes");
    assert_eq!(again.events.len(), frame.events.len());
    assert_eq!(again.header.seq, frame.header.seq);
    let twice = frame::encode(&again.header, &again.events).expect("re-encodes");
    assert_eq!(once, twice, "encode . decode is not a fixed point");
}
