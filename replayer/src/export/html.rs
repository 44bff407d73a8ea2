//! The page at a moment as a standalone HTML document that is safe to open.
//!
//! Recorded content is untrusted: a page can hold anything its scripts wrote, including
//! markup meant to run in whoever opens the export. [`Dom::to_html`] writes what was
//! recorded (to be rendered sandboxed); this module first rebuilds a cleaned copy of the
//! DOM and serializes that. Removed or rewritten:
//! - `<script>` (any namespace) and `<noscript>` (it was not shown: the page ran scripts);
//! - inline event handlers: every attribute whose name starts with `on`;
//! - `javascript:` and `vbscript:` URLs in any attribute (tabs and newlines removed and
//!   leading spaces trimmed first, as URL parsing does) become `about:blank`;
//! - SVG animations that target `href` (`<set attributeName="href" to="javascript:…">`);
//! - `srcdoc` attributes (a recorded iframe document is written from the cleaned DOM
//!   instead), and every `<iframe>` gets `sandbox=""` so a live page it loads cannot run;
//! - `<meta http-equiv>` (refresh, cookies, a page's own policy) and `<meta charset>`
//!   (the export is UTF-8), `<base>` (replaced, below);
//! - comments (invisible, and their text is written raw); CDATA becomes text;
//! - raw text that could end its element: `<` in `<style>` text and inlined stylesheets is
//!   written as the CSS escape `\3c ` (same meaning in CSS, no markup possible even where a
//!   parser would not treat the element as raw text); text inside `<iframe>`, `<noembed>`
//!   and `<noframes>` (never rendered) is dropped; `<xmp>` and `<plaintext>` become `<pre>`;
//! - a doctype keeps only a plain name and identifiers without quotes or `>`.
//!
//! Added at the start of `<head>`: `<meta charset="utf-8">`, a Content-Security-Policy
//! (`script-src 'none'; object-src 'none'; form-action 'none'`) as a second line of
//! defence, a `<base href>` with the page URL at that moment (or the page's own absolute
//! `<base>`), so relative links, images and stylesheets resolve against the recorded
//! site, and a comment saying what the file is. Resources that were not inlined (images,
//! cross-origin stylesheets) therefore load from that site when the file is opened.

use super::format_offset;
use crate::Timeline;
use recorder_core::dom::{Dom, DomError, NodeData, NodeRef};
use recorder_core::event::{
    Attr, Container, Doctype, Element, EventData, Namespace, SnapNode, Snapshot,
};

/// Why an export failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// The cleaned copy of the DOM could not be rebuilt (a bug: please report it).
    #[error("cannot rebuild the cleaned DOM: {0}")]
    Rebuild(#[from] DomError),
}

impl Timeline {
    /// The DOM at `t` as a standalone HTML document, safe to open (see the
    /// [module docs](self) for what is removed and added).
    pub fn html_at(&self, t: u64) -> Result<String, ExportError> {
        let count = self.index_at(t).map_or(0, |i| i + 1);
        let url = self.events()[..count]
            .iter()
            .rev()
            .find_map(|e| match &e.data {
                EventData::Meta(m) if !m.url.is_empty() => Some(m.url.as_str()),
                EventData::Navigation(n) if !n.url.is_empty() => Some(n.url.as_str()),
                _ => None,
            });
        let note = format!(
            "Tapedeck export: the recorded page at {}. Scripts, event handlers and javascript: URLs were removed.",
            format_offset(t.min(self.duration()))
        );
        standalone_html(&self.dom_at(t), url, &note)
    }
}

