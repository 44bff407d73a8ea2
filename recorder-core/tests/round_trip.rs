//! Every event kind, and random sessions split into random frames, survive encode → decode
//! unchanged.

mod support;

use proptest::prelude::*;
use recorder_core::event::*;
use recorder_core::frame::{self, FrameHeader};
use recorder_core::session::SessionReader;
use recorder_core::trace::{SpanId, TraceId};
use support::header;

/// Position of a variant in its enum. Written as exhaustive matches so that adding a
/// variant without covering it in [`every_kind`] fails to compile here.
fn event_kind(e: &EventData) -> usize {
    match e {
        EventData::Meta(_) => 0,
        EventData::Snapshot(_) => 1,
        EventData::Mutation(_) => 2,
        EventData::Input(_) => 3,
        EventData::Pointer(_) => 4,
        EventData::PointerMove(_) => 5,
        EventData::Focus(_) => 6,
        EventData::Scroll(_) => 7,
        EventData::Viewport(_) => 8,
        EventData::Navigation(_) => 9,
        EventData::Selection(_) => 10,
        EventData::Console(_) => 11,
        EventData::Error(_) => 12,
        EventData::Network(_) => 13,
        EventData::Performance(_) => 14,
        EventData::Backend(_) => 15,
        EventData::Custom(_) => 16,
        EventData::Annotation(_) => 17,
    }
}

fn node_kind(n: &SnapNode) -> usize {
    match n {
        SnapNode::Document(_) => 0,
        SnapNode::Doctype(_) => 1,
        SnapNode::Element(_) => 2,
        SnapNode::Text(_) => 3,
        SnapNode::Comment(_) => 4,
        SnapNode::CData(_) => 5,
        SnapNode::ShadowRoot(_) => 6,
    }
}

fn sub_kinds(e: &EventData) -> Vec<(&'static str, usize)> {
    let nodes = |nodes: &[SnapNode]| nodes.iter().map(|n| ("SnapNode", node_kind(n))).collect();
    match e {
        EventData::Snapshot(s) => nodes(&s.nodes),
        EventData::Mutation(m) => m.adds.iter().flat_map(|a| nodes(&a.nodes)).collect(),
        EventData::Input(i) => vec![(
            "InputValue",
            match i.value {
                InputValue::Text(_) => 0,
                InputValue::Checked(_) => 1,
                InputValue::Selected(_) => 2,
            },
        )],
        EventData::Performance(p) => vec![(
            "Performance",
            match p {
                Performance::LongTask(_) => 0,
                Performance::LayoutShift(_) => 1,
                Performance::LargestPaint(_) => 2,
                Performance::Interaction(_) => 3,
                Performance::Resource(_) => 4,
                Performance::Memory(_) => 5,
                Performance::Paint(_) => 6,
            },
        )],
        EventData::Backend(b) => vec![(
            "Backend",
            match b {
                Backend::Span(_) => 0,
                Backend::Log(_) => 1,
            },
        )],
        _ => Vec::new(),
    }
}

fn element(tag: &str, namespace: Namespace, attrs: &[(&str, &str)], children: u32) -> SnapNode {
    SnapNode::Element(Element {
        tag: tag.into(),
        namespace,
        attrs: attrs.iter().map(|(n, v)| Attr::new(*n, *v)).collect(),
        children,
        state: None,
    })
}

