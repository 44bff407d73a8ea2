//! DOM capture in headless Chromium: the snapshot of a fixture, and mutation batches
//! checked by applying them to an independent mirror (`support::Mirror`) and comparing the
//! rebuilt tree with the live one.
//!
//! Comparison normalization: attributes are sorted by name on both sides (a batch carries
//! an attribute's final value, not its position among the element's attributes),
//! processing instructions are dropped from the live side (the event model has no node
//! for them), and shadow roots are compared separately (`outerHTML` leaves them out).
#![cfg(target_arch = "wasm32")]

mod support;

use recorder_core::event::{EventData, Namespace, Size, SnapNode};
use support::{batches, fixture, js, snapshots, Mirror, Session};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `outerHTML` with every element's attributes sorted by name.
fn normalized(node: &JsValue) -> String {
    let f = js_sys::Function::new_with_args(
        "root",
        "const c = root.cloneNode(true);
         const pis = document.createTreeWalker(c, NodeFilter.SHOW_PROCESSING_INSTRUCTION);
         const drop = [];
         while (pis.nextNode()) drop.push(pis.currentNode);
         for (const pi of drop) pi.remove();
         for (const el of [c, ...c.querySelectorAll('*')]) {
           const attrs = [...el.attributes].map((a) => [a.name, a.value]).sort((a, b) => a[0] < b[0] ? -1 : 1);
           for (const a of [...el.attributes]) el.removeAttributeNode(a);
           for (const [n, v] of attrs) el.setAttribute(n, v);
         }
         return c.outerHTML;",
    );
    f.call1(&JsValue::UNDEFINED, node)
        .unwrap()
        .as_string()
        .unwrap()
}

/// Asserts that the events rebuild `#fixture` exactly as it is in the page now.
fn assert_mirrors_live(session: &Session) -> Mirror {
    let events = session.events();
    let mirror = Mirror::from_events(&events);
    let id = mirror
        .find("id", "fixture")
        .expect("#fixture in the mirror");
    let rebuilt = normalized(&mirror.to_dom(id));
    let live = normalized(&support::document().get_element_by_id("fixture").unwrap());
    assert_eq!(rebuilt, live, "the rebuilt tree differs from the live one");
    mirror
}

async fn sleep(ms: u32) {
    let promise = js(&format!("return new Promise((r) => setTimeout(r, {ms}))"));
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .unwrap();
}

async fn wait(promise: JsValue) {
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .unwrap();
}

fn debug_text(events: &[recorder_core::Event]) -> String {
    format!("{events:?}")
}

