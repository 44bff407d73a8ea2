//! User input capture: pointer, focus, form values, scroll, viewport, navigation and
//! selection.
//!
//! | source | event |
//! |---|---|
//! | `click` `dblclick` `contextmenu` `pointerdown` `pointerup` `touchstart` `touchend` `touchcancel` | [`Pointer`]: target, viewport coordinates, button |
//! | `pointermove`, sampled by time in `glue.js` (`sampleMoves`: the moves it drops never reach wasm): at most one position per `mousemoveSampleMs` (leading edge, and the latest position at the trailing edge), plus the position the pointer left just before a click or press | [`PointerMove`], batched: flushed after 500 ms or 64 points, and before any other event (which does not restart the sampling) |
//! | `focus` / `blur` | [`Focus`] |
//! | `input` / `change`, and script setting `value` / `checked` / `selectedIndex` / `selected` | [`Input`] (`user` tells which), per the privacy rules, once per control and task (see below); a radio button checked also records the others of its group as unchecked |
//! | `reset` of a form | [`Input`] for each of its controls whose value changed, once the reset is done (`user: false`) |
//! | a control's default changed (`checked`/`selected` attribute, textarea text), seen by the DOM capture | [`Input`] if its current state followed (`user: false`) |
//! | `scroll` of the document or any element, per target every `scrollSampleMs` | [`Scroll`] |
//! | `resize` | [`Viewport`] |
//! | `history.pushState` / `replaceState`, `popstate`, `hashchange` | [`Navigation`] |
//! | `selectionchange` of the document (not a text control's caret) | [`Selection`] |
//!
//! Form values are read once per control and task: a change only marks its control, and
//! the marked controls are recorded before the next event of any kind (the barrier) or in
//! a microtask at the end of the task, whichever comes first. The page cannot paint in
//! between, so nothing a user could see is lost, and a script typing into a field (or a
//! framework setting every field on each render) costs a mark per change rather than a
//! read of the value, a privacy decision and an event.
//!
//! Listeners sit on the document in the capture phase (so a page's `stopPropagation` does
//! not hide events from us), passive (so we never delay scrolling). Throttled sources
//! emit at the leading edge and once more at the trailing edge, so the final position is
//! always recorded. A handler that meets something unexpected (a synthetic event without
//! the expected fields, a node not in the mirror) records nothing; nothing it does can
//! throw into the page.

use crate::capture::js;
use crate::capture::privacy::{self, Control, InputPrivacy, Privacy};
use crate::emit::{Recording, Settle};
use crate::hooks::{Listener, ListenerOptions, MethodHook, SetterHook};
use gloo_timers::callback::Timeout;
use js_sys::{Object, Reflect};
use recorder_core::event::{
    Focus, Input, InputValue, MovePoint, Navigation, NavigationKind, NodeId, Pointer, PointerKind,
    PointerMove, Scroll, Selection, SelectionRange, Size, Viewport,
};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, Event, EventTarget, HtmlInputElement, HtmlOptionElement, HtmlSelectElement,
    HtmlTextAreaElement, MouseEvent, Node, Window,
};

/// A pointer-move batch is emitted once its first point is this old…
const MOVE_BATCH_MS: u32 = 500;
/// …or once it holds this many points.
const MOVE_BATCH_POINTS: usize = 64;
/// Controls marked as changed in one task before they are recorded at once.
const MAX_MARKED: usize = 1024;
/// Minimum interval between viewport and selection events, ms.
const VIEWPORT_SAMPLE_MS: u32 = 100;
const SELECTION_SAMPLE_MS: u32 = 100;

thread_local! {
    /// The running input capture, so the DOM capture's barrier can flush pending pointer
    /// moves before any other event (see [`settle`]).
    static CURRENT: RefCell<Weak<State>> = const { RefCell::new(Weak::new()) };
}

/// Emits the pointer samples taken so far (before a cut, also the latest position held
/// back by sampling). Part of the recording's barrier (installed by the DOM capture), so
/// that moves come before whatever is emitted next.
pub(crate) fn settle(why: Settle) {
    let state = CURRENT.with(|c| c.try_borrow().ok().and_then(|w| w.upgrade()));
    if let Some(state) = state {
        if why == Settle::Cut {
            state.sample_held_back(None);
        }
        state.flush_moves();
        state.flush_resets();
        state.flush_marked();
    }
}

