//! The Markdown timeline: what a teammate or an assistant reads first.

mod common;

use common::*;
use recorder_core::event::*;
use recorder_core::{SpanId, TraceId};
use replayer::Timeline;

const START: u64 = 1_714_566_896_789; // 2024-05-01 12:34:56.789 UTC

fn checkout_page() -> Tree {
    // body 7: main 8 > h1 9 > "Checkout" 10; input#email 11; button#place-order.primary 12 > "Place order" 13
    page(
        "Checkout",
        vec![el(
            "main",
            &[],
            vec![
                el("h1", &[], vec![text("Checkout")]),
                el("input", &[("id", "email"), ("type", "email")], Vec::new()),
                el(
                    "button",
                    &[("id", "place-order"), ("class", "primary")],
                    vec![text("Place order")],
                ),
            ],
        )],
    )
}

fn span(id: u8, parent: Option<u8>, name: &str, ms: u64, status: SpanStatus) -> EventData {
    Backend::Span(Span {
        trace_id: TraceId([7; 16]),
        span_id: SpanId([id; 8]),
        parent: parent.map(|p| SpanId([p; 8])),
        service: "orders".into(),
        name: name.into(),
        duration_us: ms * 1000,
        status,
        attributes: if status == SpanStatus::Error {
            vec![Attr::new("error", "deadlock detected")]
        } else {
            Vec::new()
        },
    })
    .into()
}

fn checkout_session() -> Vec<Event> {
    let mut events = vec![
        Event::new(0, meta("https://shop.example/checkout", "Checkout")),
        Event::new(0, snapshot(checkout_page())),
    ];
    for t in 1..=30 {
        events.push(Event::new(
            t * 10,
            PointerMove {
                points: vec![MovePoint {
                    offset: 0,
                    x: t as i32,
                    y: 5,
                }],
            },
        ));
    }
    for (t, v) in [(400, "a"), (450, "a•"), (500, "a••••")] {
        events.push(Event::new(
            t,
            Input {
                id: 11,
                value: InputValue::Text(v.into()),
                user: true,
            },
        ));
    }
    events.push(Event::new(
        1200,
        Pointer {
            kind: PointerKind::Click,
            target: Some(12),
            x: 100,
            y: 200,
            button: 0,
        },
    ));
    // The click relabels the button: the timeline must show the label at click time.
    events.push(Event::new(
        1210,
        MutationBatch {
            texts: vec![TextChange {
                id: 13,
                text: "Placing…".into(),
            }],
            attrs: vec![AttrChange {
                id: 12,
                name: "disabled".into(),
                value: Some(String::new()),
            }],
            ..Default::default()
        },
    ));
    events.push(Event::new(
        1250,
        Network {
            request_id: 1,
            initiator: Some(Initiator::Fetch),
            method: "POST".into(),
            url: "https://shop.example/api/orders".into(),
            status: Some(500),
            duration: 180.0,
            response_body: Some(Body {
                text: "{\"error\":\"could not reserve stock\"}".into(),
                truncated: false,
            }),
            trace_id: Some(TraceId([7; 16])),
            ..Default::default()
        },
    ));
    events.push(Event::new(
        1255,
        span(1, Some(99), "POST /api/orders", 170, SpanStatus::Error),
    ));
    events.push(Event::new(
        1260,
        span(2, Some(1), "reserve_stock", 150, SpanStatus::Error),
    ));
    events.push(Event::new(
        1262,
        span(3, Some(2), "db.query", 140, SpanStatus::Error),
    ));
    events.push(Event::new(
        1400,
        Backend::Log(LogRecord {
            trace_id: Some(TraceId([7; 16])),
            span_id: Some(SpanId([3; 8])),
            level: Level::Error,
            service: "orders".into(),
            message: "query failed: deadlock detected".into(),
            attributes: Vec::new(),
        }),
    ));
    events.push(Event::new(
        1440,
        Console {
            level: Level::Error,
            args: vec!["Order failed:".into(), "HTTP 500".into()],
            stack: Some("Error: Order failed\n    at placeOrder (app.js:42:11)\n    at onClick (app.js:7:3)".into()),
        },
    ));
    events.push(Event::new(
        1500,
        PageError {
            kind: ErrorKind::Exception,
            message: "TypeError: order is undefined".into(),
            stack: Some("TypeError: order is undefined\n    at render (app.js:88:5)".into()),
            source: Some("https://shop.example/app.js".into()),
            line: 88,
            column: 5,
        },
    ));
    events.push(Event::new(
        1600,
        Network {
            request_id: 2,
            method: "GET".into(),
            url: "https://shop.example/api/recommendations".into(),
            status: Some(200),
            duration: 2400.0,
            ..Default::default()
        },
    ));
    events.push(Event::new(
        1700,
        Performance::LongTask(LongTask { duration: 320.0 }),
    ));
    for t in 0..5 {
        events.push(Event::new(
            1800 + t,
            Console {
                level: Level::Log,
                args: vec!["poll".into()],
                stack: None,
            },
        ));
    }
    events.push(Event::new(
        1900,
        Annotation {
            text: "user says: nothing happened".into(),
            author: Some("support".into()),
        },
    ));
    events
}

