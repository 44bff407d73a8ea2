//! DOM capture: the full snapshot and the MutationObserver.
//!
//! - At start (and on [`Capture::snapshot`]) the whole document is serialized into a
//!   [`Snapshot`]: document, doctype, elements with their attributes and namespace, text,
//!   comments, CDATA; a `<template>`'s content (as its children, as HTML writes it); open
//!   shadow roots (first child of their host) and same-origin iframe
//!   documents (child of their `<iframe>`); input values and checked state per the privacy
//!   rules ([`crate::capture::privacy`]); scroll offsets; the rules of same-origin
//!   `<link rel=stylesheet>` sheets (cross-origin sheets throw a SecurityError on
//!   `cssRules`: the link is kept as is) and of empty `<style>` elements filled through
//!   CSSOM.
//! - Not recorded: the text of `<script>` (replay never runs it) and the content of
//!   `<noscript>` (never shown when scripts run); the element and its attributes are.
//!   A `<textarea>`'s text is its default value: it is recorded as the element's value.
//!   A control whose default changes (its `checked` or `selected` attribute, a textarea's
//!   text) gets an `Input` event with its current state after the batch: an untouched
//!   control follows its default.
//! - Attributes are recorded as written: relative URLs stay relative, and the replayer
//!   resolves them against `Meta.url` (resolving here would cost a URL parse per
//!   attribute and bytes per URL, for no information the replayer lacks).
//! - One MutationObserver (child lists, attributes, character data, subtree) watches the
//!   document, each shadow root, each template's content and each same-origin frame
//!   document; each callback becomes
//!   one [`MutationBatch`] (see [`mutation`] for how it is computed). The capture
//!   registers the recording's barrier, which drains the observer's pending records, so an
//!   event from any other hook comes after the DOM changes made before it.
//! - Re-serialized in place (a removal and an addition with fresh ids): an `<iframe>` whose
//!   document loaded, a `<link rel=stylesheet>` whose sheet loaded (also inside shadow roots
//!   and frame documents, which `load` does not leave: each gets a listener), a host that got a
//!   shadow root through `attachShadow`, an element that became blocked or masked (or
//!   stopped being), a blocked element whose attributes changed (for its new size), and a
//!   `<style>` or `<link>` whose rules changed through CSSOM
//!   (`insertRule`/`deleteRule`, as CSS-in-JS libraries do) — then with its rules in
//!   `ElementState::css`, which the replayer prefers to the element's text (so such a
//!   `<style>` is serialized again, with its new rules, when its text changes). The model has
//!   no event for one rule, so a sheet edited many times is sent whole each time (once per
//!   batch at most).
//! - Not followed: closed shadow roots, `adoptedStyleSheets` and constructed sheets, the
//!   rules of cross-origin sheets, scroll inside shadow roots, and input events inside
//!   iframes (their DOM is recorded, their listeners are not installed).
//!
//! The traversal and the collation of records run in JavaScript (`walk.js`), one call per
//! snapshot or batch, returning one string that Rust reads: through web-sys each node
//! would cost several calls across the wasm boundary, each with a string conversion.
//! Measured in headless Chromium on a 22 500-node page (2 500 cards of a heading, a
//! paragraph with a link, and an input; best of 8 runs on a loaded 2-core machine):
//! merely reading every node's type, names, attributes and text through web-sys, building
//! nothing, took 33 ms; the JS traversal producing the whole output (scroll offsets left
//! out) took 17 ms, and reading it into `SnapNode`s (with the privacy rules for the 2 500
//! inputs) 8 ms. Reading scroll offsets costs about as much as the rest of the traversal,
//! so it is limited to elements that can plausibly scroll.

mod mutation;
mod snapshot;

use crate::capture::js;
use crate::capture::privacy::Privacy;
use crate::emit::Recording;
use crate::hooks::{Listener, ListenerOptions, MethodHook};
use js_sys::{Array, Object, WeakMap};
use recorder_core::event::Snapshot;
use snapshot::{Context, Reader};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{Document, MutationObserver, Node};

#[wasm_bindgen(module = "/src/capture/dom/walk.js")]
extern "C" {
    type Walker;

    #[wasm_bindgen(constructor)]
    fn new(
        ids: &WeakMap,
        block_selector: &str,
        mask_selector: &str,
        doc: &Document,
        observer: &MutationObserver,
        on_load: &js_sys::Function,
    ) -> Walker;

    #[wasm_bindgen(method)]
    fn detach(this: &Walker);

    #[wasm_bindgen(method, catch)]
    fn snapshot(this: &Walker, root: &Node, next: u32) -> Result<Option<String>, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn mutations(this: &Walker, records: &Array, next: u32) -> Result<Option<String>, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn refresh(this: &Walker, node: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(method, catch, js_name = sheetChanged)]
    fn sheet_changed(this: &Walker, sheet: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(method, getter = hasPending)]
    fn has_pending(this: &Walker) -> bool;

    #[wasm_bindgen(method, getter = nextId)]
    fn next_id(this: &Walker) -> f64;

    #[wasm_bindgen(method, getter)]
    fn specials(this: &Walker) -> Array;

    #[wasm_bindgen(method, getter)]
    fn controls(this: &Walker) -> Array;

    #[wasm_bindgen(js_name = sheetText)]
    fn sheet_text(element: &web_sys::Element) -> Option<String>;
}

