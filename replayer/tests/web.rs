//! The browser player in headless Chromium: hostile recordings stay inert, the iframe shows
//! exactly the mirror at every seek, playback reaches the end, damaged frames are reported.
#![cfg(target_arch = "wasm32")]

mod web_util;

use js_sys::Reflect;
use recorder_core::event::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlIFrameElement};
use web_util::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Globals the hostile payloads below try to set on the player's page.
const MARKERS: &[&str] = &[
    "pwnedScript",
    "pwnedOnerror",
    "pwnedSvgScript",
    "pwnedSrcdoc",
    "pwnedFrameDoc",
    "pwnedOnload",
    "pwnedObject",
    "pwnedEmbed",
    "pwnedRefresh",
    "pwnedForm",
    "pwnedBase",
    "pwnedLink",
    "pwnedSvgLink",
    "pwnedAnimate",
    "pwnedMutationScript",
    "pwnedMutationHandler",
    "pwnedMutationHref",
    "pwnedIframeSrc",
];

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &name.into()).unwrap()
}

fn hostile_page() -> T {
    let svg =
        |tag: &str, attrs: &[(&str, &str)], children| el(Namespace::Svg, tag, attrs, children);
    page(
        vec![
            h(
                "meta",
                &[
                    ("http-equiv", "refresh"),
                    ("content", "0;url=javascript:parent.pwnedRefresh=1"),
                ],
                vec![],
            ),
            h(
                "base",
                &[("href", "javascript:parent.pwnedBase=1//")],
                vec![],
            ),
        ],
        vec![
            h("p", &[("id", "marker")], vec![text("recorded page")]),
            h("script", &[], vec![text("window.parent.pwnedScript = 1")]),
            h(
                "img",
                &[("src", "x"), ("onerror", "window.parent.pwnedOnerror = 1")],
                vec![],
            ),
            h(
                "a",
                &[("id", "link"), ("href", "javascript:parent.pwnedLink=1")],
                vec![text("click me")],
            ),
            h(
                "iframe",
                &[
                    ("id", "srcdoc"),
                    ("srcdoc", "<script>parent.parent.pwnedSrcdoc=1</script>"),
                    ("sandbox", "allow-scripts allow-same-origin"),
                    ("onload", "parent.pwnedOnload=1"),
                ],
                vec![page(
                    vec![],
                    vec![h(
                        "script",
                        &[],
                        vec![text("parent.parent.pwnedFrameDoc = 1")],
                    )],
                )],
            ),
            h(
                "iframe",
                &[("src", "javascript:parent.pwnedIframeSrc=1")],
                vec![],
            ),
            h(
                "form",
                &[("id", "form"), ("action", "javascript:parent.pwnedForm=1")],
                vec![h("button", &[("id", "submit")], vec![text("go")])],
            ),
            svg(
                "svg",
                &[("onload", "parent.pwnedOnload=1")],
                vec![
                    svg("script", &[], vec![text("parent.pwnedSvgScript = 1")]),
                    svg(
                        "a",
                        &[
                            ("id", "svglink"),
                            ("xlink:href", "javascript:parent.pwnedSvgLink=1"),
                        ],
                        vec![svg(
                            "rect",
                            &[("width", "10"), ("height", "10")],
                            vec![svg(
                                "set",
                                &[
                                    ("attributeName", "href"),
                                    ("to", "javascript:parent.pwnedAnimate=1"),
                                ],
                                vec![],
                            )],
                        )],
                    ),
                ],
            ),
            h(
                "object",
                &[("data", "javascript:parent.pwnedObject=1")],
                vec![],
            ),
            h(
                "embed",
                &[("src", "javascript:parent.pwnedEmbed=1")],
                vec![],
            ),
            h("div", &[("id", "target")], vec![text("later")]),
        ],
    )
}

/// The hostile recording: the page above, then a batch adding a script and turning a
/// div into a `javascript:` link with an inline handler.
fn hostile_session() -> (Vec<Event>, NodeId) {
    let snap = snapshot(1, &hostile_page());
    let next = 1 + snap.nodes.len() as u32;
    let dom = recorder_core::dom::Dom::from_snapshot(&snap).unwrap();
    let target = find(&dom, "target");
    let body = dom.node(target).unwrap().parent().unwrap().id();
    let mut script = Vec::new();
    flatten(
        &h("script", &[], vec![text("parent.pwnedMutationScript = 1")]),
        &mut script,
    );
    let events = vec![
        Event::new(0, meta("https://shop.example/", 1280, 720)),
        Event::new(0, snap),
        Event::new(
            100,
            MutationBatch {
                adds: vec![AddedTree {
                    parent: body,
                    before: None,
                    first_id: next,
                    nodes: script,
                }],
                attrs: vec![
                    AttrChange {
                        id: target,
                        name: "onclick".into(),
                        value: Some("parent.pwnedMutationHandler=1".into()),
                    },
                    AttrChange {
                        id: target,
                        name: "href".into(),
                        value: Some("javascript:parent.pwnedMutationHref=1".into()),
                    },
                ],
                ..Default::default()
            },
        ),
    ];
    (events, target)
}