#[wasm_bindgen_test]
fn snapshot_records_structure_state_and_privacy() {
    fixture(
        r#"<p class="intro">Hello <b>world</b><!-- a comment --></p>
<svg id="pic" width="10" height="10"><circle r="4"></circle><foreignObject width="5" height="5"><span id="in-svg">in svg</span></foreignObject></svg>
<math id="formula"><mi>x</mi></math>
<input id="name" value="default">
<input id="pw" type="password" value="hunter2-attr">
<input id="otp" autocomplete="one-time-code">
<input id="search" type="search" data-tapedeck-unmask>
<input id="agree" type="checkbox">
<textarea id="bio">initial bio</textarea>
<select id="color"><option>red</option><option id="green">green</option></select>
<div id="blocked" data-tapedeck-block style="width: 120px; height: 40px" title="x">secret block text</div>
<div id="masked" data-tapedeck-mask>Secret Name <i>Deep</i></div>
<script id="code">var leaked = "script-body";</script>
<noscript id="nos"><p>enable js</p></noscript>
<style id="st">.intro { color: red }</style>
<div id="scroller" style="height: 20px; overflow: auto"><div style="height: 200px"></div></div>
<div id="host"></div>"#,
    );
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('name').value = 'typed name';
        $('pw').value = 'hunter2-typed';
        $('otp').value = '987654';
        $('search').value = 'visible query';
        $('agree').checked = true;
        $('bio').value = 'new bio';
        $('color').selectedIndex = 1;
        $('scroller').scrollTop = 30;
        $('host').attachShadow({ mode: 'open' }).innerHTML = '<em id="shadowy">shadow</em>';
    "#);
    let session = Session::start("");
    let events = session.stop();
    let snaps = snapshots(&events);
    assert_eq!(snaps.len(), 1, "one snapshot at start");
    let snap = snaps[0];
    assert!(matches!(snap.nodes[0], SnapNode::Document(_)));
    assert!(
        matches!(&snap.nodes[1], SnapNode::Doctype(d) if d.name == "html"),
        "the doctype comes first: {:?}",
        snap.nodes[1]
    );
    let mirror = Mirror::from_events(&events);
    let el = |id: &str| mirror.element(mirror.find("id", id).unwrap_or_else(|| panic!("#{id}")));
    let node_of = |id: &str| &mirror.nodes[&mirror.find("id", id).unwrap()];

    // Namespaces and tag case.
    assert_eq!(el("pic").namespace, Namespace::Svg);
    let pic = node_of("pic");
    let circle = mirror.element(pic.children[0]);
    assert_eq!(
        (circle.tag.as_str(), circle.namespace),
        ("circle", Namespace::Svg)
    );
    let foreign = mirror.element(pic.children[1]);
    assert_eq!(foreign.tag, "foreignObject");
    assert_eq!(el("in-svg").namespace, Namespace::Html);
    assert_eq!(el("formula").namespace, Namespace::MathMl);
    assert!(mirror
        .nodes
        .values()
        .any(|n| matches!(&n.data, SnapNode::Comment(c) if c == " a comment ")));

    // Form values: masked by default, the password and one-time code never.
    let name = el("name");
    assert_eq!(
        name.attrs.iter().find(|a| a.name == "value").unwrap().value,
        "*******"
    );
    assert_eq!(
        name.state.as_ref().unwrap().value.as_deref(),
        Some("**********")
    );
    let pw = el("pw");
    assert!(pw.attrs.iter().all(|a| a.name != "value"), "{pw:?}");
    assert!(pw.state.as_ref().and_then(|s| s.value.as_ref()).is_none());
    assert!(el("otp")
        .state
        .as_ref()
        .and_then(|s| s.value.as_ref())
        .is_none());
    assert_eq!(
        el("search").state.as_ref().unwrap().value.as_deref(),
        Some("visible query")
    );
    assert_eq!(el("agree").state.as_ref().unwrap().checked, Some(true));
    let bio = el("bio");
    assert_eq!(bio.children, 0, "a textarea's text is its value");
    assert_eq!(
        bio.state.as_ref().unwrap().value.as_deref(),
        Some("*******")
    );
    assert_eq!(
        el("color").state.as_ref().unwrap().value.as_deref(),
        Some("*****")
    );
    assert!(
        el("green").state.is_none(),
        "a masked select's choice is not recorded"
    );

    // Blocked: placeholder with its size, only the marker, id and class kept.
    let blocked = el("blocked");
    assert_eq!(blocked.children, 0);
    let mut names: Vec<_> = blocked.attrs.iter().map(|a| a.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["data-tapedeck-block", "id"]);
    assert_eq!(
        blocked.state.as_ref().unwrap().blocked,
        Some(Size {
            width: 120,
            height: 40
        })
    );

    // Masked text keeps its whitespace.
    let masked = node_of("masked");
    assert!(
        matches!(&mirror.nodes[&masked.children[0]].data, SnapNode::Text(t) if t == "****** **** ")
    );

    // Script and noscript: element and attributes, no content. Style text is kept.
    assert_eq!(el("code").children, 0);
    assert_eq!(el("nos").children, 0);
    let style = node_of("st");
    assert!(
        matches!(&mirror.nodes[&style.children[0]].data, SnapNode::Text(t) if t == ".intro { color: red }")
    );

    assert_eq!(el("scroller").state.as_ref().unwrap().scroll, Some((0, 30)));

    // An open shadow root is the host's first child.
    let host = node_of("host");
    let shadow = &mirror.nodes[&host.children[0]];
    assert!(matches!(shadow.data, SnapNode::ShadowRoot(_)));
    assert_eq!(mirror.element(shadow.children[0]).tag, "em");

    let text = debug_text(&events);
    for secret in [
        "hunter2",
        "987654",
        "typed name",
        "new bio",
        "secret block text",
        "Secret Name",
        "Deep",
        "script-body",
        "enable js",
    ] {
        assert!(!text.contains(secret), "{secret:?} was recorded");
    }
}

