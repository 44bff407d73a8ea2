//! The column layouts of format version 2 (`wire::columns`): mutation batches as columns of
//! id deltas, names and values; text input values as edits of the input's previous value
//! in the frame. Lossless on every shape (typing, deleting, editing in the middle, Unicode,
//! many inputs, values past the edit budget, random sessions cut into random frames),
//! byte-identical between the hand-written encoder and the serde reference, as small as
//! they are meant to be, and safe on hostile payloads.

mod support;

use proptest::prelude::*;
use recorder_core::event::*;
use recorder_core::frame::{self, DecodeError};
use recorder_core::testing::{payload, payload_via_serde};
use support::{frame_from_payload, header};

/// Encodes `events` as one frame, checks it decodes to them and that both encoders agree,
/// and returns the frame.
fn round_trip(events: &[Event]) -> Vec<u8> {
    let base = events.first().map_or(0, |e| e.time);
    assert!(
        payload(base, events) == payload_via_serde(base, events),
        "hand-written payload differs from rmp-serde's"
    );
    let bytes = frame::encode(&header(3, 0), events).expect("encodes");
    let decoded = frame::decode(&bytes).expect("decodes");
    assert!(
        decoded.events == events,
        "frame does not decode to its events"
    );
    bytes
}

fn input(time: u64, id: NodeId, text: &str) -> Event {
    Event::new(
        time,
        Input {
            id,
            value: InputValue::Text(text.into()),
            user: true,
        },
    )
}

#[test]
fn typing_costs_a_fraction_of_a_byte_per_keystroke() {
    // 20 fields, 250 masked keystrokes each, 20 to 30 keystrokes per millisecond: the
    // browser benchmark's typing workload, which took 29 KB in format version 1.
    let mut events = Vec::new();
    let mut time = 0;
    for field in 0..20u32 {
        for k in 1..=250usize {
            time += u64::from(k % 25 == 0);
            events.push(input(time, 2000 + 2 * field, &"*".repeat(k)));
        }
    }
    let bytes = round_trip(&events);
    assert!(
        bytes.len() < 2_500,
        "5,000 keystrokes took {} bytes",
        bytes.len()
    );
}

#[test]
fn attribute_columns_fold_repeated_changes() {
    // The benchmark's attribute workload: on each of 5,000 neighbouring tiles a class or
    // data attribute and an inline style; 45 KB in format version 1.
    let attrs = (0..5000u32)
        .flat_map(|i| {
            let id = 2075 + 2 * i;
            let first = if i % 2 == 1 {
                AttrChange {
                    id,
                    name: "class".into(),
                    value: Some(format!("tile tile--on tile--{}", i % 7)),
                }
            } else {
                AttrChange {
                    id,
                    name: "data-state".into(),
                    value: Some(if i % 3 == 0 { "done" } else { "busy" }.into()),
                }
            };
            let style = AttrChange {
                id,
                name: "style".into(),
                value: Some(format!("width: {}px;", i % 50 + 20)),
            };
            [first, style]
        })
        .collect();
    let batch = MutationBatch {
        attrs,
        ..MutationBatch::default()
    };
    let bytes = round_trip(&[Event::new(5, batch)]);
    assert!(
        bytes.len() < 5_000,
        "10,000 attribute changes took {} bytes",
        bytes.len()
    );
}

#[test]
fn every_kind_of_text_edit_round_trips() {
    let values = [
        "",
        "h",
        "he",
        "hel",
        "help",
        "hel",
        "hello",
        "hello world",
        "hello, world",
        "Hello, world",
        "Hello, wörld",
        "Hello, wörld 🙂",
        "🙂",
        "🙃🙂",
        "🙃x🙂",
        "日本語",
        "日本人語",
        "日語",
        "",
        "",
        "abc",
        "xyz",
        "xyzxyz",
        "xyz",
    ];
    let events: Vec<Event> = values
        .iter()
        .enumerate()
        .map(|(t, v)| input(t as u64, 7, v))
        .collect();
    round_trip(&events);
}