/// Records the current state of form control `node` (an `<option>`: of its `<select>`) if
/// it changed: called by the DOM capture when a control's default changed, which an
/// untouched control follows without any event.
pub(crate) fn control_changed(node: &JsValue) {
    let state = CURRENT.with(|c| c.try_borrow().ok().and_then(|w| w.upgrade()));
    if let (Some(state), true) = (state, is_element(node)) {
        let option = node.unchecked_ref::<Element>().local_name() == "option";
        state.on_property_set(node, option);
    }
}

/// The installed input capture; dropping it detaches it.
pub struct Capture {
    state: Rc<State>,
    /// Called by the move sampler; freed only after the sampler is stopped (see `Drop`).
    _on_sample: Closure<dyn FnMut(f64, f64)>,
    _listeners: Vec<Listener>,
    _hooks: Vec<SetterHook>,
    _history: Vec<MethodHook>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("input::Capture")
            .field("listeners", &self._listeners.len())
            .field("setter_hooks", &self._hooks.len())
            .finish_non_exhaustive()
    }
}

struct State {
    me: Weak<State>,
    recording: Weak<Recording>,
    privacy: Privacy,
    window: Window,
    document: Document,
    moves: RefCell<Moves>,
    /// The pointer-move sampler in `glue.js` (set once installed).
    sampler: RefCell<Option<MoveSampler>>,
    scroll: Throttle,
    viewport: Throttle,
    selection: Throttle,
    /// Last value emitted per control: `input` and `change` (or a set to the same value)
    /// must not repeat it.
    values: RefCell<ById<InputValue>>,
    url: RefCell<String>,
    ranges: RefCell<Vec<SelectionRange>>,
    /// Forms whose `reset` event is being dispatched, with that event: the reset happens
    /// after it (see [`State::flush_resets`]).
    resets: RefCell<Vec<(JsValue, Event)>>,
    /// Controls whose value changed in this task, and whether a user event said so (see
    /// [`State::mark_changed`]).
    marked: RefCell<Vec<(JsValue, bool)>>,
    /// A microtask will record the marked controls.
    marked_flush_queued: Cell<bool>,
}

/// The batch of pointer samples (the sampling itself is `sampleMoves` in `glue.js`).
#[derive(Default)]
struct Moves {
    /// Time of the batch's first point.
    start: u64,
    points: Vec<MovePoint>,
    /// Emits the batch `MOVE_BATCH_MS` after its first point.
    batch_timer: Option<Timeout>,
}

#[wasm_bindgen(module = "/src/glue.js")]
extern "C" {
    /// `{ take, stop }` of `sampleMoves` in `glue.js`.
    type MoveSampler;
    #[wasm_bindgen(js_name = sampleMoves)]
    fn sample_moves(target: &EventTarget, interval: u32, sample: &js_sys::Function) -> MoveSampler;
    /// The held-back position as `[x, y]`, or null.
    #[wasm_bindgen(method)]
    fn take(this: &MoveSampler) -> JsValue;
    #[wasm_bindgen(method)]
    fn stop(this: &MoveSampler);
}

/// A small map by node id: the controls typed into, the elements scrolled. A vector is
/// smaller in code and as fast as a hash map at these sizes; past `BY_ID_CAPACITY` entries
/// the oldest is forgotten (at worst, an unchanged value is recorded again).
struct ById<T>(Vec<(NodeId, T)>);

const BY_ID_CAPACITY: usize = 512;

impl<T> Default for ById<T> {
    fn default() -> Self {
        ById(Vec::new())
    }
}

impl<T> ById<T> {
    fn get(&self, id: NodeId) -> Option<&T> {
        self.0.iter().find(|(k, _)| *k == id).map(|(_, v)| v)
    }

    fn insert(&mut self, id: NodeId, value: T) {
        if let Some(slot) = self.0.iter_mut().find(|(k, _)| *k == id) {
            slot.1 = value;
            return;
        }
        if self.0.len() >= BY_ID_CAPACITY {
            self.0.remove(0);
        }
        self.0.push((id, value));
    }
}

