//! The session readers keep every good frame and report gaps, duplicates, reordering,
//! foreign and corrupt frames, also in a stream of frames back to back; the scanner under
//! them covers a stream with frames and corrupt regions, in order, without overlap.

mod support;

use proptest::prelude::*;
use recorder_core::event::{Event, Focus, Scroll};
use recorder_core::frame::{self, DecodeError, SessionId};
use recorder_core::session::{
    Location, MultiSessionReader, Problem, Report, Scanned, Scanner, SessionReader,
};
use support::{frame_from_payload, header};

/// Frame `seq` of session `id`: two events at `seq` seconds.
fn frame_bytes(id: u8, seq: u32) -> Vec<u8> {
    frame::encode(&header(id, seq), &events(seq)).expect("encodes")
}

fn events(seq: u32) -> Vec<Event> {
    let t = u64::from(seq) * 1000;
    vec![
        Event::new(
            t,
            Focus {
                target: seq + 1,
                focused: true,
            },
        ),
        Event::new(
            t + 10,
            Scroll {
                target: 1,
                x: 0,
                y: seq as i32,
            },
        ),
    ]
}

fn seqs(session: &recorder_core::session::Session) -> Vec<u32> {
    session.frames.iter().map(|f| f.header.seq).collect()
}

fn at(input: usize, offset: usize) -> Location {
    Location { input, offset }
}

/// Where the corrupt regions of a report are, and how long each is.
fn regions(report: &Report) -> Vec<(Location, usize)> {
    report
        .corrupt()
        .map(|p| match p {
            Problem::Corrupt { at, len, .. } => (*at, *len),
            _ => unreachable!("corrupt() yields Corrupt only"),
        })
        .collect()
}

#[test]
fn a_clean_session_reads_clean() {
    let mut reader = SessionReader::new();
    for seq in 0..4 {
        reader.push(&frame_bytes(1, seq));
    }
    let session = reader.finish();
    assert!(session.report.is_clean(), "{:?}", session.report);
    assert_eq!(seqs(&session), [0, 1, 2, 3]);
    assert_eq!(session.id, Some(SessionId([1; 16])));
    let expected: Vec<Event> = (0..4).flat_map(events).collect();
    assert_eq!(session.events().cloned().collect::<Vec<_>>(), expected);
    let last = session.events().last().expect("has events");
    assert_eq!(session.unix_time(last), 1_700_000_000_000 + 3010);
}

#[test]
fn gaps_are_reported_as_ranges() {
    let mut reader = SessionReader::new();
    for seq in [1, 3, 6] {
        reader.push(&frame_bytes(1, seq));
    }
    let session = reader.finish();
    assert_eq!(seqs(&session), [1, 3, 6]);
    assert_eq!(
        session.report.gaps().collect::<Vec<_>>(),
        [(0, 0), (2, 2), (4, 5)]
    );
    assert!(!session.report.is_complete());
}

#[test]
fn duplicates_keep_the_first_and_tell_retries_from_conflicts() {
    let mut reader = SessionReader::new();
    reader.push(&frame_bytes(1, 0));
    reader.push(&frame_bytes(1, 0)); // a retried upload
    let conflicting = frame::encode(&header(1, 0), &events(7)).expect("encodes");
    reader.push(&conflicting);
    reader.push(&conflicting); // a retry of the conflicting frame
    let session = reader.finish();
    assert_eq!(
        session.report.problems,
        [
            Problem::Duplicate {
                at: at(1, 0),
                seq: 0,
                identical: true
            },
            Problem::Duplicate {
                at: at(2, 0),
                seq: 0,
                identical: false
            },
            Problem::Duplicate {
                at: at(3, 0),
                seq: 0,
                identical: true
            },
        ]
    );
    assert_eq!(session.frames.len(), 1);
    assert_eq!(session.frames[0].events, events(0));
    // The conflicting frame is set aside, not lost; the retry is.
    assert_eq!(session.conflicting.len(), 1);
    assert_eq!(session.conflicting[0].events, events(7));
    assert!(session.report.is_complete());
}

