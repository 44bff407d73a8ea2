use recorder_core::event::*;
use recorder_core::frame::{self, FrameHeader, SessionId};

#[test]
fn snapshot_round_trips() {
    let snap = Snapshot {
        first_id: 1,
        nodes: vec![
            SnapNode::Document(Container { children: 1 }),
            SnapNode::Element(Element {
                tag: "html".into(),
                namespace: Namespace::Html,
                attrs: vec![Attr::new("class", "x")],
                children: 2,
                state: None,
            }),
            SnapNode::Text("hello".into()),
            SnapNode::Text("hello".into()),
        ],
    };
    let events = vec![
        Event::new(5, snap),
        Event::new(
            3,
            Console {
                level: Level::Warn,
                args: vec!["a".into()],
                stack: None,
            },
        ),
    ];
    let header = FrameHeader {
        session_id: SessionId([3; 16]),
        seq: 7,
        session_start: 1_700_000_000_000,
        ..Default::default()
    };
    let bytes = frame::encode(&header, &events).unwrap();
    let decoded = frame::decode(&bytes).unwrap();
    assert_eq!(decoded.events, events);
    assert_eq!(decoded.header.seq, 7);
    eprintln!("{} bytes", bytes.len());
}
