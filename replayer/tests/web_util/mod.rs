//! Shared plumbing of the browser tests: building recordings, running a player, reading
//! the live document back in `Dom::to_html`'s format.
#![allow(dead_code)] // each test file uses its own part

use js_sys::{Function, Reflect, Uint8Array};
use recorder_core::dom::Dom;
use recorder_core::event::*;
use recorder_core::frame::{self, FrameHeader, SessionId};
use replayer::web::Player;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Document, HtmlElement, Node};

// --- recordings ----------------------------------------------------------------------

/// A node of a tree to snapshot.
pub enum T {
    Doc(Vec<T>),
    Doctype(&'static str, &'static str, &'static str),
    El(Element, Vec<T>),
    Text(String),
    Comment(String),
    Shadow(Vec<T>),
}

/// An HTML element.
pub fn h(tag: &str, attrs: &[(&str, &str)], children: Vec<T>) -> T {
    el(Namespace::Html, tag, attrs, children)
}

/// An element in `namespace`.
pub fn el(namespace: Namespace, tag: &str, attrs: &[(&str, &str)], children: Vec<T>) -> T {
    T::El(
        Element {
            tag: tag.into(),
            namespace,
            attrs: attrs.iter().map(|(n, v)| Attr::new(*n, *v)).collect(),
            children: 0,
            state: None,
        },
        children,
    )
}

/// `t` (an element) with recorded state.
pub fn with_state(t: T, state: ElementState) -> T {
    match t {
        T::El(mut e, children) => {
            e.state = Some(Box::new(state));
            T::El(e, children)
        }
        other => other,
    }
}

pub fn text(s: &str) -> T {
    T::Text(s.into())
}

/// `<!DOCTYPE html><html><head>head</head><body>body</body></html>`.
pub fn page(head: Vec<T>, body: Vec<T>) -> T {
    T::Doc(vec![
        T::Doctype("html", "", ""),
        h(
            "html",
            &[],
            vec![h("head", &[], head), h("body", &[], body)],
        ),
    ])
}

/// The tree in pre-order (see `Snapshot`).
pub fn flatten(t: &T, out: &mut Vec<SnapNode>) {
    let count = |c: &Vec<T>| c.len() as u32;
    match t {
        T::Doc(c) => {
            out.push(SnapNode::Document(Container { children: count(c) }));
            c.iter().for_each(|c| flatten(c, out));
        }
        T::Shadow(c) => {
            out.push(SnapNode::ShadowRoot(Container { children: count(c) }));
            c.iter().for_each(|c| flatten(c, out));
        }
        T::Doctype(name, public_id, system_id) => out.push(SnapNode::Doctype(Doctype {
            name: (*name).into(),
            public_id: (*public_id).into(),
            system_id: (*system_id).into(),
        })),
        T::El(e, c) => {
            let mut e = e.clone();
            e.children = count(c);
            out.push(SnapNode::Element(e));
            c.iter().for_each(|c| flatten(c, out));
        }
        T::Text(s) => out.push(SnapNode::Text(s.clone())),
        T::Comment(s) => out.push(SnapNode::Comment(s.clone())),
    }
}

pub fn snapshot(first_id: NodeId, t: &T) -> Snapshot {
    let mut nodes = Vec::new();
    flatten(t, &mut nodes);
    Snapshot { first_id, nodes }
}

pub fn meta(url: &str, width: u32, height: u32) -> EventData {
    Meta {
        url: url.into(),
        viewport: Size { width, height },
        ..Default::default()
    }
    .into()
}

pub const SESSION: SessionId = SessionId([7; 16]);

/// One frame per `per_frame` events, concatenated.
pub fn encode(events: &[Event], per_frame: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for (seq, chunk) in events.chunks(per_frame.max(1)).enumerate() {
        let header = FrameHeader {
            session_id: SESSION,
            seq: seq as u32,
            session_start: 1_700_000_000_000,
            ..Default::default()
        };
        frame::encode_into(&header, chunk, &mut out).expect("encodes");
    }
    out
}

pub fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

/// The mirror at `t`, replayed the way `Timeline::dom_at` does.
pub fn dom_at(events: &[Event], t: u64) -> Dom {
    let mut dom = Dom::new();
    for e in events.iter().take_while(|e| e.time <= t) {
        let _ = dom.apply_event(&e.data);
    }
    dom
}

/// The id of the element with attribute `id="…"` in `dom`.
pub fn find(dom: &Dom, id_attr: &str) -> NodeId {
    dom.iter()
        .find(|n| n.attr("id") == Some(id_attr))
        .unwrap_or_else(|| panic!("no element #{id_attr}"))
        .id()
}

// --- a running player ------------------------------------------------------------------

/// A player in a fresh root element, with everything it emitted.
pub struct Run {
    pub player: Player,
    pub root: HtmlElement,
    pub emitted: Rc<RefCell<Vec<(String, JsValue)>>>,
}

pub fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A `width`×`height` px root in the test page.
pub fn make_root(width: u32, height: u32) -> HtmlElement {
    let root: HtmlElement = document()
        .create_element("div")
        .unwrap()
        .dyn_into()
        .unwrap();
    root.style()
        .set_property("width", &format!("{width}px"))
        .unwrap();
    root.style()
        .set_property("height", &format!("{height}px"))
        .unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// Options `{root, …extra}`.
pub fn options(root: &HtmlElement, extra: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    Reflect::set(&o, &"root".into(), root).unwrap();
    for (k, v) in extra {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

pub fn start(frames: JsValue, extra: &[(&str, JsValue)]) -> Result<Run, JsError> {
    let root = make_root(640, 360);
    let emitted: Rc<RefCell<Vec<(String, JsValue)>>> = Rc::default();
    let sink = emitted.clone();
    let emit = Closure::<dyn FnMut(String, JsValue)>::new(move |kind: String, detail| {
        sink.borrow_mut().push((kind, detail));
    })
    .into_js_value()
    .unchecked_into::<Function>();
    let player =
        Player::create(frames, options(&root, extra), emit).inspect_err(|_| root.remove())?;
    Ok(Run {
        player,
        root,
        emitted,
    })
}

impl Run {
    pub fn kinds(&self) -> Vec<String> {
        self.emitted
            .borrow()
            .iter()
            .map(|(k, _)| k.clone())
            .collect()
    }

    pub fn count(&self, kind: &str) -> usize {
        self.emitted
            .borrow()
            .iter()
            .filter(|(k, _)| k == kind)
            .count()
    }

    /// Waits (at most `limit_ms`) until `kind` was emitted.
    pub async fn wait_for(&self, kind: &str, limit_ms: f64) -> bool {
        let start = now();
        while now() - start < limit_ms {
            if self.count(kind) > 0 {
                return true;
            }
            sleep(16).await;
        }
        self.count(kind) > 0
    }

    pub fn doc(&self) -> Document {
        self.player.document().expect("the player has a document")
    }

    pub fn finish(self) {
        self.player.destroy();
        self.root.remove();
    }
}

pub fn now() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

pub fn num(value: &JsValue, key: &str) -> f64 {
    get(value, key).as_f64().unwrap_or(f64::NAN)
}

// --- the live document, as Dom::to_html writes HTML -------------------------------------

const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
const RAW_TEXT: &[&str] = &[
    "style",
    "script",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
];
const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// The live document in `Dom::to_html`'s format, leaving out what the player adds (its
/// `<base data-tapedeck-injected>`, an iframe's `sandbox`), with each built iframe document
/// as the iframe's `srcdoc`. Attributes are as set (form state is checked separately).
pub fn live_html(node: &Node) -> String {
    let mut out = String::new();
    write_children(node, &mut out);
    out
}

fn write_children(node: &Node, out: &mut String) {
    let children = node.child_nodes();
    for i in 0..children.length() {
        write_node(&children.item(i).unwrap(), out);
    }
}

fn write_node(node: &Node, out: &mut String) {
    match node.node_type() {
        Node::DOCUMENT_TYPE_NODE => {
            let d: &web_sys::DocumentType = node.unchecked_ref();
            out.push_str("<!DOCTYPE ");
            out.push_str(&d.name());
            let quoted = |out: &mut String, s: &str| {
                let q = if s.contains('"') { '\'' } else { '"' };
                out.push(' ');
                out.push(q);
                out.push_str(s);
                out.push(q);
            };
            if !d.public_id().is_empty() {
                out.push_str(" PUBLIC");
                quoted(out, &d.public_id());
                if !d.system_id().is_empty() {
                    quoted(out, &d.system_id());
                }
            } else if !d.system_id().is_empty() {
                out.push_str(" SYSTEM");
                quoted(out, &d.system_id());
            }
            out.push('>');
        }
        Node::TEXT_NODE => {
            let raw = node
                .parent_node()
                .filter(|p| p.node_type() == Node::ELEMENT_NODE)
                .map(|p| p.unchecked_into::<web_sys::Element>())
                .is_some_and(|p| {
                    p.namespace_uri().as_deref() == Some(XHTML)
                        && RAW_TEXT.contains(&p.local_name().as_str())
                });
            let t = node.node_value().unwrap_or_default();
            if raw {
                out.push_str(&t);
            } else {
                escape(out, &t, false);
            }
        }
        Node::COMMENT_NODE => {
            out.push_str("<!--");
            out.push_str(&node.node_value().unwrap_or_default());
            out.push_str("-->");
        }
        Node::ELEMENT_NODE => write_element(node.unchecked_ref(), out),
        _ => {}
    }
}

fn write_element(e: &web_sys::Element, out: &mut String) {
    if e.has_attribute("data-tapedeck-injected") {
        return;
    }
    let html = e.namespace_uri().as_deref() == Some(XHTML);
    let tag = e.local_name();
    let frame_doc = (html && tag == "iframe")
        .then(|| {
            e.unchecked_ref::<web_sys::HtmlIFrameElement>()
                .content_document()
        })
        .flatten()
        .filter(|d| {
            d.query_selector("[data-tapedeck-injected]")
                .ok()
                .flatten()
                .is_some()
        });
    let shadow = e.shadow_root();
    let has_children = e.first_child().is_some() || shadow.is_some();
    out.push('<');
    out.push_str(&tag);
    let attrs = e.attributes();
    for i in 0..attrs.length() {
        let a = attrs.item(i).unwrap();
        if html && tag == "iframe" && a.name() == "sandbox" {
            continue;
        }
        write_attr(out, &a.name(), &a.value());
    }
    if let Some(doc) = &frame_doc {
        write_attr(out, "srcdoc", &live_html(doc));
        out.push_str("></iframe>");
        return;
    }
    let void = html && VOID.contains(&tag.as_str());
    if !html && !has_children {
        out.push_str("/>");
        return;
    }
    out.push('>');
    if void {
        return;
    }
    if let Some(shadow) = shadow {
        out.push_str("<template shadowrootmode=\"open\">");
        write_children(&shadow, out);
        out.push_str("</template>");
    }
    write_children(e, out);
    out.push_str("</");
    out.push_str(&tag);
    out.push('>');
}

fn write_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value, true);
    out.push('"');
}

fn escape(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

/// `dom` without form values, checked states and scroll offsets (which the live document
/// holds as properties, checked by [`assert_state`]), as HTML.
pub fn expected_html(dom: &Dom) -> String {
    let Some(root) = dom.root() else {
        return String::new();
    };
    let mut trees = dom.subtree_adds(root.id()).unwrap();
    for tree in &mut trees {
        for node in &mut tree.nodes {
            if let SnapNode::Element(e) = node {
                if let Some(s) = &mut e.state {
                    s.value = None;
                    s.checked = None;
                    s.scroll = None;
                    if s.is_empty() {
                        e.state = None;
                    }
                }
            }
        }
    }
    let mut stripped = Dom::new();
    stripped
        .apply(&MutationBatch {
            adds: trees,
            ..Default::default()
        })
        .unwrap();
    stripped.to_html()
}

/// Form values, checked/selected states and scroll offsets of `dom` are those of the live
/// nodes.
pub fn assert_state(player: &Player, dom: &Dom, when: &str) {
    for n in dom.iter() {
        let (Some(e), Some(state)) = (n.element(), n.state()) else {
            continue;
        };
        let live = player
            .node(n.id())
            .unwrap_or_else(|| panic!("{when}: node {} has no live node", n.id()));
        if let Some(v) = &state.value {
            let got = get(&live, "value").as_string();
            assert_eq!(
                got.as_deref(),
                Some(v.as_str()),
                "{when}: value of {}",
                e.tag
            );
        }
        if let Some(c) = state.checked {
            let property = if e.tag == "option" {
                "selected"
            } else {
                "checked"
            };
            assert_eq!(
                get(&live, property).as_bool(),
                Some(c),
                "{when}: {property} of {}",
                e.tag
            );
        }
        if let Some((x, y)) = state.scroll {
            let el: web_sys::Element = live.unchecked_into();
            let page = n.parent().is_some_and(|p| p.parent().is_none());
            let target = if page {
                el.owner_document().unwrap().scrolling_element().unwrap()
            } else {
                el
            };
            assert_eq!(
                (target.scroll_left(), target.scroll_top()),
                (x, y),
                "{when}: scroll of {} (scrollable {}×{} in {}×{})",
                e.tag,
                target.scroll_width(),
                target.scroll_height(),
                target.client_width(),
                target.client_height(),
            );
        }
    }
}

/// The live document shows `dom` (structure, attributes, text, form state, scroll).
pub fn assert_shows(run: &Run, dom: &Dom, when: &str) {
    let live = live_html(&run.doc());
    let expected = expected_html(dom);
    if live != expected {
        let at = live
            .bytes()
            .zip(expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(live.len().min(expected.len()));
        let from = at.saturating_sub(120);
        panic!(
            "{when}: live document differs at byte {at}\n  live:     …{}\n  expected: …{}",
            live.get(from..(at + 120).min(live.len())).unwrap_or(""),
            expected
                .get(from..(at + 120).min(expected.len()))
                .unwrap_or("")
        );
    }
    assert_state(&run.player, dom, when);
}

// --- a generated session ---------------------------------------------------------------

/// xorshift64*: deterministic, seedable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, X>(&mut self, xs: &'a [X]) -> Option<&'a X> {
        (!xs.is_empty()).then(|| &xs[self.below(xs.len())])
    }
}

/// A page with every kind of node the player builds specially: form controls, a scroller,
/// an iframe document, a shadow root, SVG, a blocked element, inlined CSS; `extra` more
/// `<p>` paragraphs make it bigger.
pub fn rich_page(extra: usize) -> T {
    let fixed = ("data-fixed", "");
    let mut body = vec![
        h("h1", &[("class", "title")], vec![text("Checkout")]),
        h(
            "form",
            &[("id", "f")],
            vec![
                h(
                    "input",
                    &[("id", "name"), ("type", "text"), ("value", "")],
                    vec![],
                ),
                h("input", &[("id", "agree"), ("type", "checkbox")], vec![]),
                h(
                    "select",
                    &[("id", "size")],
                    vec![
                        h("option", &[("value", "s")], vec![text("Small")]),
                        h("option", &[("value", "m")], vec![text("Medium")]),
                        h("option", &[("value", "l")], vec![text("Large")]),
                    ],
                ),
                h("textarea", &[("id", "note")], vec![text("hello")]),
            ],
        ),
        h(
            "div",
            &[
                ("id", "scroller"),
                fixed,
                ("style", "width:100px;height:100px;overflow:auto"),
            ],
            vec![h(
                "div",
                &[fixed, ("style", "width:2000px;height:2000px")],
                vec![],
            )],
        ),
        h(
            "iframe",
            &[("id", "frame")],
            vec![page(
                vec![h("title", &[], vec![text("inner")])],
                vec![h("div", &[("id", "inner")], vec![text("inside the frame")])],
            )],
        ),
        h(
            "div",
            &[("id", "host")],
            vec![
                T::Shadow(vec![
                    h("style", &[], vec![text("p{color:red}")]),
                    h("p", &[("id", "shadowed")], vec![text("in the shadow")]),
                ]),
                h("span", &[], vec![text("light")]),
            ],
        ),
        el(
            Namespace::Svg,
            "svg",
            &[("id", "pic"), ("viewBox", "0 0 10 10")],
            vec![el(
                Namespace::Svg,
                "g",
                &[("id", "g")],
                vec![el(Namespace::Svg, "circle", &[("r", "4")], vec![])],
            )],
        ),
        with_state(
            h("div", &[("id", "secret"), ("style", "color:red")], vec![]),
            ElementState {
                blocked: Some(Size {
                    width: 120,
                    height: 40,
                }),
                ..Default::default()
            },
        ),
        h(
            "ul",
            &[("id", "list")],
            vec![h("li", &[], vec![text("one")])],
        ),
        T::Comment("a comment".into()),
    ];
    for i in 0..extra {
        body.push(h(
            "p",
            &[("class", "filler")],
            vec![
                text(&format!("paragraph {i} ")),
                h("b", &[], vec![text("bold")]),
            ],
        ));
    }
    body.push(h(
        "div",
        &[fixed, ("id", "spacer"), ("style", "height:3000px")],
        vec![],
    ));
    page(
        vec![
            h("title", &[], vec![text("Shop")]),
            with_state(
                h(
                    "link",
                    &[("rel", "stylesheet"), ("href", "/app.css")],
                    vec![],
                ),
                ElementState {
                    css: Some("body{font-family:sans-serif}".into()),
                    ..Default::default()
                },
            ),
        ],
        body,
    )
}

/// `steps` random but valid events after a snapshot of [`rich_page`]: mutation batches
/// (adds, removes, moves, attribute and text changes), inputs, scrolls, pointer moves and
/// clicks, console calls; each `gap` ms apart on average.
pub fn generated_session(seed: u64, steps: usize, extra: usize, gap: u64) -> Vec<Event> {
    let mut rng = Rng(seed | 1);
    let snap = snapshot(1, &rich_page(extra));
    let mut next_id = 1 + snap.nodes.len() as u32;
    let mut model = Dom::from_snapshot(&snap).unwrap();
    let mut events = vec![
        Event::new(0, meta("https://shop.example/checkout", 1280, 720)),
        Event::new(0, snap),
    ];
    let mut t = 0u64;
    let inputs = ["name", "agree", "size", "note"].map(|id| find(&model, id));
    let scroller = find(&model, "scroller");
    let page_id = model.root().unwrap().id();
    for step in 0..steps {
        t += 1 + rng.next() % (2 * gap).max(1);
        let data: EventData = match rng.below(100) {
            0..=54 => match mutation(&mut rng, &model, &mut next_id, step) {
                Some(batch) => {
                    let mut trial = model.clone();
                    if trial.apply(&batch).is_err() {
                        continue;
                    }
                    model = trial;
                    batch.into()
                }
                None => continue,
            },
            55..=69 => {
                let which = rng.below(4);
                let value = match which {
                    1 => InputValue::Checked(rng.below(2) == 0),
                    2 => InputValue::Text(["s", "m", "l"][rng.below(3)].into()),
                    _ => InputValue::Text(format!("typed {step} & <more>")),
                };
                let input = Input {
                    id: inputs[which],
                    value,
                    user: true,
                };
                if model.apply_input(&input).is_err() {
                    continue;
                }
                input.into()
            }
            70..=79 => {
                let scroll = if rng.below(2) == 0 {
                    Scroll {
                        target: scroller,
                        x: rng.below(800) as i32,
                        y: rng.below(800) as i32,
                    }
                } else {
                    Scroll {
                        target: page_id,
                        x: 0,
                        y: rng.below(1500) as i32,
                    }
                };
                model.apply_scroll(&scroll).unwrap();
                scroll.into()
            }
            80..=89 => PointerMove {
                points: (0..5)
                    .map(|i| MovePoint {
                        offset: i * 20,
                        x: rng.below(1280) as i32,
                        y: rng.below(720) as i32,
                    })
                    .collect(),
            }
            .into(),
            90..=94 => Pointer {
                kind: PointerKind::Click,
                target: None,
                x: rng.below(1280) as i32,
                y: rng.below(720) as i32,
                button: 0,
            }
            .into(),
            _ => Console {
                level: Level::Log,
                args: vec![format!("step {step}")],
                stack: None,
            }
            .into(),
        };
        events.push(Event::new(t, data));
    }
    events
}

/// Whether `id` or an ancestor is marked `data-fixed` (the scroller and the spacer keep
/// their size so that scroll offsets stay reachable).
fn fixed(dom: &Dom, id: NodeId) -> bool {
    let mut cur = dom.node(id);
    while let Some(n) = cur {
        if n.attr("data-fixed").is_some() {
            return true;
        }
        cur = n.parent();
    }
    false
}

fn mutation(
    rng: &mut Rng,
    model: &Dom,
    next_id: &mut NodeId,
    step: usize,
) -> Option<MutationBatch> {
    use recorder_core::dom::NodeKind;
    let containers: Vec<NodeId> = model
        .iter()
        .filter(|n| {
            (n.kind() == NodeKind::ShadowRoot
                || matches!(
                    n.tag(),
                    Some("div" | "p" | "ul" | "li" | "span" | "b" | "body" | "g")
                ))
                && !fixed(model, n.id())
                && n.state().is_none_or(|s| s.blocked.is_none())
        })
        .map(|n| n.id())
        .collect();
    let movable: Vec<NodeId> = model
        .iter()
        .filter(|n| {
            matches!(
                n.kind(),
                NodeKind::Element | NodeKind::Text | NodeKind::Comment
            ) && !matches!(
                n.tag(),
                Some(
                    "html"
                        | "head"
                        | "body"
                        | "input"
                        | "select"
                        | "textarea"
                        | "option"
                        | "iframe"
                        | "link"
                        | "title"
                )
            ) && n.parent().is_some_and(|p| p.kind() != NodeKind::Document)
                && !fixed(model, n.id())
        })
        .map(|n| n.id())
        .collect();
    let mut batch = MutationBatch::default();
    match rng.below(6) {
        0 => batch.removes.push(*rng.pick(&movable)?),
        1 => {
            // A move: out, and back in elsewhere with the same ids.
            let x = *rng.pick(&movable)?;
            let inside = |p: NodeId| {
                let mut cur = model.node(p);
                while let Some(n) = cur {
                    if n.id() == x {
                        return true;
                    }
                    cur = n.parent();
                }
                false
            };
            let targets: Vec<NodeId> = containers.iter().copied().filter(|&p| !inside(p)).collect();
            let parent = *rng.pick(&targets)?;
            let mut trees = model.subtree_adds(x)?;
            let siblings: Vec<NodeId> = model
                .node(parent)?
                .children()
                .map(|c| c.id())
                .filter(|&c| c != x && c != parent)
                .filter(|_| true)
                .collect();
            let before = if rng.below(3) == 0 {
                None
            } else {
                rng.pick(&siblings).copied()
            };
            // A shadow root stays its host's first child.
            let before = before.filter(|&b| {
                model
                    .node(b)
                    .is_some_and(|n| n.kind() != NodeKind::ShadowRoot)
            });
            trees[0].parent = parent;
            trees[0].before = before;
            batch.removes.push(x);
            batch.adds = trees;
        }
        2 | 3 => {
            let parent = *rng.pick(&containers)?;
            let svg = model.node(parent)?.namespace() == Some(Namespace::Svg);
            let first_id = *next_id;
            let mut nodes = Vec::new();
            if svg {
                flatten(
                    &el(
                        Namespace::Svg,
                        "circle",
                        &[("r", &format!("{}", step % 5))],
                        vec![],
                    ),
                    &mut nodes,
                );
            } else {
                let t = match rng.below(4) {
                    0 => text(&format!("added {step} ")),
                    1 => T::Comment(format!("c{step}")),
                    2 => h("li", &[], vec![text(&format!("item {step}"))]),
                    _ => h(
                        "span",
                        &[("class", &format!("s{step}"))],
                        vec![text("new "), h("b", &[], vec![text(&format!("{step}"))])],
                    ),
                };
                flatten(&t, &mut nodes);
            }
            *next_id += nodes.len() as u32;
            let children: Vec<NodeId> = model
                .node(parent)?
                .children()
                .filter(|c| c.kind() != NodeKind::ShadowRoot)
                .map(|c| c.id())
                .collect();
            let before = if rng.below(2) == 0 {
                None
            } else {
                rng.pick(&children).copied()
            };
            batch.adds.push(AddedTree {
                parent,
                before,
                first_id,
                nodes,
            });
        }
        4 => {
            let elements: Vec<NodeId> = model
                .iter()
                .filter(|n| n.kind() == NodeKind::Element && !fixed(model, n.id()))
                .map(|n| n.id())
                .collect();
            let id = *rng.pick(&elements)?;
            let (name, value) = match rng.below(4) {
                0 => ("class", Some(format!("c{step}"))),
                1 => ("title", Some(format!("\"quoted\" & {step}"))),
                2 => ("title", None),
                _ => ("data-n", Some(step.to_string())),
            };
            batch.attrs.push(AttrChange {
                id,
                name: name.into(),
                value,
            });
        }
        _ => {
            let texts: Vec<NodeId> = model
                .iter()
                .filter(|n| n.kind() == NodeKind::Text && !fixed(model, n.id()))
                .map(|n| n.id())
                .collect();
            let id = *rng.pick(&texts)?;
            batch.texts.push(TextChange {
                id,
                text: format!("text {step} <&>"),
            });
        }
    }
    Some(batch)
}
