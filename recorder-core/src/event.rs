//! The event model: everything a session records, as one enum of timestamped events.
//!
//! Node ids are small integers assigned by the recorder in document (pre-)order, so a
//! snapshot does not carry them: the n-th node of a [`Snapshot`] has id `first_id + n`.
//! Times are milliseconds since the session start (see [`crate::frame::FrameHeader`]);
//! on the wire each event stores only the delta from the previous one.
//!
//! Field order is the wire order (structs encode as arrays): append new fields at the end
//! only together with a format version bump.

use crate::trace::{SpanId, TraceId};
use crate::wire::{intern, wire_enum, wire_unit_enum};
use serde::{Deserialize, Serialize};

/// Identifies a node within one session. `0` is never a valid id.
pub type NodeId = u32;

/// One recorded moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Milliseconds since the session start.
    pub time: u64,
    /// What happened.
    pub data: EventData,
}

impl Event {
    /// An event at `time` (ms since the session start).
    pub fn new(time: u64, data: impl Into<EventData>) -> Self {
        Event {
            time,
            data: data.into(),
        }
    }
}

wire_enum! {
    /// Every kind of event. The indices are the wire tags.
    #[derive(Clone, Debug, PartialEq)]
    pub enum EventData {
        /// Page and environment description; first event of a session and of each navigation.
        Meta(Meta) = 0,
        /// A full DOM tree.
        Snapshot(Snapshot) = 1,
        /// One MutationObserver callback's worth of changes.
        Mutation(MutationBatch) = 2,
        /// A form control's value changed.
        Input(Input) = 3,
        /// A click, press, release or touch.
        Pointer(Pointer) = 4,
        /// Sampled pointer positions, batched.
        PointerMove(PointerMove) = 5,
        /// Focus moved.
        Focus(Focus) = 6,
        /// The document or an element scrolled.
        Scroll(Scroll) = 7,
        /// The viewport was resized.
        Viewport(Viewport) = 8,
        /// The URL changed without a page load.
        Navigation(Navigation) = 9,
        /// The text selection changed.
        Selection(Selection) = 10,
        /// A `console.*` call.
        Console(Console) = 11,
        /// An uncaught exception or unhandled rejection.
        Error(PageError) = 12,
        /// A fetch or XMLHttpRequest, recorded when it settles.
        Network(Network) = 13,
        /// A performance observation.
        Performance(Performance) = 14,
        /// A span or log record from a backend service.
        Backend(Backend) = 15,
        /// An application-defined event.
        Custom(Custom) = 16,
        /// A note pinned to a moment.
        Annotation(Annotation) = 17,
    }
}

macro_rules! impl_from_for_event_data {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        $(impl From<$ty> for EventData {
            fn from(value: $ty) -> Self { EventData::$variant(value) }
        })+
    };
}

impl_from_for_event_data! {
    Meta(Meta), Snapshot(Snapshot), Mutation(MutationBatch), Input(Input), Pointer(Pointer),
    PointerMove(PointerMove), Focus(Focus), Scroll(Scroll), Viewport(Viewport),
    Navigation(Navigation), Selection(Selection), Console(Console), Error(PageError),
    Network(Network), Performance(Performance), Backend(Backend), Custom(Custom),
    Annotation(Annotation),
}

// ---------------------------------------------------------------------------------------
// Meta

/// Where and on what the session was recorded.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The page URL (query parameters redacted by the recorder's rules).
    #[serde(with = "intern")]
    pub url: String,
    /// `document.referrer`.
    #[serde(with = "intern")]
    pub referrer: String,
    /// `document.title` at the time of the event.
    pub title: String,
    /// The raw user agent string.
    #[serde(with = "intern")]
    pub user_agent: String,
    /// Browser parsed from the user agent (and client hints where available).
    pub browser: Software,
    /// Operating system.
    pub os: Software,
    /// Device class and model.
    pub device: Device,
    /// `screen.width` × `screen.height`, CSS pixels.
    pub screen: Size,
    /// `innerWidth` × `innerHeight`, CSS pixels.
    pub viewport: Size,
    /// `devicePixelRatio`.
    pub device_pixel_ratio: f32,
    /// `navigator.language`.
    #[serde(with = "intern")]
    pub language: String,
    /// IANA time zone, e.g. `Europe/Berlin`.
    #[serde(with = "intern")]
    pub time_zone: String,
    /// Version of the recorder that produced the session.
    #[serde(with = "intern")]
    pub recorder_version: String,
}

