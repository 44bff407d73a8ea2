//! A fuzzed stream of frames through the session reader, and the same bytes cut into
//! separate inputs. Checks what the reader promises: frames ordered and unique, all of
//! one session, gaps consistent with the frames, corrupt regions in order and within
//! the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recorder_core::session::{Problem, SessionReader};

fuzz_target!(|data: &[u8]| {
    let mut reader = SessionReader::new();
    reader.push_stream(data);
    // The same bytes as separate pushes, cut where a byte says so (first byte = cut length).
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        reader.push(&tail[..len]);
        rest = &tail[len..];
    }
    let session = reader.finish();

    let seqs: Vec<u32> = session.frames.iter().map(|f| f.header.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "frames not ordered: {seqs:?}"
    );
    for frame in &session.frames {
        assert_eq!(Some(frame.header.session_id), session.id);
        assert_eq!(frame.events.len(), frame.header.event_count as usize);
    }
    let mut stream_end = 0;
    for problem in &session.report.problems {
        match problem {
            Problem::Gap { first, last } => {
                assert!(first <= last);
                assert!(!seqs.iter().any(|s| (first..=last).contains(&s)));
            }
            Problem::Corrupt { at, len, .. } if at.input == 0 => {
                assert!(at.offset >= stream_end, "corrupt regions overlap");
                assert!(*len > 0 && at.offset + len <= data.len());
                stream_end = at.offset + len;
            }
            _ => {}
        }
    }
});
