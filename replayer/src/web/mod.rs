//! The browser player: a recorded session rebuilt in a sandboxed iframe and played back
//! (wasm32 only).
//!
//! The data flows decode → timeline → render:
//! - [`source`] — frames as JavaScript hands them over (damaged ones included) → a
//!   [`Timeline`] and a report;
//! - [`playback`] — which DOM state is shown: seek (incremental or by diff), play on
//!   animation frames, speed, skipping inactivity;
//! - [`render`] — the live document inside the iframe, kept equal to the mirror node by
//!   node, through [`sanitize`], the policy that keeps recorded content inert;
//! - [`overlay`] — the player's own DOM: the stage at the recorded viewport size, scaled
//!   to the container, with the cursor and click ripples above the iframe.
//!
//! JavaScript uses it through `tapedeck/replay` (`npm/src/replay.js`), whose `Replayer`
//! wraps [`Player`] in an `EventTarget`.
//!
//! # Replay safety
//! Recorded content is untrusted. The iframe is created with `sandbox="allow-same-origin"`
//! before it enters the document: without `allow-scripts` no script, inline handler or
//! `javascript:` URL runs in it or in any frame nested in it, forms do not submit, popups
//! and top navigation are blocked. `allow-same-origin` only lets the player build the
//! document; it grants the document nothing while scripts are off. On top of that, the
//! document is built node by node (never parsed from recorded markup), `<script>`
//! elements get `type="text/tapedeck-disabled"`, and [`sanitize`] drops `on*` attributes
//! and renames active URLs and self-acting attributes. The iframe takes no pointer events,
//! so nothing in it can be clicked either.
//!
//! # Re-entrancy
//! Every method takes `&self`; the state sits in a `RefCell` that is released before any
//! event is dispatched, so listeners may call back into the player (seek from a `time`
//! listener, destroy from `end`).

mod markup;
mod overlay;
mod playback;
mod render;
mod sanitize;
mod source;

use crate::Timeline;
use js_sys::{Array, Function, Object, Reflect};
use overlay::Stage;
use playback::{Core, Emit, Settings};
use serde::Serialize;
use source::LoadReport;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Node, ResizeObserver};

/// Option names `Player.create` accepts (anything else is a mistake, and rejected).
pub const OPTION_NAMES: &[&str] = &[
    "root",
    "speed",
    "skipInactive",
    "inactiveThreshold",
    "cursor",
    "clicks",
];

/// Slowest playback speed.
pub const MIN_SPEED: f64 = 0.5;
/// Fastest playback speed.
pub const MAX_SPEED: f64 = 16.0;

/// A recorded session playing in a sandboxed iframe. JavaScript uses it as
/// `Replayer` from `tapedeck/replay`; see `npm/src/replay.d.ts` for the API.
#[wasm_bindgen]
pub struct Player {
    shared: Rc<Shared>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Player")
    }
}

/// The animation frame callback.
type FrameCallback = Closure<dyn FnMut(f64)>;
/// The observer of the root's size, with its callback.
type Resize = (ResizeObserver, Closure<dyn FnMut()>);

/// What the player and its callbacks share (they hold it weakly).
struct Shared {
    /// `None` once destroyed.
    core: RefCell<Option<Core>>,
    report: LoadReport,
    /// `emit(type, detail)`, from the JS wrapper.
    emit: Function,
    on_frame: RefCell<Option<FrameCallback>>,
    /// The pending animation frame request.
    frame_id: Cell<Option<i32>>,
    resize: RefCell<Option<Resize>>,
}

#[wasm_bindgen]
impl Player {
    /// Decodes `frames` (a `Uint8Array`, an `ArrayBuffer`, or an array of them; frames may
    /// be concatenated) and builds the player inside `options.root`, showing time 0.
    /// `emit(type, detail)` receives the player's events.
    ///
    /// Options: `root` (an `Element`, required), `speed` (0.5–16, default 1),
    /// `skipInactive` (default true), `inactiveThreshold` (ms, ≥ 1000, default 5000),
    /// `cursor` and `clicks` (overlays, default true). Unknown options are rejected.
    pub fn create(frames: JsValue, options: JsValue, emit: Function) -> Result<Player, JsError> {
        let options = Options::from_js(&options).map_err(|e| error(&e))?;
        let inputs = source::inputs(&frames).map_err(|e| error(&e))?;
        let (timeline, report) = source::load(&inputs).map_err(|e| error(&e))?;
        drop(inputs);
        let stage = Stage::new(&options.root, options.cursor, options.clicks)
            .map_err(|e| error(&format!("cannot build the player: {}", js_message(&e))))?;
        let core = Core::new(timeline, stage, options.settings);
        let shared = Rc::new(Shared {
            core: RefCell::new(Some(core)),
            report,
            emit,
            on_frame: RefCell::new(None),
            frame_id: Cell::new(None),
            resize: RefCell::new(None),
        });
        let weak = Rc::downgrade(&shared);
        *shared.on_frame.borrow_mut() = Some(Closure::new(move |now: f64| {
            if let Some(shared) = weak.upgrade() {
                shared.frame(now);
            }
        }));
        shared.observe_resize(&options.root);
        shared.reschedule();
        Ok(Player { shared })
    }

