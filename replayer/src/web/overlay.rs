//! The player's own DOM: the stage that holds the sandboxed iframe at the recorded
//! viewport size, scaled to fit the container, and the overlays above it (cursor, click
//! ripples).
//!
//! ```text
//! root (the caller's element)
//! └─ div.tapedeck-player            the player; its open shadow root isolates the styles
//!    └─ #shadow-root
//!       ├─ <style>
//!       └─ div.tapedeck-stage       recorded viewport size, transform: translate + scale
//!          ├─ iframe[sandbox=allow-same-origin]   the recorded page (no pointer events)
//!          └─ div.tapedeck-overlay  same coordinates as the recorded viewport
//!             ├─ div.tapedeck-cursor
//!             └─ div.tapedeck-click …              one per recent click, removed after it fades
//! ```
//!
//! Overlays live in the player's DOM, not in the recorded document, so they neither change
//! what is replayed nor show up in `r.document`. Dropping the [`Stage`] removes all of it.

use super::sanitize::IFRAME_SANDBOX;
use recorder_core::event::Size;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlIFrameElement, ShadowRootInit, ShadowRootMode};

/// The viewport assumed until the recording gives one.
pub(crate) const DEFAULT_VIEWPORT: Size = Size {
    width: 1280,
    height: 720,
};

/// How long a click ripple stays, ms (the CSS animation is a little shorter).
const RIPPLE_MS: i32 = 700;
/// At most this many ripples at once (a fast replay of a click storm stays readable).
const MAX_RIPPLES: u32 = 12;

const PLAYER_CSS: &str = "\
:host{display:block;position:relative;overflow:hidden;width:100%;height:100%;background:#f4f4f5}\
.tapedeck-stage{position:absolute;left:0;top:0;transform-origin:0 0}\
.tapedeck-stage>iframe{display:block;width:100%;height:100%;border:0;background:#fff;pointer-events:none}\
.tapedeck-overlay{position:absolute;inset:0;pointer-events:none;overflow:hidden}\
.tapedeck-cursor{position:absolute;left:0;top:0;width:20px;height:20px;display:none;will-change:transform}\
.tapedeck-click{position:absolute;width:36px;height:36px;margin:-18px 0 0 -18px;border-radius:50%;\
background:rgba(239,68,68,.45);animation:tapedeck-ripple .6s ease-out forwards}\
@keyframes tapedeck-ripple{from{transform:scale(.2);opacity:1}to{transform:scale(1.5);opacity:0}}";

/// The cursor: an arrow drawn by the player (a constant, never recorded content).
const CURSOR_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\" \
viewBox=\"0 0 20 20\"><path d=\"M3 1.5v15l4-3.8 2.7 6 2.6-1.1-2.6-5.9h5.6z\" fill=\"#111\" \
stroke=\"#fff\" stroke-width=\"1.3\" stroke-linejoin=\"round\"/></svg>";

/// The stage and its overlays. See the [module docs](self).
pub(crate) struct Stage {
    player: HtmlElement,
    stage: HtmlElement,
    iframe: HtmlIFrameElement,
    overlay: HtmlElement,
    cursor: HtmlElement,
    viewport: Size,
    /// Whether the container has no height of its own, so the player sets its height from
    /// the width (decided at the first layout with a width).
    auto_height: Option<bool>,
    show_cursor: bool,
    show_clicks: bool,
    cursor_at: Option<(f64, f64)>,
    scale: f64,
}

impl Stage {
    /// Builds the player inside `root`.
    pub(crate) fn new(
        root: &Element,
        show_cursor: bool,
        show_clicks: bool,
    ) -> Result<Stage, JsValue> {
        let doc = root
            .owner_document()
            .ok_or_else(|| JsValue::from_str("root is not in a document"))?;
        let player = div(&doc, "tapedeck-player")?;
        let shadow = player.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        let style = doc.create_element("style")?;
        style.set_text_content(Some(PLAYER_CSS));
        shadow.append_child(&style)?;
        let stage = div(&doc, "tapedeck-stage")?;
        let iframe: HtmlIFrameElement = doc.create_element("iframe")?.unchecked_into();
        // Before it is in the document: the iframe never exists unsandboxed.
        iframe.set_attribute("sandbox", IFRAME_SANDBOX)?;
        iframe.set_attribute("title", "Recorded page")?;
        iframe.set_attribute("tabindex", "-1")?;
        let overlay = div(&doc, "tapedeck-overlay")?;
        let cursor = div(&doc, "tapedeck-cursor")?;
        cursor.set_inner_html(CURSOR_SVG);
        overlay.append_child(&cursor)?;
        stage.append_child(&iframe)?;
        stage.append_child(&overlay)?;
        shadow.append_child(&stage)?;
        root.append_child(&player)?;
        if iframe.content_document().is_none() {
            player.remove();
            return Err(JsValue::from_str(
                "options.root must be in the document, for the player's iframe to get one",
            ));
        }
        let mut this = Stage {
            player,
            stage,
            iframe,
            overlay,
            cursor,
            viewport: DEFAULT_VIEWPORT,
            auto_height: None,
            show_cursor,
            show_clicks,
            cursor_at: None,
            scale: 1.0,
        };
        this.layout();
        Ok(this)
    }