/// Every element of a document, nested iframe documents and shadow roots included.
fn all_elements(doc: &web_sys::Document) -> Vec<Element> {
    let mut out = Vec::new();
    let mut roots: Vec<web_sys::Node> = vec![doc.clone().into()];
    while let Some(root) = roots.pop() {
        let list = match root.node_type() {
            web_sys::Node::DOCUMENT_NODE => root
                .unchecked_ref::<web_sys::Document>()
                .query_selector_all("*")
                .unwrap(),
            _ => root
                .unchecked_ref::<web_sys::DocumentFragment>()
                .query_selector_all("*")
                .unwrap(),
        };
        for i in 0..list.length() {
            let e: Element = list.item(i).unwrap().unchecked_into();
            if e.local_name() == "iframe" {
                if let Some(d) = e.unchecked_ref::<HtmlIFrameElement>().content_document() {
                    roots.push(d.into());
                }
            }
            if let Some(shadow) = e.shadow_root() {
                roots.push(shadow.into());
            }
            out.push(e);
        }
    }
    out
}

#[wasm_bindgen_test]
async fn the_payloads_are_live_in_a_frame_that_allows_scripts() {
    // The control: the same kind of payloads do run where scripts are allowed, so the
    // checks in the next test would see them.
    let frame: HtmlIFrameElement = document()
        .create_element("iframe")
        .unwrap()
        .dyn_into()
        .unwrap();
    frame
        .set_attribute("sandbox", "allow-scripts allow-same-origin")
        .unwrap();
    frame.set_attribute(
        "srcdoc",
        "<script>parent.controlScript=1</script><img src=x onerror=\"parent.controlOnerror=1\">",
    )
    .unwrap();
    document().body().unwrap().append_child(&frame).unwrap();
    for _ in 0..100 {
        if global("controlOnerror").is_truthy() {
            break;
        }
        sleep(20).await;
    }
    assert_eq!(global("controlScript").as_f64(), Some(1.0));
    assert_eq!(global("controlOnerror").as_f64(), Some(1.0));
    frame.remove();
}

#[wasm_bindgen_test]
async fn hostile_recordings_run_nothing_and_navigate_nowhere() {
    let (events, target) = hostile_session();
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let doc = run.doc();
    let frame: HtmlIFrameElement = run
        .root
        .first_element_child()
        .unwrap()
        .shadow_root()
        .unwrap()
        .query_selector("iframe")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let page_url = web_sys::window().unwrap().location().href().unwrap();
    run.player.seek(200.0).unwrap();
    // Activate everything that could navigate or submit.
    for id in ["link", "submit", "target"] {
        let el: HtmlElement = doc.get_element_by_id(id).unwrap().unchecked_into();
        el.click();
    }
    let svg_link = doc.get_element_by_id("svglink").unwrap();
    svg_link
        .dispatch_event(&web_sys::Event::new("click").unwrap())
        .unwrap();
    sleep(600).await;

    for marker in MARKERS {
        assert!(
            global(marker).is_undefined(),
            "{marker} was set: recorded code ran"
        );
    }
    // Nothing navigated: the same document, still showing the recording, in the same page.
    assert_eq!(
        web_sys::window().unwrap().location().href().unwrap(),
        page_url
    );
    let now_doc = frame.content_document().unwrap();
    assert!(
        now_doc.is_same_node(Some(&doc)),
        "the player's iframe navigated"
    );
    assert_eq!(
        now_doc
            .get_element_by_id("marker")
            .unwrap()
            .text_content()
            .as_deref(),
        Some("recorded page")
    );

    // And the neutralization is what the docs say.
    let elements = all_elements(&doc);
    let scripts: Vec<&Element> = elements
        .iter()
        .filter(|e| e.local_name() == "script")
        .collect();
    assert_eq!(
        scripts.len(),
        4,
        "page, svg, frame and mutation scripts are all there"
    );
    for script in &scripts {
        assert_eq!(
            script.get_attribute("type").as_deref(),
            Some("text/tapedeck-disabled")
        );
    }
    for e in &elements {
        let attrs = e.attributes();
        for i in 0..attrs.length() {
            let a = attrs.item(i).unwrap();
            let (name, value) = (a.name(), a.value().to_ascii_lowercase());
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{name} kept on <{}>",
                e.local_name()
            );
            // A meta's `content` is inert once its `http-equiv` is renamed (checked below).
            let inert = name.starts_with("data-tapedeck-") || name == "content";
            assert!(
                inert || !value.contains("javascript:"),
                "{name}={value} kept on <{}>",
                e.local_name()
            );
            assert_ne!(name, "srcdoc");
            assert_ne!(name, "http-equiv");
        }
        if e.local_name() == "iframe" {
            assert_eq!(
                e.get_attribute("sandbox").as_deref(),
                Some("allow-same-origin")
            );
            assert!(!e.has_attribute("src"));
        }
    }
    let base = doc
        .query_selector("base:not([data-tapedeck-injected])")
        .unwrap()
        .unwrap();
    assert!(!base.has_attribute("href"));
    let meta = doc.query_selector("meta").unwrap().unwrap();
    assert_eq!(
        meta.get_attribute("data-tapedeck-http-equiv").as_deref(),
        Some("refresh")
    );
    // The mutation's attributes arrived, neutralized.
    let target_el = run.player.node(target).unwrap().unchecked_into::<Element>();
    assert!(!target_el.has_attribute("onclick") && !target_el.has_attribute("href"));
    assert!(target_el.has_attribute("data-tapedeck-href"));
    run.finish();
}