    /// The session length, ms.
    #[wasm_bindgen(getter)]
    pub fn duration(&self) -> f64 {
        self.read(Core::duration).unwrap_or(0.0)
    }

    /// The time shown, ms.
    #[wasm_bindgen(getter, js_name = currentTime)]
    pub fn current_time(&self) -> f64 {
        self.read(Core::time).unwrap_or(0.0)
    }

    /// Whether it is playing.
    #[wasm_bindgen(getter)]
    pub fn playing(&self) -> bool {
        self.read(Core::playing).unwrap_or(false)
    }

    /// The playback speed.
    #[wasm_bindgen(getter)]
    pub fn speed(&self) -> f64 {
        self.read(Core::speed).unwrap_or(1.0)
    }

    /// Whether stretches without user activity are skipped while playing.
    #[wasm_bindgen(getter, js_name = skipInactive)]
    pub fn skip_inactive(&self) -> bool {
        self.read(Core::skip_inactive).unwrap_or(false)
    }

    /// Turns skipping inactivity on or off.
    #[wasm_bindgen(js_name = setSkipInactive)]
    pub fn set_skip_inactive(&self, on: bool) -> Result<(), JsError> {
        self.update(|core, _| core.set_skip_inactive(on))
    }

    /// The stretches without user activity that playing skips when `skipInactive` is on,
    /// as `[from, to]` pairs in ms, in time order.
    pub fn inactive(&self) -> Result<Array, JsError> {
        let stretches = self
            .read(|core| {
                core.inactive()
                    .iter()
                    .map(|&(from, to)| JsValue::from(Array::of2(&from.into(), &to.into())))
                    .collect::<Array>()
            })
            .ok_or_else(destroyed)?;
        Ok(stretches)
    }

    /// Whether [`Player::destroy`] was called.
    #[wasm_bindgen(getter)]
    pub fn destroyed(&self) -> bool {
        self.shared
            .core
            .try_borrow()
            .is_ok_and(|core| core.is_none())
    }

    /// The recorded viewport shown, `{width, height}` in CSS pixels.
    #[wasm_bindgen(getter)]
    pub fn viewport(&self) -> JsValue {
        let size = self.read(|core| core.stage_ref().viewport());
        size.map_or(JsValue::NULL, |s| {
            pair("width", f64::from(s.width), "height", f64::from(s.height))
        })
    }

    /// The scale from recorded CSS pixels to the container's.
    #[wasm_bindgen(getter)]
    pub fn scale(&self) -> f64 {
        self.read(|core| core.stage_ref().scale()).unwrap_or(1.0)
    }

    /// Where the cursor overlay is, `{x, y}` in recorded viewport pixels, or `null`.
    #[wasm_bindgen(getter)]
    pub fn cursor(&self) -> JsValue {
        let at = self.read(|core| core.stage_ref().cursor_at()).flatten();
        at.map_or(JsValue::NULL, |(x, y)| pair("x", x, "y", y))
    }

    /// The rebuilt document inside the sandboxed iframe (`null` once destroyed).
    #[wasm_bindgen(getter)]
    pub fn document(&self) -> Option<Document> {
        self.read(|core| core.live().document()).flatten()
    }

    /// The live node of recorded node `id` at the current time, if shown.
    pub fn node(&self, id: u32) -> Option<Node> {
        self.read(|core| core.live().node(id).cloned()).flatten()
    }

    /// A short description of recorded node `id` at the current time
    /// (`button#save.primary "Save"`).
    pub fn describe(&self, id: u32) -> Option<String> {
        self.read(|core| core.mirror().describe(id)).flatten()
    }

    /// The current DOM as HTML, as `Dom::to_html` writes it (recorded content: render it
    /// only sandboxed).
    pub fn html(&self) -> Result<String, JsError> {
        self.read(|core| core.mirror().to_html())
            .ok_or_else(destroyed)
    }

    /// Every event as `{time, kind, data}` (data in its human-readable form).
    pub fn events(&self) -> Result<Array, JsError> {
        self.read(|core| events_to_js(core.timeline()))
            .ok_or_else(destroyed)?
            .map_err(|e| error(&format!("cannot convert events: {}", js_message(&e))))
    }