#[test]
fn checked_and_selected_values_between_texts_round_trip() {
    let events = [
        input(0, 1, "abc"),
        Event::new(
            1,
            Input {
                id: 1,
                value: InputValue::Checked(true),
                user: false,
            },
        ),
        input(2, 1, "abcd"),
        Event::new(
            3,
            Input {
                id: 1,
                value: InputValue::Selected(vec![0, 3]),
                user: true,
            },
        ),
        input(4, 1, "abcde"),
        input(5, 2, "abcdef"),
    ];
    round_trip(&events);
}

#[test]
fn more_inputs_than_a_frame_remembers_round_trip() {
    // 40 inputs in turn: the first 32 are remembered and edited, the others written whole.
    let events: Vec<Event> = (0..400u32)
        .map(|i| input(u64::from(i), i % 40, &"x".repeat(i as usize / 40 + 1)))
        .collect();
    round_trip(&events);
}

#[test]
fn values_past_the_edit_budget_are_written_whole() {
    // 30 edits of a 100 KB value make 3 MB of values, past the 1 MiB budget: the first ten
    // are edits, the rest whole values. Lossless either way.
    let long = "y".repeat(100_000);
    let events: Vec<Event> = (0..30)
        .map(|i| input(i, 9, &format!("{long}{i}")))
        .collect();
    round_trip(&events);
    // Written whole: the uncompressed payload holds twenty copies of the value.
    let raw = payload(0, &events).len();
    assert!(raw > 20 * 100_000, "{raw} bytes of payload");
    assert!(raw < 21 * 100_000 + 1000, "{raw} bytes of payload");
}

#[test]
fn edits_do_not_reach_into_the_next_frame() {
    // The second frame's first value of an input is whole: each frame decodes alone.
    let first = frame::encode(&header(3, 0), &[input(0, 5, "abc")]).expect("encodes");
    let second = frame::encode(&header(3, 1), &[input(1, 5, "abcd")]).expect("encodes");
    assert_eq!(
        frame::decode(&second).expect("decodes alone").events,
        vec![input(1, 5, "abcd")]
    );
    assert_eq!(
        frame::decode(&first).expect("decodes").events,
        vec![input(0, 5, "abc")]
    );
}

#[test]
fn ids_at_the_ends_of_the_range_round_trip() {
    let batch = MutationBatch {
        removes: vec![u32::MAX, 0, u32::MAX, 1, 1],
        attrs: vec![
            AttrChange {
                id: u32::MAX,
                name: "a".into(),
                value: None,
            },
            AttrChange {
                id: 0,
                name: "a".into(),
                value: Some(String::new()),
            },
        ],
        texts: vec![
            TextChange {
                id: 0,
                text: "t".into(),
            },
            TextChange {
                id: u32::MAX,
                text: "t".into(),
            },
        ],
        ..MutationBatch::default()
    };
    round_trip(&[Event::new(0, batch)]);
}

#[test]
fn human_readable_forms_keep_field_names() {
    let batch = MutationBatch {
        removes: vec![4],
        adds: vec![],
        attrs: vec![AttrChange {
            id: 2,
            name: "class".into(),
            value: None,
        }],
        texts: vec![TextChange {
            id: 3,
            text: "hi".into(),
        }],
    };
    let json = serde_json::to_value(&batch).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "removes": [4], "adds": [],
            "attrs": [{"id": 2, "name": "class", "value": null}],
            "texts": [{"id": 3, "text": "hi"}],
        })
    );
    assert_eq!(
        serde_json::from_value::<MutationBatch>(json).expect("deserializes"),
        batch
    );
    let event = Input {
        id: 5,
        value: InputValue::Text("**".into()),
        user: true,
    };
    let json = serde_json::to_value(&event).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({"id": 5, "value": {"Text": "**"}, "user": true})
    );
    assert_eq!(
        serde_json::from_value::<Input>(json).expect("deserializes"),
        event
    );
}

