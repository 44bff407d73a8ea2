//! Shared by the browser tests: start a recording with a collecting sink, decode its frames
//! with recorder-core, and a small independent mirror that applies snapshots and mutation
//! batches strictly (an unknown id, a `before` that is not a child of `parent`, a reused id
//! are errors) and rebuilds real DOM nodes, so a test can compare the browser's own
//! serialization of the rebuilt tree with the live one.
//!
//! (To be replaced by `recorder_core::Dom` once it is merged.)
#![allow(dead_code)]

use js_sys::{Array, Function, Reflect, Uint8Array};
use recorder_core::event::{Event, EventData, MutationBatch, NodeId, SnapNode, Snapshot};
use recorder_wasm::Recorder;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

/// Runs JavaScript in the page (test setup and DOM churn).
pub fn js(code: &str) -> JsValue {
    Function::new_no_args(code)
        .call0(&JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("test script failed: {e:?}\n{code}"))
}

pub fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Replaces the fixture container's content (creating it at the end of `<body>`).
pub fn fixture(html: &str) -> Element {
    let doc = document();
    let fixture = match doc.get_element_by_id("fixture") {
        Some(f) => f,
        None => {
            let f = doc.create_element("div").unwrap();
            f.set_id("fixture");
            doc.body().unwrap().append_child(&f).unwrap();
            f
        }
    };
    fixture.set_inner_html(html);
    fixture
}

thread_local! {
    /// The recording of the running test. A test that fails leaves its recording running;
    /// the next one stops it first, so one failure does not fail every later test.
    static RUNNING: std::cell::RefCell<Option<Recorder>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with the running test recording.
pub fn with_recorder<R>(f: impl FnOnce(&Recorder) -> R) -> R {
    RUNNING.with(|r| f(r.borrow().as_ref().expect("a running recording")))
}

/// A recording whose frames are collected in memory.
pub struct Session {
    frames: Array,
}

impl Session {
    /// Starts recording with `options` (a JS object literal, without `onFrame`).
    pub fn start(options: &str) -> Session {
        if let Some(mut leftover) = RUNNING.with(|r| r.borrow_mut().take()) {
            let _ = leftover.stop();
        }
        let options = js(&format!(
            "return ({});",
            if options.is_empty() { "{}" } else { options }
        ));
        let frames = Array::new();
        let sink = Function::new_with_args("frame", "this.push(frame.slice())").bind0(&frames);
        Reflect::set(&options, &"onFrame".into(), &sink).unwrap();
        let recorder = Recorder::start(options).expect("recording starts");
        RUNNING.with(|r| *r.borrow_mut() = Some(recorder));
        Session { frames }
    }

    /// Flushes, then decodes every frame delivered so far. (`onFrame` receives the frames
    /// synchronously inside `flush()`; its promise only tracks endpoint delivery.)
    pub fn events(&self) -> Vec<Event> {
        RUNNING.with(|r| {
            let _ = r.borrow().as_ref().expect("recording").flush();
        });
        let mut events = Vec::new();
        for frame in self.frames.iter() {
            let bytes = frame.dyn_into::<Uint8Array>().unwrap().to_vec();
            let frame = recorder_core::frame::decode(&bytes).expect("frame decodes");
            events.extend(frame.events);
        }
        events
    }

    /// The raw bytes of every frame so far.
    pub fn raw_frames(&self) -> Vec<Vec<u8>> {
        self.frames
            .iter()
            .map(|f| f.dyn_into::<Uint8Array>().unwrap().to_vec())
            .collect()
    }

    /// Stops the recording (which flushes) and decodes every frame.
    pub fn stop(self) -> Vec<Event> {
        let recorder = RUNNING.with(|r| r.borrow_mut().take());
        let _ = recorder.expect("recording").stop();
        let mut events = Vec::new();
        for frame in self.frames.iter() {
            let bytes = frame.dyn_into::<Uint8Array>().unwrap().to_vec();
            events.extend(recorder_core::frame::decode(&bytes).unwrap().events);
        }
        events
    }
}

pub fn snapshots(events: &[Event]) -> Vec<&Snapshot> {
    events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Snapshot(s) => Some(s),
            _ => None,
        })
        .collect()
}

