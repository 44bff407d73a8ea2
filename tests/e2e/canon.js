// A canonical, line-per-node serialization of a DOM, for the fidelity tests: the recorded
// page's live DOM and a replayed DOM (the native HTML export parsed back, or the browser
// player's document) are both written with `canon` and must be equal line for line.
//
// Runs in the browser (imported by the test driver into the fixture pages). Everything the
// recorder records is compared — node types, tag names and namespaces, attributes with
// their namespaces, text and comments exactly, open shadow roots, same-origin iframe
// documents, form state as properties (value, checked, selected) — and nothing else.
//
// `opts.mode` is 'live' (the recorded page) or 'replayed'; `opts.target` is 'export' (the
// native `Dom::to_html`, parsed back with DOMParser) or 'player' (the
// browser player's document). Both sides of a comparison use the same target. What is
// normalized, and why:
//
// Always (not recorded, by design: DESIGN.md and recorder-wasm's capture docs):
// - the text of `<script>` and the content of `<noscript>`;
// - a blocked element (`data-tapedeck-block`) is its tag, `id`, `class`, the marker and its
//   size, without children (the replay's placeholder `style` is read as that size);
// - `<style>` text and a readable `<link rel=stylesheet>` are compared by their rules as
//   the CSS parser reads them (`cssRules`): a sheet changed through CSSOM is recorded as its
//   rules; a linked sheet is recorded as its rules and replayed as
//   `<style data-tapedeck-href media>` (the replay cannot fetch from the recorded site), so
//   a stylesheet link is compared by its `href`, `media` and rules;
// - `<textarea>` children (its default value): the current value is recorded and compared;
// - masked values that the input type cannot hold (number, range, date and time types,
//   color: the browser replaces `***` with the type's default), a file input's value (no
//   page can set it), and a masked `<select>`'s selection (a masked value names no option);
// - in the live page, the privacy rules are applied as the recorder applies them: masked
//   values become one `*` per character but line breaks (also in the `value` attribute), password values
//   and `value` attributes are absent, masked text has every non-whitespace character `*`.
// target 'export' (what HTML cannot express, or the export writes differently on purpose):
// - adjacent text nodes are merged and empty ones dropped;
// - the `value`/`checked` attributes of inputs and `selected` of options: the export
//   writes the recorded form state into them (the state itself is compared);
// - an iframe's `srcdoc` holds its recorded document, which is compared as the iframe's.
// target 'player' (what the player neutralizes): `on*` attributes (dropped by the player),
//   the attributes it adds (a script's `type`, an iframe's `sandbox`, the injected
//   `<base data-tapedeck-injected>`); attributes it renamed `data-tapedeck-NAME` are
//   compared as NAME.

const HTML_NS = 'http://www.w3.org/1999/xhtml';
const SHORT_NS = {
  'http://www.w3.org/2000/svg': 'svg',
  'http://www.w3.org/1998/Math/MathML': 'math',
  'http://www.w3.org/1999/xlink': 'xlink',
  'http://www.w3.org/XML/1998/namespace': 'xml',
  'http://www.w3.org/2000/xmlns/': 'xmlns',
};
const SECRET_AUTOCOMPLETE = ['current-password', 'new-password', 'one-time-code', 'cc-number', 'cc-csc'];
// Input types whose value sanitization turns a masked value into something else.
const UNMASKABLE = new Set(['number', 'range', 'date', 'month', 'week', 'time', 'datetime-local', 'color']);
const CHECKABLE = new Set(['checkbox', 'radio']);
const BUTTONS = new Set(['submit', 'reset', 'button', 'image']);