#[test]
fn decoded_frames_are_compared_by_value() {
    let mut reader = SessionReader::new();
    let frame = frame::decode(&frame_bytes(1, 0)).expect("decodes");
    reader.push_frame(frame.clone());
    reader.push(&frame_bytes(1, 0));
    let mut other = frame;
    other.events.pop();
    reader.push_frame(other);
    let identical: Vec<bool> = reader
        .problems()
        .iter()
        .map(|p| match p {
            Problem::Duplicate { identical, .. } => *identical,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(identical, [true, false]);
}

#[test]
fn out_of_order_arrival_is_sorted_and_noted() {
    let mut reader = SessionReader::new();
    for seq in [2, 0, 1, 3] {
        reader.push(&frame_bytes(1, seq));
    }
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1, 2, 3]);
    assert_eq!(
        session.report.problems,
        [
            Problem::OutOfOrder {
                at: at(1, 0),
                seq: 0,
                after: 2
            },
            Problem::OutOfOrder {
                at: at(2, 0),
                seq: 1,
                after: 2
            },
        ]
    );
    assert!(session.report.is_complete());
}

#[test]
fn frames_of_other_sessions_are_set_aside() {
    let mut reader = SessionReader::new();
    reader.push(&frame_bytes(1, 0));
    reader.push(&frame_bytes(2, 0));
    reader.push(&frame_bytes(1, 1));
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1]);
    assert_eq!(
        session.report.problems,
        [Problem::OtherSession {
            at: at(1, 0),
            session: SessionId([2; 16]),
            seq: 0
        }]
    );

    // A reader for a given session ignores whatever arrives first.
    let mut reader = SessionReader::for_session(SessionId([2; 16]));
    reader.push(&frame_bytes(1, 0));
    reader.push(&frame_bytes(2, 0));
    let session = reader.finish();
    assert_eq!(session.id, Some(SessionId([2; 16])));
    assert_eq!(seqs(&session), [0]);
    assert_eq!(session.report.problems.len(), 1);
}

#[test]
fn corrupt_frames_are_reported_with_their_error() {
    let mut reader = SessionReader::new();
    let mut damaged = frame_bytes(1, 0);
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    reader.push(&damaged);
    // A frame whose checksum is right but whose payload is not an event list.
    let bad_payload = frame_from_payload(&[0x92, 0x00, 0xc1, 0, 0, 0], 1);
    reader.push(&bad_payload);
    reader.push(&frame_bytes(1, 1));
    let session = reader.finish();
    assert_eq!(seqs(&session), [1]);
    let corrupt: Vec<_> = session.report.corrupt().collect();
    assert_eq!(corrupt.len(), 2);
    match corrupt[0] {
        Problem::Corrupt {
            at: location,
            len,
            seq: None,
            error: DecodeError::Checksum { .. },
        } => {
            assert_eq!(*location, at(0, 0));
            assert_eq!(*len, damaged.len());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        corrupt[1],
        Problem::Corrupt {
            seq: Some(0),
            error: DecodeError::Payload { .. },
            ..
        }
    ));
    // Frame 0 never arrived intact: that is a gap as well.
    assert_eq!(session.report.gaps().collect::<Vec<_>>(), [(0, 0)]);
}

#[test]
fn session_start_disagreements_are_noted() {
    let mut reader = SessionReader::new();
    reader.push(&frame_bytes(1, 0));
    let mut other_start = header(1, 1);
    other_start.session_start += 5;
    reader.push(&frame::encode(&other_start, &events(1)).expect("encodes"));
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1]);
    assert_eq!(session.start, 1_700_000_000_000);
    assert!(matches!(
        session.report.problems[..],
        [Problem::StartMismatch { seq: 1, .. }]
    ));
}

