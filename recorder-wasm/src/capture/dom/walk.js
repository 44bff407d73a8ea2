// The DOM capture's hot loops: serializing subtrees and collating MutationObserver
// records, in JavaScript. Done from Rust through web-sys, every nodeType, localName,
// attribute and text would be a separate call across the wasm boundary with its own string
// conversion; here the traversal runs in the engine and hands Rust one string per snapshot
// or batch (`mod.rs` has the measured difference).
//
// This file makes no privacy decision and builds no event: it walks, assigns ids, and marks
// the elements whose recording depends on a rule (form controls, blocked elements,
// stylesheets, scrolled elements). Rust reads the string (snapshot.rs, mutation.rs), asks
// privacy.rs, and builds the events.
//
// Output: tokens joined by U+0000. Strings that contain U+0000 or U+0001 are escaped
// (U+0001 'z' = U+0000, U+0001 'o' = U+0001). A serialized node is:
//   'd' children                      document
//   's' children                      shadow root (first child of its host)
//   'y' name publicId systemId        doctype
//   'e'|'E' tag ns attrCount (name value)* children
//                                     element; 'E': its handle and kind are the next pair in
//                                     `specials`; ns '' (HTML), 's' (SVG), 'm' (MathML)
//   't'|'x' data                      text ('x': masked)
//   'c' data                          comment
//   'a' data                          CDATA section
// A mutation batch is: removeCount id*, addCount (parent before firstId node…)*,
// attrCount ('A'|'B' id flags name ('+' value | '-'))*, textCount ('t'|'x' id data)*;
// an attribute change 'B' has its element in `specials` (an <input>'s `value`).
//
// A failure here must never reach the page: `snapshot` and `mutations` catch everything and
// return null (the Rust side then starts over with a full snapshot), a node that cannot be
// read is left out, and the Rust bindings of every entry point are declared `catch`.

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SVG_NS = 'http://www.w3.org/2000/svg';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

// Flags stored with each id (map value = id * SCALE + flags); ids.rs `flags` mirrors these.
const OPAQUE = 1;
const BLOCKED = 2;
const MASKED = 4;
const INPUT = 8;
const SCALE = 16;

// Kinds of special elements; snapshot.rs `special` mirrors these.
const S_CONTROL = 1;
const S_OPTION = 2;
const S_SHEET = 4;
const S_BLOCKED = 8;
const S_SCROLL = 16;

// Elements whose scroll offsets the snapshot does not read: not rendered, or inline
// phrasing elements that are almost never scroll containers (they would need a block
// display, a size and an overflow).
const NEVER_SCROLLED = new Set([
  'a', 'abbr', 'b', 'br', 'code', 'em', 'i', 'img', 'label', 'option', 's', 'small', 'strong',
  'sub', 'sup', 'u', 'wbr', 'script', 'style', 'title', 'meta', 'link', 'head',
]);

const OBSERVE = { childList: true, attributes: true, characterData: true, subtree: true };
const XLINK_NS = 'http://www.w3.org/1999/xlink';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

function esc(s) {
  if (s.indexOf('\0') === -1 && s.indexOf('\x01') === -1) return s;
  return s.replace(/[\0\x01]/g, (c) => (c === '\0' ? '\x01z' : '\x01o'));
}

function isStylesheetLink(el) {
  const rel = el.getAttribute('rel');
  return rel !== null && /(^|\s)stylesheet(\s|$)/i.test(rel);
}

/** The rules of a stylesheet as text, or null (cross-origin sheets throw SecurityError). */
export function sheetText(el) {
  try {
    const sheet = el.sheet;
    if (!sheet) return null;
    const rules = sheet.cssRules;
    let text = '';
    for (let i = 0; i < rules.length; i++) text += rules[i].cssText;
    return text;
  } catch (_) {
    return null;
  }
}

// A <template>'s content fragment → the template: its nodes are recorded as the template's
// children (as HTML writes them), and the observer watches each content fragment.
const TEMPLATE_OF = new WeakMap();