// ---------------------------------------------------------------------------------------
// Hostile payloads: each is a typed error, never a panic.

fn decode_payload<T: serde::Serialize>(
    events: &T,
    count: u32,
) -> Result<frame::Frame, DecodeError> {
    let raw = rmp_serde::to_vec(events).expect("serializes");
    frame::decode(&frame_from_payload(&raw, count))
}

/// Bytes that serialize as MessagePack `bin` (the numbers column), not as an array.
#[derive(Clone, Copy)]
struct Bin<'a>(&'a [u8]);

impl serde::Serialize for Bin<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

fn payload_error(result: Result<frame::Frame, DecodeError>, needle: &str) {
    match result {
        Err(DecodeError::Payload { message, .. }) => {
            assert!(message.contains(needle), "{message:?} lacks {needle:?}")
        }
        other => panic!("expected a payload error about {needle:?}, got {other:?}"),
    }
}

#[test]
fn an_edit_without_a_previous_value_is_an_error() {
    // [Δt, [Input, [id, [edit, [keep, delete, insert]], user]]]
    let events = (0u8, (3u8, (5u32, (3u8, (0u32, 0u32, "x")), true)));
    payload_error(decode_payload(&events, 1), "without a previous value");
}

#[test]
fn an_edit_that_does_not_fit_its_value_is_an_error() {
    // "ab\u{e9}" is four bytes; keeping one or deleting three cuts the "é".
    for (keep, delete) in [
        (5u32, 0u32),
        (0, 5),
        (2, 3),
        (u32::MAX, u32::MAX),
        (1, 0),
        (0, 1),
    ] {
        let events = (
            0u8,
            (3u8, (5u32, (0u8, "ab\u{e9}"), true)),
            0u8,
            (3u8, (5u32, (3u8, (keep, delete, "x")), true)),
        );
        payload_error(decode_payload(&events, 2), "does not fit");
    }
}

#[test]
fn edits_past_the_budget_are_an_error() {
    // A 600 KB value, then two edits that keep all of it: 1.2 MB of values from edits.
    let long = "z".repeat(600_000);
    let edit = (3u8, (5u32, (3u8, (600_000u32, 0u32, "")), true));
    let events = (
        0u8,
        (3u8, (5u32, (0u8, long.as_str()), true)),
        0u8,
        edit,
        0u8,
        edit,
    );
    payload_error(decode_payload(&events, 3), "budget");
}

#[test]
fn unknown_input_value_tags_are_an_error() {
    let events = (0u8, (3u8, (5u32, (4u8, "x"), true)));
    payload_error(decode_payload(&events, 1), "unknown InputValue variant 4");
}

#[test]
fn node_id_deltas_out_of_range_are_an_error() {
    let no_numbers = Bin(&[]);
    for removes in [
        vec![-1i64],
        vec![i64::from(u32::MAX), 1],
        vec![i64::MAX, i64::MAX],
    ] {
        let batch = (1u8, &removes);
        payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "out of range");
        let batch = (4u8, &removes, ["a"], [None::<&str>]);
        payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "out of range");
        let batch = (8u8, &removes, ["a"], no_numbers);
        payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "out of range");
    }
}

#[test]
fn columns_of_different_lengths_are_an_error() {
    let empty: [u8; 0] = [];
    let no_numbers = Bin(&[]);
    let batch = (4u8, [1i64, 1], ["a"], [Some("b")]);
    payload_error(
        decode_payload(&(0u8, (2u8, batch)), 1),
        "attribute columns of different lengths",
    );
    let batch = (8u8, [1i64], empty, no_numbers);
    payload_error(
        decode_payload(&(0u8, (2u8, batch)), 1),
        "text columns of different lengths",
    );
    // The mask announces attributes and texts; only the attributes follow.
    let short = (12u8, [1i64], ["a"], [Some("b")]);
    payload_error(
        decode_payload(&(0u8, (2u8, short)), 1),
        "fewer columns than the batch's mask announces",
    );
    payload_error(
        decode_payload(&(0u8, (2u8, (16u8,))), 1),
        "unknown mutation batch groups",
    );
}