#[wasm_bindgen_test]
fn a_neutralized_attribute_follows_later_changes() {
    let snap = snapshot(
        1,
        &page(
            vec![],
            vec![h("a", &[("id", "a"), ("href", "/ok")], vec![text("x")])],
        ),
    );
    let a = find(&recorder_core::dom::Dom::from_snapshot(&snap).unwrap(), "a");
    let set = |t: u64, value: Option<&str>| {
        Event::new(
            t,
            MutationBatch {
                attrs: vec![AttrChange {
                    id: a,
                    name: "href".into(),
                    value: value.map(Into::into),
                }],
                ..Default::default()
            },
        )
    };
    let events = vec![
        Event::new(0, snap),
        set(10, Some("javascript:x()")),
        set(20, Some("/fine")),
        set(30, None),
    ];
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let link = || run.player.node(a).unwrap().unchecked_into::<Element>();
    let attrs = |e: Element| {
        (
            e.get_attribute("href"),
            e.get_attribute("data-tapedeck-href"),
        )
    };
    assert_eq!(attrs(link()), (Some("/ok".into()), None));
    run.player.seek(10.0).unwrap();
    assert_eq!(attrs(link()), (None, Some("javascript:x()".into())));
    run.player.seek(20.0).unwrap();
    assert_eq!(attrs(link()), (Some("/fine".into()), None));
    run.player.seek(30.0).unwrap();
    assert_eq!(attrs(link()), (None, None));
    run.player.seek(10.0).unwrap();
    assert_eq!(attrs(link()), (None, Some("javascript:x()".into())));
    run.finish();
}

#[wasm_bindgen_test]
fn attributes_are_named_and_namespaced_as_the_html_parser_makes_them() {
    let xmlns = "http://www.w3.org/2000/xmlns/";
    let xlink = "http://www.w3.org/1999/xlink";
    let body = vec![
        el(
            Namespace::Svg,
            "svg",
            &[
                ("id", "svg"),
                ("xmlns", "http://www.w3.org/2000/svg"),
                ("xmlns:xlink", xlink),
            ],
            vec![el(
                Namespace::Svg,
                "use",
                &[("id", "use"), ("xlink:href", "#a"), ("xml:lang", "en")],
                vec![],
            )],
        ),
        // On an HTML element, the parser keeps such names plain. It also makes names the
        // DOM API refuses (`<p =x>`).
        h(
            "div",
            &[
                ("id", "div"),
                ("xlink:href", "#b"),
                ("xmlns", "x"),
                ("=x", "1"),
            ],
            vec![],
        ),
    ];
    let events = vec![Event::new(0, snapshot(1, &page(vec![], body)))];
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let doc = run.doc();
    let ns = |id: &str, name: &str| {
        let el = doc.get_element_by_id(id).unwrap();
        el.get_attribute_node(name).unwrap().namespace_uri()
    };
    assert_eq!(ns("svg", "xmlns").as_deref(), Some(xmlns));
    assert_eq!(ns("svg", "xmlns:xlink").as_deref(), Some(xmlns));
    assert_eq!(ns("use", "xlink:href").as_deref(), Some(xlink));
    assert_eq!(
        ns("use", "xml:lang").as_deref(),
        Some("http://www.w3.org/XML/1998/namespace")
    );
    assert_eq!(ns("div", "xlink:href"), None);
    assert_eq!(ns("div", "xmlns"), None);
    let div = doc.get_element_by_id("div").unwrap();
    assert_eq!(div.get_attribute("=x").as_deref(), Some("1"));
    run.finish();
}