/// A named piece of software with its version (`Chrome` `124.0.6367.60`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Software {
    /// Name, e.g. `Chrome`, `Firefox`, `Windows`, `iOS`; empty when unknown.
    #[serde(with = "intern")]
    pub name: String,
    /// Version, as precise as the source gives it; empty when unknown.
    #[serde(with = "intern")]
    pub version: String,
}

wire_unit_enum! {
    /// The class of device.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum DeviceKind {
        /// Not known.
        #[default]
        Unknown = 0,
        /// Laptop or desktop.
        Desktop = 1,
        /// Phone.
        Mobile = 2,
        /// Tablet.
        Tablet = 3,
        /// A crawler or headless automation.
        Bot = 4,
    }
}

/// The device the page ran on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Device class.
    pub kind: DeviceKind,
    /// Vendor and model where the user agent names them (`Apple iPhone`, `Pixel 8`).
    #[serde(with = "intern")]
    pub model: String,
    /// Whether the device reports touch input.
    pub touch: bool,
}

/// A width and height in CSS pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

// ---------------------------------------------------------------------------------------
// DOM

/// A full DOM tree, flattened in pre-order.
///
/// `nodes[0]` is the root (normally a [`SnapNode::Document`]); each container node is
/// followed by its children's subtrees, `children` of them. Node `nodes[i]` has id
/// `first_id + i`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Id of `nodes[0]`.
    pub first_id: NodeId,
    /// The tree in pre-order.
    pub nodes: Vec<SnapNode>,
}

wire_unit_enum! {
    /// The namespace of an element. HTML is the default; SVG and MathML elements keep theirs
    /// so the replayer creates them with `createElementNS`.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum Namespace {
        /// `http://www.w3.org/1999/xhtml`
        #[default]
        Html = 0,
        /// `http://www.w3.org/2000/svg`
        Svg = 1,
        /// `http://www.w3.org/1998/Math/MathML`
        MathMl = 2,
    }
}

impl Namespace {
    /// The namespace URI.
    pub fn uri(self) -> &'static str {
        match self {
            Namespace::Html => "http://www.w3.org/1999/xhtml",
            Namespace::Svg => "http://www.w3.org/2000/svg",
            Namespace::MathMl => "http://www.w3.org/1998/Math/MathML",
        }
    }

    /// The namespace for a URI; unknown URIs are treated as HTML.
    pub fn from_uri(uri: &str) -> Self {
        match uri {
            "http://www.w3.org/2000/svg" => Namespace::Svg,
            "http://www.w3.org/1998/Math/MathML" => Namespace::MathMl,
            _ => Namespace::Html,
        }
    }
}

wire_enum! {
    /// One node of a serialized tree (see [`Snapshot`]).
    #[derive(Clone, Debug, PartialEq)]
    pub enum SnapNode {
        /// A document (the page, or a same-origin iframe's content).
        Document(Container) = 0,
        /// `<!DOCTYPE …>`.
        Doctype(Doctype) = 1,
        /// An element.
        Element(Element) = 2,
        /// A text node.
        Text(String) = 3 @intern,
        /// A comment.
        Comment(String) = 4 @intern,
        /// A CDATA section (XML documents only).
        CData(String) = 5 @intern,
        /// An open shadow root; always the first child of its host element.
        ShadowRoot(Container) = 6,
    }
}

impl SnapNode {
    /// How many child subtrees follow this node in pre-order.
    pub fn child_count(&self) -> u32 {
        match self {
            SnapNode::Document(c) | SnapNode::ShadowRoot(c) => c.children,
            SnapNode::Element(e) => e.children,
            SnapNode::Doctype(_)
            | SnapNode::Text(_)
            | SnapNode::Comment(_)
            | SnapNode::CData(_) => 0,
        }
    }
}