/// Frames 0..n back to back, with the offset of each.
fn stream(n: u32) -> (Vec<u8>, Vec<usize>) {
    let mut bytes = Vec::new();
    let mut offsets = Vec::new();
    for seq in 0..n {
        offsets.push(bytes.len());
        frame::encode_into(&header(1, seq), &events(seq), &mut bytes).expect("encodes");
    }
    (bytes, offsets)
}

#[test]
fn a_stream_resynchronizes_after_a_damaged_frame() {
    let (mut bytes, offsets) = stream(5);
    // Damage the length field of frame 2: its extent can no longer be trusted.
    bytes[offsets[2] + 51] ^= 0xff;
    let mut reader = SessionReader::new();
    reader.push_stream(&bytes);
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1, 3, 4]);
    match &session.report.problems[..] {
        [Problem::Corrupt {
            at: location,
            len,
            seq: None,
            ..
        }, Problem::Gap { first: 2, last: 2 }] => {
            assert_eq!(*location, at(0, offsets[2]));
            assert_eq!(*len, offsets[3] - offsets[2], "skips exactly to frame 3");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_stream_skips_junk_and_keeps_reading() {
    let (frames, offsets) = stream(3);
    let junk = b"\0\0TDCK garbage TDCK\x01 more garbage".to_vec();
    let mut bytes = junk.clone();
    bytes.extend_from_slice(&frames[..offsets[1]]);
    bytes.extend_from_slice(&junk);
    bytes.extend_from_slice(&frames[offsets[1]..]);
    bytes.extend_from_slice(&junk[..7]);
    let mut reader = SessionReader::new();
    reader.push(&frame_bytes(1, 9)); // input 0
    reader.push_stream(&bytes); // input 1
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1, 2, 9]);
    let regions = regions(&session.report);
    let second = junk.len() + offsets[1];
    let tail = junk.len() * 2 + frames.len();
    assert_eq!(
        regions,
        [
            (at(1, 0), junk.len()),
            (at(1, second), junk.len()),
            (at(1, tail), 7)
        ]
    );
}

#[test]
fn a_stream_skips_exactly_an_intact_frame_with_a_bad_payload() {
    let (frames, offsets) = stream(2);
    let bad = frame_from_payload(&[0x92, 0x00, 0xc1, 0, 0, 0], 1);
    let mut bytes = frames[..offsets[1]].to_vec();
    bytes.extend_from_slice(&bad);
    bytes.extend_from_slice(&frames[offsets[1]..]);
    let mut reader = SessionReader::new();
    reader.push_stream(&bytes);
    let problems = reader.problems().to_vec();
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1]);
    assert!(
        matches!(
            &problems[..],
            [Problem::Corrupt { at: l, len, seq: Some(0), error: DecodeError::Payload { .. } }]
                if *l == at(0, offsets[1]) && *len == bad.len()
        ),
        "{problems:?}"
    );
    // The bad frame (session 5, seq 0) is not counted: only its damage is reported.
    assert_eq!(session.report.problems.len(), 1);
}

#[test]
fn a_truncated_last_frame_is_reported() {
    let (bytes, offsets) = stream(3);
    let cut = &bytes[..bytes.len() - 3];
    let mut reader = SessionReader::new();
    reader.push_stream(cut);
    let session = reader.finish();
    assert_eq!(seqs(&session), [0, 1]);
    assert!(matches!(
        &session.report.problems[..],
        [Problem::Corrupt { at: l, len, error: DecodeError::Truncated { .. }, .. }]
            if *l == at(0, offsets[2]) && *len == cut.len() - offsets[2]
    ));
}

/// Frame `seq` of session `id` with over 5000 bytes of payload.
fn big_frame(id: u8, seq: u32) -> Vec<u8> {
    let blob = recorder_core::event::Custom {
        name: "blob".into(),
        payload: "x".repeat(5000),
    };
    frame::encode(&header(id, seq), &[Event::new(0, blob)]).expect("encodes")
}