/** `node`, or the template whose content it is. */
function owner(node) {
  return node.nodeType === 11 ? TEMPLATE_OF.get(node) || node : node;
}

/**
 * The parent of a node in the recorded tree: a shadow root's host, a frame's document's
 * frame, a template's content's template.
 */
function mirrorParent(node) {
  const parent = node.parentNode;
  if (parent !== null) return owner(parent);
  const type = node.nodeType;
  if (type === 11) return node.host || null;
  if (type === 9) {
    try {
      const view = node.defaultView;
      return view ? view.frameElement : null;
    } catch (_) {
      return null;
    }
  }
  return null;
}

export class Walker {
  /**
   * `ids`: the WeakMap node → id * SCALE + flags; `blockSelector` / `maskSelector`: the
   * combined selectors from privacy.rs; `doc`: the recorded document; `observer`: the
   * MutationObserver, told to observe every shadow root and frame document found;
   * `onLoad`: called with the `load` events inside those (see `listen`).
   */
  constructor(ids, blockSelector, maskSelector, doc, observer, onLoad) {
    this.ids = ids;
    // `load` (of an iframe, of a stylesheet) is not composed: it reaches no listener on the
    // document from inside a shadow root or a frame's document. Each of those gets this
    // listener; `detach` makes it inert and removes it.
    this.onLoad = onLoad;
    this.loadListener = (event) => {
      const f = this.onLoad;
      if (f !== null) f(event);
    };
    this.listening = new WeakSet();
    this.listened = [];
    this.blockSelector = blockSelector;
    this.maskSelector = maskSelector;
    this.doc = doc;
    this.observer = observer;
    this.next = 1;
    this.out = [];
    this.specials = [];
    // Form controls whose current state may have followed a change of their default (a
    // `checked` or `selected` attribute, a textarea's text) in the last batch.
    this.controls = [];
    this.blocked = new Set();
    this.masked = new Set();
    this.scroll = false;
    // Nodes to serialize again, in place, with the next batch.
    this.pending = new Set();
    // <style> and <link> elements whose rules changed through CSSOM: their text (if any)
    // no longer tells their rules, which are recorded instead.
    this.cssom = new WeakSet();
  }

  /**
   * Schedules `node` to be serialized again in place with the next batch (an iframe that
   * loaded, a host that got a shadow root). Returns whether nothing was pending before.
   */
  refresh(node) {
    const first = this.pending.size === 0;
    this.pending.add(node);
    return first;
  }

  /** `sheet`'s rules changed through CSSOM: schedules its owner element's refresh. */
  sheetChanged(sheet) {
    const owner = sheet && sheet.ownerNode;
    if (!owner || this.ids.get(owner) === undefined) return false;
    this.cssom.add(owner);
    return this.refresh(owner);
  }

  listen(root) {
    if (this.listening.has(root)) return;
    this.listening.add(root);
    root.addEventListener('load', this.loadListener, true);
    this.listened.push(new WeakRef(root));
  }

  /** Stops calling `onLoad`, and removes the listeners `listen` added. */
  detach() {
    this.onLoad = null;
    for (const ref of this.listened) {
      const root = ref.deref();
      if (root !== undefined) root.removeEventListener('load', this.loadListener, true);
    }
    this.listened.length = 0;
  }

  /** Whether nodes wait for `refresh`. */
  get hasPending() {
    return this.pending.size !== 0;
  }

  /** The next free id, after a call. */
  get nextId() {
    return this.next;
  }

  begin(next) {
    this.next = next;
    this.out.length = 0;
    this.specials.length = 0;
    this.controls.length = 0;
    this.blocked.clear();
    this.masked.clear();
  }

  finish() {
    const text = this.out.join('\0');
    this.out.length = 0;
    this.blocked.clear();
    this.masked.clear();
    return text;
  }