/// A node that only holds children.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    /// Number of child subtrees that follow.
    pub children: u32,
}

/// `<!DOCTYPE name PUBLIC "public_id" "system_id">`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doctype {
    /// Usually `html`.
    #[serde(with = "intern")]
    pub name: String,
    /// Public identifier, often empty.
    #[serde(with = "intern")]
    pub public_id: String,
    /// System identifier, often empty.
    #[serde(with = "intern")]
    pub system_id: String,
}

/// An element with its attributes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Element {
    /// Tag name, lower case for HTML elements, as written for SVG (`foreignObject`).
    #[serde(with = "intern")]
    pub tag: String,
    /// Namespace.
    pub namespace: Namespace,
    /// Attributes in document order, after masking and URL redaction.
    pub attrs: Vec<Attr>,
    /// Number of child subtrees that follow.
    pub children: u32,
    /// State that is not in the attributes; `None` for nearly every element.
    pub state: Option<Box<ElementState>>,
}

/// An attribute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attr {
    /// Qualified name (`xlink:href` keeps its prefix).
    #[serde(with = "intern")]
    pub name: String,
    /// Value.
    #[serde(with = "intern")]
    pub value: String,
}

impl Attr {
    /// An attribute from a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Attr {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Element state that lives in properties rather than attributes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ElementState {
    /// Current value of an input, textarea or select (masked unless allowed).
    pub value: Option<String>,
    /// Current `checked` of a checkbox or radio; current `selected` of an option.
    pub checked: Option<bool>,
    /// Scroll offset of the element (or of the document, on `<html>`), when not 0,0.
    pub scroll: Option<(i32, i32)>,
    /// The rules of a same-origin `<link rel=stylesheet>`, or of a `<style>` whose rules
    /// were changed through CSSOM so its text no longer matches.
    pub css: Option<String>,
    /// The size of a blocked element, which is recorded as an empty placeholder.
    pub blocked: Option<Size>,
}

impl ElementState {
    /// Whether nothing is set (such a state is stored as `None`).
    pub fn is_empty(&self) -> bool {
        self == &ElementState::default()
    }
}

/// The changes of one MutationObserver callback, in application order: removals, then
/// additions (each `before` sibling already present), then attribute and text changes.
///
/// Each removal names a node present at that point: a node inside a subtree removed earlier
/// in the same batch is already gone and must not be named again.
///
/// On the wire (see `wire::columns`) the changes are columns rather than rows:
/// node ids as deltas, then all attribute names, then all values, so a batch that
/// touches thousands of similar nodes is a few runs LZ4 can fold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MutationBatch {
    /// Nodes removed from the document, with their subtrees.
    pub removes: Vec<NodeId>,
    /// Subtrees inserted into the document.
    pub adds: Vec<AddedTree>,
    /// Attribute changes on nodes already in the document.
    pub attrs: Vec<AttrChange>,
    /// Text, comment and CDATA content changes.
    pub texts: Vec<TextChange>,
}

impl MutationBatch {
    /// Whether the batch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.removes.is_empty()
            && self.adds.is_empty()
            && self.attrs.is_empty()
            && self.texts.is_empty()
    }
}

/// A subtree inserted under `parent`, before `before` (or as last child).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AddedTree {
    /// The new parent; `0` adds the root of an empty mirror (as `Dom::diff` does when the
    /// target's ids are not consecutive and so cannot form a [`Snapshot`]).
    pub parent: NodeId,
    /// The next sibling, `None` to append.
    pub before: Option<NodeId>,
    /// Id of `nodes[0]`; the subtree's ids are consecutive in pre-order.
    pub first_id: NodeId,
    /// Exactly one subtree, in pre-order (see [`Snapshot`]).
    pub nodes: Vec<SnapNode>,
}

/// An attribute set or removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttrChange {
    /// The element.
    pub id: NodeId,
    /// Attribute name.
    #[serde(with = "intern")]
    pub name: String,
    /// New value; `None` when the attribute was removed.
    #[serde(with = "intern::option")]
    pub value: Option<String>,
}