#[wasm_bindgen_test]
fn a_templates_children_are_its_content() {
    let body = vec![h(
        "template",
        &[("id", "tpl")],
        vec![h("p", &[("id", "in")], vec![text("inert")])],
    )];
    let snap = snapshot(1, &page(vec![], body));
    let dom = recorder_core::dom::Dom::from_snapshot(&snap).unwrap();
    let (tpl, p) = (find(&dom, "tpl"), find(&dom, "in"));
    let add = |parent: NodeId, first_id: NodeId| {
        let mut nodes = Vec::new();
        flatten(&h("b", &[], vec![text("added")]), &mut nodes);
        AddedTree {
            parent,
            before: None,
            first_id,
            nodes,
        }
    };
    let events = vec![
        Event::new(0, snap),
        Event::new(
            10,
            MutationBatch {
                adds: vec![add(tpl, 100), add(p, 200)],
                ..Default::default()
            },
        ),
    ];
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let shown = || {
        let template = run.doc().get_element_by_id("tpl").unwrap();
        let content: web_sys::Node = Reflect::get(&template, &"content".into())
            .unwrap()
            .unchecked_into();
        let children = content.child_nodes();
        let inner: Vec<String> = (0..children.length())
            .map(|i| {
                children
                    .item(i)
                    .unwrap()
                    .unchecked_into::<Element>()
                    .outer_html()
            })
            .collect();
        (template.child_nodes().length(), inner)
    };
    assert_eq!(shown(), (0, vec![r#"<p id="in">inert</p>"#.to_owned()]));
    run.player.seek(10.0).unwrap();
    assert_eq!(
        shown(),
        (
            0,
            vec![
                r#"<p id="in">inert<b>added</b></p>"#.to_owned(),
                "<b>added</b>".to_owned()
            ]
        )
    );
    run.finish();
}

#[wasm_bindgen_test]
fn every_seek_shows_exactly_the_mirror_at_that_time() {
    let events = generated_session(42, 400, 20, 100);
    let duration = events.last().unwrap().time;
    let run = start(bytes(&encode(&events, 37)), &[]).unwrap();
    assert_eq!(run.player.duration(), duration as f64);
    assert_shows(&run, &dom_at(&events, 0), "at 0");

    // Backwards and forwards, long jumps (diff or rebuild) and short steps (incremental).
    let mut times = vec![duration, 0, duration / 2, duration / 3, duration - 1, 1];
    let mut rng = Rng(7);
    for _ in 0..12 {
        times.push(rng.next() % (duration + 1));
    }
    let mut t = duration / 4;
    for _ in 0..25 {
        t += rng.next() % 400;
        times.push(t.min(duration));
    }
    times.push(duration + 10_000); // clamped to the end
    for &t in &times {
        run.player.seek(t as f64).unwrap();
        let clamped = t.min(duration);
        assert_eq!(run.player.current_time(), clamped as f64);
        assert_shows(&run, &dom_at(&events, clamped), &format!("after seek({t})"));
    }
    run.finish();
}

#[wasm_bindgen_test]
fn seeking_updates_the_document_in_place() {
    let events = generated_session(5, 200, 5, 100);
    let duration = events.last().unwrap().time;
    let run = start(bytes(&encode(&events, 50)), &[]).unwrap();
    let body = |run: &Run| run.doc().body().unwrap();
    let first = body(&run);
    first.set_attribute("data-probe", "kept").unwrap();
    // Forward in small steps, then back a little: the same body element throughout.
    let mut t = 0.0;
    while t < duration as f64 / 2.0 {
        t += 150.0;
        run.player.seek(t).unwrap();
    }
    run.player.seek(t - 1000.0).unwrap();
    assert!(
        body(&run).is_same_node(Some(&first)),
        "a seek rebuilt the document"
    );
    assert_eq!(
        body(&run).get_attribute("data-probe").as_deref(),
        Some("kept")
    );
    run.finish();
}

#[wasm_bindgen_test]
async fn playing_at_16x_reaches_the_end_and_reports_every_event() {
    let events = generated_session(9, 60, 5, 50);
    let duration = events.last().unwrap().time;
    let at_zero = events.iter().filter(|e| e.time == 0).count();
    let run = start(bytes(&encode(&events, 16)), &[("speed", 16.into())]).unwrap();
    run.player.play().unwrap();
    assert!(run.player.playing());
    assert!(run.wait_for("end", 10_000.0).await, "no end event");
    assert!(!run.player.playing());
    assert_eq!(run.player.current_time(), duration as f64);
    assert_eq!(run.count("end"), 1);
    assert!(run.count("time") >= 2, "time is reported while playing");
    // Every event after the start, once, in order (the ones at 0 were shown at creation).
    let indices: Vec<usize> = run
        .emitted
        .borrow()
        .iter()
        .filter(|(k, _)| k == "event")
        .map(|(_, d)| d.as_f64().unwrap() as usize)
        .collect();
    assert_eq!(indices, (at_zero..events.len()).collect::<Vec<_>>());
    assert_eq!(run.kinds().first().map(String::as_str), Some("play"));
    assert_shows(&run, &dom_at(&events, duration), "at the end");

    // Playing again starts over; pausing stops the clock.
    run.player.play().unwrap();
    assert_eq!(run.player.current_time(), 0.0);
    sleep(50).await;
    run.player.pause().unwrap();
    let paused_at = run.player.current_time();
    sleep(100).await;
    assert_eq!(run.player.current_time(), paused_at);
    assert!(run.count("pause") == 1);
    run.finish();
}

#[wasm_bindgen_test]
async fn inactivity_is_skipped_while_playing_unless_disabled() {
    let click = |t, x| {
        Event::new(
            t,
            Pointer {
                kind: PointerKind::Click,
                target: None,
                x,
                y: 10,
                button: 0,
            },
        )
    };
    let events = vec![
        Event::new(0, meta("https://shop.example/", 800, 600)),
        Event::new(0, snapshot(1, &page(vec![], vec![text("idle page")]))),
        click(500, 10),
        Event::new(
            20_500,
            Custom {
                name: "tick".into(),
                payload: String::new(),
            },
        ),
        click(40_000, 20),
    ];
    let frames = bytes(&encode(&events, 10));
    let run = start(frames.clone(), &[("speed", 16.into())]).unwrap();
    assert!(run.player.skip_inactive());
    let inactive = run.player.inactive().unwrap();
    assert_eq!(inactive.length(), 1);
    let stretch: js_sys::Array = inactive.get(0).unchecked_into();
    assert!((1500.0..1600.0).contains(&stretch.get(0).as_f64().unwrap()));
    assert_eq!(stretch.get(1).as_f64(), Some(39_000.0));
    run.player.play().unwrap();
    assert!(
        run.wait_for("end", 5_000.0).await,
        "the idle stretch was not skipped"
    );
    let skips: Vec<(f64, f64)> = run
        .emitted
        .borrow()
        .iter()
        .filter(|(k, _)| k == "skip")
        .map(|(_, d)| (num(d, "from"), num(d, "to")))
        .collect();
    assert_eq!(skips.len(), 1);
    let (from, to) = skips[0];
    assert!((1500.0..1600.0).contains(&from), "skip from {from}");
    assert_eq!(to, 39_000.0);
    // The event inside the stretch was still passed.
    assert!(run
        .emitted
        .borrow()
        .iter()
        .any(|(k, d)| k == "event" && d.as_f64() == Some(3.0)));
    run.finish();

    let run = start(
        frames,
        &[("speed", 16.into()), ("skipInactive", false.into())],
    )
    .unwrap();
    assert!(!run.player.skip_inactive());
    run.player.seek(35_000.0).unwrap();
    run.player.play().unwrap();
    assert!(run.wait_for("end", 5_000.0).await);
    assert_eq!(run.count("skip"), 0);
    // Turned on while the player exists: the next play skips.
    run.player.set_skip_inactive(true).unwrap();
    assert!(run.player.skip_inactive());
    run.player.seek(0.0).unwrap();
    run.player.play().unwrap();
    assert!(run.wait_for("skip", 5_000.0).await);
    run.finish();
}

#[wasm_bindgen_test]
async fn cursor_clicks_and_viewport_follow_the_recording() {
    let events = vec![
        Event::new(0, meta("https://shop.example/", 1280, 720)),
        Event::new(0, snapshot(1, &page(vec![], vec![text("page")]))),
        Event::new(
            100,
            PointerMove {
                points: vec![
                    MovePoint {
                        offset: 0,
                        x: 0,
                        y: 0,
                    },
                    MovePoint {
                        offset: 100,
                        x: 100,
                        y: 50,
                    },
                ],
            },
        ),
        Event::new(
            1_000,
            Viewport {
                size: Size {
                    width: 640,
                    height: 360,
                },
            },
        ),
        Event::new(
            1_200,
            Pointer {
                kind: PointerKind::Click,
                target: None,
                x: 30,
                y: 40,
                button: 0,
            },
        ),
        Event::new(1_250, Custom::default()),
    ];
    let run = start(bytes(&encode(&events, 10)), &[("speed", 16.into())]).unwrap();
    // Root 640×360, recorded 1280×720: half size.
    assert_eq!(num(&run.player.viewport(), "width"), 1280.0);
    assert_eq!(run.player.scale(), 0.5);
    assert!(run.player.cursor().is_null(), "no pointer yet");
    run.player.seek(150.0).unwrap();
    let cursor = run.player.cursor();
    assert_eq!(
        (num(&cursor, "x"), num(&cursor, "y")),
        (50.0, 25.0),
        "interpolated"
    );
    run.player.seek(1_000.0).unwrap();
    assert_eq!(num(&run.player.viewport(), "height"), 360.0);
    assert_eq!(run.player.scale(), 1.0);
    let shadow = run
        .root
        .first_element_child()
        .unwrap()
        .shadow_root()
        .unwrap();
    let stage: HtmlElement = shadow
        .query_selector(".tapedeck-stage")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(stage.offset_width(), 640);

    // A click passed while playing shows a ripple at its position.
    run.player.play().unwrap();
    assert!(run.wait_for("end", 5_000.0).await);
    let ripple: HtmlElement = shadow
        .query_selector(".tapedeck-click")
        .unwrap()
        .expect("a click ripple")
        .dyn_into()
        .unwrap();
    assert_eq!(ripple.style().get_property_value("left").unwrap(), "30px");

    // The container shrinks: the stage scales down.
    run.root.style().set_property("width", "320px").unwrap();
    run.root.style().set_property("height", "180px").unwrap();
    for _ in 0..50 {
        if run.player.scale() == 0.5 {
            break;
        }
        sleep(16).await;
    }
    assert_eq!(run.player.scale(), 0.5);
    run.finish();
}

#[wasm_bindgen_test]
fn destroy_removes_everything_and_later_calls_fail() {
    let events = generated_session(3, 20, 0, 100);
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    assert_eq!(run.root.child_element_count(), 1);
    run.player.play().unwrap();
    run.player.destroy();
    assert_eq!(
        run.root.child_nodes().length(),
        0,
        "the player's DOM is gone"
    );
    assert!(run.player.destroyed());
    assert!(!run.player.playing());
    assert!(run.player.document().is_none());
    assert!(run.player.seek(0.0).is_err());
    assert!(run.player.play().is_err());
    assert!(run.player.events().is_err());
    run.player.destroy(); // twice is fine
    run.root.remove();
}

#[wasm_bindgen_test]
async fn no_frame_arrives_after_destroy() {
    let events = generated_session(4, 50, 0, 200);
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    run.player.play().unwrap();
    sleep(50).await;
    run.player.destroy();
    let before = run.emitted.borrow().len();
    sleep(150).await;
    assert_eq!(run.emitted.borrow().len(), before);
    run.root.remove();
}

#[wasm_bindgen_test]
fn damaged_frames_are_reported_and_the_rest_plays() {
    let events = generated_session(11, 40, 0, 100);
    let chunks: Vec<Vec<u8>> = events
        .chunks(8)
        .enumerate()
        .map(|(seq, chunk)| {
            let header = recorder_core::frame::FrameHeader {
                session_id: SESSION,
                seq: seq as u32,
                ..Default::default()
            };
            recorder_core::frame::encode(&header, chunk).unwrap()
        })
        .collect();
    assert!(chunks.len() >= 4);
    let mut damaged = chunks[2].clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    // One buffer: frame 0, 1, damaged 2, 3, 3 again; frame 4 onwards missing.
    let mut stream = Vec::new();
    for part in [&chunks[0], &chunks[1], &damaged, &chunks[3], &chunks[3]] {
        stream.extend_from_slice(part);
    }
    let run = start(bytes(&stream), &[]).unwrap();
    let report = run.player.report().unwrap();
    let corrupt = js_sys::Array::from(&get(&report, "corrupt"));
    assert_eq!(corrupt.length(), 1);
    let c = corrupt.get(0);
    assert_eq!(
        num(&c, "offset"),
        (chunks[0].len() + chunks[1].len()) as f64
    );
    assert_eq!(num(&c, "length"), damaged.len() as f64);
    assert!(get(&c, "error").as_string().unwrap().contains("checksum"));
    assert_eq!(
        js_sys::JSON::stringify(&get(&report, "duplicates")).unwrap(),
        "[3]"
    );
    assert_eq!(
        js_sys::JSON::stringify(&get(&report, "gaps")).unwrap(),
        "[{\"first\":2,\"last\":2}]"
    );
    assert_eq!(get(&report, "clean").as_bool(), Some(false));
    assert_eq!(num(&report, "frames"), 3.0);
    assert_eq!(run.player.events().unwrap().length(), 24);
    run.finish();

    // A frame whose checksum is right but whose payload is not: found by decoding.
    let mut forged = chunks[1].clone();
    let header_len = recorder_core::frame::HEADER_LEN;
    for b in &mut forged[header_len..] {
        *b = 0x5a;
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&forged[..54]);
    crc.update(&forged[header_len..]);
    forged[54..58].copy_from_slice(&crc.finalize().to_le_bytes());
    let list = js_sys::Array::of3(&bytes(&chunks[0]), &bytes(&forged), &bytes(&chunks[2]));
    let run = start(list.into(), &[]).unwrap();
    let report = run.player.report().unwrap();
    let corrupt = js_sys::Array::from(&get(&report, "corrupt"));
    assert_eq!(corrupt.length(), 1);
    assert_eq!(num(&corrupt.get(0), "input"), 1.0);
    assert_eq!(num(&report, "frames"), 2.0);
    assert_eq!(run.player.events().unwrap().length(), 16);
    run.finish();

    // An array of frames, and an ArrayBuffer, are accepted too.
    let list = js_sys::Array::of2(
        &bytes(&chunks[0]),
        &js_sys::Uint8Array::from(&chunks[1][..]).buffer(),
    );
    let run = start(list.into(), &[]).unwrap();
    assert_eq!(
        get(&run.player.report().unwrap(), "clean").as_bool(),
        Some(true)
    );
    run.finish();
}

fn message(result: Result<Run, JsError>) -> String {
    match result {
        Ok(run) => {
            run.finish();
            panic!("expected an error");
        }
        Err(e) => {
            let value: JsValue = e.into();
            Reflect::get(&value, &"message".into())
                .unwrap()
                .as_string()
                .unwrap()
        }
    }
}

#[wasm_bindgen_test]
fn bad_input_is_a_clear_error() {
    let good = bytes(&encode(&generated_session(1, 5, 0, 10), 10));
    assert!(message(start(bytes(b"definitely not frames"), &[])).contains("no readable frame"));
    assert!(message(start(JsValue::from_str("frames"), &[])).contains("Uint8Array"));
    assert!(message(start(good.clone(), &[("sped", 2.into())])).contains("unknown option `sped`"));
    assert!(message(start(good.clone(), &[("speed", 32.into())])).contains("speed"));
    assert!(message(start(good.clone(), &[("root", "main".into())])).contains("root"));
    let detached = document().create_element("div").unwrap();
    let emit = js_sys::Function::new_no_args("");
    let err =
        replayer::web::Player::create(good.clone(), options(detached.unchecked_ref(), &[]), emit)
            .err()
            .map(JsValue::from);
    let err = err.expect("a detached root is refused");
    assert!(get(&err, "message")
        .as_string()
        .unwrap()
        .contains("must be in the document"));
    assert_eq!(detached.child_nodes().length(), 0, "nothing is left behind");
    let run = start(good, &[]).unwrap();
    assert!(run.player.set_speed(0.25).is_err());
    assert!(run.player.set_speed(f64::NAN).is_err());
    assert!(run.player.seek(f64::INFINITY).is_err());
    run.player.set_speed(4.0).unwrap();
    assert_eq!(run.player.speed(), 4.0);
    run.finish();
}

#[wasm_bindgen_test]
fn events_are_plain_objects_in_the_human_readable_form() {
    let events = vec![
        Event::new(0, meta("https://shop.example/", 1280, 720)),
        Event::new(
            5,
            Console {
                level: Level::Warn,
                args: vec!["careful".into()],
                stack: None,
            },
        ),
    ];
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let js = run.player.events().unwrap();
    assert_eq!(js.length(), 2);
    let console = js.get(1);
    assert_eq!(num(&console, "time"), 5.0);
    assert_eq!(
        get(&console, "kind").as_string().as_deref(),
        Some("Console")
    );
    assert_eq!(
        js_sys::JSON::stringify(&get(&console, "data")).unwrap(),
        r#"{"level":"Warn","args":["careful"],"stack":null}"#
    );
    run.finish();
}

#[wasm_bindgen_test]
fn markdown_is_the_native_timeline() {
    let events = vec![
        Event::new(0, meta("https://shop.example/", 1280, 720)),
        Event::new(
            5,
            Console {
                level: Level::Error,
                args: vec!["order failed".into()],
                stack: None,
            },
        ),
    ];
    let frame = encode(&events, 10);
    let run = start(bytes(&frame), &[]).unwrap();
    let markdown = run.player.markdown().unwrap();
    let native = replayer::Timeline::from_frames([frame.as_slice()])
        .unwrap()
        .timeline_markdown();
    assert_eq!(markdown, native);
    assert!(markdown.contains("order failed"), "{markdown}");
    run.player.destroy();
    assert!(run.player.markdown().is_err());
    run.finish();
}

#[wasm_bindgen_test]
fn the_recorded_mode_base_url_and_special_nodes_are_rebuilt() {
    // The same long page with and without a doctype: a diff between them is small enough
    // to apply in place, but only a new document switches quirks mode.
    let paragraphs = || {
        (0..40)
            .map(|i| h("p", &[], vec![text(&format!("p{i}"))]))
            .collect()
    };
    let quirky = T::Doc(vec![h(
        "html",
        &[],
        vec![h("head", &[], vec![]), h("body", &[], paragraphs())],
    )]);
    let mut modern_body: Vec<T> = paragraphs();
    modern_body.push(h("img", &[("id", "img"), ("src", "img/a.png")], vec![]));
    let modern = page(
        vec![h("base", &[("href", "/static/")], vec![])],
        modern_body,
    );
    let second = snapshot(1, &modern);
    let img = find(
        &recorder_core::dom::Dom::from_snapshot(&second).unwrap(),
        "img",
    );
    let events = vec![
        Event::new(0, meta("https://shop.example/app/page?x=1", 1280, 720)),
        Event::new(0, snapshot(1, &quirky)),
        Event::new(100, meta("https://shop.example/app/next", 1280, 720)),
        Event::new(100, second),
        Event::new(200, snapshot(1, &quirky)),
    ];
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    assert_eq!(run.doc().compat_mode(), "BackCompat", "no doctype: quirks");
    run.player.seek(100.0).unwrap();
    assert_eq!(run.doc().compat_mode(), "CSS1Compat");
    let src = get(&run.player.node(img).unwrap(), "src")
        .as_string()
        .unwrap();
    assert_eq!(
        src, "https://shop.example/static/img/a.png",
        "recorded <base> resolved against the page URL"
    );
    run.player.seek(200.0).unwrap();
    assert_eq!(run.doc().compat_mode(), "BackCompat");
    run.player.seek(100.0).unwrap();
    assert_eq!(
        run.doc().compat_mode(),
        "CSS1Compat",
        "backwards, through a diff"
    );
    let base = run.doc().query_selector("head > base").unwrap().unwrap();
    assert_eq!(
        base.get_attribute("href").as_deref(),
        Some("https://shop.example/static/")
    );
    run.player.seek(0.0).unwrap();
    assert_eq!(run.doc().compat_mode(), "BackCompat");
    // Relative URLs resolve against the recorded page, through the injected <base>.
    let injected = run
        .doc()
        .query_selector("base[data-tapedeck-injected]")
        .unwrap()
        .unwrap();
    assert_eq!(
        injected.get_attribute("href").as_deref(),
        Some("https://shop.example/app/page?x=1")
    );
    run.finish();

    // Nested document, shadow root, SVG, placeholder, inlined CSS: see the generated
    // session; here their live form.
    let events = generated_session(2, 0, 0, 10);
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let doc = run.doc();
    let frame: HtmlIFrameElement = doc.get_element_by_id("frame").unwrap().unchecked_into();
    let inner = frame.content_document().unwrap();
    assert_eq!(
        inner
            .get_element_by_id("inner")
            .unwrap()
            .text_content()
            .as_deref(),
        Some("inside the frame")
    );
    assert_eq!(inner.compat_mode(), "CSS1Compat");
    let host = doc.get_element_by_id("host").unwrap();
    let shadowed = host
        .shadow_root()
        .unwrap()
        .get_element_by_id("shadowed")
        .unwrap();
    assert_eq!(shadowed.text_content().as_deref(), Some("in the shadow"));
    let circle = doc.query_selector("circle").unwrap().unwrap();
    assert_eq!(
        circle.namespace_uri().as_deref(),
        Some("http://www.w3.org/2000/svg")
    );
    let secret: HtmlElement = doc.get_element_by_id("secret").unwrap().unchecked_into();
    assert_eq!((secret.offset_width(), secret.offset_height()), (120, 40));
    assert_eq!(secret.child_nodes().length(), 0);
    let style = doc
        .query_selector("style[data-tapedeck-href]")
        .unwrap()
        .unwrap();
    assert_eq!(
        style.text_content().as_deref(),
        Some("body{font-family:sans-serif}")
    );
    // Scripting is off in the sandbox, where `<noscript>` would show: the player hides it.
    let noscript = doc.create_element("noscript").unwrap();
    doc.body().unwrap().append_child(&noscript).unwrap();
    let style = doc
        .default_view()
        .unwrap()
        .get_computed_style(&noscript)
        .unwrap()
        .unwrap();
    assert_eq!(style.get_property_value("display").unwrap(), "none");
    run.finish();
}

/// The player builds a document from markup in one call when the HTML parser gives back
/// exactly the recorded tree, and node by node when it would not: either way the live
/// document is the recorded one. Each case is a page of its own, so that one refused
/// case does not hide another.
#[wasm_bindgen_test]
fn documents_the_html_parser_would_change_are_shown_as_recorded() {
    let svg = |attrs: &[(&str, &str)], children| el(Namespace::Svg, "svg", attrs, children);
    let cases: Vec<(&str, Vec<T>)> = vec![
        (
            "adjacent and empty texts",
            vec![
                h("p", &[], vec![text("a"), text(""), text("b")]),
                text(""),
                text("c"),
            ],
        ),
        (
            "a p in a p",
            vec![h("p", &[], vec![h("p", &[], vec![text("x")])])],
        ),
        (
            "text and a div right in a table",
            vec![h("table", &[], vec![text("t"), h("div", &[], vec![])])],
        ),
        (
            "a div in a select",
            vec![h("select", &[], vec![h("div", &[], vec![text("d")])])],
        ),
        (
            "an a in an a",
            vec![h("a", &[], vec![h("a", &[], vec![text("in")])])],
        ),
        (
            "raw text that would end its element",
            vec![
                h("noscript", &[], vec![text("<b id=esc3>not markup</b>")]),
                h("xmp", &[], vec![text("</xmp><i id=esc4>")]),
            ],
        ),
        (
            "comments that would end early",
            vec![
                T::Comment("--><img id=esc5 src=x onerror=alert(1)>".into()),
                T::Comment("->".into()),
                T::Comment("a-".into()),
            ],
        ),
        (
            "names the parser would change",
            vec![
                svg(
                    &[("viewBox", "0 0 1 1"), ("dataKey", "1")],
                    vec![el(Namespace::Svg, "clipPath", &[], vec![])],
                ),
                svg(&[("viewbox", "0 0 2 2")], vec![]),
                el(Namespace::Svg, "circle", &[("r", "1")], vec![]),
                h("image", &[], vec![]),
                el(Namespace::Html, "svg", &[], vec![]),
            ],
        ),
    ];
    for (what, body) in cases {
        let events = vec![
            Event::new(0, meta("https://shop.example/", 800, 600)),
            Event::new(0, snapshot(1, &page(vec![], body))),
        ];
        let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
        assert_shows(&run, &dom_at(&events, 0), what);
        let doc = run.doc();
        for id in ["esc1", "esc2", "esc3", "esc4", "esc5"] {
            assert!(
                doc.get_element_by_id(id).is_none(),
                "{what}: #{id} was parsed"
            );
        }
        run.finish();
    }

    // Scripts and styles compare by their text (the player adds a script `type`, and
    // `Dom::to_html` writes `</style` in a style as `<\/style`).
    let script = "x = '</script><img id=esc1 src=x onerror=alert(1)>'";
    let style = "b{}</style><img id=esc2 src=x onerror=alert(1)>";
    // And the newline the parser drops after these start tags, and carriage returns
    // (which it turns into newlines), are kept (the test's serializations do not agree
    // on them).
    let body = vec![
        h("script", &[], vec![text(script)]),
        h("style", &[], vec![text(style)]),
        h("pre", &[], vec![text("\nfirst")]),
        h("textarea", &[], vec![text("\n\nsecond")]),
        h("p", &[("title", "a\rb")], vec![text("c\r\nd")]),
    ];
    let events = vec![Event::new(0, snapshot(1, &page(vec![], body)))];
    let run = start(bytes(&encode(&events, 10)), &[]).unwrap();
    let doc = run.doc();
    let texts = [
        ("script", script),
        ("style", style),
        ("pre", "\nfirst"),
        ("textarea", "\n\nsecond"),
        ("p", "c\r\nd"),
    ];
    for (tag, recorded) in texts {
        let el = doc.query_selector(tag).unwrap().unwrap();
        assert_eq!(el.text_content().as_deref(), Some(recorded), "{tag}");
    }
    let p = doc.query_selector("p").unwrap().unwrap();
    assert_eq!(p.get_attribute("title").as_deref(), Some("a\rb"));
    for id in ["esc1", "esc2"] {
        assert!(doc.get_element_by_id(id).is_none(), "#{id} was parsed");
    }
    run.finish();
}
