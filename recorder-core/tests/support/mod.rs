//! Shared test support: proptest strategies for every event type, and frame helpers.
// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use recorder_core::event::*;
use recorder_core::frame::{FrameHeader, SessionId, DICTIONARY, FORMAT_VERSION, HEADER_LEN, MAGIC};
use recorder_core::trace::{SpanId, TraceId};

/// Strings as they occur in frames: mostly names that repeat (so the string table is
/// exercised: seeds, first use, later references), sometimes arbitrary Unicode, sometimes
/// longer than the interning limit.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", "div", "class", "href", "btn btn-primary", "card__title", "application/json",
            "https://shop.example.com/api/v1/orders", "ünïcödé ✓", "a",
        ])
        .prop_map(String::from),
        3 => any::<String>(),
        1 => "[a-z ]{90,200}",
    ]
}

pub fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

/// Finite floats: NaN would make an exact round trip unequal to itself.
pub fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        -1e12..1e12f64,
        prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO
    ]
}

pub fn node_id() -> impl Strategy<Value = NodeId> {
    prop_oneof![3 => 1..2000u32, 1 => any::<u32>()]
}

pub fn trace_id() -> impl Strategy<Value = TraceId> {
    any::<[u8; 16]>().prop_map(TraceId)
}

pub fn span_id() -> impl Strategy<Value = SpanId> {
    any::<[u8; 8]>().prop_map(SpanId)
}

pub fn size() -> impl Strategy<Value = Size> {
    (any::<u32>(), any::<u32>()).prop_map(|(width, height)| Size { width, height })
}

pub fn software() -> impl Strategy<Value = Software> {
    (text(), text()).prop_map(|(name, version)| Software { name, version })
}

pub fn device_kind() -> impl Strategy<Value = DeviceKind> {
    (0..5u8).prop_map(|i| DeviceKind::from_index(i).expect("index in range"))
}

pub fn meta() -> impl Strategy<Value = Meta> {
    (
        (text(), text(), text(), text()),
        (software(), software()),
        (device_kind(), text(), any::<bool>()),
        (size(), size(), -1e6..1e6f32),
        (text(), text(), text()),
    )
        .prop_map(
            |(
                (url, referrer, title, user_agent),
                (browser, os),
                (kind, model, touch),
                (screen, viewport, device_pixel_ratio),
                (language, time_zone, recorder_version),
            )| Meta {
                url,
                referrer,
                title,
                user_agent,
                browser,
                os,
                device: Device { kind, model, touch },
                screen,
                viewport,
                device_pixel_ratio,
                language,
                time_zone,
                recorder_version,
            },
        )
}

pub fn attr() -> impl Strategy<Value = Attr> {
    (text(), text()).prop_map(|(name, value)| Attr { name, value })
}

pub fn namespace() -> impl Strategy<Value = Namespace> {
    (0..3u8).prop_map(|i| Namespace::from_index(i).expect("index in range"))
}

pub fn element_state() -> impl Strategy<Value = ElementState> {
    (
        opt_text(),
        option::of(any::<bool>()),
        option::of(any::<(i32, i32)>()),
        opt_text(),
        option::of(size()),
    )
        .prop_map(|(value, checked, scroll, css, blocked)| ElementState {
            value,
            checked,
            scroll,
            css,
            blocked,
        })
}

pub fn element() -> impl Strategy<Value = Element> {
    (
        text(),
        namespace(),
        vec(attr(), 0..4),
        0..5u32,
        option::weighted(0.2, element_state().prop_map(Box::new)),
    )
        .prop_map(|(tag, namespace, attrs, children, state)| Element {
            tag,
            namespace,
            attrs,
            children,
            state,
        })
}

/// Any node. Child counts are arbitrary: the codec does not interpret the tree.
pub fn snap_node() -> impl Strategy<Value = SnapNode> {
    prop_oneof![
        1 => any::<u32>().prop_map(|children| SnapNode::Document(Container { children })),
        1 => (text(), text(), text()).prop_map(|(name, public_id, system_id)| SnapNode::Doctype(
            Doctype {
                name,
                public_id,
                system_id
            }
        )),
        4 => element().prop_map(SnapNode::Element),
        3 => text().prop_map(SnapNode::Text),
        1 => text().prop_map(SnapNode::Comment),
        1 => text().prop_map(SnapNode::CData),
        1 => any::<u32>().prop_map(|children| SnapNode::ShadowRoot(Container { children })),
    ]
}

pub fn snapshot() -> impl Strategy<Value = Snapshot> {
    (node_id(), vec(snap_node(), 0..20)).prop_map(|(first_id, nodes)| Snapshot { first_id, nodes })
}

