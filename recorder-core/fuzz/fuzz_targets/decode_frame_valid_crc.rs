//! Fuzzed bytes behind a header with a correct checksum, to reach the decompressor and
//! the MessagePack decoder. The first byte picks the mode:
//! - even: the rest is a MessagePack payload, compressed here with the built-in
//!   dictionary; `first >> 1` is the announced event count;
//! - odd: the rest is `[raw_len: u32 LE][event_count: u8][dictionary: u8]` and then the
//!   LZ4 block bytes as they are.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recorder_core::frame;
use recorder_core_fuzz::{check_round_trip, frame_around, frame_from_payload};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let bytes = if mode & 1 == 0 {
        frame_from_payload(rest, u32::from(mode >> 1))
    } else {
        if rest.len() < 6 {
            return;
        }
        let raw_len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
        frame_around(raw_len, &rest[6..], u32::from(rest[4]), rest[5] % 3)
    };
    if let Ok(frame) = frame::decode(&bytes) {
        check_round_trip(&frame);
    }
});