/// Leading- and trailing-edge throttle per key (a node id; 0 for the viewport and the
/// selection).
struct Throttle {
    interval: u64,
    last: RefCell<ById<u64>>,
    pending: RefCell<Vec<(NodeId, JsValue)>>,
    timer: RefCell<Option<Timeout>>,
}

impl Throttle {
    fn new(interval: u32) -> Throttle {
        Throttle {
            interval: u64::from(interval),
            last: RefCell::default(),
            pending: RefCell::default(),
            timer: RefCell::default(),
        }
    }
}

#[derive(Clone, Copy)]
enum Throttled {
    Scroll,
    Viewport,
    Selection,
}

impl Capture {
    /// Installs the listeners and hooks.
    pub fn install(recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        let window = web_sys::window().ok_or("tapedeck: no window")?;
        let document = window.document().ok_or("tapedeck: no document")?;
        let options = &recording.options;
        let privacy = Privacy::new(options, &document)?;
        let state = Rc::new_cyclic(|me| State {
            me: me.clone(),
            recording: Rc::downgrade(recording),
            privacy,
            url: RefCell::new(window.location().href().unwrap_or_default()),
            window: window.clone(),
            document: document.clone(),
            moves: RefCell::default(),
            sampler: RefCell::default(),
            scroll: Throttle::new(options.scroll_sample_ms),
            viewport: Throttle::new(VIEWPORT_SAMPLE_MS),
            selection: Throttle::new(SELECTION_SAMPLE_MS),
            values: RefCell::default(),
            ranges: RefCell::default(),
            resets: RefCell::default(),
            marked: RefCell::default(),
            marked_flush_queued: Cell::new(false),
        });
        CURRENT.with(|c| {
            if let Ok(mut current) = c.try_borrow_mut() {
                *current = Rc::downgrade(&state);
            }
        });

        let on = |target: &EventTarget, name: &'static str, handler: fn(&State, &Event)| {
            let weak = Rc::downgrade(&state);
            Listener::new_with_options(
                target,
                name,
                ListenerOptions::run_in_capture_phase(),
                move |event| {
                    if let Some(state) = weak.upgrade() {
                        handler(&state, event);
                    }
                },
            )
        };
        let doc: &EventTarget = document.as_ref();
        let win: &EventTarget = window.as_ref();
        let listeners = vec![
            on(doc, "click", |s, e| s.on_pointer(PointerKind::Click, e)),
            on(doc, "dblclick", |s, e| {
                s.on_pointer(PointerKind::DoubleClick, e)
            }),
            on(doc, "contextmenu", |s, e| {
                s.on_pointer(PointerKind::ContextMenu, e)
            }),
            on(doc, "pointerdown", |s, e| {
                s.on_pointer(PointerKind::Down, e)
            }),
            on(doc, "pointerup", |s, e| s.on_pointer(PointerKind::Up, e)),
            on(doc, "touchstart", |s, e| {
                s.on_pointer(PointerKind::TouchStart, e)
            }),
            on(doc, "touchend", |s, e| {
                s.on_pointer(PointerKind::TouchEnd, e)
            }),
            on(doc, "touchcancel", |s, e| {
                s.on_pointer(PointerKind::TouchCancel, e)
            }),
            on(doc, "focus", |s, e| s.on_focus(e, true)),
            on(doc, "blur", |s, e| s.on_focus(e, false)),
            on(doc, "input", State::on_input),
            on(doc, "change", State::on_input),
            on(doc, "reset", State::on_reset),
            on(doc, "scroll", State::on_scroll),
            on(doc, "selectionchange", |s, e| {
                // Only the document's selection is recorded. A text control's own caret
                // (moved by every script `value` set, even unfocused) fires its
                // selectionchange at the control, and reading the document's selection
                // then would force a layout for nothing.
                if e.target().is_some_and(|t| t.is_instance_of::<Document>()) {
                    s.throttle(Throttled::Selection, 0, &JsValue::UNDEFINED)
                }
            }),
            on(win, "resize", |s, _| {
                s.throttle(Throttled::Viewport, 0, &JsValue::UNDEFINED)
            }),
            on(win, "popstate", |s, _| s.on_navigation(NavigationKind::Pop)),
            on(win, "hashchange", |s, _| {
                s.on_navigation(NavigationKind::Hash)
            }),
        ];