/// New character data of a text, comment or CDATA node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextChange {
    /// The node.
    pub id: NodeId,
    /// Its new content (through the string table on the wire, like attribute values).
    pub text: String,
}

// ---------------------------------------------------------------------------------------
// User input

/// A form control's new value.
///
/// On the wire a text value can be an edit of the same control's previous text value in
/// the frame (see `wire::columns`): typing costs about the same few bytes per
/// keystroke however long the value grows.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// The input, textarea or select.
    pub id: NodeId,
    /// The new value.
    pub value: InputValue,
    /// Whether the change came from the user (an `input`/`change` event) rather than from
    /// script setting the property.
    pub user: bool,
}

wire_enum! {
    /// The value of a form control.
    #[derive(Clone, Debug, PartialEq)]
    pub enum InputValue {
        /// Text of an input or textarea (masked unless allowed), or a select's value.
        Text(String) = 0 @intern,
        /// A checkbox or radio button's `checked`.
        Checked(bool) = 1,
        /// Indices of the selected options of a `<select>`.
        Selected(Vec<u32>) = 2,
    }
}

wire_unit_enum! {
    /// What a pointer did.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum PointerKind {
        /// `click`
        Click = 0,
        /// `dblclick`
        DoubleClick = 1,
        /// `contextmenu`
        ContextMenu = 2,
        /// `pointerdown` / `mousedown`
        Down = 3,
        /// `pointerup` / `mouseup`
        Up = 4,
        /// `touchstart`
        TouchStart = 5,
        /// `touchend`
        TouchEnd = 6,
        /// `touchcancel`
        TouchCancel = 7,
    }
}

/// A pointer action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pointer {
    /// What happened.
    pub kind: PointerKind,
    /// The target node, when it is in the mirror.
    pub target: Option<NodeId>,
    /// Viewport x, CSS pixels.
    pub x: i32,
    /// Viewport y, CSS pixels.
    pub y: i32,
    /// Mouse button (`0` primary, `2` secondary).
    pub button: u8,
}

/// Pointer positions sampled while the pointer moved.
///
/// On the wire the positions are deltas (see `wire::columns`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointerMove {
    /// Samples in time order; the event time is that of the first.
    pub points: Vec<MovePoint>,
}

/// One pointer position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovePoint {
    /// Milliseconds after the event's time.
    pub offset: u32,
    /// Viewport x.
    pub x: i32,
    /// Viewport y.
    pub y: i32,
}

/// Focus moved to or away from an element.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Focus {
    /// The element.
    pub target: NodeId,
    /// `true` on focus, `false` on blur.
    pub focused: bool,
}

/// A scroll position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scroll {
    /// The scrolled element; the document's id for the page itself.
    pub target: NodeId,
    /// `scrollLeft` / `scrollX`.
    pub x: i32,
    /// `scrollTop` / `scrollY`.
    pub y: i32,
}

/// The viewport size after a resize.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewport {
    /// New size in CSS pixels.
    pub size: Size,
}

wire_unit_enum! {
    /// How the URL changed.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum NavigationKind {
        /// `history.pushState`
        Push = 0,
        /// `history.replaceState`
        Replace = 1,
        /// `popstate` (back/forward)
        Pop = 2,
        /// `hashchange`
        Hash = 3,
        /// A full page load (recorded with a new snapshot).
        Load = 4,
    }
}

/// A URL change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Navigation {
    /// How.
    pub kind: NavigationKind,
    /// The new URL (query redacted).
    #[serde(with = "intern")]
    pub url: String,
}

/// The text selection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// Selected ranges; empty when the selection was cleared.
    pub ranges: Vec<SelectionRange>,
}

/// One selected range, as DOM boundary points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionRange {
    /// Start container.
    pub start: NodeId,
    /// Offset in the start container.
    pub start_offset: u32,
    /// End container.
    pub end: NodeId,
    /// Offset in the end container.
    pub end_offset: u32,
}

// ---------------------------------------------------------------------------------------
// Console and errors