    /// The sandboxed iframe.
    pub(crate) fn iframe(&self) -> &HtmlIFrameElement {
        &self.iframe
    }

    /// The recorded viewport size shown.
    pub(crate) fn viewport(&self) -> Size {
        self.viewport
    }

    /// The scale from recorded CSS pixels to the container's.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    /// Shows a viewport of `size` (recorded CSS pixels).
    pub(crate) fn set_viewport(&mut self, size: Size) {
        let size = Size {
            width: size.width.clamp(1, 100_000),
            height: size.height.clamp(1, 100_000),
        };
        if size != self.viewport {
            self.viewport = size;
            self.layout();
        }
    }

    /// Fits the stage into the container: scaled to fit, centred.
    pub(crate) fn layout(&mut self) {
        let width = f64::from(self.player.client_width());
        let mut height = f64::from(self.player.client_height());
        let (vw, vh) = (
            f64::from(self.viewport.width),
            f64::from(self.viewport.height),
        );
        let style = self.stage.style();
        let _ = style.set_property("width", &format!("{vw}px"));
        let _ = style.set_property("height", &format!("{vh}px"));
        if width <= 0.0 {
            // Not displayed (yet): unscaled; the resize observer lays out again.
            return;
        }
        let auto = *self.auto_height.get_or_insert(height <= 0.0);
        let scale = if auto {
            width / vw
        } else {
            (width / vw).min(height / vh)
        };
        if auto {
            height = (vh * scale).round();
            let _ = self
                .player
                .style()
                .set_property("height", &format!("{height}px"));
        }
        let left = ((width - vw * scale) / 2.0).max(0.0);
        let top = ((height - vh * scale) / 2.0).max(0.0);
        self.scale = scale;
        let _ = style.set_property(
            "transform",
            &format!("translate({left}px,{top}px) scale({scale})"),
        );
    }

    /// Moves the cursor to `at` (recorded viewport coordinates), or hides it.
    pub(crate) fn cursor(&mut self, at: Option<(f64, f64)>) {
        let at = at.filter(|_| self.show_cursor);
        if at == self.cursor_at {
            return;
        }
        self.cursor_at = at;
        let style = self.cursor.style();
        match at {
            Some((x, y)) => {
                let _ = style.set_property("display", "block");
                let _ = style.set_property("transform", &format!("translate({x}px,{y}px)"));
            }
            None => {
                let _ = style.set_property("display", "none");
            }
        }
    }

    /// The cursor position shown, if any.
    pub(crate) fn cursor_at(&self) -> Option<(f64, f64)> {
        self.cursor_at
    }

    /// Shows a ripple at a click position.
    pub(crate) fn ripple(&self, x: f64, y: f64) {
        if !self.show_clicks || self.overlay.child_element_count() > MAX_RIPPLES {
            return;
        }
        let Some(doc) = self.overlay.owner_document() else {
            return;
        };
        let Ok(ripple) = div(&doc, "tapedeck-click") else {
            return;
        };
        let style = ripple.style();
        let _ = style.set_property("left", &format!("{x}px"));
        let _ = style.set_property("top", &format!("{y}px"));
        if self.overlay.append_child(&ripple).is_err() {
            return;
        }
        let remove = Closure::once_into_js(move || ripple.remove());
        if let Some(window) = doc.default_view() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                remove.unchecked_ref(),
                RIPPLE_MS,
            );
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.player.remove();
    }
}

fn div(doc: &Document, class: &str) -> Result<HtmlElement, JsValue> {
    let el: HtmlElement = doc.create_element("div")?.unchecked_into();
    el.set_class_name(class);
    Ok(el)
}