/** A string with invisible and ambiguous characters made visible. */
export function quote(s) {
  return JSON.stringify(s).replace(/[\u00a0\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// recorder_core::redact::mask_value: one `*` per character but line breaks (a masked
// textarea keeps its lines), at most MAX_MASKED_CHARS (256) characters.
const maskValue = (v) => [...v].slice(0, 256).map((c) => (c === '\n' || c === '\r' ? c : '*')).join('');
// Rust's char::is_whitespace (Unicode White_Space), as the recorder masks text.
const maskText = (t) => t.replace(/[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/gu, '*');

/**
 * The privacy policy of a form control's value, as recorder_core's InputPolicy decides
 * it for the recorder: 'never' | 'mask' | 'record'. (Its rule masking fields named like
 * secrets, `cvv`, `card_number`…, is left out: no fixture has such a field.)
 */
export function inputPolicy(el, opts) {
  const tag = el.localName;
  const type = tag === 'input' ? el.type : '';
  const auto = (el.getAttribute('autocomplete') || '').toLowerCase().split(/[\t\n\f\r ]+/);
  if (type === 'password' || auto.some((t) => SECRET_AUTOCOMPLETE.includes(t))) return 'never';
  // The nearest mark decides; on the same element, mask wins.
  const mask = el.closest('[data-tapedeck-mask]');
  const unmask = el.closest('[data-tapedeck-unmask]');
  if (mask) return unmask && unmask !== mask && mask.contains(unmask) ? 'record' : 'mask';
  const kind = tag === 'input' ? type : tag;
  if (opts.maskAllInputs === false || (opts.unmaskInputTypes || []).includes(kind)
    || el.closest('[data-tapedeck-unmask]')) return 'record';
  return 'mask';
}

/**
 * An exported HTML document parsed as a browser would, but inert. DOMParser, not
 * `Document.parseHTMLUnsafe`: Chromium 156's drops comments (its fast path), so
 * declarative shadow roots stay `<template shadowrootmode>` and `canon` reads them as
 * shadow roots.
 */
export function parseExport(html) {
  return new DOMParser().parseFromString(html, 'text/html');
}

/** Canonical lines of `doc` (a Document); `opts`: `{mode, target, maskAllInputs, unmaskInputTypes}`. */
export function canon(doc, opts) {
  const lines = [];
  new Canon(opts, lines).node(doc, 0, false);
  return lines.join('\n');
}

class Canon {
  constructor(opts, lines) {
    this.opts = opts;
    this.live = opts.mode === 'live';
    this.export = opts.target === 'export';
    this.player = opts.target === 'player';
    if (!['live', 'replayed'].includes(opts.mode) || this.export === this.player) {
      throw new Error(`canon: bad options ${JSON.stringify(opts)}`);
    }
    this.lines = lines;
  }

  emit(depth, s) {
    this.lines.push('  '.repeat(depth) + s);
  }

  node(node, depth, masked) {
    switch (node.nodeType) {
      case 9:
        this.emit(depth, '#document');
        this.children(node, depth + 1, masked);
        break;
      case 10:
        this.emit(depth, `<!DOCTYPE ${node.name} ${quote(node.publicId)} ${quote(node.systemId)}>`);
        break;
      case 11:
        this.emit(depth, `#shadow-root(${node.mode})`);
        this.children(node, depth + 1, masked);
        break;
      case 3:
        this.emit(depth, quote(this.live && masked ? maskText(node.data) : node.data));
        break;
      case 8:
        this.emit(depth, `<!--${quote(node.data)}-->`);
        break;
      case 4:
        this.emit(depth, `<![CDATA[${quote(node.data)}]]>`);
        break;
      case 1:
        this.element(node, depth, masked);
        break;
      default:
        break;
    }
  }

  children(parent, depth, masked) {
    let text = null;
    const flush = () => {
      if (text !== null && text !== '') this.node({ nodeType: 3, data: text }, depth, masked);
      text = null;
    };
    for (let c = parent.firstChild; c !== null; c = c.nextSibling) {
      if (this.export && c.nodeType === 3) {
        text = (text ?? '') + c.data;
        continue;
      }
      flush();
      if (this.skipped(c)) continue;
      this.node(c, depth, masked);
    }
    flush();
  }

  skipped(node) {
    return this.player && !this.live && node.nodeType === 1 && node.localName === 'base'
      && node.hasAttribute('data-tapedeck-injected');
  }

  element(el, depth, masked) {
    const html = el.namespaceURI === HTML_NS;
    const tag = html ? el.localName : `${SHORT_NS[el.namespaceURI] ?? el.namespaceURI}:${el.localName}`;
    const is = (name) => html && el.localName === name;
    if (!masked && el.hasAttribute('data-tapedeck-mask')) masked = true;
    if (this.export && !this.live && is('template') && el.getAttribute('shadowrootmode') === 'open') {
      // The export writes an open shadow root as declarative shadow DOM; parsed with
      // DOMParser (see `parseExport`) it stays a template.
      this.node({ nodeType: 11, mode: 'open', firstChild: el.content.firstChild }, depth, masked);
      return;
    }

    if (this.isBlocked(el)) {
      const keep = this.attrs(el).filter((a) => ['id', 'class', 'data-tapedeck-block'].includes(a.name));
      this.emit(depth, `<${tag}${keep.map(fmtAttr).join('')}> {blocked ${this.blockedSize(el)}}`);
      return;
    }
    const sheet = this.stylesheet(el);
    if (sheet) {
      this.emit(depth, `<stylesheet href=${quote(sheet.href ?? '')} media=${quote(sheet.media ?? '')}>`);
      for (const rule of sheet.rules) this.emit(depth + 1, `css ${quote(rule)}`);
      return;
    }
    if (is('style')) {
      const rules = sheetRules(el);
      if (rules !== null) {
        this.emit(depth, `<style${this.attrs(el).map(fmtAttr).join('')}>`);
        for (const rule of rules) this.emit(depth + 1, `css ${quote(rule)}`);
        return;
      }
    }

    let attrs = this.attrs(el);
    const state = [];
    if (is('input')) {
      const type = el.type;
      if (CHECKABLE.has(type)) {
        if (this.export) attrs = attrs.filter((a) => a.name !== 'checked');
        state.push(el.checked ? 'checked' : 'unchecked');
      } else if (!BUTTONS.has(type)) {
        const policy = inputPolicy(el, this.opts);
        if (this.export) attrs = attrs.filter((a) => a.name !== 'value');
        if (this.live && policy !== 'record') {
          attrs = attrs.flatMap((a) => {
            if (a.name !== 'value') return [a];
            return policy === 'never' ? [] : [{ ...a, value: maskValue(a.value) }];
          });
        }
        const hidden = policy === 'never' || type === 'file' || (policy === 'mask' && UNMASKABLE.has(type));
        if (!hidden) state.push(`value=${quote(this.value(el.value, policy))}`);
      }
    } else if (is('textarea')) {
      const policy = inputPolicy(el, this.opts);
      if (policy !== 'never') state.push(`value=${quote(this.value(el.value, policy))}`);
    } else if (is('option')) {
      if (this.export) attrs = attrs.filter((a) => a.name !== 'selected');
      const select = el.closest('select');
      if (!select || inputPolicy(select, this.opts) === 'record') state.push(el.selected ? 'selected' : 'unselected');
    } else if (is('iframe') && this.export) {
      attrs = attrs.filter((a) => a.name !== 'srcdoc');
    }

    const line = `<${tag}${attrs.map(fmtAttr).join('')}>`;
    this.emit(depth, state.length ? `${line} {${state.join(' ')}}` : line);
    const inner = depth + 1;
    if (el.shadowRoot) this.node(el.shadowRoot, inner, masked);
    if (is('iframe')) {
      const frame = this.frameDocument(el);
      if (frame) this.node(frame, inner, masked);
      return;
    }
    if (is('script') || is('noscript') || is('textarea')) return;
    if (is('template')) {
      this.children(el.content, inner, masked);
      return;
    }
    this.children(el, inner, masked);
  }

  value(v, policy) {
    return this.live && policy === 'mask' ? maskValue(v) : v;
  }

  isBlocked(el) {
    return el.hasAttribute(this.live ? 'data-tapedeck-block' : 'data-tapedeck-blocked');
  }

  blockedSize(el) {
    if (this.live) {
      const r = el.getBoundingClientRect();
      return `${Math.max(0, Math.round(r.width))}x${Math.max(0, Math.round(r.height))}`;
    }
    const style = el.getAttribute('style') || '';
    const w = /width:\s*(\d+)px/.exec(style);
    const h = /height:\s*(\d+)px/.exec(style);
    return `${w ? w[1] : '?'}x${h ? h[1] : '?'}`;
  }

  /** `{href, media, rules}` of a `<style>` or readable stylesheet `<link>`, else null. */
  stylesheet(el) {
    if (el.namespaceURI !== HTML_NS) return null;
    const tag = el.localName;
    let href = null;
    if (tag === 'link') {
      if (!/(^|\s)stylesheet(\s|$)/i.test(el.getAttribute('rel') || '')) return null;
      href = el.getAttribute('href');
    } else if (tag === 'style') {
      href = el.getAttribute('data-tapedeck-href');
      if (href === null) return null; // a plain <style>
    } else {
      return null;
    }
    const rules = sheetRules(el);
    if (rules === null) return null; // an unreadable sheet: compared as an element
    return { href, media: el.getAttribute('media'), rules };
  }

  attrs(el) {
    const out = [];
    for (const a of el.attributes) {
      let name = a.name;
      let ns = a.namespaceURI;
      if (this.player && /^on/i.test(name)) continue;
      if (this.player && !this.live) {
        if (el.localName === 'script' && name === 'type') continue;
        if (el.localName === 'iframe' && name === 'sandbox') continue;
        if (name.startsWith('data-tapedeck-') && !isMarker(name, el)) {
          name = name.slice('data-tapedeck-'.length);
          const colon = /^(xlink|xml|xmlns)-/.exec(name);
          if (colon) name = name.replace('-', ':');
          ns = null;
        }
      }
      out.push({ name, ns, value: a.value });
    }
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  frameDocument(iframe) {
    if (this.export && !this.live) {
      const srcdoc = iframe.getAttribute('srcdoc');
      return srcdoc === null ? null : parseExport(srcdoc);
    }
    try {
      return iframe.contentDocument;
    } catch {
      return null;
    }
  }
}

// The privacy markers and the player's own markers (an inlined sheet's `href` on its
// `<style>`), as opposed to attributes the player renamed.
const isMarker = (name, el) => ['data-tapedeck-block', 'data-tapedeck-mask', 'data-tapedeck-unmask',
  'data-tapedeck-blocked', 'data-tapedeck-injected'].includes(name)
  || (name === 'data-tapedeck-href' && el.localName === 'style');

function fmtAttr(a) {
  const ns = a.ns && SHORT_NS[a.ns] ? `[${SHORT_NS[a.ns]}]` : a.ns ? `[${a.ns}]` : '';
  return ` ${a.name}${ns}=${quote(a.value)}`;
}

/**
 * The rules of `el`'s stylesheet as the CSS parser reads them; null if unreadable. A
 * `<style>` without a sheet (in an inert document's `<template>`, as declarative shadow
 * roots are in a DOMParser document) has its text parsed into a constructed sheet.
 */
function sheetRules(el) {
  try {
    if (el.sheet) return [...el.sheet.cssRules].map((r) => r.cssText);
    const type = el.getAttribute('type');
    if (el.localName === 'style' && (type === null || /^\s*(text\/css)?\s*$/i.test(type))) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(el.textContent);
      return [...sheet.cssRules].map((r) => r.cssText);
    }
  } catch {
    return null;
  }
  return null;
}