wire_unit_enum! {
    /// Console method / log level.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Level {
        /// `console.debug`
        Debug = 0,
        /// `console.log`
        Log = 1,
        /// `console.info`
        Info = 2,
        /// `console.warn`
        Warn = 3,
        /// `console.error`
        Error = 4,
        /// `console.trace`
        Trace = 5,
        /// A failed `console.assert`
        Assert = 6,
    }
}

/// A console call.
///
/// On the wire its arguments are templates and numbers, like text changes (see
/// `wire::columns`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Console {
    /// Which method.
    pub level: Level,
    /// Arguments, each rendered to text (objects as JSON-like text with cycles marked,
    /// errors with their stack, DOM nodes as `#id`), each capped in size.
    pub args: Vec<String>,
    /// Stack of the call site, for warn, error, trace and assert.
    pub stack: Option<String>,
}

wire_unit_enum! {
    /// What kind of uncaught failure.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum ErrorKind {
        /// A `window` `error` event (uncaught exception).
        Exception = 0,
        /// An `unhandledrejection` event.
        UnhandledRejection = 1,
        /// A resource (script, image, stylesheet) that failed to load.
        Resource = 2,
    }
}

/// An uncaught error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageError {
    /// Which kind.
    pub kind: ErrorKind,
    /// The message (`TypeError: x is undefined`).
    pub message: String,
    /// The stack, when the thrown value had one.
    pub stack: Option<String>,
    /// Script URL.
    #[serde(with = "intern::option")]
    pub source: Option<String>,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
}

// ---------------------------------------------------------------------------------------
// Network

wire_unit_enum! {
    /// Which API made a request.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Initiator {
        /// `fetch()`
        Fetch = 0,
        /// `XMLHttpRequest`
        Xhr = 1,
        /// `navigator.sendBeacon`
        Beacon = 2,
    }
}

/// A header after redaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Lower-case name.
    #[serde(with = "intern")]
    pub name: String,
    /// Value, or `[redacted]`.
    #[serde(with = "intern")]
    pub value: String,
}

impl Header {
    /// A header from a name and a value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A captured request or response body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    /// The text after redaction, cut at the capture limit.
    pub text: String,
    /// Whether `text` was cut.
    pub truncated: bool,
}

/// A request and its outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Unique within the session.
    pub request_id: u32,
    /// Which API.
    pub initiator: Option<Initiator>,
    /// HTTP method, upper case.
    #[serde(with = "intern")]
    pub method: String,
    /// Absolute URL with sensitive query parameters redacted.
    #[serde(with = "intern")]
    pub url: String,
    /// HTTP status; `None` when there was no response (network error, abort, pending).
    pub status: Option<u16>,
    /// Milliseconds from the request start (the event time) to completion.
    pub duration: f64,
    /// Request headers after redaction.
    pub request_headers: Vec<Header>,
    /// Response headers after redaction.
    pub response_headers: Vec<Header>,
    /// Request body, when captured.
    pub request_body: Option<Body>,
    /// Response body, when captured.
    pub response_body: Option<Body>,
    /// Request body size in bytes, when known.
    pub request_size: Option<u64>,
    /// Response body size in bytes, when known.
    pub response_size: Option<u64>,
    /// Why the request failed (`TypeError: Failed to fetch`, `abort`, `timeout`).
    pub error: Option<String>,
    /// Trace id of the `traceparent` sent with the request.
    pub trace_id: Option<TraceId>,
}

// ---------------------------------------------------------------------------------------
// Performance

wire_enum! {
    /// What makes a page feel slow.
    #[derive(Clone, Debug, PartialEq)]
    pub enum Performance {
        /// A task that blocked the main thread for 50 ms or more.
        LongTask(LongTask) = 0,
        /// Unexpected movement of visible content.
        LayoutShift(LayoutShift) = 1,
        /// Largest contentful paint candidate.
        LargestPaint(LargestPaint) = 2,
        /// Latency of a user interaction (event timing).
        Interaction(Interaction) = 3,
        /// A resource fetched by the page (script, image, CSS) rather than by the hooks.
        Resource(Resource) = 4,
        /// JavaScript heap size, where exposed.
        Memory(Memory) = 5,
        /// First paint / first contentful paint.
        Paint(Paint) = 6,
    }
}

