//! Whatever events a fuzzed MessagePack payload decodes to must survive encode → decode:
//! the fuzzer finds valid payloads through the decoder's comparisons, and every one it
//! finds is checked for a lossless round trip. Input: `[event_count: u8]` + payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recorder_core::frame;
use recorder_core_fuzz::{check_round_trip, frame_from_payload};

fuzz_target!(|data: &[u8]| {
    let Some((&count, payload)) = data.split_first() else {
        return;
    };
    if let Ok(frame) = frame::decode(&frame_from_payload(payload, u32::from(count))) {
        check_round_trip(&frame);
    }
});