    /// The session as a Markdown timeline ([`Timeline::timeline_markdown`]): problems
    /// first, then every moment that matters, backend spans under their requests — the
    /// form to hand to a teammate or an AI assistant.
    pub fn markdown(&self) -> Result<String, JsError> {
        self.read(|core| core.timeline().timeline_markdown())
            .ok_or_else(destroyed)
    }

    /// What was wrong with the frames: `{sessionId, sessionStart, frames, events, corrupt,
    /// duplicates, otherSessions, gaps, clean}`.
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.shared.report)
            .map_err(|e| error(&format!("cannot convert the report: {}", js_message(&e))))
    }

    /// Shows time `ms` (clamped to the session); keeps playing if it was.
    pub fn seek(&self, ms: f64) -> Result<(), JsError> {
        if !ms.is_finite() {
            return Err(error(&format!(
                "seek() needs a finite time in ms, got {ms}"
            )));
        }
        self.update(|core, out| core.seek(ms, now(), out))
    }

    /// Starts playing (from the start when at the end).
    pub fn play(&self) -> Result<(), JsError> {
        self.update(|core, out| core.play(now(), out))
    }

    /// Pauses.
    pub fn pause(&self) -> Result<(), JsError> {
        self.update(|core, out| core.pause(out))
    }

    /// Sets the playback speed, 0.5 to 16.
    #[wasm_bindgen(js_name = setSpeed)]
    pub fn set_speed(&self, speed: f64) -> Result<(), JsError> {
        if !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
            return Err(error(&format!(
                "speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}"
            )));
        }
        self.update(|core, out| core.set_speed(speed, now(), out))
    }

    /// Stops playing and removes the player's DOM from the root; later calls fail (a
    /// second `destroy` does nothing).
    pub fn destroy(&self) {
        self.shared.shut_down();
    }
}

impl Player {
    /// Reads the core; `None` once destroyed (or, defensively, while it is borrowed).
    fn read<R>(&self, f: impl FnOnce(&Core) -> R) -> Option<R> {
        let core = self.shared.core.try_borrow().ok()?;
        core.as_ref().map(f)
    }

    /// Changes the core, then schedules frames and dispatches what it emitted.
    fn update(&self, f: impl FnOnce(&mut Core, &mut Vec<Emit>)) -> Result<(), JsError> {
        let mut out = Vec::new();
        {
            let mut core = self.shared.core.try_borrow_mut().map_err(|_| {
                error("the replayer is busy (called while it updates the document)")
            })?;
            let core = core.as_mut().ok_or_else(destroyed)?;
            f(core, &mut out);
        }
        self.shared.reschedule();
        self.shared.dispatch(out);
        Ok(())
    }
}

impl Shared {
    /// One animation frame.
    fn frame(&self, now: f64) {
        self.frame_id.set(None);
        let mut out = Vec::new();
        if let Ok(mut core) = self.core.try_borrow_mut() {
            if let Some(core) = core.as_mut() {
                core.frame(now, &mut out);
            }
        }
        self.reschedule();
        self.dispatch(out);
    }

    /// Requests an animation frame if the core wants one, cancels the pending one if not.
    fn reschedule(&self) {
        let wants = self
            .core
            .try_borrow()
            .is_ok_and(|core| core.as_ref().is_some_and(Core::wants_frame));
        let Some(window) = web_sys::window() else {
            return;
        };
        match (wants, self.frame_id.get()) {
            (true, None) => {
                if let Some(callback) = self.on_frame.borrow().as_ref() {
                    if let Ok(id) =
                        window.request_animation_frame(callback.as_ref().unchecked_ref())
                    {
                        self.frame_id.set(Some(id));
                    }
                }
            }
            (false, Some(id)) => {
                let _ = window.cancel_animation_frame(id);
                self.frame_id.set(None);
            }
            _ => {}
        }
    }

    fn observe_resize(self: &Rc<Self>, root: &Element) {
        let weak: Weak<Shared> = Rc::downgrade(self);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(shared) = weak.upgrade() {
                if let Ok(mut core) = shared.core.try_borrow_mut() {
                    if let Some(core) = core.as_mut() {
                        core.stage().layout();
                    }
                }
            }
        });
        if let Ok(observer) = ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            observer.observe(root);
            *self.resize.borrow_mut() = Some((observer, callback));
        }
    }

    fn dispatch(&self, out: Vec<Emit>) {
        for emit in out {
            let (kind, detail) = emit_to_js(&emit);
            // A throwing listener must not stop the others.
            let _ = self.emit.call2(&JsValue::NULL, &kind.into(), &detail);
        }
    }

    fn shut_down(&self) {
        if let Some(id) = self.frame_id.take() {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(id);
            }
        }
        if let Some((observer, _callback)) = self.resize.borrow_mut().take() {
            observer.disconnect();
        }
        // Dropping the core drops the stage, which removes the player's DOM.
        if let Ok(mut core) = self.core.try_borrow_mut() {
            core.take();
        }
        // Freed after its current call, if it is running (wasm-bindgen defers it).
        self.on_frame.borrow_mut().take();
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Parsed `create` options.
struct Options {
    root: Element,
    cursor: bool,
    clicks: bool,
    settings: Settings,
}