  /** Serializes the tree under `root` (a document) with ids from `next`; null on failure. */
  snapshot(root, next) {
    this.pending.clear();
    try {
      this.begin(next);
      this.scroll = true;
      this.walk(root, 0);
      return this.finish();
    } catch (_) {
      this.out.length = 0;
      return null;
    } finally {
      this.scroll = false;
    }
  }

  // Finds the elements under `root` (and root) that match the block and mask selectors:
  // one native query per subtree instead of a `matches` call per element.
  prepare(root) {
    const type = root.nodeType;
    if (type === 1) {
      if (root.matches(this.blockSelector)) this.blocked.add(root);
      if (root.matches(this.maskSelector)) this.masked.add(root);
      if (root.firstElementChild === null) return;
    } else if (type !== 9 && type !== 11) {
      return;
    }
    let found = root.querySelectorAll(this.blockSelector);
    for (let i = 0; i < found.length; i++) this.blocked.add(found[i]);
    found = root.querySelectorAll(this.maskSelector);
    for (let i = 0; i < found.length; i++) this.masked.add(found[i]);
  }

  // Emits `root` and its subtree in pre-order; `inherited` is MASKED when the texts below
  // root's parent are masked. Iterative: deep trees must not overflow the stack.
  walk(root, inherited) {
    this.prepare(root);
    const out = this.out;
    const top = this.guardedVisit(root, inherited);
    if (top === undefined) return false;
    if (top === null) return true;
    const stack = [top];
    while (stack.length !== 0) {
      const frame = stack[stack.length - 1];
      let child = frame.first;
      if (child !== null) {
        frame.first = null;
      } else {
        child = frame.cur;
        if (child === null) {
          out[frame.at] = frame.n;
          stack.pop();
          continue;
        }
        frame.cur = child.nextSibling;
      }
      const sub = this.guardedVisit(child, frame.inherited);
      if (sub === undefined) continue;
      frame.n++;
      if (sub !== null) stack.push(sub);
    }
    return true;
  }

  // A node whose serialization throws (a page that redefined a DOM property on it) is
  // left out rather than failing the whole snapshot.
  guardedVisit(node, inherited) {
    const tokens = this.out.length;
    const specials = this.specials.length;
    try {
      return this.visit(node, inherited);
    } catch (_) {
      this.out.length = tokens;
      this.specials.length = specials;
      return undefined;
    }
  }

  // Emits one node. Returns undefined when the node is not recorded, null for a node
  // without children, or the frame to fill with its children.
  visit(node, inherited) {
    const out = this.out;
    switch (node.nodeType) {
      case 1:
        return this.element(node, inherited);
      case 3: {
        const flags = inherited & MASKED;
        out.push(flags ? 'x' : 't', esc(node.data));
        this.ids.set(node, this.next++ * SCALE + flags);
        return null;
      }
      case 8:
        out.push('c', esc(node.data));
        this.ids.set(node, this.next++ * SCALE);
        return null;
      case 4:
        out.push('a', esc(node.data));
        this.ids.set(node, this.next++ * SCALE);
        return null;
      case 10:
        out.push('y', esc(node.name), esc(node.publicId), esc(node.systemId));
        this.ids.set(node, this.next++ * SCALE);
        return null;
      case 9:
      case 11: {
        if (node.nodeType === 11 && !node.host) return undefined; // a plain fragment
        out.push(node.nodeType === 9 ? 'd' : 's', 0);
        this.ids.set(node, this.next++ * SCALE + (inherited & MASKED));
        if (node !== this.doc) {
          this.prepare(node);
          this.listen(node);
        }
        this.observer.observe(node, OBSERVE);
        return { at: out.length - 1, n: 0, first: null, cur: node.firstChild, inherited };
      }
      default:
        return undefined; // processing instructions and the like
    }
  }