/// `dom` as a standalone, cleaned HTML document (see the [module docs](self)), with
/// relative URLs resolved against `url` and `note` as a comment in `<head>`.
pub fn standalone_html(dom: &Dom, url: Option<&str>, note: &str) -> Result<String, ExportError> {
    let base = page_base(dom)
        .or_else(|| url.filter(|u| is_web_url(u)).map(str::to_owned))
        .map(|u| u.replace(['\t', '\n', '\r'], ""));
    let mut extras: Vec<Vec<SnapNode>> = vec![
        vec![element("meta", vec![Attr::new("charset", "utf-8")], 0)],
        vec![element(
            "meta",
            vec![
                Attr::new("http-equiv", "Content-Security-Policy"),
                Attr::new(
                    "content",
                    "script-src 'none'; object-src 'none'; form-action 'none'",
                ),
            ],
            0,
        )],
    ];
    if let Some(base) = base {
        extras.push(vec![element("base", vec![Attr::new("href", base)], 0)]);
    }
    extras.push(vec![SnapNode::Comment(format!(" {} ", comment_safe(note)))]);

    let mut out = Emitter {
        nodes: Vec::with_capacity(dom.len() + 8),
        extras,
        inject: Inject::Nowhere,
    };
    let html_el = dom
        .root()
        .filter(|r| matches!(r.data(), NodeData::Document))
        .and_then(|doc| {
            doc.children().find(|c| {
                c.element()
                    .is_some_and(|e| is_html(e.namespace, &e.tag, "html"))
            })
        });
    match (dom.root(), html_el) {
        (Some(root), Some(html_el)) => {
            let head = html_el.children().find(|c| {
                c.element()
                    .is_some_and(|e| is_html(e.namespace, &e.tag, "head"))
            });
            out.inject = match head {
                Some(head) => Inject::Into(head.id()),
                None => Inject::NewHeadIn(html_el.id()),
            };
            out.subtree(root);
        }
        (root, _) => {
            // No `<html>` element (an XML document, a fragment, nothing recorded yet):
            // wrap what there is in a regular document.
            let content: Vec<NodeRef<'_>> = match root {
                Some(r) if matches!(r.data(), NodeData::Document) => r
                    .children()
                    .filter(|c| keep(*c) && !matches!(c.data(), NodeData::Doctype(_)))
                    .collect(),
                Some(r) => vec![r],
                None => Vec::new(),
            };
            let extras = std::mem::take(&mut out.extras);
            out.nodes
                .push(SnapNode::Document(Container { children: 2 }));
            out.nodes.push(SnapNode::Doctype(Doctype {
                name: "html".into(),
                ..Doctype::default()
            }));
            out.nodes.push(element("html", Vec::new(), 2));
            out.nodes
                .push(element("head", Vec::new(), extras.len() as u32));
            out.nodes.extend(extras.into_iter().flatten());
            out.nodes
                .push(element("body", Vec::new(), content.len() as u32));
            for node in content {
                out.subtree(node);
            }
        }
    }
    let clean = Dom::from_snapshot(&Snapshot {
        first_id: 1,
        nodes: out.nodes,
    })?;
    Ok(clean.to_html())
}

/// Where the added `<head>` content goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inject {
    /// First children of this `<head>`.
    Into(u32),
    /// A new `<head>`, first child of this `<html>`.
    NewHeadIn(u32),
    /// Already placed (or not wanted).
    Nowhere,
}

/// Writes the cleaned nodes in pre-order, as a snapshot.
struct Emitter {
    nodes: Vec<SnapNode>,
    extras: Vec<Vec<SnapNode>>,
    inject: Inject,
}

impl Emitter {
    /// Appends the cleaned subtree of `top` (which must be kept), without recursion.
    fn subtree(&mut self, top: NodeRef<'_>) {
        let mut cur = Some(top);
        while let Some(node) = cur {
            let kept = keep(node);
            if kept {
                let mut children = node.children().filter(|c| keep(*c)).count() as u32;
                let inject = self.inject;
                match inject {
                    Inject::Into(id) if id == node.id() => {
                        children += self.extras.len() as u32;
                    }
                    Inject::NewHeadIn(id) if id == node.id() => children += 1,
                    _ => {}
                }
                self.nodes.push(clean(node, children));
                match inject {
                    Inject::Into(id) if id == node.id() => {
                        self.nodes
                            .extend(std::mem::take(&mut self.extras).into_iter().flatten());
                        self.inject = Inject::Nowhere;
                    }
                    Inject::NewHeadIn(id) if id == node.id() => {
                        let extras = std::mem::take(&mut self.extras);
                        self.nodes
                            .push(element("head", Vec::new(), extras.len() as u32));
                        self.nodes.extend(extras.into_iter().flatten());
                        self.inject = Inject::Nowhere;
                    }
                    _ => {}
                }
            }
            cur = kept
                .then(|| node.first_child())
                .flatten()
                .or_else(|| next_skipping_children(node, top));
        }
    }
}

/// The node after `node`'s subtree in pre-order, within `top`.
fn next_skipping_children<'a>(node: NodeRef<'a>, top: NodeRef<'a>) -> Option<NodeRef<'a>> {
    let mut cur = node;
    loop {
        if cur.id() == top.id() {
            return None;
        }
        if let Some(next) = cur.next_sibling() {
            return Some(next);
        }
        cur = cur.parent()?;
    }
}

/// An HTML element with `attrs` announcing `children` children.
fn element(tag: &str, attrs: Vec<Attr>, children: u32) -> SnapNode {
    SnapNode::Element(Element {
        tag: tag.into(),
        attrs,
        children,
        ..Element::default()
    })
}

fn is_html(ns: Namespace, tag: &str, name: &str) -> bool {
    ns == Namespace::Html && tag.eq_ignore_ascii_case(name)
}