        let mut hooks = Vec::new();
        for (class, property) in [
            ("HTMLInputElement", "value"),
            ("HTMLInputElement", "checked"),
            ("HTMLTextAreaElement", "value"),
            ("HTMLSelectElement", "value"),
            ("HTMLSelectElement", "selectedIndex"),
            ("HTMLOptionElement", "selected"),
        ] {
            let Some(proto) = prototype(&window, class) else {
                continue;
            };
            let weak = Rc::downgrade(&state);
            let option = class == "HTMLOptionElement";
            let hook = SetterHook::install(
                &proto,
                property,
                Box::new(move |element: JsValue, _value: JsValue| {
                    if let Some(state) = weak.upgrade() {
                        state.on_property_set(&element, option);
                    }
                }),
            );
            hooks.extend(hook);
        }

        let mut history = Vec::new();
        if let Some(proto) = prototype(&window, "History") {
            for (name, kind) in [
                ("pushState", NavigationKind::Push),
                ("replaceState", NavigationKind::Replace),
            ] {
                let weak = Rc::downgrade(&state);
                let hook = MethodHook::install(
                    &proto,
                    name,
                    None,
                    Some(Box::new(move |_, _, _, threw: bool| {
                        if let (false, Some(state)) = (threw, weak.upgrade()) {
                            state.on_navigation(kind);
                        }
                    })),
                );
                history.extend(hook);
            }
        }

        let on_sample = {
            let weak = Rc::downgrade(&state);
            Closure::<dyn FnMut(f64, f64)>::new(move |x: f64, y: f64| {
                if let Some(state) = weak.upgrade() {
                    state.on_sample(x as i32, y as i32);
                }
            })
        };
        let sampler = sample_moves(
            doc,
            options.mousemove_sample_ms,
            on_sample.as_ref().unchecked_ref(),
        );
        if let Ok(mut slot) = state.sampler.try_borrow_mut() {
            *slot = Some(sampler);
        }

        Ok(Capture {
            state,
            _on_sample: on_sample,
            _listeners: listeners,
            _hooks: hooks,
            _history: history,
        })
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.state.sample_held_back(None);
        self.state.flush_moves();
        self.state.flush_marked();
        if let Ok(mut sampler) = self.state.sampler.try_borrow_mut() {
            if let Some(sampler) = sampler.take() {
                sampler.stop();
            }
        }
        CURRENT.with(|c| {
            if let Ok(mut current) = c.try_borrow_mut() {
                if current.ptr_eq(&Rc::downgrade(&self.state)) {
                    *current = Weak::new();
                }
            }
        });
    }
}

/// `window[class].prototype`.
fn prototype(window: &Window, class: &str) -> Option<Object> {
    let constructor = Reflect::get(window, &class.into()).ok()?;
    Reflect::get(&constructor, &"prototype".into())
        .ok()?
        .dyn_into()
        .ok()
}

/// A numeric property of any object, `None` when absent (never throws).
fn number(object: &JsValue, name: &str) -> Option<f64> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &name.into()).ok()?.as_f64()
}

/// The node an event really happened on: inside open shadow roots, the first node of
/// the composed path rather than the retargeted host.
fn event_node(event: &Event) -> Option<JsValue> {
    let first = event.composed_path().get(0);
    if first.is_object() {
        return Some(first);
    }
    event.target().map(JsValue::from)
}

/// Whether `node` is an element (of this window: the listeners and setter hooks only see
/// those). `instanceof` is one call into JavaScript; reading `nodeType` by name is several.
fn is_element(node: &JsValue) -> bool {
    node.is_instance_of::<Element>()
}

impl State {
    fn recording(&self) -> Option<Rc<Recording>> {
        self.recording.upgrade().filter(|r| !r.is_stopped())
    }

