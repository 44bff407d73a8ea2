//! Decoding hostile or damaged bytes returns an error (or, where the damage happens to
//! leave a well-formed frame, that frame) and never panics.

mod support;

use proptest::prelude::*;
use recorder_core::event::Event;
use recorder_core::frame::{self, DecodeError, Frame, HEADER_LEN, MAGIC, MAX_PAYLOAD_LEN};
use recorder_core::testing::{Session, SessionSpec};
use support::{fix_crc, frame_from_parts, frame_from_payload};

/// A few seconds of generated activity as one frame of a couple of kilobytes.
fn sample_frame() -> (Vec<u8>, Vec<Event>) {
    let session = Session::generate(&SessionSpec {
        snapshot_nodes: 200,
        seconds: 2,
        ..SessionSpec::default()
    });
    let events: Vec<Event> = session.frames[1..].iter().flatten().cloned().collect();
    let bytes = frame::encode(&session.header(1), &events).expect("encodes");
    (bytes, events)
}

/// A decoded frame must be internally consistent: it re-encodes and decodes to itself.
fn assert_self_consistent(frame: &Frame) {
    let again = frame::encode(&frame.header, &frame.events).expect("a decoded frame re-encodes");
    let decoded = frame::decode(&again).expect("and decodes");
    assert_eq!(decoded.events.len(), frame.events.len());
    assert_eq!(decoded.header.event_count, frame.header.event_count);
}

#[test]
fn every_truncation_is_an_error() {
    let (bytes, _) = sample_frame();
    for len in 0..bytes.len() {
        let cut = &bytes[..len];
        match frame::decode(cut) {
            Err(DecodeError::TooShort(n)) => assert!(len < HEADER_LEN && n == len),
            Err(DecodeError::Truncated { expected, actual }) => {
                assert!(len >= HEADER_LEN);
                assert_eq!(actual, len - HEADER_LEN);
                assert_eq!(expected, bytes.len() - HEADER_LEN);
            }
            other => panic!("truncated to {len} bytes: {other:?}"),
        }
        assert!(frame::decode_prefix(cut).is_err());
    }
    assert!(frame::decode(&bytes).is_ok());
}

#[test]
fn every_bit_flip_is_detected() {
    let (bytes, _) = sample_frame();
    let mut copy = bytes.clone();
    for at in 0..bytes.len() {
        for bit in 0..8 {
            copy[at] ^= 1 << bit;
            let result = frame::decode(&copy);
            assert!(
                result.is_err(),
                "flip of bit {bit} at byte {at} went unnoticed"
            );
            copy[at] ^= 1 << bit;
        }
    }
}

/// With the checksum recomputed the flip reaches the length checks, the LZ4 decoder and
/// the MessagePack decoder; each must reject it or produce a well-formed frame. Every bit
/// of the header is flipped; in the payload one bit per byte (rotating through the eight),
/// which keeps a debug-build run to seconds.
#[test]
fn every_bit_flip_behind_a_valid_checksum_is_handled() {
    let (bytes, _) = sample_frame();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut copy = bytes.clone();
    for at in 0..bytes.len() {
        if (54..58).contains(&at) {
            continue; // the checksum itself
        }
        let bits = if at < HEADER_LEN {
            0..8
        } else {
            at % 8..at % 8 + 1
        };
        for bit in bits {
            copy[at] ^= 1 << bit;
            fix_crc(&mut copy);
            let kind = match frame::decode(&copy) {
                Ok(frame) => {
                    assert_self_consistent(&frame);
                    "ok"
                }
                Err(DecodeError::Decompress(_)) => "decompress",
                Err(DecodeError::Payload { .. }) => "payload",
                Err(DecodeError::EventCount { .. }) => "event count",
                Err(DecodeError::Checksum { .. }) => panic!("checksum was recomputed"),
                Err(_) => "header",
            };
            *counts.entry(kind).or_default() += 1;
            copy[at] ^= 1 << bit;
        }
    }
    copy.copy_from_slice(&bytes);
    // The test is only worth something if flips got past the header.
    for kind in ["decompress", "payload", "header"] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} errors: {counts:?}"
        );
    }
}