  element(el, inherited) {
    const out = this.out;
    const tag = el.localName;
    const ns = el.namespaceURI;
    let flags = inherited & MASKED;
    if (this.masked.size !== 0 && this.masked.has(el)) flags |= MASKED;
    let special = 0;
    let first = null;
    let cur = el.firstChild;
    let childInherited = flags & MASKED;
    if (this.blocked.size !== 0 && this.blocked.has(el)) {
      flags |= BLOCKED | OPAQUE;
      special = S_BLOCKED;
      cur = null;
    } else {
      switch (tag) {
        case 'script':
        case 'noscript':
          flags |= OPAQUE;
          cur = null;
          break;
        case 'style':
          childInherited = 0;
          // An empty <style> may hold rules inserted through CSSOM (CSS-in-JS libraries).
          if (cur === null || this.cssom.has(el)) special = S_SHEET;
          break;
        case 'input':
          flags |= INPUT;
          special = S_CONTROL;
          break;
        case 'textarea':
          flags |= OPAQUE;
          special = S_CONTROL;
          cur = null;
          break;
        case 'select':
          special = S_CONTROL;
          break;
        case 'option':
          if (el.selected) special = S_OPTION;
          break;
        case 'link':
          if (isStylesheetLink(el)) special = S_SHEET;
          break;
        case 'template':
          if (ns === HTML_NS) {
            const content = el.content;
            TEMPLATE_OF.set(content, el);
            this.observer.observe(content, OBSERVE);
            cur = content.firstChild;
          }
          break;
        case 'iframe':
          flags |= OPAQUE;
          cur = null;
          try {
            first = el.contentDocument;
          } catch (_) {
            first = null;
          }
          break;
      }
      if (first === null) {
        const shadow = el.shadowRoot;
        if (shadow) first = shadow;
      }
      // Reading scroll offsets is the costliest part of a snapshot (a layout check per
      // element, about as much as the rest of the traversal), so only HTML elements that
      // have content (or are a textarea) and are not inline phrasing elements are asked.
      if (this.scroll && ns === HTML_NS && !NEVER_SCROLLED.has(tag)) {
        if ((cur !== null || first !== null || tag === 'textarea') && (el.scrollTop !== 0 || el.scrollLeft !== 0)) {
          special |= S_SCROLL;
        }
      }
    }
    out.push(
      special !== 0 ? 'E' : 'e',
      tag,
      ns === HTML_NS ? '' : ns === SVG_NS ? 's' : ns === MATHML_NS ? 'm' : '',
    );
    if (special !== 0) this.specials.push(el, special);
    const attrs = el.attributes;
    const count = attrs.length;
    out.push(count);
    for (let i = 0; i < count; i++) {
      const attr = attrs[i];
      out.push(esc(attr.name), esc(attr.value));
    }
    this.ids.set(el, this.next++ * SCALE + flags);
    out.push(0);
    if (first === null && cur === null) return null;
    return { at: out.length - 1, n: 0, first, cur, inherited: childInherited };
  }

  /**
   * Collates one batch of MutationRecords, plus the pending refreshes, into the tokens of
   * one MutationBatch computed from the final state of the DOM. Null on failure.
   */
  mutations(records, next) {
    const refresh = [...this.pending];
    this.pending.clear();
    try {
      this.begin(next);
      return this.collate(records, refresh);
    } catch (_) {
      this.out.length = 0;
      return null;
    }
  }