/// At least one event of every kind and sub-kind, with every optional field both set and
/// unset somewhere, and strings that hit the string table's seed, first use and reuse.
fn every_kind() -> Vec<Event> {
    let trace = TraceId([0xab; 16]);
    let span = SpanId([0xcd; 8]);
    let long = "x".repeat(300);
    let mut events = vec![
        Event::new(
            0,
            Meta {
                url: "https://shop.example.com/?q=[redacted]".into(),
                referrer: String::new(),
                title: "Shop — ünïcödé ✓".into(),
                user_agent: "Mozilla/5.0 (X11; Linux x86_64)".into(),
                browser: Software {
                    name: "Firefox".into(),
                    version: "126.0".into(),
                },
                os: Software {
                    name: "Linux".into(),
                    version: String::new(),
                },
                device: Device {
                    kind: DeviceKind::Tablet,
                    model: "Pixel Tablet".into(),
                    touch: true,
                },
                screen: Size {
                    width: 2560,
                    height: 1600,
                },
                viewport: Size {
                    width: 1280,
                    height: 800,
                },
                device_pixel_ratio: 1.25,
                language: "de-DE".into(),
                time_zone: "Europe/Berlin".into(),
                recorder_version: "0.1.0".into(),
            },
        ),
        Event::new(
            12,
            Snapshot {
                first_id: 1,
                nodes: vec![
                    SnapNode::Document(Container { children: 2 }),
                    SnapNode::Doctype(Doctype {
                        name: "html".into(),
                        public_id: "-//W3C//DTD XHTML 1.0 Strict//EN".into(),
                        system_id: "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd".into(),
                    }),
                    element("html", Namespace::Html, &[("lang", "en")], 1),
                    element("body", Namespace::Html, &[("class", "page")], 6),
                    SnapNode::Element(Element {
                        tag: "input".into(),
                        namespace: Namespace::Html,
                        attrs: vec![Attr::new("type", "checkbox")],
                        children: 0,
                        state: Some(Box::new(ElementState {
                            value: Some("on".into()),
                            checked: Some(true),
                            scroll: Some((-3, 4000)),
                            css: Some(".a{color:red}".into()),
                            blocked: Some(Size {
                                width: 10,
                                height: 20,
                            }),
                        })),
                    }),
                    element("svg", Namespace::Svg, &[("viewBox", "0 0 24 24")], 1),
                    element("foreignObject", Namespace::Svg, &[("xlink:href", "#a")], 0),
                    element("math", Namespace::MathMl, &[], 0),
                    SnapNode::Text("page".into()), // same string as the class above: reuse
                    SnapNode::Comment(long.clone()),
                    element("template", Namespace::Html, &[], 1),
                    SnapNode::ShadowRoot(Container { children: 1 }),
                    SnapNode::CData("<x/>".into()),
                ],
            },
        ),
        Event::new(
            30,
            MutationBatch {
                removes: vec![7, 8],
                adds: vec![
                    AddedTree {
                        parent: 4,
                        before: None,
                        first_id: 100,
                        nodes: vec![
                            element("li", Namespace::Html, &[("class", "page")], 1),
                            SnapNode::Text("new".into()),
                        ],
                    },
                    AddedTree {
                        parent: 4,
                        before: Some(100),
                        first_id: 102,
                        nodes: vec![SnapNode::Text(String::new())],
                    },
                ],
                attrs: vec![
                    AttrChange {
                        id: 5,
                        name: "class".into(),
                        value: Some("page is-active".into()),
                    },
                    AttrChange {
                        id: 5,
                        name: "hidden".into(),
                        value: None,
                    },
                ],
                texts: vec![TextChange {
                    id: 101,
                    text: long.clone(),
                }],
            },
        ),
        // Times go backwards here: deltas are signed.
        Event::new(
            29,
            Input {
                id: 5,
                value: InputValue::Text("•••".into()),
                user: true,
            },
        ),
        Event::new(
            31,
            Input {
                id: 5,
                value: InputValue::Checked(false),
                user: false,
            },
        ),
        Event::new(
            32,
            Input {
                id: 9,
                value: InputValue::Selected(vec![0, 3, u32::MAX]),
                user: true,
            },
        ),
    ];
    for (i, kind) in (0..8).filter_map(PointerKind::from_index).enumerate() {
        events.push(Event::new(
            40 + i as u64,
            Pointer {
                kind,
                target: (i % 2 == 0).then_some(5),
                x: -1,
                y: i32::MAX,
                button: 2,
            },
        ));
    }
    events.extend([
        Event::new(
            50,
            PointerMove {
                points: vec![
                    MovePoint {
                        offset: 0,
                        x: 1,
                        y: 2,
                    },
                    MovePoint {
                        offset: 16,
                        x: -5,
                        y: 7,
                    },
                ],
            },
        ),
        Event::new(
            51,
            Focus {
                target: 5,
                focused: true,
            },
        ),
        Event::new(
            52,
            Scroll {
                target: 1,
                x: 0,
                y: 1200,
            },
        ),
        Event::new(
            53,
            Viewport {
                size: Size {
                    width: 390,
                    height: 844,
                },
            },
        ),
    ]);
    for (i, kind) in (0..5).filter_map(NavigationKind::from_index).enumerate() {
        events.push(Event::new(
            60 + i as u64,
            Navigation {
                kind,
                url: format!("https://shop.example.com/p/{i}"),
            },
        ));
    }
    events.push(Event::new(
        70,
        Selection {
            ranges: vec![SelectionRange {
                start: 10,
                start_offset: 0,
                end: 11,
                end_offset: 5,
            }],
        },
    ));
    events.push(Event::new(71, Selection { ranges: vec![] }));
    for (i, level) in (0..7).filter_map(Level::from_index).enumerate() {
        events.push(Event::new(
            80 + i as u64,
            Console {
                level,
                args: vec!["[api]".into(), format!("{{\"n\":{i}}}"), long.clone()],
                stack: (level >= Level::Warn).then(|| "Error\n    at f (app.js:1:2)".into()),
            },
        ));
    }
    for (i, kind) in (0..3).filter_map(ErrorKind::from_index).enumerate() {
        events.push(Event::new(
            90 + i as u64,
            PageError {
                kind,
                message: "TypeError: x is undefined".into(),
                stack: (i != 1).then(|| "at g (app.js:3:4)".into()),
                source: (i != 2).then(|| "https://shop.example.com/app.js".into()),
                line: 3,
                column: 4,
            },
        ));
    }
    events.push(Event::new(
        100,
        Network {
            request_id: 1,
            initiator: Some(Initiator::Fetch),
            method: "POST".into(),
            url: "https://shop.example.com/api/cart".into(),
            status: Some(201),
            duration: 123.25,
            request_headers: vec![
                Header::new("content-type", "application/json"),
                Header::new("authorization", "[redacted]"),
            ],
            response_headers: vec![Header::new("etag", "\"abc\"")],
            request_body: Some(Body {
                text: "{\"id\":1}".into(),
                truncated: false,
            }),
            response_body: Some(Body {
                text: long.clone(),
                truncated: true,
            }),
            request_size: Some(8),
            response_size: Some(u64::MAX),
            error: None,
            trace_id: Some(trace),
        },
    ));
    for initiator in [None, Some(Initiator::Xhr), Some(Initiator::Beacon)] {
        events.push(Event::new(
            101,
            Network {
                request_id: 2,
                initiator,
                method: "GET".into(),
                url: "https://other.example.org/x".into(),
                status: None,
                duration: 0.0,
                error: Some("TypeError: Failed to fetch".into()),
                ..Network::default()
            },
        ));
    }
    events.extend(
        [
            Performance::LongTask(LongTask { duration: 87.5 }),
            Performance::LayoutShift(LayoutShift {
                value: 0.125,
                had_recent_input: false,
                sources: vec![5, 6],
            }),
            Performance::LargestPaint(LargestPaint {
                render_time: 812.0,
                size: 120_000,
                element: Some(6),
                url: Some("https://cdn.example.com/hero.webp".into()),
            }),
            Performance::LargestPaint(LargestPaint::default()),
            Performance::Interaction(Interaction {
                event: "click".into(),
                duration: 240.0,
                target: None,
            }),
            Performance::Resource(Resource {
                url: "https://cdn.example.com/app.css".into(),
                initiator: "link".into(),
                duration: 30.5,
                transfer_size: 0,
                decoded_size: 45_000,
            }),
            Performance::Memory(Memory {
                used: 10,
                total: 20,
                limit: u64::MAX,
            }),
            Performance::Paint(Paint {
                name: "first-contentful-paint".into(),
                time: 400.0,
            }),
        ]
        .into_iter()
        .map(|p| Event::new(110, p)),
    );
    events.extend(
        [
            Backend::Span(Span {
                trace_id: trace,
                span_id: span,
                parent: Some(SpanId([1; 8])),
                service: "orders-api".into(),
                name: "GET /api/orders".into(),
                duration_us: 1500,
                status: SpanStatus::Error,
                attributes: vec![Attr::new("http.status_code", "500")],
            }),
            Backend::Span(Span::default()),
            Backend::Log(LogRecord {
                trace_id: Some(trace),
                span_id: Some(span),
                level: Level::Error,
                service: "orders-api".into(),
                message: "db timeout".into(),
                attributes: vec![],
            }),
            Backend::Log(LogRecord {
                trace_id: None,
                span_id: None,
                level: Level::Info,
                service: String::new(),
                message: String::new(),
                attributes: vec![Attr::new("k", "v")],
            }),
        ]
        .into_iter()
        .map(|b| Event::new(120, b)),
    );
    events.extend([
        Event::new(
            130,
            Custom {
                name: "checkout".into(),
                payload: "{\"total\":12.5}".into(),
            },
        ),
        Event::new(
            140,
            Annotation {
                text: "user gave up here".into(),
                author: Some("support@example.com".into()),
            },
        ),
        Event::new(
            i64::MAX as u64,
            Annotation {
                text: String::new(),
                author: None,
            },
        ),
    ]);
    events
}