#[test]
fn limits_apply_to_every_frame() {
    let big = big_frame(1, 0);
    let mut reader = SessionReader::new().with_limits(frame::Limits {
        max_payload_len: 4096,
    });
    reader.push(&big);
    reader.push(&frame_bytes(1, 1));
    let session = reader.finish();
    assert_eq!(seqs(&session), [1]);
    assert!(matches!(
        session.report.corrupt().next(),
        Some(Problem::Corrupt {
            error: DecodeError::TooLarge { limit: 4096, .. },
            ..
        })
    ));
}

#[test]
fn an_empty_reader_is_an_empty_session() {
    let session = SessionReader::new().finish();
    assert_eq!(session.id, None);
    assert!(session.frames.is_empty());
    assert!(session.report.is_clean());
}

#[test]
fn the_scanner_yields_frames_and_regions_with_their_offsets() {
    let (frames, offsets) = stream(3);
    let mut bytes = frames[..offsets[2]].to_vec();
    bytes.extend_from_slice(b"TDCK junk");
    bytes.extend_from_slice(&frames[offsets[2]..]);
    let steps: Vec<Scanned> = Scanner::new(&bytes).collect();
    let spans: Vec<_> = steps.iter().map(Scanned::span).collect();
    let junk_end = offsets[2] + 9;
    assert_eq!(
        spans,
        [
            0..offsets[1],
            offsets[1]..offsets[2],
            offsets[2]..junk_end,
            junk_end..bytes.len()
        ]
    );
    assert!(matches!(
        &steps[2],
        Scanned::Corrupt {
            seq: None,
            error: DecodeError::TooShort(_)
                | DecodeError::BadMagic
                | DecodeError::UnsupportedVersion(_),
            ..
        }
    ));
    match &steps[3] {
        Scanned::Frame { frame, .. } => assert_eq!(frame.events, events(2)),
        other => panic!("{other:?}"),
    }
    assert_eq!(Scanner::new(&[]).count(), 0);
}

#[test]
fn the_multi_reader_groups_sessions_each_with_its_report() {
    let mut reader = MultiSessionReader::new();
    reader.push(&frame_bytes(2, 1)); // input 0
    let mut mixed = frame_bytes(1, 0);
    mixed.extend_from_slice(b"junk");
    mixed.extend(frame_bytes(2, 0));
    mixed.extend(frame_bytes(1, 2));
    reader.push_stream(&mixed); // input 1
    reader.push(&frame_bytes(1, 0)); // input 2: a retry
    let conflicting = frame::encode(&header(2, 0), &events(9)).expect("encodes");
    reader.push(&conflicting); // input 3
    reader.push(b"not a frame"); // input 4
    assert_eq!(reader.session_count(), 2);
    let read = reader.finish();

    let ids: Vec<_> = read.sessions.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [Some(SessionId([2; 16])), Some(SessionId([1; 16]))],
        "first seen first"
    );
    let one = read.get(SessionId([1; 16])).expect("session 1");
    assert_eq!(seqs(one), [0, 2]);
    assert_eq!(
        one.report.problems,
        [
            Problem::Duplicate {
                at: at(2, 0),
                seq: 0,
                identical: true
            },
            Problem::Gap { first: 1, last: 1 }
        ]
    );
    let two = read.get(SessionId([2; 16])).expect("session 2");
    assert_eq!(seqs(two), [0, 1]);
    assert_eq!(two.frames[0].events, events(0), "the first frame 0 is kept");
    assert_eq!(two.conflicting.len(), 1);
    let offset_of_two = frame_bytes(1, 0).len() + 4;
    assert_eq!(
        two.report.problems,
        [
            Problem::OutOfOrder {
                at: at(1, offset_of_two),
                seq: 0,
                after: 1
            },
            Problem::Duplicate {
                at: at(3, 0),
                seq: 0,
                identical: false
            },
        ]
    );

    assert_eq!(
        regions(&read.report),
        [(at(1, offset_of_two - 4), 4), (at(4, 0), 11)]
    );
    assert_eq!(read.report.problems.len(), 2, "only corrupt regions");
    let frames: Vec<usize> = read.inputs.iter().map(|i| i.frames).collect();
    assert_eq!(frames, [1, 3, 1, 1, 0]);
    assert_eq!(read.inputs[1].bytes, mixed.len());
    assert_eq!(read.inputs[1].corrupt_bytes, 4);
    assert_eq!(read.inputs[4].corrupt_bytes, 11);
}