    fn on_pointer(&self, kind: PointerKind, event: &Event) {
        let Some(recording) = self.recording() else {
            return;
        };
        let touch = matches!(
            kind,
            PointerKind::TouchStart | PointerKind::TouchEnd | PointerKind::TouchCancel
        );
        let (x, y, button) = if touch {
            let point = Reflect::get(event, &"changedTouches".into())
                .ok()
                .filter(JsValue::is_object)
                .and_then(|touches| Reflect::get(&touches, &0.into()).ok());
            let Some(point) = point.filter(JsValue::is_object) else {
                return;
            };
            (
                number(&point, "clientX").unwrap_or(0.0),
                number(&point, "clientY").unwrap_or(0.0),
                0.0,
            )
        } else if let Some(mouse) = event.dyn_ref::<MouseEvent>() {
            (
                f64::from(mouse.client_x()),
                f64::from(mouse.client_y()),
                f64::from(mouse.button()),
            )
        } else {
            (0.0, 0.0, 0.0)
        };
        let (x, y) = (x as i32, y as i32);
        // The replay's cursor must reach the press from where the pointer really was.
        self.sample_held_back(Some((x, y)));
        // Nodes the page inserted just before this event get their ids now.
        recording.settle_dom();
        let target = event_node(event).and_then(|node| recording.ids.get(&node));
        recording.emit(
            Pointer {
                kind,
                target,
                x,
                y,
                button: button.clamp(0.0, 255.0) as u8,
            }
            .into(),
        );
    }

    /// A position the sampler took.
    fn on_sample(&self, x: i32, y: i32) {
        let Some(recording) = self.recording() else {
            return;
        };
        let now = recording.clock.now();
        let full = match self.moves.try_borrow_mut() {
            Ok(mut moves) => self.sample(&mut moves, now, x, y),
            Err(_) => return,
        };
        if full {
            self.flush_moves();
        }
    }

    /// Samples the position the sampler held back, if any: before a frame cut (`press`
    /// `None`), and before a press or click at `press`, so the pointer's path reaches the
    /// press from where the pointer was (rather than, later, on the trailing timer, after
    /// it). Nothing is added when it is the press's own position, which the press carries.
    fn sample_held_back(&self, press: Option<(i32, i32)>) {
        let held = match self.sampler.try_borrow() {
            Ok(sampler) => sampler.as_ref().map(MoveSampler::take),
            Err(_) => return,
        };
        let Some(held) = held.filter(|h| !h.is_null()) else {
            return;
        };
        let coordinate = |i: u32| Reflect::get_u32(&held, i).ok().and_then(|v| v.as_f64());
        let (Some(x), Some(y)) = (coordinate(0), coordinate(1)) else {
            return;
        };
        let (x, y) = (x as i32, y as i32);
        if press != Some((x, y)) {
            self.on_sample(x, y);
        }
    }

    /// Adds a sample to the batch (starting one); returns whether the batch is full.
    fn sample(&self, moves: &mut Moves, now: u64, x: i32, y: i32) -> bool {
        if moves.points.is_empty() {
            moves.start = now;
            let weak = self.me.clone();
            moves.batch_timer = Some(Timeout::new(MOVE_BATCH_MS, move || {
                if let Some(state) = weak.upgrade() {
                    state.flush_moves();
                }
            }));
        }
        let offset = u32::try_from(now.saturating_sub(moves.start)).unwrap_or(u32::MAX);
        moves.points.push(MovePoint { offset, x, y });
        moves.points.len() >= MOVE_BATCH_POINTS
    }

    /// Emits the batch of samples taken so far.
    fn flush_moves(&self) {
        let (start, points) = {
            let Ok(mut moves) = self.moves.try_borrow_mut() else {
                return;
            };
            if moves.points.is_empty() {
                return;
            }
            moves.batch_timer = None;
            (moves.start, std::mem::take(&mut moves.points))
        };
        if let Some(recording) = self.recording() {
            recording.emit_at(start, PointerMove { points }.into());
        }
    }

    fn on_focus(&self, event: &Event, focused: bool) {
        let Some(recording) = self.recording() else {
            return;
        };
        recording.settle_dom();
        let Some(target) = event_node(event).and_then(|node| recording.ids.get(&node)) else {
            return;
        };
        recording.emit(Focus { target, focused }.into());
    }

    fn on_input(&self, event: &Event) {
        if let Some(node) = event_node(event) {
            self.mark_changed(node, true);
        }
    }