#[wasm_bindgen_test]
async fn same_origin_stylesheets_are_inlined_before_and_after_start() {
    fixture("<p>styled</p>");
    js("window.__css = URL.createObjectURL(new Blob(['p.early { color: rgb(1, 2, 3); }'], { type: 'text/css' }));
        window.__css2 = URL.createObjectURL(new Blob(['p.late { margin-left: 7px; }'], { type: 'text/css' }));");
    wait(js(
        "const link = document.createElement('link');
             link.rel = 'stylesheet'; link.id = 'early'; link.href = window.__css;
             document.getElementById('fixture').append(link);
             return new Promise((r) => { link.onload = r; link.onerror = r; });",
    ))
    .await;
    let session = Session::start("");
    let late = js("const link = document.createElement('link');
                   link.rel = 'stylesheet'; link.id = 'late'; link.href = window.__css2;
                   document.getElementById('fixture').append(link);
                   return new Promise((r) => { link.onload = r; link.onerror = r; });");
    wait(late).await;
    sleep(10).await;
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    for (id, rule) in [
        ("early", "color: rgb(1, 2, 3)"),
        ("late", "margin-left: 7px"),
    ] {
        let link = mirror.element(mirror.find("id", id).unwrap_or_else(|| panic!("#{id}")));
        let css = link
            .state
            .as_ref()
            .and_then(|s| s.css.clone())
            .unwrap_or_default();
        assert!(css.contains(rule), "#{id}: {css:?}");
        assert!(
            link.attrs.iter().any(|a| a.name == "href"),
            "the link is kept"
        );
    }
}

#[wasm_bindgen_test]
async fn rules_inserted_through_cssom_are_recorded() {
    fixture(r#"<style id="empty"></style><style id="texty">p { margin: 0 }</style>"#);
    let session = Session::start("");
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('empty').sheet.insertRule('.css-in-js { color: rgb(4, 5, 6); }');
        $('texty').sheet.insertRule('@media print { .x { display: none } }', 1);
        $('texty').sheet.cssRules[1].insertRule('.y { color: red }');
    "#);
    sleep(0).await;
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    let css = |id: &str| {
        let element = mirror.element(mirror.find("id", id).unwrap());
        element
            .state
            .as_ref()
            .and_then(|s| s.css.clone())
            .unwrap_or_default()
    };
    assert!(
        css("empty").contains(".css-in-js { color: rgb(4, 5, 6); }"),
        "{}",
        css("empty")
    );
    let texty = css("texty");
    assert!(
        texty.contains("p { margin: 0px; }") && texty.contains(".y { color: red; }"),
        "{texty}"
    );
}

#[wasm_bindgen_test]
async fn new_text_replaces_rules_inserted_through_cssom() {
    fixture(r#"<style id="s1">p { margin: 0 }</style><style id="s2">a { color: red }</style>"#);
    let session = Session::start("");
    js(r#"
        document.getElementById('s1').sheet.insertRule('.x { color: red }');
        document.getElementById('s2').sheet.insertRule('.y { color: red }');
    "#);
    sleep(0).await;
    js(r#"
        document.getElementById('s1').textContent = 'h1 { color: purple }';
        document.getElementById('s2').firstChild.data = 'b { color: blue }';
    "#);
    sleep(0).await;
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    let css = |id: &str| {
        let element = mirror.element(mirror.find("id", id).unwrap());
        element.state.as_ref().and_then(|s| s.css.clone())
    };
    assert_eq!(css("s1").as_deref(), Some("h1 { color: purple; }"));
    assert_eq!(css("s2").as_deref(), Some("b { color: blue; }"));
}

#[wasm_bindgen_test]
async fn template_content_is_recorded_and_followed() {
    fixture(r#"<template id="tpl"><p class="a">in <b>template</b></p><!-- c --></template>"#);
    let session = Session::start("");
    js(r#"
        const content = document.getElementById('tpl').content;
        content.firstChild.append(' more');
        content.querySelector('b').textContent = 'changed';
        content.firstChild.setAttribute('class', 'b');
        content.append(document.createElement('hr'));
        content.lastChild.previousSibling.remove();
    "#);
    sleep(0).await;
    let mirror = assert_mirrors_live(&session);
    assert_eq!(
        mirror.outer_html("tpl"),
        r#"<template id="tpl"><p class="b">in <b>changed</b> more</p><hr></template>"#
    );
    session.stop();
}

#[wasm_bindgen_test]
async fn a_blocked_element_is_recorded_again_when_its_attributes_change_its_size() {
    fixture(r#"<div id="ad" data-tapedeck-block style="width: 120px; height: 30px">ad</div>"#);
    let session = Session::start("");
    js("document.getElementById('ad').style.height = '60px';");
    sleep(0).await;
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    let ad = mirror.element(mirror.find("id", "ad").unwrap());
    let size = ad.state.as_ref().unwrap().blocked.unwrap();
    assert_eq!((size.width, size.height), (120, 60));
    assert!(
        !ad.attrs.iter().any(|a| a.name == "style"),
        "still only the kept attributes"
    );
}

#[wasm_bindgen_test]
async fn loads_inside_shadow_roots_and_frames_are_followed() {
    // `load` is not composed: the document does not see it from inside a shadow root or
    // a frame's document.
    fixture(r#"<div id="host"></div>"#);
    let session = Session::start("");
    js(r#"
        const root = document.getElementById('host').attachShadow({ mode: 'open' });
        const frame = document.createElement('iframe');
        frame.srcdoc = '<p id="in-shadow">loaded in a shadow root</p><div id="inner-host"></div>';
        const loaded = (f) => new Promise((r) => f.addEventListener('load', () => setTimeout(r, 0), { once: true }));
        root.append(frame);
        window.__loaded = loaded(frame).then(() => {
            const inner = frame.contentDocument.createElement('iframe');
            inner.srcdoc = '<p id="in-frame">loaded in a frame</p>';
            const done = loaded(inner);
            frame.contentDocument.body.append(inner);
            return done;
        });
    "#);
    wait(js("return window.__loaded")).await;
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    assert!(
        mirror.find("id", "in-shadow").is_some(),
        "{}",
        debug_text(&events)
    );
    assert!(
        mirror.find("id", "in-frame").is_some(),
        "{}",
        debug_text(&events)
    );
}

#[wasm_bindgen_test]
fn mutations_rebuild_the_live_tree() {
    fixture(r#"<ul id="list"><li>one</li><li>two</li></ul><p id="para" class="a">text</p>"#);
    let session = Session::start("");
    js(r#"
        const list = document.getElementById('list');
        const li = document.createElement('li');
        li.textContent = 'three';
        list.append(li);
        list.firstElementChild.remove();
        document.getElementById('para').className = 'b';
        document.getElementById('para').firstChild.data = 'changed';
    "#);
    assert_mirrors_live(&session);
    js(r#"
        const p = document.getElementById('para');
        p.setAttribute('data-x', '1');
        p.removeAttribute('class');
        p.insertAdjacentHTML('beforeend', '<span>a</span> and <em>b</em>');
        document.getElementById('list').innerHTML = '<li>fresh</li><!-- c -->';
    "#);
    assert_mirrors_live(&session);
    let events = session.stop();
    assert!(batches(&events).len() >= 2, "one batch per flush");
}

#[wasm_bindgen_test]
fn moves_and_reparenting_get_fresh_ids() {
    fixture(
        r#"<div id="a"><span id="s">moved</span></div><div id="b"></div><div id="c"><i>x</i><i>y</i></div>"#,
    );
    let session = Session::start("");
    let before = Mirror::from_events(&session.events());
    let old_span = before.find("id", "s").unwrap();
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('b').append($('s'));                       // move to another parent
        const wrap = document.createElement('section');
        wrap.id = 'wrap';
        wrap.append($('c'));                         // re-parent into a new, detached node…
        $('fixture').prepend(wrap);                  // …which is then inserted
        const c = $('c');
        c.insertBefore(c.lastElementChild, c.firstElementChild); // swap siblings
        $('a').append($('b'));                       // move a subtree containing a moved node
    "#);
    let mirror = assert_mirrors_live(&session);
    let events = session.stop();
    let batch = batches(&events).into_iter().last().unwrap().clone();
    assert!(batch.removes.contains(&old_span) || !mirror.nodes.contains_key(&old_span));
    assert_ne!(
        mirror.find("id", "s"),
        Some(old_span),
        "a moved node gets a fresh id"
    );
}

#[wasm_bindgen_test]
fn nodes_added_then_removed_in_one_batch_leave_no_trace() {
    fixture(r#"<div id="box"><p id="keep">keep</p></div>"#);
    let session = Session::start("");
    js(r#"
        const box = document.getElementById('box');
        const gone = document.createElement('div');
        gone.textContent = 'ephemeral';
        box.append(gone);
        const inner = document.createElement('b');
        inner.textContent = 'ephemeral too';
        gone.append(inner);
        gone.remove();
        const keep = document.getElementById('keep');
        keep.setAttribute('title', 'ephemeral-attr');
        keep.remove();
        keep.firstChild.data = 'ephemeral text';
    "#);
    assert_mirrors_live(&session);
    let events = session.stop();
    let all: Vec<_> = batches(&events).into_iter().cloned().collect();
    assert_eq!(all.len(), 1);
    let text = format!("{all:?}");
    assert!(!text.contains("ephemeral"), "{text}");
    assert_eq!(all[0].adds.len(), 0);
    assert_eq!(all[0].removes.len(), 1, "only #keep's removal: {all:?}");
    assert!(all[0].attrs.is_empty() && all[0].texts.is_empty());
}

#[wasm_bindgen_test]
fn attribute_and_text_churn_collapse_to_final_values() {
    fixture(r#"<div id="t" class="c0">start</div><div id="u"></div>"#);
    let session = Session::start("");
    js(r#"
        const t = document.getElementById('t');
        for (let i = 1; i <= 100; i++) { t.className = 'c' + i; t.firstChild.data = 'v' + i; }
        t.setAttribute('hidden', '');
        t.removeAttribute('hidden');
        const fresh = document.createElement('em');
        document.getElementById('u').append(fresh);
        fresh.setAttribute('data-late', 'yes');
        fresh.textContent = 'late text';
        t.setAttributeNS('http://www.w3.org/1999/xlink', 'xlink:href', '#frag');
    "#);
    assert_mirrors_live(&session);
    let events = session.stop();
    let all = batches(&events);
    assert_eq!(all.len(), 1);
    let batch = all[0];
    let class_changes: Vec<_> = batch.attrs.iter().filter(|a| a.name == "class").collect();
    assert_eq!(class_changes.len(), 1);
    assert_eq!(class_changes[0].value.as_deref(), Some("c100"));
    let hidden: Vec<_> = batch.attrs.iter().filter(|a| a.name == "hidden").collect();
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0].value, None, "set then removed: removed");
    assert!(
        batch.attrs.iter().all(|a| a.name != "data-late"),
        "in the added subtree"
    );
    assert!(batch.attrs.iter().any(|a| a.name == "xlink:href"));
    assert_eq!(batch.texts.len(), 1);
    assert_eq!(batch.texts[0].text, "v100");
    assert_eq!(
        batch.adds.len(),
        1,
        "the <em> once, with its attribute and text"
    );
}

#[wasm_bindgen_test]
fn prepends_and_interleaved_inserts_keep_order() {
    fixture(r#"<ol id="o"><li>m1</li><li>m2</li></ol>"#);
    let session = Session::start("");
    js(r#"
        const o = document.getElementById('o');
        for (let i = 0; i < 50; i++) {
          const li = document.createElement('li');
          li.textContent = 'p' + i;
          o.insertBefore(li, o.firstChild);
        }
        const mid = document.createElement('li');
        mid.textContent = 'between';
        o.insertBefore(mid, o.children[51]);
        o.append(document.createTextNode('tail'), document.createComment('end'));
        o.insertBefore(document.createProcessingInstruction('x', 'y'), o.firstChild);
    "#);
    assert_mirrors_live(&session);
    session.stop();
}

/// Random DOM churn, compared with the live tree after every batch.
#[wasm_bindgen_test]
fn randomized_churn_matches_the_live_dom() {
    fixture(r#"<div id="r0"><p>a</p><p>b<b>c</b></p></div><div id="r1">d</div>"#);
    js(r#"
        window.__churn = (seed, steps) => {
          let s = seed;
          const rnd = (n) => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % n); };
          const root = document.getElementById('fixture');
          const nodes = () => {
            const out = [];
            const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT | NodeFilter.SHOW_COMMENT);
            while (w.nextNode()) out.push(w.currentNode);
            return out;
          };
          const detached = [];
          const tags = ['div', 'span', 'p', 'b', 'i', 'section'];
          for (let k = 0; k < steps; k++) {
            const all = nodes();
            const elements = all.filter((n) => n.nodeType === 1);
            const any = all[rnd(all.length)] || root;
            const el = elements.length ? elements[rnd(elements.length)] : root;
            switch (rnd(10)) {
              case 0: { const e = document.createElement(tags[rnd(tags.length)]); e.textContent = 'n' + k; el.append(e); break; }
              case 1: if (any !== root && any.parentNode) { any.remove(); detached.push(any); } break;
              case 2: { const target = elements[rnd(elements.length)] || root;
                        if (any !== root && !any.contains(target) && any.nodeType !== 3 || (any.nodeType === 3 && target)) {
                          if (!any.contains(target)) target.insertBefore(any, target.childNodes[rnd(target.childNodes.length + 1)] || null);
                        } break; }
              case 3: el.setAttribute('data-' + rnd(3), 'v' + k); break;
              case 4: el.removeAttribute('data-' + rnd(3)); break;
              case 5: if (any.nodeType !== 1) any.data = 't' + k; break;
              case 6: if (detached.length) { const d = detached.pop(); if (!d.contains(el)) el.prepend(d); } break;
              case 7: { const w = document.createElement('div'); w.className = 'wrap' + k;
                        if (any !== root && any.parentNode) { any.parentNode.insertBefore(w, any); w.append(any); } break; }
              case 8: if (el !== root && rnd(4) === 0) el.innerHTML = '<i>h' + k + '</i>x<!--c-->'; break;
              case 9: if (any !== root && any.parentNode) { any.replaceWith(document.createTextNode('r' + k), document.createElement('hr')); } break;
            }
          }
        };
    "#);
    let session = Session::start("");
    for round in 0..25u32 {
        js(&format!(
            "window.__churn({}, {})",
            7919 * (round + 1),
            5 + round % 20
        ));
        assert_mirrors_live(&session);
    }
    session.stop();
}

#[wasm_bindgen_test]
fn ten_thousand_inserts_in_one_task() {
    fixture(r#"<ul id="big"></ul><div id="deep"></div>"#);
    let session = Session::start("");
    js(r#"
        const ul = document.getElementById('big');
        for (let i = 0; i < 10000; i++) {
          const li = document.createElement('li');
          li.textContent = 'item ' + i;
          ul.append(li);
        }
        let d = document.getElementById('deep');
        for (let i = 0; i < 2000; i++) { const n = document.createElement('div'); d.append(n); d = n; }
    "#);
    assert_mirrors_live(&session);
    let events = session.stop();
    let all = batches(&events);
    assert_eq!(all.len(), 1);
    assert_eq!(
        all[0].adds.len(),
        10_001,
        "each li separately, the deep chain once"
    );
}

#[wasm_bindgen_test]
fn privacy_rules_apply_to_mutations() {
    fixture(
        r#"<div id="m" data-tapedeck-mask><span id="ms">old</span></div><input id="pw" type="password"><input id="plain"><input id="box" type="checkbox"><div id="soon">visible stuff</div><p id="later">public <b>bold</b></p>"#,
    );
    let session = Session::start("");
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('m').append('added secret words');
        $('ms').firstChild.data = 'changed secret';
        $('pw').setAttribute('value', 'hunter2-attr');
        $('plain').setAttribute('value', 'abc');
        $('box').setAttribute('value', 'yes');
        const i = document.createElement('input');
        i.setAttribute('value', 'fresh value');
        $('fixture').append(i);
        $('soon').setAttribute('data-tapedeck-block', '');
        $('soon').append(' more private');
        $('later').setAttribute('data-tapedeck-mask', '');
        $('later').append(' and private words');
    "#);
    let events = session.events();
    let text = debug_text(&events);
    for secret in ["secret", "hunter2", "fresh value", "private"] {
        assert!(!text.contains(secret), "{secret:?} was recorded");
    }
    let mirror = Mirror::from_events(&events);
    let plain = mirror.element(mirror.find("id", "plain").unwrap());
    assert_eq!(
        plain
            .attrs
            .iter()
            .find(|a| a.name == "value")
            .unwrap()
            .value,
        "***"
    );
    let checkbox = mirror.element(mirror.find("id", "box").unwrap());
    let value = checkbox.attrs.iter().find(|a| a.name == "value");
    assert_eq!(
        value.map(|a| a.value.as_str()),
        Some("yes"),
        "not typed: not masked"
    );
    let soon = mirror.element(mirror.find("id", "soon").unwrap());
    assert_eq!(soon.children, 0);
    assert!(soon.state.as_ref().unwrap().blocked.is_some());
    let later = &mirror.nodes[&mirror.find("id", "later").unwrap()];
    let texts: Vec<String> = later
        .children
        .iter()
        .map(|c| mirror_text(&mirror, *c))
        .collect();
    assert_eq!(
        texts,
        ["****** ", "****", " *** ******* *****"],
        "masked from now on"
    );
    let m = &mirror.nodes[&mirror.find("id", "m").unwrap()];
    assert!(m
        .children
        .iter()
        .any(|c| matches!(&mirror.nodes[c].data, SnapNode::Text(t) if t == "***** ****** *****")));
    session.stop();
}

#[wasm_bindgen_test]
async fn shadow_roots_and_iframes_are_followed() {
    fixture(r#"<div id="host"></div><div id="later"></div>"#);
    js("document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '<p>in shadow</p>';");
    wait(js("const f = document.createElement('iframe');
             f.id = 'frame'; f.srcdoc = '<p id=inner>framed</p>';
             document.getElementById('fixture').append(f);
             return new Promise((r) => f.onload = r);"))
    .await;
    let session = Session::start("");
    js(r#"
        const root = document.getElementById('host').shadowRoot;
        root.querySelector('p').textContent = 'shadow changed';
        root.append(document.createElement('hr'));
        document.getElementById('later').attachShadow({ mode: 'open' }).innerHTML = '<b>late shadow</b>';
        const doc = document.getElementById('frame').contentDocument;
        doc.getElementById('inner').textContent = 'frame changed';
    "#);
    sleep(0).await;
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    let text_under = |id| mirror_text(&mirror, id);
    let host = &mirror.nodes[&mirror.find("id", "host").unwrap()];
    let shadow = host.children[0];
    assert!(matches!(
        mirror.nodes[&shadow].data,
        SnapNode::ShadowRoot(_)
    ));
    assert_eq!(text_under(shadow), "shadow changed");
    assert_eq!(mirror.nodes[&shadow].children.len(), 2);
    let later = &mirror.nodes[&mirror.find("id", "later").unwrap()];
    assert!(matches!(
        mirror.nodes[&later.children[0]].data,
        SnapNode::ShadowRoot(_)
    ));
    assert_eq!(text_under(later.children[0]), "late shadow");
    let frame = &mirror.nodes[&mirror.find("id", "frame").unwrap()];
    assert!(matches!(
        mirror.nodes[&frame.children[0]].data,
        SnapNode::Document(_)
    ));
    assert_eq!(text_under(frame.children[0]), "frame changed");
}

fn mirror_text(mirror: &Mirror, id: recorder_core::NodeId) -> String {
    let node = &mirror.nodes[&id];
    match &node.data {
        SnapNode::Text(t) => t.clone(),
        _ => node
            .children
            .iter()
            .map(|c| mirror_text(mirror, *c))
            .collect(),
    }
}

#[wasm_bindgen_test]
fn script_content_is_never_recorded() {
    fixture(r#"<script id="s1">var a = 1;</script>"#);
    let session = Session::start("");
    js(r#"
        document.getElementById('s1').textContent = 'var changedScript = 2;';
        const s = document.createElement('script');
        s.type = 'text/x-template';
        s.textContent = 'addedScriptBody';
        document.getElementById('fixture').append(s);
    "#);
    let events = session.stop();
    let text = debug_text(&events);
    assert!(!text.contains("changedScript") && !text.contains("addedScriptBody"));
    let mirror = Mirror::from_events(&events);
    let added = mirror
        .nodes
        .values()
        .find(|n| matches!(&n.data, SnapNode::Element(e) if e.attrs.iter().any(|a| a.value == "text/x-template")))
        .expect("the added script element is recorded");
    assert!(added.children.is_empty());
}

#[wasm_bindgen_test]
fn stop_disconnects_the_observer() {
    fixture("<p id='x'>x</p>");
    let session = Session::start("");
    let before = session.stop().len();
    js("document.getElementById('x').textContent = 'after stop';");
    // A new recording sees the change in its snapshot, and the old one emits nothing more.
    let next = Session::start("");
    let events = next.stop();
    assert!(before > 0);
    assert!(events
        .iter()
        .all(|e| !matches!(&e.data, EventData::Mutation(_))));
    assert!(debug_text(&events).contains("after stop"));
}

#[wasm_bindgen_test]
fn selector_options_block_mask_and_unmask() {
    fixture(
        r#"<div class="ad" id="ad">buy now</div><p class="pii" id="pii">Jane Roe</p>
<input id="mail" type="email"><input id="ok" class="ok"><input id="hide" class="ok hide">"#,
    );
    js(r#"
        document.getElementById('mail').value = 'jane@example.com';
        document.getElementById('ok').value = 'visible';
        document.getElementById('hide').value = 'hidden';
    "#);
    let session = Session::start(
        "{ blockSelector: '.ad', maskTextSelector: '.pii', unmaskSelector: '.ok',
           maskInputSelector: '.hide', unmaskInputTypes: ['email'] }",
    );
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    let el = |id: &str| mirror.element(mirror.find("id", id).unwrap());
    let value = |id: &str| el(id).state.as_ref().and_then(|s| s.value.clone());
    assert!(el("ad").state.as_ref().unwrap().blocked.is_some());
    assert_eq!(el("ad").children, 0);
    let pii = &mirror.nodes[&mirror.find("id", "pii").unwrap()];
    assert!(matches!(&mirror.nodes[&pii.children[0]].data, SnapNode::Text(t) if t == "**** ***"));
    assert_eq!(value("mail").as_deref(), Some("jane@example.com"));
    assert_eq!(value("ok").as_deref(), Some("visible"));
    assert_eq!(
        value("hide").as_deref(),
        Some("******"),
        "mask wins over unmask"
    );
    assert!(!debug_text(&events).contains("buy now"));
}

#[wasm_bindgen_test]
fn an_invalid_selector_option_is_a_clear_error() {
    fixture("");
    let options = js("return { onFrame() {}, blockSelector: '[[nope' }");
    let error = recorder_wasm::Recorder::start(options)
        .err()
        .expect("start fails");
    let message = format!("{:?}", JsValue::from(error));
    assert!(message.contains("blockSelector"), "{message}");
    // Nothing was left installed: a valid recording starts.
    Session::start("").stop();
}

#[wasm_bindgen_test]
async fn cdata_sections_of_an_xml_frame_are_recorded() {
    fixture("");
    wait(js(r#"
        const xml = '<html xmlns="http://www.w3.org/1999/xhtml"><body><p id="x"><![CDATA[a < b]]></p></body></html>';
        const f = document.createElement('iframe');
        f.id = 'xml-frame';
        f.src = URL.createObjectURL(new Blob([xml], { type: 'application/xhtml+xml' }));
        document.getElementById('fixture').append(f);
        return new Promise((r) => f.onload = r);
    "#))
    .await;
    let session = Session::start("");
    let events = session.stop();
    assert!(
        snapshots(&events)[0]
            .nodes
            .iter()
            .any(|n| matches!(n, SnapNode::CData(t) if t == "a < b")),
        "the CDATA section is in the snapshot"
    );
}

#[wasm_bindgen_test]
fn dom_changes_come_before_application_events() {
    fixture(r#"<div id="list"></div>"#);
    let session = Session::start("");
    js("document.getElementById('list').append(document.createElement('hr'));");
    support::with_recorder(|r| r.add_event("after-change", JsValue::UNDEFINED).unwrap());
    let events = session.stop();
    let mutation = events
        .iter()
        .position(|e| matches!(e.data, EventData::Mutation(_)))
        .expect("the mutation");
    let custom = events
        .iter()
        .position(|e| matches!(e.data, EventData::Custom(_)))
        .expect("the custom event");
    assert!(
        mutation < custom,
        "barrier: the DOM change is emitted first"
    );
}

#[wasm_bindgen_test]
fn a_checkpoint_snapshot_restarts_ids_and_later_batches_apply_to_it() {
    use recorder_wasm::capture::dom::Capture;
    use recorder_wasm::emit::Recording;
    use recorder_wasm::options::Options;
    use std::rc::Rc;

    fixture(r#"<ul id="cp"><li>a</li></ul>"#);
    let options = Options::from_js(js("return { onFrame() {} }")).unwrap();
    let recording = Rc::new(Recording::new(options));
    let capture = Capture::install(&recording).unwrap();
    js("document.getElementById('cp').append(document.createElement('li'));");
    capture.snapshot();
    js("const cp = document.getElementById('cp'); cp.firstElementChild.remove(); cp.prepend('text');");
    recording.settle_dom();
    let events = recording.take_events();
    drop(capture);
    assert_eq!(snapshots(&events).len(), 2);
    let second = snapshots(&events)[1].first_id;
    assert!(second > snapshots(&events)[0].first_id + 10, "fresh ids");
    let mirror = Mirror::from_events(&events);
    let id = mirror.find("id", "fixture").unwrap();
    assert!(id >= second);
    assert_eq!(
        normalized(&mirror.to_dom(id)),
        normalized(&support::document().get_element_by_id("fixture").unwrap())
    );
}

#[wasm_bindgen_test]
fn a_node_that_throws_when_read_is_left_out() {
    fixture(r#"<p id="before">before</p><div id="odd"><b>inside</b></div><p id="after">after</p>"#);
    js("Object.defineProperty(document.getElementById('odd'), 'attributes', { get() { throw new Error('hostile'); } });");
    let session = Session::start("");
    js("document.getElementById('after').textContent = 'still recorded';");
    let events = session.stop();
    let mirror = Mirror::from_events(&events);
    assert!(mirror.find("id", "odd").is_none());
    assert!(mirror.find("id", "before").is_some());
    let after = &mirror.nodes[&mirror.find("id", "after").unwrap()];
    assert!(
        matches!(&mirror.nodes[&after.children[0]].data, SnapNode::Text(t) if t == "still recorded")
    );
}

#[wasm_bindgen_test]
async fn stopping_with_a_refresh_pending_leaves_no_error_behind() {
    fixture(r#"<div id="late-host"></div><style id="late-style"></style>"#);
    js("window.__rejections = 0; window.addEventListener('unhandledrejection', () => window.__rejections++);
        window.__errors = 0; window.addEventListener('error', () => window.__errors++);");
    let session = Session::start("");
    js(
        "document.getElementById('late-host').attachShadow({ mode: 'open' });
        document.getElementById('late-style').sheet.insertRule('.z { color: red }');
        document.getElementById('late-host').append('a pending record');",
    );
    session.stop(); // the refresh microtask and the observer's delivery are still queued
    sleep(10).await;
    assert_eq!(
        js("return window.__rejections + window.__errors").as_f64(),
        Some(0.0)
    );
}