#[test]
fn every_event_kind_round_trips() {
    let events = every_kind();
    let kinds: std::collections::BTreeSet<usize> =
        events.iter().map(|e| event_kind(&e.data)).collect();
    assert_eq!(kinds.len(), 18, "every EventData variant is covered");
    let subs: std::collections::BTreeSet<_> =
        events.iter().flat_map(|e| sub_kinds(&e.data)).collect();
    for (name, count) in [
        ("SnapNode", 7),
        ("InputValue", 3),
        ("Performance", 7),
        ("Backend", 2),
    ] {
        assert_eq!(
            subs.iter().filter(|(n, _)| *n == name).count(),
            count,
            "every {name} variant is covered"
        );
    }

    let bytes = frame::encode(&header(1, 3), &events).expect("encodes");
    let decoded = frame::decode(&bytes).expect("decodes");
    assert_eq!(decoded.events, events);
    assert_eq!(
        decoded.header,
        FrameHeader {
            version: frame::FORMAT_VERSION,
            base_time: 0,
            event_count: events.len() as u32,
            ..header(1, 3)
        }
    );

    // Each kind alone too, so no kind relies on a string another one put in the table.
    for event in &events {
        let one = std::slice::from_ref(event);
        let bytes = frame::encode(&header(1, 0), one).expect("encodes");
        assert_eq!(frame::decode(&bytes).expect("decodes").events, one);
    }
}