/// The installed DOM capture; dropping it disconnects the observer and the hooks.
pub struct Capture {
    shared: Rc<Shared>,
    _load: Listener,
    _hooks: Vec<MethodHook>,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("dom::Capture").finish_non_exhaustive()
    }
}

struct Shared {
    recording: Weak<Recording>,
    document: Document,
    privacy: Privacy,
    observer: MutationObserver,
    walker: Walker,
    /// A batch or snapshot is being computed (nothing may start another meanwhile).
    busy: Cell<bool>,
    /// A microtask will process `refresh`.
    scheduled: Cell<bool>,
    _on_records: Closure<dyn FnMut(Array, JsValue)>,
    /// `load` inside shadow roots and frame documents (the walker's listeners call it).
    _on_load: Closure<dyn FnMut(web_sys::Event)>,
    me: Weak<Shared>,
}

impl Capture {
    /// Emits the initial snapshot and starts observing.
    pub fn install(recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        let window = web_sys::window().ok_or("tapedeck: no window")?;
        let document = window.document().ok_or("tapedeck: no document")?;
        let privacy = Privacy::new(&recording.options, &document)?;
        let mut failure = None;
        let shared = Rc::new_cyclic(|weak: &Weak<Shared>| {
            let on_records = {
                let weak = weak.clone();
                Closure::<dyn FnMut(Array, JsValue)>::new(move |records: Array, _| {
                    if let Some(shared) = weak.upgrade() {
                        shared.process(&records);
                    }
                })
            };
            let observer = MutationObserver::new(on_records.as_ref().unchecked_ref())
                .unwrap_or_else(|e| {
                    failure = Some(e);
                    // A placeholder that is never used: install fails below.
                    JsValue::UNDEFINED.unchecked_into()
                });
            let on_load = {
                let weak = weak.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                    if let (Some(shared), Some(target)) = (weak.upgrade(), event.target()) {
                        shared.on_load(target.as_ref());
                    }
                })
            };
            let walker = Walker::new(
                recording.ids.map(),
                privacy.block_selector(),
                privacy.mask_text_selector(),
                &document,
                &observer,
                on_load.as_ref().unchecked_ref(),
            );
            Shared {
                recording: Rc::downgrade(recording),
                document: document.clone(),
                privacy,
                observer,
                walker,
                busy: Cell::new(false),
                scheduled: Cell::new(false),
                _on_records: on_records,
                _on_load: on_load,
                me: weak.clone(),
            }
        });
        if let Some(error) = failure {
            return Err(error);
        }

        shared.snapshot();
        {
            let weak = Rc::downgrade(&shared);
            recording.set_barrier(Some(Box::new(move |why| {
                if let Some(shared) = weak.upgrade() {
                    shared.drain();
                }
                crate::capture::input::settle(why);
            })));
        }
        let load = {
            let weak = Rc::downgrade(&shared);
            Listener::new_with_options(
                &document,
                "load",
                ListenerOptions::run_in_capture_phase(),
                move |event| {
                    if let (Some(shared), Some(target)) = (weak.upgrade(), event.target()) {
                        shared.on_load(target.as_ref());
                    }
                },
            )
        };
        let mut hooks = Vec::new();
        // A shadow root attached after the snapshot: its host is serialized again.
        if let Some(proto) = prototype(&window, "Element") {
            let weak = Rc::downgrade(&shared);
            hooks.extend(MethodHook::install(
                &proto,
                "attachShadow",
                None,
                Some(Box::new(
                    move |host: JsValue, _, root: JsValue, threw: bool| {
                        // A closed root is not recorded: nothing changes.
                        let open = js_sys::Reflect::get(&host, &"shadowRoot".into())
                            .is_ok_and(|r| r.is_object() && js_sys::Object::is(&r, &root));
                        if let (false, true, Some(shared)) = (threw, open, weak.upgrade()) {
                            shared.refresh_later(&host);
                        }
                    },
                )),
            ));
        }
        // Rules inserted or deleted through CSSOM (CSS-in-JS libraries fill empty <style>
        // elements this way): the owner element is serialized again with its rules.
        for (class, method) in [
            ("CSSStyleSheet", "insertRule"),
            ("CSSStyleSheet", "deleteRule"),
            ("CSSStyleSheet", "addRule"),
            ("CSSStyleSheet", "removeRule"),
            ("CSSGroupingRule", "insertRule"),
            ("CSSGroupingRule", "deleteRule"),
        ] {
            let Some(proto) = prototype(&window, class) else {
                continue;
            };
            let weak = Rc::downgrade(&shared);
            let grouping = class == "CSSGroupingRule";
            hooks.extend(MethodHook::install(
                &proto,
                method,
                None,
                Some(Box::new(move |this: JsValue, _, _, threw: bool| {
                    let Some(shared) = weak.upgrade().filter(|_| !threw) else {
                        return;
                    };
                    let sheet = if grouping {
                        js_sys::Reflect::get(&this, &"parentStyleSheet".into()).unwrap_or_default()
                    } else {
                        this
                    };
                    if shared.walker.sheet_changed(&sheet).unwrap_or(false) {
                        shared.schedule();
                    }
                })),
            ));
        }
        Ok(Capture {
            shared,
            _load: load,
            _hooks: hooks,
        })
    }

    /// Emits a fresh full snapshot (new ids for every node).
    pub fn snapshot(&self) {
        self.shared.snapshot();
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.shared.observer.disconnect();
        self.shared.walker.detach();
        if let Some(recording) = self.shared.recording.upgrade() {
            recording.set_barrier(None);
        }
    }
}