#[test]
fn announced_sizes_must_be_plausible() {
    // 64 MiB from 16 bytes: more than LZ4 can inflate, rejected before allocating.
    let frame = frame_from_parts(MAX_PAYLOAD_LEN as u32, &[0; 16], 0);
    assert!(matches!(
        frame::decode(&frame),
        Err(DecodeError::Implausible { .. })
    ));
    // Above the limit.
    let frame = frame_from_parts(MAX_PAYLOAD_LEN as u32 + 1, &[0; 16], 0);
    assert_eq!(
        frame::decode(&frame),
        Err(DecodeError::TooLarge {
            len: MAX_PAYLOAD_LEN + 1,
            limit: MAX_PAYLOAD_LEN
        })
    );
    // A service's own, lower limit.
    let small = frame_from_payload(&[0x90; 2000], 0);
    let limits = frame::Limits {
        max_payload_len: 1000,
    };
    assert_eq!(
        frame::decode_with(&small, &limits),
        Err(DecodeError::TooLarge {
            len: 2000,
            limit: 1000
        })
    );
    // More events than bytes.
    let frame = frame_from_payload(&[0x90], 1000);
    assert!(matches!(
        frame::decode(&frame),
        Err(DecodeError::Implausible {
            event_count: 1000,
            ..
        })
    ));
    // Fewer bytes than announced after inflating.
    let compressed = lz4_flex::block::compress(&[0x90]);
    let frame = frame_from_parts(100, &compressed, 0);
    assert!(matches!(
        frame::decode(&frame),
        Err(DecodeError::Decompress(_))
    ));
    // An unknown dictionary.
    let mut frame = frame_from_payload(&[0x90], 0);
    frame[5] = 9;
    fix_crc(&mut frame);
    assert_eq!(
        frame::decode(&frame),
        Err(DecodeError::UnknownDictionary(9))
    );
    // A newer format, and the previous one (version 1 wrote mutation batches as rows
    // and every input value whole; this decoder does not read it).
    for version in [frame::FORMAT_VERSION + 1, 1] {
        let mut frame = frame_from_payload(&[0x90], 0);
        frame[4] = version;
        assert_eq!(
            frame::decode(&frame),
            Err(DecodeError::UnsupportedVersion(version))
        );
    }
    // Trailing bytes.
    let mut frame = frame_from_payload(&[0x90], 0);
    frame.push(0);
    assert_eq!(frame::decode(&frame), Err(DecodeError::TrailingBytes(1)));
    assert!(frame::decode_prefix(&frame).is_ok());
}

#[test]
fn header_event_count_must_match_the_payload() {
    // [Δt 0, Focus [6, [1, true]]] announced as two events.
    let payload = [0x92, 0x00, 0x92, 0x06, 0x92, 0x01, 0xc3];
    assert_eq!(
        frame::decode(&frame_from_payload(&payload, 1)).map(|f| f.events.len()),
        Ok(1)
    );
    assert_eq!(
        frame::decode(&frame_from_payload(&payload, 0)),
        Err(DecodeError::EventCount {
            header: 0,
            payload: 1
        })
    );
    // An odd-length list: a time delta without its event.
    let odd = [0x93, 0x00, 0x92, 0x06, 0x92, 0x01, 0xc3, 0x00];
    assert!(matches!(
        frame::decode(&frame_from_payload(&odd, 1)),
        Err(DecodeError::Payload { event: 1, .. })
    ));
}