    /// Marks form control `node` as changed (by a user event when `user`): it is recorded
    /// before the next event or at the end of the task (see the module docs).
    fn mark_changed(&self, node: JsValue, user: bool) {
        let Ok(mut marked) = self.marked.try_borrow_mut() else {
            return;
        };
        // Typing alternates between a few controls at most: the last entries are enough
        // to find it (each comparison is a call into JavaScript).
        if let Some(entry) = marked.iter_mut().rev().take(4).find(|(n, _)| *n == node) {
            entry.1 |= user;
            return;
        }
        marked.push((node, user));
        let overfull = marked.len() >= MAX_MARKED;
        drop(marked);
        if overfull {
            self.flush_marked(); // a script touching thousands of controls in one task
            return;
        }
        if self.marked_flush_queued.replace(true) {
            return;
        }
        let weak = self.me.clone();
        let queued = js::queue_microtask(move || {
            if let Some(state) = weak.upgrade() {
                state.flush_marked();
            }
        });
        if !queued {
            self.marked_flush_queued.set(false);
        }
    }

    /// Records the current value of every marked control (unchanged values are not
    /// recorded again).
    fn flush_marked(&self) {
        self.marked_flush_queued.set(false);
        let marked = match self.marked.try_borrow_mut() {
            Ok(mut marked) if !marked.is_empty() => std::mem::take(&mut *marked),
            _ => return,
        };
        for (node, user) in marked {
            self.emit_value(&node, user);
        }
    }

    /// A form is about to be reset: the `reset` event comes first and resetting sets the
    /// values without any event or setter. Its controls are recorded once the event's
    /// dispatch is over: by the barrier (before whatever is recorded next) or in a
    /// microtask, whichever comes first.
    fn on_reset(&self, event: &Event) {
        let Some(form) = event.target() else {
            return;
        };
        let Ok(mut resets) = self.resets.try_borrow_mut() else {
            return;
        };
        resets.push((form.into(), event.clone()));
        drop(resets);
        let weak = self.me.clone();
        js::queue_microtask(move || {
            if let Some(state) = weak.upgrade() {
                state.flush_resets();
            }
        });
    }

    /// Records the controls of the forms whose reset is done (a canceled reset changed
    /// nothing, and unchanged values are not recorded again).
    fn flush_resets(&self) {
        let done: Vec<JsValue> = {
            let Ok(mut resets) = self.resets.try_borrow_mut() else {
                return;
            };
            let mut done = Vec::new();
            resets.retain(|(form, event)| {
                let over = event.event_phase() == Event::NONE;
                if over {
                    done.push(form.clone());
                }
                !over
            });
            done
        };
        for form in done {
            let Ok(elements) = Reflect::get(&form, &"elements".into()) else {
                continue;
            };
            let count = number(&elements, "length").unwrap_or(0.0) as u32;
            for i in 0..count {
                if let Ok(control) = Reflect::get_u32(&elements, i) {
                    self.emit_value(&control, false);
                }
            }
        }
    }

    fn on_property_set(&self, element: &JsValue, option: bool) {
        let Some(recording) = self.recording() else {
            return;
        };
        // Cheap checks first: frameworks set `value` on every render, often on nodes not
        // yet inserted.
        if recording.ids.get(element).is_none() || !is_element(element) {
            return;
        }
        let element: &Element = element.unchecked_ref();
        if !element.is_connected() {
            return;
        }
        if option {
            if let Ok(Some(select)) = element.closest("select") {
                self.mark_changed(select.into(), false);
            }
        } else {
            self.mark_changed(element.clone().into(), false);
        }
    }