fn markdown() -> String {
    let f = frames(sid(3), START, &checkout_session(), 8);
    let timeline = Timeline::from_frames(f.iter().rev().map(Vec::as_slice)).unwrap();
    timeline.timeline_markdown()
}

#[test]
fn header_describes_page_environment_and_counts() {
    let md = markdown();
    let header = md.split("## Problems").next().unwrap();
    assert!(header.starts_with("# Session: Checkout\n"), "{md}");
    for expected in [
        "- **URL:** `https://shop.example/checkout`",
        "- **Browser:** Chrome 124.0 on macOS 14.4\n",
        "- **Viewport:** 1280×720 at 2×\n",
        "- **Started:** 2024-05-01 12:34:56.789 UTC",
        "- **Duration:** 1.90 s",
        "52 — 1 click, 3 inputs, 2 requests (1 failed), 1 uncaught error, 1 console warning or error, 4 backend spans and logs, 1 DOM mutation",
        "- **Recording:** session `03030303030303030303030303030303`",
        "; complete",
    ] {
        assert!(header.contains(expected), "missing {expected:?} in:\n{header}");
    }
}

#[test]
fn problems_come_first_in_time_order() {
    let md = markdown();
    let problems = md
        .split("## Problems")
        .nth(1)
        .unwrap()
        .split("## Timeline")
        .next()
        .unwrap();
    let lines: Vec<&str> = problems.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 5, "{problems}");
    assert!(lines[0].starts_with("1. `+1.250s` failed request `POST https://shop.example/api/orders` → 500; backend errors: `orders` `POST /api/orders`"), "{problems}");
    assert!(
        lines[0].contains("`orders`: `query failed: deadlock detected`"),
        "{problems}"
    );
    assert!(
        lines[1].starts_with("2. `+1.440s` console.error `Order failed: HTTP 500`"),
        "{problems}"
    );
    assert!(lines[2].starts_with("3. `+1.500s` **uncaught exception** `TypeError: order is undefined` at `https://shop.example/app.js:88:5`"), "{problems}");
    assert!(
        lines[3].starts_with(
            "4. `+1.600s` slow request `GET https://shop.example/api/recommendations` took 2.40 s"
        ),
        "{problems}"
    );
    assert!(
        lines[4].starts_with("5. `+1.700s` long task 320 ms"),
        "{problems}"
    );
}

#[test]
fn click_names_the_target_as_it_was_then() {
    let md = markdown();
    assert!(
        md.contains("- `+1.200s` click `button#place-order.primary \"Place order\"`\n"),
        "{md}"
    );
    assert!(
        !md.contains("Placing"),
        "the label after the click leaked into the click: {md}"
    );
}

#[test]
fn inputs_collapse_to_the_last_value_and_noise_to_counts() {
    let md = markdown();
    assert!(
        md.contains("- `+0.400s` input `input#email` = `a••••` (×3)\n"),
        "{md}"
    );
    assert!(md.contains("- `+0.000s` **page load** `https://shop.example/checkout` titled `Checkout`, snapshot of 13 nodes\n"), "{md}");
    assert!(md.contains("- `+0.010s` *… 30 pointer moves*\n"), "{md}");
    assert!(md.contains("- `+1.210s` *… 1 DOM mutation*\n"), "{md}");
    assert!(md.contains("- `+1.800s` console.log `poll` (×5)\n"), "{md}");
}

#[test]
fn failing_request_shows_its_body_and_the_backend_tree_under_it() {
    let md = markdown();
    let expected = "\
- `+1.250s` **failed request** `POST https://shop.example/api/orders` → 500 in 180 ms
  - response body:
    ```
    {\"error\":\"could not reserve stock\"}
    ```
  - backend, trace `07070707070707070707070707070707`:
    - `orders` `POST /api/orders` 170 ms **error** (`error=deadlock detected`)
      - `orders` `reserve_stock` 150 ms **error** (`error=deadlock detected`)
        - `orders` `db.query` 140 ms **error** (`error=deadlock detected`)
          - log ERROR `orders`: `query failed: deadlock detected`
";
    assert!(md.contains(expected), "{md}");
    // Backend work is listed under its request, not again on its own.
    let timeline = md.split("## Timeline").nth(1).unwrap();
    assert_eq!(timeline.matches("`reserve_stock`").count(), 1, "{md}");
}