/// A long task.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LongTask {
    /// Milliseconds.
    pub duration: f64,
}

/// A layout shift.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LayoutShift {
    /// The shift score.
    pub value: f64,
    /// Whether it followed recent input (and so does not count toward CLS).
    pub had_recent_input: bool,
    /// Nodes that moved, where known.
    pub sources: Vec<NodeId>,
}

/// A largest-contentful-paint candidate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LargestPaint {
    /// Render time, ms since the session start.
    pub render_time: f64,
    /// Painted area in CSS pixels².
    pub size: u64,
    /// The element, when it is in the mirror.
    pub element: Option<NodeId>,
    /// Image URL, for images.
    #[serde(with = "intern::option")]
    pub url: Option<String>,
}

/// An interaction's latency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// Event type (`click`, `keydown`, `pointerup`).
    #[serde(with = "intern")]
    pub event: String,
    /// Input delay + processing + presentation, ms.
    pub duration: f64,
    /// The target, when it is in the mirror.
    pub target: Option<NodeId>,
}

/// A resource timing entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// URL (query redacted).
    #[serde(with = "intern")]
    pub url: String,
    /// `initiatorType` (`script`, `img`, `css`, `link`…).
    #[serde(with = "intern")]
    pub initiator: String,
    /// Milliseconds from start to response end.
    pub duration: f64,
    /// Bytes over the network (0 from cache or cross-origin without Timing-Allow-Origin).
    pub transfer_size: u64,
    /// Decoded body size.
    pub decoded_size: u64,
}

/// JS heap figures (`performance.memory`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// Bytes in use.
    pub used: u64,
    /// Bytes allocated.
    pub total: u64,
    /// The limit.
    pub limit: u64,
}

/// A paint timing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Paint {
    /// `first-paint` or `first-contentful-paint`.
    #[serde(with = "intern")]
    pub name: String,
    /// Ms since the session start.
    pub time: f64,
}

// ---------------------------------------------------------------------------------------
// Backend

wire_enum! {
    /// Work done by a backend service, joined to the session by trace id.
    #[derive(Clone, Debug, PartialEq)]
    pub enum Backend {
        /// A span (event time = span start).
        Span(Span) = 0,
        /// A log record.
        Log(LogRecord) = 1,
    }
}

wire_unit_enum! {
    /// Span outcome.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
    pub enum SpanStatus {
        /// Not set.
        #[default]
        Unset = 0,
        /// Completed normally.
        Ok = 1,
        /// Failed.
        Error = 2,
    }
}

/// A span of backend work.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The trace it belongs to.
    pub trace_id: TraceId,
    /// Its id.
    pub span_id: SpanId,
    /// Parent span (from `traceparent` for a service's root span).
    pub parent: Option<SpanId>,
    /// Service name.
    #[serde(with = "intern")]
    pub service: String,
    /// Operation name (`GET /api/orders`, `db.query`).
    #[serde(with = "intern")]
    pub name: String,
    /// Duration in microseconds.
    pub duration_us: u64,
    /// Outcome.
    pub status: SpanStatus,
    /// Attributes (`http.status_code` → `500`).
    pub attributes: Vec<Attr>,
}

/// A log line emitted inside (or outside) a span.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRecord {
    /// Trace, when the log was emitted in a traced context.
    pub trace_id: Option<TraceId>,
    /// Span, when emitted inside one.
    pub span_id: Option<SpanId>,
    /// Severity.
    pub level: Level,
    /// Service name.
    #[serde(with = "intern")]
    pub service: String,
    /// The message.
    pub message: String,
    /// Structured fields.
    pub attributes: Vec<Attr>,
}

// ---------------------------------------------------------------------------------------
// Application events

/// An application-defined event (`rec.addEvent(name, payload)`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Custom {
    /// Event name.
    #[serde(with = "intern")]
    pub name: String,
    /// Payload as JSON text.
    pub payload: String,
}

/// A note pinned to a moment of the session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// The note.
    pub text: String,
    /// Who wrote it, if known.
    pub author: Option<String>,
}
