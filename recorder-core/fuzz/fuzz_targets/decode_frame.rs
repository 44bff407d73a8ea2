//! Raw bytes as a frame: almost always stopped by the header checks or the checksum.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recorder_core::frame;
use recorder_core_fuzz::check_round_trip;

fuzz_target!(|data: &[u8]| {
    let header = frame::decode_header(data);
    match frame::decode_prefix(data) {
        Ok((frame, used)) => {
            assert!(used <= data.len());
            assert!(
                header.is_ok(),
                "decoded a frame whose header does not check out"
            );
            check_round_trip(&frame);
        }
        Err(_) => assert!(frame::decode(data).is_err()),
    }
});