    /// Emits the current value of form control `node`, when it changed since the last one.
    fn emit_value(&self, node: &JsValue, user: bool) {
        let Some(recording) = self.recording() else {
            return;
        };
        if !is_element(node) {
            return;
        }
        recording.settle_dom();
        let Some(id) = recording.ids.get(node) else {
            return;
        };
        let element: &Element = node.unchecked_ref();
        let tag = element.local_name();
        let input_type = if tag == "input" {
            element.unchecked_ref::<HtmlInputElement>().type_()
        } else {
            String::new()
        };
        let Some(control) = Control::of(&tag, &input_type) else {
            return;
        };
        let privacy = || {
            self.privacy
                .input_privacy(&recording.ids, element, &tag, &input_type)
        };
        let value = match control {
            Control::Button => return,
            Control::Checkable => match privacy() {
                InputPrivacy::Record => {
                    InputValue::Checked(element.unchecked_ref::<HtmlInputElement>().checked())
                }
                // A state cannot be masked: a masked checkbox is left out.
                InputPrivacy::Mask | InputPrivacy::Omit => return,
            },
            Control::Text => {
                let privacy = privacy();
                if privacy == InputPrivacy::Omit {
                    return;
                }
                let raw = if tag == "textarea" {
                    element.unchecked_ref::<HtmlTextAreaElement>().value()
                } else {
                    element.unchecked_ref::<HtmlInputElement>().value()
                };
                InputValue::Text(privacy.apply(&raw).map(Cow::into_owned).unwrap_or_default())
            }
            Control::Select => {
                let select: &HtmlSelectElement = element.unchecked_ref();
                match privacy() {
                    InputPrivacy::Omit => return,
                    InputPrivacy::Mask => InputValue::Text(privacy::mask_value(&select.value())),
                    InputPrivacy::Record => InputValue::Selected(selected_indices(select)),
                }
            }
        };
        {
            let Ok(mut values) = self.values.try_borrow_mut() else {
                return;
            };
            if values.get(id) == Some(&value) {
                return;
            }
            values.insert(id, value.clone());
        }
        let checked_radio = input_type == "radio" && value == InputValue::Checked(true);
        recording.emit(Input { id, value, user }.into());
        if checked_radio {
            self.emit_radio_group(element.unchecked_ref(), user);
        }
    }

    /// Checking a radio button unchecks the others of its group without any event: their
    /// state is recorded too (a replay cannot tell the group: same name, form and tree).
    fn emit_radio_group(&self, radio: &HtmlInputElement, user: bool) {
        let name = radio.name();
        if name.is_empty() {
            return;
        }
        let form = Reflect::get(radio, &"form".into()).unwrap_or_default();
        // A document or a shadow root: both have querySelectorAll.
        let root: Document = radio.get_root_node().unchecked_into();
        let Ok(radios) = root.query_selector_all("input[type=radio]") else {
            return;
        };
        for i in 0..radios.length() {
            let Some(other) = radios.item(i) else {
                continue;
            };
            let input: &HtmlInputElement = other.unchecked_ref();
            let same_form =
                Reflect::get(input, &"form".into()).is_ok_and(|f| Object::is(&f, &form));
            if !input.checked() && input.name() == name && same_form {
                self.emit_value(other.as_ref(), user);
            }
        }
    }

    fn on_scroll(&self, event: &Event) {
        let Some(recording) = self.recording() else {
            return;
        };
        let Some(target) = event.target() else {
            return;
        };
        recording.settle_dom();
        let target = JsValue::from(target);
        if let Some(id) = recording.ids.get(&target) {
            self.throttle(Throttled::Scroll, id, &target);
        }
    }

    fn on_navigation(&self, kind: NavigationKind) {
        let Some(recording) = self.recording() else {
            return;
        };
        let Ok(href) = self.window.location().href() else {
            return;
        };
        {
            let Ok(mut last) = self.url.try_borrow_mut() else {
                return;
            };
            if *last == href {
                return; // replaceState with the same URL, or popstate + hashchange of one jump
            }
            last.clone_from(&href);
        }
        let url = privacy::redact_url(&href);
        recording.emit(Navigation { kind, url }.into());
    }

    fn throttler(&self, which: Throttled) -> &Throttle {
        match which {
            Throttled::Scroll => &self.scroll,
            Throttled::Viewport => &self.viewport,
            Throttled::Selection => &self.selection,
        }
    }