pub fn batches(events: &[Event]) -> Vec<&MutationBatch> {
    events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Mutation(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct MNode {
    pub data: SnapNode,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
}

/// The test's independent model of the recorded tree.
#[derive(Debug, Default)]
pub struct Mirror {
    pub nodes: HashMap<NodeId, MNode>,
    pub root: Option<NodeId>,
}

impl Mirror {
    /// Applies every DOM event in order.
    pub fn from_events(events: &[Event]) -> Mirror {
        let mut mirror = Mirror::default();
        for (i, event) in events.iter().enumerate() {
            mirror
                .apply(&event.data)
                .unwrap_or_else(|e| panic!("event {i} does not apply: {e}\n{:?}", event.data));
        }
        mirror
    }

    pub fn apply(&mut self, data: &EventData) -> Result<(), String> {
        match data {
            EventData::Snapshot(s) => {
                self.nodes.clear();
                let (root, used) = self.build(s.first_id, &s.nodes, None)?;
                if used != s.nodes.len() {
                    return Err(format!("snapshot has {} extra nodes", s.nodes.len() - used));
                }
                self.root = Some(root);
                Ok(())
            }
            EventData::Mutation(batch) => self.apply_batch(batch),
            _ => Ok(()),
        }
    }

    /// Reads exactly one subtree from the start of `nodes`; returns its root and length.
    fn build(
        &mut self,
        first_id: NodeId,
        nodes: &[SnapNode],
        parent: Option<NodeId>,
    ) -> Result<(NodeId, usize), String> {
        let mut stack: Vec<(NodeId, u32)> = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            let id = first_id + i as NodeId;
            if self.nodes.contains_key(&id) {
                return Err(format!("id {id} reused"));
            }
            let parent_id = if i == 0 {
                parent
            } else {
                let (p, remaining) = stack.last_mut().ok_or("nodes after the subtree")?;
                *remaining -= 1;
                Some(*p)
            };
            if let Some(p) = parent_id {
                self.nodes
                    .get_mut(&p)
                    .ok_or(format!("parent {p} unknown"))?
                    .children
                    .push(id);
            }
            self.nodes.insert(
                id,
                MNode {
                    data: node.clone(),
                    parent: parent_id,
                    children: Vec::new(),
                },
            );
            if node.child_count() > 0 {
                stack.push((id, node.child_count()));
            }
            while stack.last().is_some_and(|(_, r)| *r == 0) {
                stack.pop();
            }
            if stack.is_empty() {
                return Ok((first_id, i + 1));
            }
        }
        Err("subtree ends early".into())
    }

    fn apply_batch(&mut self, batch: &MutationBatch) -> Result<(), String> {
        for &id in &batch.removes {
            let parent = self
                .nodes
                .get(&id)
                .ok_or(format!("remove of unknown {id}"))?
                .parent
                .ok_or(format!("remove of root {id}"))?;
            self.nodes
                .get_mut(&parent)
                .unwrap()
                .children
                .retain(|c| *c != id);
            self.drop_subtree(id);
        }
        for add in &batch.adds {
            if !self.nodes.contains_key(&add.parent) {
                return Err(format!("add under unknown parent {}", add.parent));
            }
            let index = match add.before {
                None => None,
                Some(before) => Some(
                    self.nodes[&add.parent]
                        .children
                        .iter()
                        .position(|c| *c == before)
                        .ok_or(format!("before {before} is not a child of {}", add.parent))?,
                ),
            };
            let (root, used) = self.build(add.first_id, &add.nodes, Some(add.parent))?;
            if used != add.nodes.len() {
                return Err("added tree has extra nodes".into());
            }
            // build() appended the root; move it into place.
            let children = &mut self.nodes.get_mut(&add.parent).unwrap().children;
            children.pop();
            match index {
                Some(i) => children.insert(i, root),
                None => children.push(root),
            }
        }
        for change in &batch.attrs {
            let node = self
                .nodes
                .get_mut(&change.id)
                .ok_or(format!("attribute change on unknown {}", change.id))?;
            let SnapNode::Element(element) = &mut node.data else {
                return Err(format!("attribute change on non-element {}", change.id));
            };
            let existing = element.attrs.iter().position(|a| a.name == change.name);
            match (&change.value, existing) {
                (Some(v), Some(i)) => element.attrs[i].value = v.clone(),
                (Some(v), None) => element.attrs.push(recorder_core::event::Attr::new(
                    change.name.clone(),
                    v.clone(),
                )),
                (None, Some(i)) => {
                    element.attrs.remove(i);
                }
                (None, None) => {}
            }
        }
        for change in &batch.texts {
            let node = self
                .nodes
                .get_mut(&change.id)
                .ok_or(format!("text change on unknown {}", change.id))?;
            match &mut node.data {
                SnapNode::Text(t) | SnapNode::Comment(t) | SnapNode::CData(t) => {
                    *t = change.text.clone()
                }
                _ => return Err(format!("text change on {}", change.id)),
            }
        }
        Ok(())
    }

    fn drop_subtree(&mut self, id: NodeId) {
        let mut todo = vec![id];
        while let Some(id) = todo.pop() {
            if let Some(node) = self.nodes.remove(&id) {
                todo.extend(node.children);
            }
        }
    }

    /// The element with attribute `name` = `value`.
    pub fn find(&self, name: &str, value: &str) -> Option<NodeId> {
        let mut ids: Vec<_> = self.nodes.keys().copied().collect();
        ids.sort_unstable();
        ids.into_iter().find(|id| match &self.nodes[id].data {
            SnapNode::Element(e) => e.attrs.iter().any(|a| a.name == name && a.value == value),
            _ => false,
        })
    }

    pub fn element(&self, id: NodeId) -> &recorder_core::event::Element {
        match &self.nodes[&id].data {
            SnapNode::Element(e) => e,
            other => panic!("{id} is not an element: {other:?}"),
        }
    }

    /// Rebuilds the subtree at `id` as real (detached) DOM nodes. Shadow roots are left
    /// out, as `outerHTML` leaves them out.
    pub fn to_dom(&self, id: NodeId) -> web_sys::Node {
        let doc = document();
        let node = &self.nodes[&id];
        let dom: web_sys::Node = match &node.data {
            SnapNode::Element(e) => {
                let el = doc
                    .create_element_ns(Some(e.namespace.uri()), &e.tag)
                    .unwrap();
                for a in &e.attrs {
                    el.set_attribute(&a.name, &a.value).unwrap();
                }
                el.into()
            }
            SnapNode::Text(t) => doc.create_text_node(t).into(),
            SnapNode::Comment(t) => doc.create_comment(t).into(),
            other => panic!("cannot rebuild {other:?}"),
        };
        // A template's recorded children are its content.
        let parent: web_sys::Node = match &node.data {
            SnapNode::Element(e) if e.tag == "template" => Reflect::get(&dom, &"content".into())
                .unwrap()
                .unchecked_into(),
            _ => dom.clone(),
        };
        for child in &node.children {
            if matches!(self.nodes[child].data, SnapNode::ShadowRoot(_)) {
                continue;
            }
            parent.append_child(&self.to_dom(*child)).unwrap();
        }
        dom
    }

    /// `outerHTML` of the rebuilt element with `id="{dom_id}"`.
    pub fn outer_html(&self, dom_id: &str) -> String {
        let id = self
            .find("id", dom_id)
            .unwrap_or_else(|| panic!("no #{dom_id} in the mirror"));
        self.to_dom(id).unchecked_into::<Element>().outer_html()
    }
}

/// A small deterministic PRNG for the randomized churn test.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