#[test]
fn errors_carry_their_stacks() {
    let md = markdown();
    assert!(
        md.contains("  ```\n  Error: Order failed\n      at placeOrder (app.js:42:11)\n      at onClick (app.js:7:3)\n  ```\n"),
        "{md}"
    );
    assert!(
        md.contains(
            "  ```\n  TypeError: order is undefined\n      at render (app.js:88:5)\n  ```\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("- `+1.900s` **note** `user says: nothing happened` by `support`"),
        "{md}"
    );
}

#[test]
fn recorded_text_cannot_break_out_of_code_spans() {
    let events = vec![
        Event::new(0, meta("https://a.example/", "A")),
        Event::new(
            5,
            Console {
                level: Level::Log,
                args: vec!["``` # not a heading <script>".into()],
                stack: None,
            },
        ),
    ];
    let md = Timeline::from_events(events).timeline_markdown();
    assert!(
        md.contains("console.log ```` ``` # not a heading <script> ````"),
        "{md}"
    );
}

#[test]
fn a_damaged_recording_says_so() {
    let f = frames(sid(3), START, &checkout_session(), 8);
    let timeline = Timeline::from_frames([&f[0], &f[2], &f[3]].map(|v| v.as_slice())).unwrap();
    let md = timeline.timeline_markdown();
    assert!(
        md.contains("; **incomplete**:\n  - frame 1 of the session is missing\n"),
        "{md}"
    );
}

#[test]
fn performance_problems_and_custom_events_are_listed() {
    let body = vec![el("img", &[("id", "hero"), ("alt", "Hero")], Vec::new())];
    let events = vec![
        Event::new(0, meta("https://a.example/", "A")),
        Event::new(0, snapshot(page("A", body))),
        Event::new(
            800,
            Performance::Paint(Paint {
                name: "first-contentful-paint".into(),
                time: 800.0,
            }),
        ),
        Event::new(
            3100,
            Performance::LargestPaint(LargestPaint {
                render_time: 3100.0,
                size: 120_000,
                element: Some(8),
                url: None,
            }),
        ),
        Event::new(
            3200,
            Performance::LayoutShift(LayoutShift {
                value: 0.21,
                had_recent_input: false,
                sources: vec![8],
            }),
        ),
        Event::new(3300, Performance::LongTask(LongTask { duration: 60.0 })),
        Event::new(
            3400,
            Performance::Interaction(Interaction {
                event: "click".into(),
                duration: 640.0,
                target: Some(8),
            }),
        ),
        Event::new(
            3500,
            Custom {
                name: "checkout.step".into(),
                payload: "{\"step\":2}".into(),
            },
        ),
    ];
    let md = Timeline::from_events(events).timeline_markdown();
    for expected in [
        "- `+0.800s` `first-contentful-paint` at 800 ms\n",
        "- `+3.100s` largest contentful paint candidate at 3.10 s: `img#hero \"Hero\"`\n",
        "- `+3.200s` layout shift 0.210 moving `img#hero \"Hero\"`\n",
        "- `+3.300s` *… 1 long task under 200 ms*\n",
        "- `+3.400s` slow interaction: `click` on `img#hero \"Hero\"` took 640 ms\n",
        "- `+3.500s` custom event `checkout.step` `{\"step\":2}`\n",
        "`+3.100s` slow largest contentful paint: 3.10 s (`img#hero \"Hero\"`)",
        "`+3.400s` slow interaction: `click`",
        "`+3.200s` layout shifts without input add up to 0.210",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in:\n{md}");
    }
}

#[test]
fn backend_work_without_a_request_is_counted_and_its_errors_listed() {
    let log = |level, message: &str| {
        Backend::Log(LogRecord {
            trace_id: None,
            span_id: None,
            level,
            service: "mailer".into(),
            message: message.into(),
            attributes: Vec::new(),
        })
    };
    let events = vec![
        Event::new(100, log(Level::Info, "queue drained")),
        Event::new(200, log(Level::Error, "smtp timeout")),
    ];
    let md = Timeline::from_events(events).timeline_markdown();
    assert!(
        md.contains("- `+0.100s` *… 1 backend event without a recorded request*\n"),
        "{md}"
    );
    assert!(
        md.contains("- `+0.200s` backend log ERROR `mailer`: `smtp timeout`\n"),
        "{md}"
    );
    assert!(
        md.contains("1. `+0.200s` backend log ERROR `mailer`: `smtp timeout`\n"),
        "{md}"
    );
    assert!(md.contains("2 backend events match no request"), "{md}");
}