#[test]
fn text_numbers_must_match_their_templates() {
    // Two placeholders, one number.
    let batch = (8u8, [1i64], ["\u{1}.\u{1}"], Bin(&[6]));
    payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "run out");
    // One placeholder, two numbers.
    let batch = (8u8, [1i64], ["\u{1}"], Bin(&[6, 0]));
    payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "left over");
    // Varints cut short or too long for 64 bits.
    let batch = (8u8, [1i64], ["\u{1}"], Bin(&[0x86]));
    payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "truncated");
    let batch = (8u8, [1i64], ["\u{1}"], Bin(&[0xff; 11]));
    payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "overflows");
    let mut max = [0xff; 10];
    max[9] = 1;
    let batch = (8u8, [1i64], ["\u{1}"], Bin(&max));
    assert!(
        decode_payload(&(0u8, (2u8, batch)), 1).is_ok(),
        "u64::MAX - 1 is a number"
    );
    // Numbers that are not a bin.
    let batch = (8u8, [1i64], ["\u{1}"], [6u8]);
    assert!(matches!(
        decode_payload(&(0u8, (2u8, batch)), 1),
        Err(DecodeError::Payload { .. })
    ));
}

#[test]
fn every_shape_of_text_with_digits_round_trips() {
    let texts = [
        "",
        "0",
        "00",
        "007",
        "0.5",
        "7.05 USD",
        "554.33 USD",
        "-12",
        "1e10",
        "123456789012345",
        "1234567890123456",
        "99999999999999999999999",
        "a1b22c333",
        "\u{1}",
        "\u{1}1\u{1}",
        "x\u{1}",
        "12:30:05",
        "٣ arabic-indic digits stay text",
        "1,234,567",
        "v2.0.10-rc1",
        "€1.299,00",
        "🙂42🙂",
    ];
    let batch = MutationBatch {
        texts: texts
            .iter()
            .enumerate()
            .map(|(i, t)| TextChange {
                id: i as u32 + 1,
                text: (*t).into(),
            })
            .collect(),
        ..MutationBatch::default()
    };
    round_trip(&[Event::new(0, batch)]);
}

#[test]
fn numeric_text_changes_take_their_digits_in_binary() {
    // The benchmark's text workload: 10,000 cells showing prices; 86 KB in format
    // version 1, 58 KB with texts as plain strings in columns.
    let texts = (0..10_000u32)
        .map(|i| TextChange {
            id: 2078 + 2 * i + i / 10,
            text: format!("{} USD", f64::from((i * 7919) % 100_000) / 100.0),
        })
        .collect();
    let batch = MutationBatch {
        texts,
        ..MutationBatch::default()
    };
    let bytes = round_trip(&[Event::new(0, batch)]);
    assert!(
        bytes.len() < 45_000,
        "10,000 price changes took {} bytes",
        bytes.len()
    );
}

// ---------------------------------------------------------------------------------------
// Random sessions

/// A value derived from the previous one the way people edit fields: typing at the end,
/// deleting, inserting or replacing in the middle, clearing, pasting Unicode.
fn next_value(previous: &str, op: u8, at: usize, text: &str) -> String {
    let chars: Vec<char> = previous.chars().collect();
    let at = at % (chars.len() + 1);
    let (head, tail): (String, String) =
        (chars[..at].iter().collect(), chars[at..].iter().collect());
    match op % 6 {
        0 | 1 => format!("{previous}{text}"),
        2 => chars[..chars.len().saturating_sub(1)].iter().collect(),
        3 => format!("{head}{text}{tail}"),
        4 => format!(
            "{head}{}",
            chars
                .get(at + 1..)
                .map_or(String::new(), |c| c.iter().collect())
        ),
        _ if text.is_empty() => String::new(),
        _ => text.to_owned(),
    }
}