#[test]
fn empty_frame_round_trips() {
    let bytes = frame::encode(&header(2, 0), &[]).expect("encodes");
    let decoded = frame::decode(&bytes).expect("decodes");
    assert!(decoded.events.is_empty());
    assert_eq!(decoded.header.event_count, 0);
}

#[test]
fn strings_repeat_as_table_references() {
    // A class list used on 1000 elements must cost a reference each, not its 25 bytes of
    // text: an element is 12 bytes with the reference, 37 with the text inline.
    let node = element(
        "div",
        Namespace::Html,
        &[("class", "card shadow-sm rounded-lg")],
        0,
    );
    let one = frame::encode(
        &header(1, 0),
        &[Event::new(
            0,
            Snapshot {
                first_id: 1,
                nodes: vec![node.clone()],
            },
        )],
    );
    let many = frame::encode(
        &header(1, 0),
        &[Event::new(
            0,
            Snapshot {
                first_id: 1,
                nodes: vec![node; 1000],
            },
        )],
    );
    let raw_len = |b: &[u8]| u32::from_le_bytes([b[46], b[47], b[48], b[49]]) as usize;
    let (one, many) = (
        raw_len(&one.expect("encodes")),
        raw_len(&many.expect("encodes")),
    );
    assert!(
        many - one <= 999 * 12 + 2, // + the node array header growing to 3 bytes
        "999 more elements cost {} bytes of MessagePack",
        many - one
    );
}