  collate(records, refresh) {
    const ids = this.ids;
    const out = this.out;
    // A node whose first appearance in the batch is a removal was in the tree when the
    // batch began: `removed` maps it to its parent then. A node first seen added was not
    // (inserting a node that is in the tree queues its removal first).
    const seen = new Set();
    const removed = new Map();
    const added = new Set();
    const attrs = new Map();
    const texts = new Set();
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      const type = record.type;
      if (type === 'childList') {
        const gone = record.removedNodes;
        for (let j = 0; j < gone.length; j++) {
          const node = gone[j];
          if (!seen.has(node)) {
            seen.add(node);
            removed.set(node, owner(record.target));
          }
        }
        const come = record.addedNodes;
        for (let j = 0; j < come.length; j++) {
          const node = come[j];
          seen.add(node);
          added.add(node);
        }
        // New text replaces the rules of a <style> edited through CSSOM: its recorded
        // rules are stale, so it is serialized again (likewise for a text change, below).
        if (this.cssom.has(record.target)) refresh.push(record.target);
        if (record.target.localName === 'textarea') this.controls.push(record.target);
      } else if (type === 'attributes') {
        // Names changed per element: a string for one (the usual case), an array for more.
        const ns = record.attributeNamespace;
        const key = ns ? ns + '\0' + record.attributeName : record.attributeName;
        const target = record.target;
        const name = record.attributeName;
        if ((name === 'checked' && target.localName === 'input')
          || (name === 'selected' && target.localName === 'option')) this.controls.push(target);
        const names = attrs.get(target);
        if (names === undefined) attrs.set(target, key);
        else if (typeof names === 'string') {
          if (names !== key) attrs.set(target, [names, key]);
        } else if (!names.includes(key)) names.push(key);
      } else {
        texts.add(record.target);
        const parent = record.target.parentNode;
        if (parent !== null && this.cssom.has(parent)) refresh.push(parent);
        if (parent !== null && parent.localName === 'textarea') this.controls.push(parent);
      }
    }
    // An element that became blocked or masked (or stopped being) is serialized again; so
    // is a blocked one whose attributes changed (its style or class may change its size,
    // which is all that is recorded of it).
    for (const el of attrs.keys()) {
      const value = ids.get(el);
      if (value === undefined || el.nodeType !== 1) continue;
      const flags = value % SCALE;
      if (el.matches(this.blockSelector) || (flags & BLOCKED) !== 0) {
        refresh.push(el);
        continue;
      }
      const parent = mirrorParent(el);
      const parentFlags = parent === null ? 0 : (ids.get(parent) || 0) % SCALE;
      const masked = (parentFlags & MASKED) !== 0 || el.matches(this.maskSelector);
      if (masked !== ((flags & MASKED) !== 0)) refresh.push(el);
    }
    for (let i = 0; i < refresh.length; i++) {
      const node = refresh[i];
      if (!seen.has(node)) {
        seen.add(node);
        removed.set(node, mirrorParent(node));
      }
      added.add(node);
    }

    // alive(n): n is in the recorded tree at the end of the batch under the id it had at
    // its start (it has an id, was not moved, and neither was any ancestor). Memoized so
    // that each node is looked at once: no walk to the root per node.
    const memo = new Map();
    const top = this.doc;
    const path = [];
    const alive = (node) => {
      path.length = 0;
      let x = node;
      let result = false;
      for (;;) {
        const known = memo.get(x);
        if (known !== undefined) {
          result = known;
          break;
        }
        path.push(x);
        if (ids.get(x) === undefined || removed.has(x) || added.has(x)) break;
        if (x === top) {
          result = true;
          break;
        }
        const parent = mirrorParent(x);
        if (parent === null || !recordsChild(parent, x)) break;
        x = parent;
      }
      for (let i = 0; i < path.length; i++) memo.set(path[i], result);
      return result;
    };
    const idOf = (node) => Math.floor(ids.get(node) / SCALE);
    // Whether `child` of `parent` is in the recorded tree (given that parent is): not under
    // a script, textarea or blocked element, which may hold stale ids from before.
    const recordsChild = (parent, child) => {
      const flags = (ids.get(parent) || 0) % SCALE;
      if ((flags & OPAQUE) === 0) return true;
      return child.nodeType === 9 && (flags & BLOCKED) === 0; // an iframe's document
    };

    // Removals: nodes that were in the tree, unless their parent then was itself removed
    // (or moved): removing an ancestor removes them.
    out.push(0);
    const removeCount = out.length - 1;
    let n = 0;
    for (const [node, parent] of removed) {
      if (parent === null || ids.get(node) === undefined || !alive(parent)) continue;
      if (!recordsChild(parent, node)) continue;
      out.push(idOf(node));
      n++;
    }
    out[removeCount] = n;