    /// Emits for `key` now if its interval has passed, else once when it has.
    fn throttle(&self, which: Throttled, key: NodeId, target: &JsValue) {
        let Some(recording) = self.recording() else {
            return;
        };
        let throttle = self.throttler(which);
        let now = recording.clock.now();
        let wait = {
            let Ok(mut last) = throttle.last.try_borrow_mut() else {
                return;
            };
            let due = last
                .get(key)
                .map_or(0, |t| t.saturating_add(throttle.interval));
            if now >= due {
                last.insert(key, now);
                None
            } else {
                Some(due - now)
            }
        };
        let Some(wait) = wait else {
            self.emit_throttled(&recording, which, key, target);
            return;
        };
        let Ok(mut pending) = throttle.pending.try_borrow_mut() else {
            return;
        };
        if !pending.iter().any(|(k, _)| *k == key) {
            pending.push((key, target.clone()));
        }
        drop(pending);
        let Ok(mut timer) = throttle.timer.try_borrow_mut() else {
            return;
        };
        if timer.is_none() {
            let weak = self.me.clone();
            *timer = Some(Timeout::new(
                wait.min(u64::from(u32::MAX)) as u32,
                move || {
                    if let Some(state) = weak.upgrade() {
                        state.flush_throttled(which);
                    }
                },
            ));
        }
    }

    fn flush_throttled(&self, which: Throttled) {
        let Some(recording) = self.recording() else {
            return;
        };
        let throttle = self.throttler(which);
        if let Ok(mut timer) = throttle.timer.try_borrow_mut() {
            *timer = None;
        }
        let pending = match throttle.pending.try_borrow_mut() {
            Ok(mut pending) => std::mem::take(&mut *pending),
            Err(_) => return,
        };
        let now = recording.clock.now();
        for (key, target) in pending {
            if let Ok(mut last) = throttle.last.try_borrow_mut() {
                last.insert(key, now);
            }
            self.emit_throttled(&recording, which, key, &target);
        }
    }

    fn emit_throttled(
        &self,
        recording: &Recording,
        which: Throttled,
        key: NodeId,
        target: &JsValue,
    ) {
        match which {
            Throttled::Scroll => {
                let (x, y) = if number(target, "nodeType") == Some(f64::from(Node::DOCUMENT_NODE)) {
                    (
                        self.window.scroll_x().unwrap_or(0.0),
                        self.window.scroll_y().unwrap_or(0.0),
                    )
                } else if is_element(target) {
                    let element: &Element = target.unchecked_ref();
                    (
                        f64::from(element.scroll_left()),
                        f64::from(element.scroll_top()),
                    )
                } else {
                    return;
                };
                recording.emit(
                    Scroll {
                        target: key,
                        x: x.round() as i32,
                        y: y.round() as i32,
                    }
                    .into(),
                );
            }
            Throttled::Viewport => {
                let size = |v: Result<JsValue, JsValue>| {
                    v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0).max(0.0) as u32
                };
                recording.emit(
                    Viewport {
                        size: Size {
                            width: size(self.window.inner_width()),
                            height: size(self.window.inner_height()),
                        },
                    }
                    .into(),
                );
            }
            Throttled::Selection => self.emit_selection(recording),
        }
    }

    fn emit_selection(&self, recording: &Recording) {
        recording.settle_dom();
        let Ok(Some(selection)) = self.document.get_selection() else {
            return;
        };
        let mut ranges = Vec::new();
        for i in 0..selection.range_count() {
            let Ok(range) = selection.get_range_at(i) else {
                continue;
            };
            let (Ok(start), Ok(end)) = (range.start_container(), range.end_container()) else {
                continue;
            };
            let (Some(start), Some(end)) = (recording.ids.get(&start), recording.ids.get(&end))
            else {
                continue;
            };
            ranges.push(SelectionRange {
                start,
                start_offset: range.start_offset().unwrap_or(0),
                end,
                end_offset: range.end_offset().unwrap_or(0),
            });
        }
        {
            let Ok(mut last) = self.ranges.try_borrow_mut() else {
                return;
            };
            if *last == ranges {
                return;
            }
            last.clone_from(&ranges);
        }
        recording.emit(Selection { ranges }.into());
    }
}

fn selected_indices(select: &HtmlSelectElement) -> Vec<u32> {
    if !select.multiple() {
        let index = select.selected_index();
        return if index >= 0 {
            vec![index as u32]
        } else {
            Vec::new()
        };
    }
    let options = select.selected_options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|option| {
            u32::try_from(option.unchecked_ref::<HtmlOptionElement>().index()).ok()
        })
        .collect()
}