/// Whether a node survives cleaning (its subtree goes with it).
fn keep(node: NodeRef<'_>) -> bool {
    match node.data() {
        NodeData::Comment(_) => false,
        NodeData::Text(_) | NodeData::CData(_) => !node.parent().is_some_and(|p| {
            p.element().is_some_and(|e| {
                e.namespace == Namespace::Html
                    && ["iframe", "noembed", "noframes"].contains(&e.tag.as_str())
            })
        }),
        NodeData::Element(e) => {
            let html = e.namespace == Namespace::Html;
            let tag = e.tag.to_ascii_lowercase();
            let animation = matches!(
                tag.as_str(),
                "animate" | "set" | "animatemotion" | "animatetransform" | "animatecolor"
            );
            !(tag == "script"
                || (html && matches!(tag.as_str(), "noscript" | "base"))
                || (html
                    && tag == "meta"
                    && e.attrs.iter().any(|a| {
                        a.name.eq_ignore_ascii_case("http-equiv")
                            || a.name.eq_ignore_ascii_case("charset")
                    }))
                || (!html
                    && animation
                    && e.attrs.iter().any(|a| {
                        a.name.eq_ignore_ascii_case("attributename")
                            && matches!(
                                a.value.trim().to_ascii_lowercase().as_str(),
                                "href" | "xlink:href"
                            )
                    })))
        }
        NodeData::Document | NodeData::ShadowRoot | NodeData::Doctype(_) => true,
    }
}

/// The cleaned copy of a kept node, announcing `children` children.
fn clean(node: NodeRef<'_>, children: u32) -> SnapNode {
    match node.data() {
        NodeData::Element(e) => {
            let html = e.namespace == Namespace::Html;
            let lower = e.tag.to_ascii_lowercase();
            let tag = if html && matches!(lower.as_str(), "xmp" | "plaintext") {
                "pre".to_owned()
            } else {
                e.tag.clone()
            };
            let iframe = html && lower == "iframe";
            let mut attrs: Vec<Attr> = e
                .attrs
                .iter()
                .filter(|a| {
                    let name = a.name.to_ascii_lowercase();
                    !(name.starts_with("on") || name == "srcdoc" || (iframe && name == "sandbox"))
                })
                .map(|a| {
                    if is_script_url(&a.value) {
                        Attr::new(&*a.name, "about:blank")
                    } else {
                        a.clone()
                    }
                })
                .collect();
            if iframe {
                attrs.push(Attr::new("sandbox", ""));
            }
            let state = e.state.clone().map(|mut s| {
                if let Some(css) = &mut s.css {
                    *css = css.replace('<', "\\3c ");
                }
                s
            });
            SnapNode::Element(Element {
                tag,
                namespace: e.namespace,
                attrs,
                children,
                state,
            })
        }
        NodeData::Text(t) | NodeData::CData(t) => {
            let in_style = node.parent().is_some_and(|p| {
                p.element()
                    .is_some_and(|e| e.namespace == Namespace::Html && e.tag == "style")
            });
            SnapNode::Text(if in_style {
                t.replace('<', "\\3c ")
            } else {
                t.clone()
            })
        }
        NodeData::Doctype(d) => {
            let plain = |s: &str| s.replace(['"', '\'', '<', '>'], "");
            let name_ok = !d.name.is_empty()
                && d.name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            SnapNode::Doctype(Doctype {
                name: if name_ok {
                    d.name.clone()
                } else {
                    "html".into()
                },
                public_id: plain(&d.public_id),
                system_id: plain(&d.system_id),
            })
        }
        other => other.to_snap(children),
    }
}

/// Whether a URL would run script when followed (after the normalization URL parsing
/// applies: ASCII tab and newlines removed, leading C0 controls and spaces trimmed).
fn is_script_url(value: &str) -> bool {
    let normalized: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    normalized.starts_with("javascript:") || normalized.starts_with("vbscript:")
}

/// `http`, `https` or `file` URLs: what a `<base>` may point to.
fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "file://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// The page's own `<base href>` when it is an absolute web URL (the first one counts,
/// as in browsers).
fn page_base(dom: &Dom) -> Option<String> {
    let base = dom.iter().find(|n| {
        n.element()
            .is_some_and(|e| is_html(e.namespace, &e.tag, "base") && e.attr("href").is_some())
    })?;
    base.attr("href")
        .map(str::trim)
        .filter(|h| is_web_url(h))
        .map(str::to_owned)
}

/// Text that cannot end or confuse a comment: no `--`, no `>`, no `<!`.
fn comment_safe(text: &str) -> String {
    let mut out = text.replace(['<', '>'], "");
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out
}