fn typing_session() -> impl Strategy<Value = Vec<Event>> {
    let step = (
        0..4u64,
        prop_oneof![4 => 1..4u32, 1 => 0..50u32, 1 => any::<u32>()],
        any::<u8>(),
        any::<usize>(),
        prop_oneof![3 => Just("*".to_owned()), 2 => "[a-z]{0,3}", 1 => any::<String>()],
        0..10u8,
    );
    proptest::collection::vec(step, 0..120).prop_map(|steps| {
        let mut values: std::collections::HashMap<u32, String> = Default::default();
        let mut time = 0;
        steps
            .into_iter()
            .map(|(dt, id, op, at, text, kind)| {
                time += dt;
                let value = match kind {
                    0 => InputValue::Checked(op % 2 == 0),
                    1 => InputValue::Selected(vec![u32::from(op)]),
                    _ => {
                        let previous = values.entry(id).or_default();
                        *previous = next_value(previous, op, at, &text);
                        InputValue::Text(previous.clone())
                    }
                };
                Event::new(
                    time,
                    Input {
                        id,
                        value,
                        user: op % 3 == 0,
                    },
                )
            })
            .collect()
    })
}

fn dense_batch() -> impl Strategy<Value = MutationBatch> {
    let id = prop_oneof![4 => 1000..1100u32, 1 => any::<u32>()];
    let name =
        prop::sample::select(vec!["class", "style", "data-state", "x"]).prop_map(String::from);
    let value = proptest::option::of(prop_oneof![
        3 => prop::sample::select(vec!["on", "off", "width: 20px;", ""]).prop_map(String::from),
        1 => any::<String>(),
        1 => "[a-z ]{90,120}",
    ]);
    (
        proptest::collection::vec(id.clone(), 0..30),
        proptest::collection::vec((id.clone(), name, value), 0..60),
        proptest::collection::vec((id, support::text()), 0..60),
    )
        .prop_map(|(removes, attrs, texts)| MutationBatch {
            removes,
            adds: vec![],
            attrs: attrs
                .into_iter()
                .map(|(id, name, value)| AttrChange { id, name, value })
                .collect(),
            texts: texts
                .into_iter()
                .map(|(id, text)| TextChange { id, text })
                .collect(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Typing sessions cut into random frames: every frame decodes alone to its events,
    /// and both encoders write the same bytes.
    #[test]
    fn typing_sessions_in_random_frames_are_lossless(
        events in typing_session(),
        cuts in proptest::collection::vec(0..120usize, 0..6),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(events.len())).collect();
        cuts.extend([0, events.len()]);
        cuts.sort_unstable();
        for w in cuts.windows(2) {
            round_trip(&events[w[0]..w[1]]);
        }
    }

    /// Dense mutation batches (many changes, repeated ids and strings, any id), mixed with
    /// arbitrary events of every kind in one frame.
    #[test]
    fn dense_batches_among_any_events_are_lossless(
        batches in proptest::collection::vec(dense_batch(), 1..4),
        others in proptest::collection::vec(support::event(), 0..6),
    ) {
        let mut events: Vec<Event> = batches.into_iter().map(|b| Event::new(10, b)).collect();
        events.extend(others);
        round_trip(&events);
    }
}

#[test]
fn console_lines_round_trip_and_their_numbers_must_match() {
    let events: Vec<Event> = (0..200u64)
        .map(|t| {
            Event::new(
                t * 8,
                Console {
                    level: if t % 25 == 0 { Level::Warn } else { Level::Log },
                    args: vec![
                        "poll".into(),
                        format!(
                            "{{tick: {t}, items: [{t}, {}, {}], user: {{id: 42}}}}",
                            t + 1,
                            t + 2
                        ),
                        "\u{1}007 0 \u{1}".into(),
                    ],
                    stack: (t % 25 == 0).then(|| "    at tick (app.js:329:19)".into()),
                },
            )
        })
        .collect();
    let bytes = round_trip(&events);
    // About 9 bytes a line: the changing figures, a time delta, a few constant bytes.
    assert!(
        bytes.len() < 2_500,
        "200 log lines took {} bytes",
        bytes.len()
    );
    // [Δt, [Console, [level, templates, numbers, stack]]] with a number missing.
    let console = (1u8, ["\u{1} ms"], Bin(&[]), None::<&str>);
    payload_error(decode_payload(&(0u8, (11u8, console)), 1), "run out");
}

#[test]
fn pointer_moves_are_deltas_across_events() {
    let moves: Vec<Event> = (0..300i32)
        .map(|t| {
            let point = |p: i32| MovePoint {
                offset: p as u32 * 20,
                x: 100 + (t * 20 + p) % 800,
                y: 100 + (200.0 * (f64::from(t * 20 + p) / 40.0).sin()) as i32,
            };
            Event::new(
                t as u64 * 50,
                PointerMove {
                    points: vec![point(0), point(1)],
                },
            )
        })
        .collect();
    round_trip(&moves);
    // Extremes: deltas beyond i32 both ways, and an empty sample list between.
    let extremes = [
        Event::new(
            0,
            PointerMove {
                points: vec![MovePoint {
                    offset: u32::MAX,
                    x: i32::MIN,
                    y: i32::MAX,
                }],
            },
        ),
        Event::new(1, PointerMove { points: vec![] }),
        Event::new(
            2,
            PointerMove {
                points: vec![MovePoint {
                    offset: 0,
                    x: i32::MAX,
                    y: i32::MIN,
                }],
            },
        ),
    ];
    round_trip(&extremes);
    // [Δt, [PointerMove, samples]]: not triples, and a position outside i32.
    payload_error(decode_payload(&(0u8, (5u8, [0i64, 1])), 1), "not triples");
    let far = [0i64, i64::from(i32::MAX), 0, 0, 1, 0];
    payload_error(decode_payload(&(0u8, (5u8, far)), 1), "out of range");
}

#[test]
fn added_trees_take_their_ids_as_deltas() {
    // Items inserted into 20 lists in turn, each before the previous one of its list or
    // at the end; the ids of each tree follow the previous tree's.
    let mut next = 5000u32;
    let mut last_in: Vec<Option<u32>> = vec![None; 20];
    let adds: Vec<AddedTree> = (0..400u32)
        .map(|i| {
            let list = (i % 20) as usize;
            let first_id = next;
            next += 3;
            let before = if i % 2 == 0 { last_in[list] } else { None };
            last_in[list] = Some(first_id);
            AddedTree {
                parent: 100 + 7 * list as u32,
                before,
                first_id,
                nodes: vec![
                    SnapNode::Element(Element {
                        tag: "li".into(),
                        children: 1,
                        ..Element::default()
                    }),
                    SnapNode::Text(format!("item {i}")),
                    SnapNode::Comment(String::new()),
                ],
            }
        })
        .collect();
    let batch = MutationBatch {
        removes: vec![3, 2],
        adds,
        ..MutationBatch::default()
    };
    round_trip(&[Event::new(0, batch)]);
    // Extremes: ids at both ends of the range.
    let extremes = MutationBatch {
        adds: vec![
            AddedTree {
                parent: u32::MAX,
                before: Some(0),
                first_id: u32::MAX,
                nodes: vec![],
            },
            AddedTree {
                parent: 0,
                before: Some(u32::MAX),
                first_id: 0,
                nodes: vec![],
            },
        ],
        ..MutationBatch::default()
    };
    round_trip(&[Event::new(0, extremes)]);
    // [Δt, [Mutation, [mask, [[Δparent, before, Δfirst, nodes]]]]] out of range.
    let no_nodes: [u8; 0] = [];
    for add in [
        (-1i64, None, 0i64),
        (1, Some(-1i64), 0),
        (1, None, i64::MAX),
    ] {
        let batch = (2u8, [(add.0, add.1, add.2, no_nodes)]);
        payload_error(decode_payload(&(0u8, (2u8, batch)), 1), "out of range");
    }
}