    // Additions: a node added under a node that is alive and records its children. Nodes
    // added under added nodes are serialized with them; so are nodes under a parent
    // without an id (inserted while their ancestor was detached).
    const roots = [];
    for (const node of added) {
      const parent = mirrorParent(node);
      if (parent === null || added.has(parent) || !alive(parent)) continue;
      if ((ids.get(parent) % SCALE) & OPAQUE) continue;
      const type = node.nodeType;
      if (type === 7 || type === 2 || type > 11) continue;
      roots.push(node);
    }
    out.push(0);
    const addCount = out.length - 1;
    n = 0;
    if (roots.length !== 0) {
      const isRoot = new Set(roots);
      const done = new Set();
      // The next sibling that will be in the replayer's tree when `node` is inserted.
      const anchor = (node) => {
        for (let s = node.nextSibling; s !== null; s = s.nextSibling) {
          if (isRoot.has(s) || alive(s)) return s;
        }
        return null;
      };
      const run = [];
      for (let i = 0; i < roots.length; i++) {
        if (done.has(roots[i])) continue;
        // A run of added siblings is inserted right to left, so each one's next sibling
        // is already there.
        run.length = 0;
        let node = roots[i];
        let before = null;
        for (;;) {
          run.push(node);
          done.add(node);
          const s = anchor(node);
          if (s !== null && isRoot.has(s) && !done.has(s)) {
            node = s;
            continue;
          }
          before = s;
          break;
        }
        for (let k = run.length - 1; k >= 0; k--) {
          const child = run[k];
          const parentValue = ids.get(mirrorParent(child));
          out.push(Math.floor(parentValue / SCALE), before === null ? 0 : idOf(before), this.next);
          if (this.walk(child, parentValue % SCALE & MASKED)) {
            n++;
            before = child;
          } else {
            out.length -= 3;
          }
        }
      }
    }
    out[addCount] = n;

    // Attribute changes on nodes that stay, with their final values.
    out.push(0);
    const attrCount = out.length - 1;
    n = 0;
    for (const [el, changed] of attrs) {
      if (!alive(el)) continue;
      const value = ids.get(el);
      const id = Math.floor(value / SCALE);
      const flags = value % SCALE;
      if (typeof changed === 'string') {
        this.attributeChange(el, id, flags, changed);
        n++;
      } else {
        for (let i = 0; i < changed.length; i++) this.attributeChange(el, id, flags, changed[i]);
        n += changed.length;
      }
    }
    out[attrCount] = n;

    // Text changes on nodes that stay.
    out.push(0);
    const textCount = out.length - 1;
    n = 0;
    for (const node of texts) {
      if (!alive(node)) continue;
      const value = ids.get(node);
      out.push(value % SCALE & MASKED ? 'x' : 't', Math.floor(value / SCALE), esc(node.data));
      n++;
    }
    out[textCount] = n;
    return this.finish();
  }

  // Emits one attribute change: the attribute's final value, or its removal.
  attributeChange(el, id, flags, key) {
    let name = key;
    let attr;
    const split = key.indexOf('\0');
    if (split !== -1) {
      const ns = key.slice(0, split);
      const local = key.slice(split + 1);
      attr = el.getAttributeNodeNS(ns, local);
      name = attr ? attr.name : prefixed(ns, local);
    } else {
      attr = el.getAttributeNode(name);
    }
    const isInputValue = (flags & INPUT) !== 0 && name === 'value';
    this.out.push(isInputValue ? 'B' : 'A', id, flags, esc(name), attr ? '+' + esc(attr.value) : '-');
    if (isInputValue) this.specials.push(el, S_CONTROL);
  }
}


function prefixed(ns, local) {
  if (ns === XLINK_NS) return 'xlink:' + local;
  if (ns === XML_NS) return 'xml:' + local;
  if (ns === XMLNS_NS) return local === 'xmlns' ? local : 'xmlns:' + local;
  return local;
}