pub fn mutation() -> impl Strategy<Value = MutationBatch> {
    let added = (
        node_id(),
        option::of(node_id()),
        node_id(),
        vec(snap_node(), 0..6),
    )
        .prop_map(|(parent, before, first_id, nodes)| AddedTree {
            parent,
            before,
            first_id,
            nodes,
        });
    let attr_change = (node_id(), text(), opt_text()).prop_map(|(id, name, value)| AttrChange {
        id,
        name,
        value,
    });
    let text_change = (node_id(), text()).prop_map(|(id, text)| TextChange { id, text });
    (
        vec(node_id(), 0..4),
        vec(added, 0..3),
        vec(attr_change, 0..4),
        vec(text_change, 0..4),
    )
        .prop_map(|(removes, adds, attrs, texts)| MutationBatch {
            removes,
            adds,
            attrs,
            texts,
        })
}

pub fn input_value() -> impl Strategy<Value = InputValue> {
    prop_oneof![
        text().prop_map(InputValue::Text),
        any::<bool>().prop_map(InputValue::Checked),
        vec(any::<u32>(), 0..5).prop_map(InputValue::Selected),
    ]
}

pub fn pointer_kind() -> impl Strategy<Value = PointerKind> {
    (0..8u8).prop_map(|i| PointerKind::from_index(i).expect("index in range"))
}

pub fn level() -> impl Strategy<Value = Level> {
    (0..7u8).prop_map(|i| Level::from_index(i).expect("index in range"))
}

pub fn http_header() -> impl Strategy<Value = Header> {
    (text(), text()).prop_map(|(name, value)| Header { name, value })
}

pub fn body() -> impl Strategy<Value = Body> {
    (text(), any::<bool>()).prop_map(|(text, truncated)| Body { text, truncated })
}

pub fn network() -> impl Strategy<Value = Network> {
    (
        (
            any::<u32>(),
            option::of((0..3u8).prop_map(|i| Initiator::from_index(i).expect("index"))),
            text(),
            text(),
        ),
        (option::of(any::<u16>()), float()),
        (vec(http_header(), 0..4), vec(http_header(), 0..4)),
        (option::of(body()), option::of(body())),
        (
            option::of(any::<u64>()),
            option::of(any::<u64>()),
            opt_text(),
            option::of(trace_id()),
        ),
    )
        .prop_map(
            |(
                (request_id, initiator, method, url),
                (status, duration),
                (request_headers, response_headers),
                (request_body, response_body),
                (request_size, response_size, error, trace_id),
            )| Network {
                request_id,
                initiator,
                method,
                url,
                status,
                duration,
                request_headers,
                response_headers,
                request_body,
                response_body,
                request_size,
                response_size,
                error,
                trace_id,
            },
        )
}

pub fn performance() -> impl Strategy<Value = Performance> {
    prop_oneof![
        float().prop_map(|duration| Performance::LongTask(LongTask { duration })),
        (float(), any::<bool>(), vec(node_id(), 0..4)).prop_map(
            |(value, had_recent_input, sources)| Performance::LayoutShift(LayoutShift {
                value,
                had_recent_input,
                sources
            })
        ),
        (float(), any::<u64>(), option::of(node_id()), opt_text()).prop_map(
            |(render_time, size, element, url)| Performance::LargestPaint(LargestPaint {
                render_time,
                size,
                element,
                url
            })
        ),
        (text(), float(), option::of(node_id())).prop_map(|(event, duration, target)| {
            Performance::Interaction(Interaction {
                event,
                duration,
                target,
            })
        }),
        (text(), text(), float(), any::<u64>(), any::<u64>()).prop_map(
            |(url, initiator, duration, transfer_size, decoded_size)| Performance::Resource(
                Resource {
                    url,
                    initiator,
                    duration,
                    transfer_size,
                    decoded_size
                }
            )
        ),
        (any::<u64>(), any::<u64>(), any::<u64>())
            .prop_map(|(used, total, limit)| Performance::Memory(Memory { used, total, limit })),
        (text(), float()).prop_map(|(name, time)| Performance::Paint(Paint { name, time })),
    ]
}

pub fn backend() -> impl Strategy<Value = Backend> {
    let span = (
        (trace_id(), span_id(), option::of(span_id())),
        (text(), text(), any::<u64>()),
        (
            (0..3u8).prop_map(|i| SpanStatus::from_index(i).expect("index")),
            vec(attr(), 0..3),
        ),
    )
        .prop_map(
            |((trace_id, span_id, parent), (service, name, duration_us), (status, attributes))| {
                Backend::Span(Span {
                    trace_id,
                    span_id,
                    parent,
                    service,
                    name,
                    duration_us,
                    status,
                    attributes,
                })
            },
        );
    let log = (
        option::of(trace_id()),
        option::of(span_id()),
        level(),
        text(),
        text(),
        vec(attr(), 0..3),
    )
        .prop_map(|(trace_id, span_id, level, service, message, attributes)| {
            Backend::Log(LogRecord {
                trace_id,
                span_id,
                level,
                service,
                message,
                attributes,
            })
        });
    prop_oneof![span, log]
}