#[test]
fn times_out_of_range_are_rejected_on_encode() {
    let events = [Event::new(
        u64::MAX,
        Focus {
            target: 1,
            focused: true,
        },
    )];
    assert!(matches!(
        frame::encode(&header(1, 0), &events),
        Err(frame::EncodeError::TimeOutOfRange(u64::MAX))
    ));
}

#[test]
fn generated_session_round_trips() {
    let session = recorder_core::testing::Session::generate(&recorder_core::testing::SessionSpec {
        snapshot_nodes: 3_000,
        seconds: 60,
        ..Default::default()
    });
    let mut stream = Vec::new();
    for (seq, events) in session.frames.iter().enumerate() {
        frame::encode_into(&session.header(seq as u32), events, &mut stream).expect("encodes");
    }
    let mut reader = SessionReader::new();
    reader.push_stream(&stream);
    let read = reader.finish();
    assert!(read.report.is_clean(), "{:?}", read.report);
    assert_eq!(read.id, Some(session.id));
    assert_eq!(read.start, session.start);
    assert!(read.events().eq(session.events()));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_event_round_trips(event in support::event(), header in support::frame_header()) {
        let bytes = frame::encode(&header, std::slice::from_ref(&event)).expect("encodes");
        let decoded = frame::decode(&bytes).expect("decodes");
        prop_assert_eq!(&decoded.events, &vec![event]);
        prop_assert_eq!(decoded.header.seq, header.seq);
        prop_assert_eq!(decoded.header.session_id, header.session_id);
        prop_assert_eq!(decoded.header.session_start, header.session_start);
    }

    /// A random session cut into random frames, encoded back to back, shuffled, and read
    /// back: the events come out exactly as they went in.
    #[test]
    fn random_sessions_in_random_frames_are_lossless(
        events in proptest::collection::vec(support::event(), 0..40),
        cuts in proptest::collection::vec(0..40usize, 0..8),
        order in any::<u64>(),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(events.len())).collect();
        cuts.push(0);
        cuts.push(events.len());
        cuts.sort_unstable();
        let frames: Vec<&[Event]> = cuts.windows(2).map(|w| &events[w[0]..w[1]]).collect();
        let mut encoded: Vec<Vec<u8>> = frames
            .iter()
            .enumerate()
            .map(|(seq, f)| frame::encode(&header(9, seq as u32), f).expect("encodes"))
            .collect();
        // Each frame alone decodes to its slice.
        for (bytes, slice) in encoded.iter().zip(&frames) {
            prop_assert_eq!(&frame::decode(bytes).expect("decodes").events[..], *slice);
        }
        // Shuffled arrival, reassembled by the reader.
        let mut state = order;
        for i in (1..encoded.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            encoded.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut reader = SessionReader::new();
        for bytes in &encoded {
            reader.push(bytes);
        }
        let session = reader.finish();
        prop_assert!(session.report.is_complete(), "{:?}", session.report);
        prop_assert_eq!(session.events().cloned().collect::<Vec<_>>(), events);
    }
}
