//! RAII hooks: every way the recorder attaches to the page is a value whose drop detaches
//! it. Stopping a recording is dropping it, so "stop restores every wrapped function" is
//! true by construction.
//!
//! - [`Listener`] — an event listener (gloo's `EventListener`), removed on drop.
//! - [`MethodHook`] — wraps a method such as `console.log`, `window.fetch` or
//!   `XMLHttpRequest.prototype.send`; restored on drop.
//! - [`SetterHook`] — observes a property setter such as `HTMLInputElement.prototype.value`.
//!
//! The wrappers themselves live in `glue.js`: they call the original with the page's own
//! `this`, arguments and exceptions, and swallow any failure of ours.

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;

pub use gloo_events::{EventListener as Listener, EventListenerOptions as ListenerOptions};

#[wasm_bindgen(module = "/src/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = wrapMethod)]
    fn wrap_method(
        target: &Object,
        name: &str,
        before: Option<&Function>,
        after: Option<&Function>,
    ) -> JsValue;
    #[wasm_bindgen(js_name = hookSetter)]
    fn hook_setter(proto: &Object, name: &str, after: &Function) -> JsValue;
}

/// Called before the original with `(this, arguments)`; may return replacement arguments
/// as an `Array`, or `undefined` to keep them.
pub type BeforeCall = dyn FnMut(JsValue, Array) -> JsValue;
/// Called after the original with `(this, arguments, result or exception, threw)`.
pub type AfterCall = dyn FnMut(JsValue, Array, JsValue, bool);
/// Like [`AfterCall`], but returns a replacement result (`undefined` keeps the original);
/// ignored when the original threw. Used to hand the page a promise chained on the
/// original one (see [`MethodHook::install_replacing`]).
pub type AfterCallReplacing = dyn FnMut(JsValue, Array, JsValue, bool) -> JsValue;

/// A wrapped method; dropping it restores the original (or makes the wrapper a
/// pass-through when the page has wrapped it again since).
#[must_use = "dropping a MethodHook unhooks it immediately"]
pub struct MethodHook {
    unhook: Function,
    _before: Option<Closure<BeforeCall>>,
    _after: Option<Closure<AfterCall>>,
    _after_replacing: Option<Closure<AfterCallReplacing>>,
}

impl MethodHook {
    /// Wraps `target[name]`. Returns `None` when it is not a function (an old browser, or a
    /// page that replaced it with something else): the hook is then simply absent.
    pub fn install(
        target: &Object,
        name: &str,
        before: Option<Box<BeforeCall>>,
        after: Option<Box<AfterCall>>,
    ) -> Option<MethodHook> {
        let before = before.map(Closure::wrap);
        let after = after.map(Closure::wrap);
        let unhook = wrap_method(
            target,
            name,
            before.as_ref().map(|c| c.as_ref().unchecked_ref()),
            after.as_ref().map(|c| c.as_ref().unchecked_ref()),
        );
        let unhook = unhook.dyn_into::<Function>().ok()?;
        Some(MethodHook {
            unhook,
            _before: before,
            _after: after,
            _after_replacing: None,
        })
    }

    /// Like [`install`](Self::install), but `after` may replace the result the caller
    /// receives (never an exception: a throwing original is re-thrown as is).
    pub fn install_replacing(
        target: &Object,
        name: &str,
        before: Option<Box<BeforeCall>>,
        after: Box<AfterCallReplacing>,
    ) -> Option<MethodHook> {
        let before = before.map(Closure::wrap);
        let after = Closure::wrap(after);
        let unhook = wrap_method(
            target,
            name,
            before.as_ref().map(|c| c.as_ref().unchecked_ref()),
            Some(after.as_ref().unchecked_ref()),
        );
        let unhook = unhook.dyn_into::<Function>().ok()?;
        Some(MethodHook {
            unhook,
            _before: before,
            _after: None,
            _after_replacing: Some(after),
        })
    }
}

impl Drop for MethodHook {
    fn drop(&mut self) {
        // Deactivate before the closures are freed, so the wrapper never calls a freed closure.
        let _ = self.unhook.call0(&JsValue::UNDEFINED);
    }
}

impl std::fmt::Debug for MethodHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MethodHook")
    }
}

/// An observed property setter; dropping it restores the original descriptor.
#[must_use = "dropping a SetterHook unhooks it immediately"]
pub struct SetterHook {
    unhook: Function,
    _after: Closure<dyn FnMut(JsValue, JsValue)>,
}

impl SetterHook {
    /// Calls `after(element, value)` after each set of `proto[name]`. `None` when `name` is
    /// not a configurable accessor on `proto`.
    pub fn install(
        proto: &Object,
        name: &str,
        after: Box<dyn FnMut(JsValue, JsValue)>,
    ) -> Option<SetterHook> {
        let after = Closure::wrap(after);
        let unhook = hook_setter(proto, name, after.as_ref().unchecked_ref());
        let unhook = unhook.dyn_into::<Function>().ok()?;
        Some(SetterHook {
            unhook,
            _after: after,
        })
    }
}

impl Drop for SetterHook {
    fn drop(&mut self) {
        let _ = self.unhook.call0(&JsValue::UNDEFINED);
    }
}

impl std::fmt::Debug for SetterHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetterHook")
    }
}