#[test]
fn string_table_indices_are_bounds_checked() {
    // Navigation [9, [Push, <table index>]]: 3 is the seed "div"; 60000 is out of range.
    let nav = |index: [u8; 2]| vec![0x92, 0x00, 0x92, 0x09, 0x92, 0x00, 0xcd, index[0], index[1]];
    let ok = frame::decode(&frame_from_payload(&nav([0, 3]), 1)).expect("seed index decodes");
    let recorder_core::event::EventData::Navigation(n) = &ok.events[0].data else {
        panic!("expected a navigation, got {:?}", ok.events[0].data);
    };
    assert_eq!(n.url, "div");
    match frame::decode(&frame_from_payload(&nav(60_000u16.to_be_bytes()), 1)) {
        Err(DecodeError::Payload { event: 0, message }) => {
            assert!(
                message.contains("string table index 60000 out of range"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_nesting_hits_the_depth_limit_instead_of_the_stack() {
    // A Meta event given as a map with an unknown field whose value nests 200 000 arrays:
    // serde skips unknown fields recursively, so only rmp-serde's depth limit stops it.
    let depth = 200_000;
    let mut payload = vec![0x92, 0x00, 0x92, 0x00, 0x81, 0xa3, b'z', b'z', b'z'];
    payload.extend(std::iter::repeat_n(0x91, depth));
    payload.push(0xc0);
    match frame::decode(&frame_from_payload(&payload, 1)) {
        Err(DecodeError::Payload { message, .. }) => {
            assert!(message.contains("depth limit"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn resynchronization_never_reads_garbage_as_a_frame() {
    // MAGIC followed by junk, many times over: every candidate fails its checksum.
    let mut junk = Vec::new();
    for i in 0..500u32 {
        junk.extend_from_slice(&MAGIC);
        junk.push(frame::FORMAT_VERSION);
        junk.extend_from_slice(&i.to_le_bytes());
    }
    let mut reader = recorder_core::session::SessionReader::new();
    reader.push_stream(&junk);
    let session = reader.finish();
    assert!(session.frames.is_empty());
    assert_eq!(session.report.corrupt().count(), 1, "{:?}", session.report);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_are_rejected(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let result = frame::decode(&bytes);
        prop_assert!(result.is_err());
        prop_assert!(frame::decode_header(&bytes).is_err());
    }

    #[test]
    fn random_bytes_after_the_magic_are_rejected(rest in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let mut bytes = MAGIC.to_vec();
        bytes.push(frame::FORMAT_VERSION);
        bytes.extend(rest);
        prop_assert!(frame::decode(&bytes).is_err());
    }

    /// Arbitrary LZ4 blocks and announced sizes behind a valid checksum.
    #[test]
    fn random_compressed_payloads_are_handled(
        raw_len in prop_oneof![0..5_000u32, any::<u32>()],
        compressed in proptest::collection::vec(any::<u8>(), 0..1_000),
        events in 0..100u32,
    ) {
        if let Ok(frame) = frame::decode(&frame_from_parts(raw_len, &compressed, events)) {
            assert_self_consistent(&frame);
        }
    }

    /// Arbitrary MessagePack behind a valid LZ4 block and checksum.
    #[test]
    fn random_payloads_are_handled(
        raw in proptest::collection::vec(any::<u8>(), 0..1_000),
        events in 0..10u32,
    ) {
        if let Ok(frame) = frame::decode(&frame_from_payload(&raw, events)) {
            assert_self_consistent(&frame);
        }
    }

    /// Events with random bytes spliced into their MessagePack: closer to valid than
    /// random bytes, so decoding goes further before it fails.
    #[test]
    fn damaged_event_payloads_are_handled(
        events in proptest::collection::vec(support::event(), 1..5),
        at in any::<prop::sample::Index>(),
        junk in proptest::collection::vec(any::<u8>(), 1..8),
    ) {
        let bytes = frame::encode(&support::header(1, 0), &events).expect("encodes");
        let raw_len = u32::from_le_bytes([bytes[46], bytes[47], bytes[48], bytes[49]]) as usize;
        let mut raw = lz4_flex::block::decompress_with_dict(&bytes[HEADER_LEN..], raw_len, frame::DICTIONARY)
            .expect("own frame inflates");
        let at = at.index(raw.len());
        for (i, b) in junk.iter().enumerate() {
            if let Some(slot) = raw.get_mut(at + i) {
                *slot = *b;
            }
        }
        if let Ok(frame) = frame::decode(&frame_from_payload(&raw, events.len() as u32)) {
            assert_self_consistent(&frame);
        }
    }
}