impl Options {
    fn from_js(value: &JsValue) -> Result<Options, String> {
        if !value.is_object() || value.is_function() {
            return Err("options must be an object with a `root` element".into());
        }
        let object: &Object = value.unchecked_ref();
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !OPTION_NAMES.contains(&key.as_str()) {
                return Err(format!(
                    "unknown option `{key}` (known: {})",
                    OPTION_NAMES.join(", ")
                ));
            }
        }
        let get = |name: &str| Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED);
        let root = get("root");
        // By `nodeType` rather than `instanceof`: an element of another frame is fine.
        let is_element = root.is_object()
            && Reflect::get(&root, &"nodeType".into())
                .ok()
                .and_then(|t| t.as_f64())
                == Some(1.0);
        if !is_element {
            return Err("options.root must be a DOM element to build the player in".into());
        }
        let root: Element = root.unchecked_into();
        let number = |name: &str, default: f64, min: f64, max: f64| -> Result<f64, String> {
            let value = get(name);
            if value.is_undefined() {
                return Ok(default);
            }
            match value.as_f64() {
                Some(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(format!(
                    "options.{name} must be a number from {min} to {max}"
                )),
            }
        };
        let flag = |name: &str| -> Result<bool, String> {
            let value = get(name);
            if value.is_undefined() {
                return Ok(true);
            }
            value
                .as_bool()
                .ok_or_else(|| format!("options.{name} must be true or false"))
        };
        Ok(Options {
            root,
            cursor: flag("cursor")?,
            clicks: flag("clicks")?,
            settings: Settings {
                speed: number("speed", 1.0, MIN_SPEED, MAX_SPEED)?,
                skip_inactive: flag("skipInactive")?,
                inactive_threshold: number("inactiveThreshold", 5000.0, 1000.0, 86_400_000.0)?,
            },
        })
    }
}

fn emit_to_js(emit: &Emit) -> (&'static str, JsValue) {
    let object = |pairs: &[(&str, f64)]| -> JsValue {
        let o = Object::new();
        for (k, v) in pairs {
            let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
        }
        o.into()
    };
    match *emit {
        Emit::Time(t) => ("time", object(&[("time", t)])),
        // The JS wrapper expands the index into the event ({index, time, kind, data}).
        Emit::Event(i) => ("event", JsValue::from(i as f64)),
        Emit::Play(t) => ("play", object(&[("time", t)])),
        Emit::Pause(t) => ("pause", object(&[("time", t)])),
        Emit::Seek(t) => ("seek", object(&[("time", t)])),
        Emit::Skip(from, to) => ("skip", object(&[("from", from), ("to", to)])),
        Emit::End(t) => ("end", object(&[("time", t)])),
        Emit::Speed(s) => ("speed", object(&[("speed", s)])),
    }
}

fn pair(a: &str, x: f64, b: &str, y: f64) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &a.into(), &x.into());
    let _ = Reflect::set(&o, &b.into(), &y.into());
    o.into()
}

fn events_to_js(timeline: &Timeline) -> Result<Array, JsValue> {
    let events = timeline.events();
    let array = Array::new_with_length(events.len() as u32);
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    for (i, event) in events.iter().enumerate() {
        let kind = event.data.kind_name();
        // Human-readable form: {"Kind": value}; the value is the event's data.
        let data = event
            .data
            .serialize(&serializer)
            .map_err(JsValue::from)
            .and_then(|tagged| Reflect::get(&tagged, &kind.into()))?;
        let object = Object::new();
        Reflect::set(&object, &"time".into(), &(event.time as f64).into())?;
        Reflect::set(&object, &"kind".into(), &kind.into())?;
        Reflect::set(&object, &"data".into(), &data)?;
        array.set(i as u32, object.into());
    }
    Ok(array)
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn error(message: &str) -> JsError {
    JsError::new(&format!("tapedeck: {message}"))
}

fn destroyed() -> JsError {
    error("this replayer was destroyed")
}

fn js_message(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            Reflect::get(value, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{value:?}"))
}