#[test]
fn the_multi_reader_takes_decoded_frames_and_limits() {
    let mut reader = MultiSessionReader::new().with_limits(frame::Limits {
        max_payload_len: 4096,
    });
    reader.push_frame(frame::decode(&frame_bytes(3, 0)).expect("decodes"));
    reader.push(&big_frame(3, 1));
    let read = reader.finish();
    assert_eq!(read.sessions.len(), 1);
    assert_eq!(seqs(&read.sessions[0]), [0]);
    assert_eq!(
        read.inputs[0],
        recorder_core::session::InputStats {
            bytes: 0,
            frames: 1,
            corrupt_bytes: 0
        }
    );
    assert!(matches!(
        read.report.corrupt().next(),
        Some(Problem::Corrupt {
            error: DecodeError::TooLarge { limit: 4096, .. },
            ..
        })
    ));
    assert!(MultiSessionReader::new().finish().is_empty());
}

/// Frame `seq` of session `id`, as `frame_bytes`, or damaged (a byte flipped) when
/// `damage` is not 0.
fn maybe_damaged(id: u8, seq: u32, damage: u16) -> Vec<u8> {
    let mut bytes = frame_bytes(id, seq);
    if damage != 0 {
        let at = usize::from(damage) % bytes.len();
        bytes[at] ^= 0x5a;
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The multi reader groups sessions exactly as one `SessionReader::for_session` per
    /// session would read them (frames, conflicts, problems other than foreign frames),
    /// whatever the mix, order, repetition, damage and cutting into inputs.
    #[test]
    fn the_multi_reader_agrees_with_one_reader_per_session(
        frames in proptest::collection::vec((1..4u8, 0..6u32, prop_oneof![3 => Just(0u16), 1 => any::<u16>()]), 0..24),
        cuts in proptest::collection::vec(any::<bool>(), 24),
    ) {
        // Frames grouped into inputs: a new input where `cuts` says so; an input of one
        // frame is pushed as one, longer ones as streams.
        let mut inputs: Vec<Vec<Vec<u8>>> = Vec::new();
        for (i, (id, seq, damage)) in frames.iter().enumerate() {
            if inputs.is_empty() || cuts[i] {
                inputs.push(Vec::new());
            }
            if let Some(last) = inputs.last_mut() {
                last.push(maybe_damaged(*id, *seq, *damage));
            }
        }
        let push = |input: &Vec<Vec<u8>>, single: &mut dyn FnMut(&[u8]), stream: &mut dyn FnMut(&[u8])| {
            if input.len() == 1 { single(&input[0]) } else { stream(&input.concat()) }
        };
        let mut multi = MultiSessionReader::new();
        for input in &inputs {
            let multi = std::cell::RefCell::new(&mut multi);
            push(input, &mut |b| multi.borrow_mut().push(b), &mut |b| multi.borrow_mut().push_stream(b));
        }
        let read = multi.finish();
        for id in 1..4u8 {
            let sid = SessionId([id; 16]);
            let mut single = SessionReader::for_session(sid);
            for input in &inputs {
                let single = std::cell::RefCell::new(&mut single);
                push(input, &mut |b| single.borrow_mut().push(b), &mut |b| single.borrow_mut().push_stream(b));
            }
            let mut expected = single.finish();
            let corrupt: Vec<Problem> = expected.report.corrupt().cloned().collect();
            prop_assert_eq!(&corrupt, &read.report.problems);
            expected.report.problems.retain(|p| !matches!(p, Problem::Corrupt { .. } | Problem::OtherSession { .. }));
            match read.get(sid) {
                Some(got) => prop_assert_eq!(got, &expected),
                None => prop_assert!(expected.frames.is_empty() && expected.conflicting.is_empty()),
            }
        }
        let frames_read: usize = read.inputs.iter().map(|i| i.frames).sum();
        let problems: usize = read.sessions.iter().map(|s| s.report.problems.iter().filter(|p| matches!(p, Problem::Duplicate { .. })).count()).sum();
        let kept: usize = read.sessions.iter().map(|s| s.frames.len()).sum();
        prop_assert_eq!(frames_read, kept + problems);
        for (stats, input) in read.inputs.iter().zip(&inputs) {
            prop_assert_eq!(stats.bytes, input.iter().map(Vec::len).sum::<usize>());
        }
    }

    /// Whatever the bytes, the scanner's steps cover the stream in order without overlap.
    #[test]
    fn scanner_steps_tile_the_stream(
        n in 0..6u32,
        damage in proptest::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 0..4),
        junk in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let (mut bytes, _) = stream(n);
        bytes.extend_from_slice(&junk);
        if !bytes.is_empty() {
            for (at, mask) in damage {
                let at = at.index(bytes.len());
                bytes[at] ^= mask;
            }
        }
        let mut end = 0;
        for step in Scanner::new(&bytes) {
            let span = step.span();
            prop_assert_eq!(span.start, end);
            prop_assert!(span.end > span.start);
            end = span.end;
        }
        prop_assert_eq!(end, bytes.len());
    }

    /// Whatever bytes of a stream are damaged, every frame that was not touched is read,
    /// and every touched one is reported missing.
    #[test]
    fn every_untouched_frame_survives_damage_to_others(
        n in 1..12u32,
        damage in proptest::collection::vec((any::<prop::sample::Index>(), 1..=255u8), 0..6),
    ) {
        let (mut bytes, offsets) = stream(n);
        let original = bytes.clone();
        for (at, mask) in damage {
            let at = at.index(bytes.len());
            bytes[at] ^= mask;
        }
        // A frame is touched when its bytes differ in the end (two flips of one byte can cancel).
        let touched: std::collections::BTreeSet<u32> = (0..bytes.len())
            .filter(|&at| bytes[at] != original[at])
            .map(|at| offsets.iter().rposition(|o| *o <= at).expect("offset 0 is first") as u32)
            .collect();
        let mut reader = SessionReader::new();
        reader.push_stream(&bytes);
        let session = reader.finish();
        let kept: Vec<u32> = (0..n).filter(|s| !touched.contains(s)).collect();
        prop_assert_eq!(seqs(&session), kept);
        for frame in &session.frames {
            prop_assert_eq!(&frame.events, &events(frame.header.seq));
        }
        let reported_corrupt = session.report.corrupt().count();
        prop_assert!(reported_corrupt >= usize::from(!touched.is_empty()));
        prop_assert!(reported_corrupt <= touched.len());
    }

    /// Random bytes as a stream: never a panic, and nothing but corrupt regions.
    #[test]
    fn random_streams_are_reported_not_read(bytes in proptest::collection::vec(any::<u8>(), 0..4_000)) {
        let mut reader = SessionReader::new();
        reader.push_stream(&bytes);
        let session = reader.finish();
        prop_assert!(session.frames.is_empty());
        let covered: usize = session.report.corrupt().map(|p| match p {
            Problem::Corrupt { len, .. } => *len,
            _ => 0,
        }).sum();
        prop_assert_eq!(covered, bytes.len());
    }
}