/// `window[class].prototype`.
fn prototype(window: &web_sys::Window, class: &str) -> Option<Object> {
    let constructor = js_sys::Reflect::get(window, &class.into()).ok()?;
    js_sys::Reflect::get(&constructor, &"prototype".into())
        .ok()?
        .dyn_into()
        .ok()
}

impl Shared {
    /// Serializes the whole document. Pending records are superseded by it.
    fn snapshot(&self) {
        let Some(recording) = self.recording.upgrade() else {
            return;
        };
        if recording.is_stopped() || self.busy.replace(true) {
            return;
        }
        // Pending records and refreshes are superseded (the walker drops its refreshes).
        let _ = self.observer.take_records();
        let first_id = recording.ids.peek_next();
        let result = self.walker.snapshot(&self.document, first_id);
        recording.ids.set_next(self.walker.next_id() as u32);
        if let Ok(Some(text)) = result {
            let specials = self.walker.specials();
            let mut reader = Reader::new(&text, self.context(&recording, &specials));
            let mut nodes = Vec::new();
            if reader.subtree(&mut nodes).is_ok() {
                recording.emit_dom(Snapshot { first_id, nodes }.into());
            }
        }
        self.busy.set(false);
    }

    fn context<'a>(&'a self, recording: &'a Recording, specials: &'a Array) -> Context<'a> {
        Context {
            privacy: &self.privacy,
            ids: &recording.ids,
            specials,
        }
    }

    /// Emits whatever the observer has pending (the barrier).
    fn drain(&self) {
        if self.busy.get() {
            return;
        }
        let records = self.observer.take_records();
        self.process(&records);
    }

    /// Turns one batch of records (plus pending re-serializations) into a mutation event.
    fn process(&self, records: &Array) {
        let Some(recording) = self.recording.upgrade() else {
            return;
        };
        if recording.is_stopped() {
            return;
        }
        if records.length() == 0 && !self.walker.has_pending() {
            return;
        }
        if self.busy.replace(true) {
            return;
        }
        let result = self.walker.mutations(records, recording.ids.peek_next());
        recording.ids.set_next(self.walker.next_id() as u32);
        let batch = match result {
            Ok(Some(text)) => {
                let specials = self.walker.specials();
                let mut reader = Reader::new(&text, self.context(&recording, &specials));
                mutation::read(&mut reader).ok()
            }
            _ => None,
        };
        self.busy.set(false);
        match batch {
            Some(batch) if batch.is_empty() => {}
            Some(batch) => recording.emit_dom(batch.into()),
            // The replayer's tree can no longer be trusted to match ids: start over.
            None => self.snapshot(),
        }
        // A control whose default changed (a `checked` or `selected` attribute, a
        // textarea's text) may have a new current state without any event: recorded now.
        for control in self.walker.controls().iter() {
            crate::capture::input::control_changed(&control);
        }
    }

    /// A resource loaded: an iframe's new document, or a stylesheet now readable.
    fn on_load(&self, target: &JsValue) {
        let Some(recording) = self.recording.upgrade() else {
            return;
        };
        if recording.ids.get(target).is_none() {
            return;
        }
        let node: &Node = target.unchecked_ref();
        if node.node_type() != Node::ELEMENT_NODE {
            return;
        }
        let element: &web_sys::Element = target.unchecked_ref();
        let reload = match element.local_name().as_str() {
            "iframe" => true,
            "link" => element.get_attribute("rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("stylesheet"))
            }),
            _ => false,
        };
        if reload {
            let _ = self.walker.refresh(target);
            self.drain();
        }
    }

    /// Re-serializes `node` with the next batch, at the latest in a microtask.
    fn refresh_later(&self, node: &JsValue) {
        let _ = self.walker.refresh(node);
        self.schedule();
    }

    /// Processes pending refreshes in a microtask (a batch may come sooner). The callback
    /// owns itself and holds only a weak reference: it may run after `stop()`.
    fn schedule(&self) {
        if !self.scheduled.replace(true) {
            let weak = self.me.clone();
            let queued = js::queue_microtask(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.scheduled.set(false);
                    shared.drain();
                }
            });
            if !queued {
                self.scheduled.set(false);
                self.drain();
            }
        }
    }
}