/// Any event payload, every variant reachable.
pub fn event_data() -> impl Strategy<Value = EventData> {
    prop_oneof![
        meta().prop_map(EventData::Meta),
        snapshot().prop_map(EventData::Snapshot),
        mutation().prop_map(EventData::Mutation),
        (node_id(), input_value(), any::<bool>())
            .prop_map(|(id, value, user)| EventData::Input(Input { id, value, user })),
        (
            pointer_kind(),
            option::of(node_id()),
            any::<i32>(),
            any::<i32>(),
            any::<u8>()
        )
            .prop_map(|(kind, target, x, y, button)| EventData::Pointer(Pointer {
                kind,
                target,
                x,
                y,
                button
            })),
        vec(any::<(u32, i32, i32)>(), 0..8).prop_map(|points| EventData::PointerMove(
            PointerMove {
                points: points
                    .into_iter()
                    .map(|(offset, x, y)| MovePoint { offset, x, y })
                    .collect()
            }
        )),
        (node_id(), any::<bool>())
            .prop_map(|(target, focused)| EventData::Focus(Focus { target, focused })),
        (node_id(), any::<i32>(), any::<i32>())
            .prop_map(|(target, x, y)| EventData::Scroll(Scroll { target, x, y })),
        size().prop_map(|size| EventData::Viewport(Viewport { size })),
        (
            (0..5u8).prop_map(|i| NavigationKind::from_index(i).expect("index")),
            text()
        )
            .prop_map(|(kind, url)| EventData::Navigation(Navigation { kind, url })),
        vec(any::<(u32, u32, u32, u32)>(), 0..3).prop_map(|ranges| EventData::Selection(
            Selection {
                ranges: ranges
                    .into_iter()
                    .map(|(start, start_offset, end, end_offset)| SelectionRange {
                        start,
                        start_offset,
                        end,
                        end_offset
                    })
                    .collect()
            }
        )),
        (level(), vec(text(), 0..4), opt_text())
            .prop_map(|(level, args, stack)| EventData::Console(Console { level, args, stack })),
        (
            (0..3u8).prop_map(|i| ErrorKind::from_index(i).expect("index")),
            text(),
            opt_text(),
            opt_text(),
            any::<u32>(),
            any::<u32>()
        )
            .prop_map(|(kind, message, stack, source, line, column)| {
                EventData::Error(PageError {
                    kind,
                    message,
                    stack,
                    source,
                    line,
                    column,
                })
            }),
        network().prop_map(EventData::Network),
        performance().prop_map(EventData::Performance),
        backend().prop_map(EventData::Backend),
        (text(), text()).prop_map(|(name, payload)| EventData::Custom(Custom { name, payload })),
        (text(), opt_text())
            .prop_map(|(text, author)| EventData::Annotation(Annotation { text, author })),
    ]
}

/// Event times: usually close together, sometimes anywhere a frame can represent.
pub fn time() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 0..10_000_000u64,
        1 => Just(0u64),
        1 => Just(i64::MAX as u64),
        1 => 0..=i64::MAX as u64,
    ]
}

pub fn event() -> impl Strategy<Value = Event> {
    (time(), event_data()).prop_map(|(time, data)| Event { time, data })
}

pub fn frame_header() -> impl Strategy<Value = FrameHeader> {
    (any::<[u8; 16]>(), any::<u32>(), any::<u64>()).prop_map(|(id, seq, session_start)| {
        FrameHeader {
            session_id: SessionId(id),
            seq,
            session_start,
            ..FrameHeader::default()
        }
    })
}

/// Recomputes the CRC of a frame after its bytes were edited, so the edit reaches the
/// decompressor and the MessagePack decoder instead of stopping at the checksum.
pub fn fix_crc(frame: &mut [u8]) {
    if frame.len() < HEADER_LEN {
        return;
    }
    // Over the payload the header announces (the length field may have been edited too).
    let declared = u32::from_le_bytes([frame[50], frame[51], frame[52], frame[53]]) as usize;
    let end = HEADER_LEN + declared.min(frame.len() - HEADER_LEN);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&frame[..54]);
    crc.update(&frame[HEADER_LEN..end]);
    let crc = crc.finalize().to_le_bytes();
    frame[54..58].copy_from_slice(&crc);
}

/// The header of a frame of session `id` with sequence number `seq`.
pub fn header(id: u8, seq: u32) -> FrameHeader {
    FrameHeader {
        session_id: SessionId([id; 16]),
        seq,
        session_start: 1_700_000_000_000,
        ..FrameHeader::default()
    }
}

/// A frame around an arbitrary MessagePack payload, with a valid header and checksum, so
/// tests can feed the payload decoder anything.
pub fn frame_from_payload(raw: &[u8], event_count: u32) -> Vec<u8> {
    let compressed = lz4_flex::block::compress_with_dict(raw, DICTIONARY);
    frame_from_parts(raw.len() as u32, &compressed, event_count)
}

/// A frame with the given announced uncompressed size and compressed bytes, valid CRC.
pub fn frame_from_parts(raw_len: u32, compressed: &[u8], event_count: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    out.push(FORMAT_VERSION);
    out.push(1);
    out.extend_from_slice(&[5; 16]);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&event_count.to_le_bytes());
    out.extend_from_slice(&raw_len.to_le_bytes());
    out.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(compressed);
    fix_crc(&mut out);
    out
}
