// DOM building and formatting helpers for the player UI. Every string passed as a child
// becomes a Text node: recorded content is never parsed as markup.

/**
 * Creates an element. `props`: `class`, `title`, `text`, `data` (dataset), `on` (event
 * listeners), `style` (object), any other key as an attribute (`false`/`null` skipped).
 * Children: nodes, strings (as text), numbers, arrays of them; `null`/`false` skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'data') Object.assign(el.dataset, value);
    else if (key === 'style') {
      // setProperty takes custom properties (`--depth`) too; camelCase becomes kebab-case.
      for (const [k, v] of Object.entries(value)) el.style.setProperty(k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), v);
    }
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Icons are the player's own constants (16×16, stroked unless marked filled).
const ICONS = {
  play: { d: 'M4.5 2.8v10.4a.6.6 0 0 0 .9.5l8.3-5.2a.6.6 0 0 0 0-1L5.4 2.3a.6.6 0 0 0-.9.5z', fill: true },
  pause: { d: 'M4 2.5h2.6v11H4zM9.4 2.5H12v11H9.4z', fill: true },
  replay: { d: 'M3 8a5 5 0 1 0 1.6-3.7M3 2.5v2.8h2.8' },
  back: { d: 'M10 3 5 8l5 5' },
  copy: { d: 'M5.5 5.5h7v8h-7zM3.5 10.5v-8h7' },
  download: { d: 'M8 2.5v7.5M4.8 7 8 10.2 11.2 7M2.5 13.5h11' },
  close: { d: 'M4 4l8 8M12 4l-8 8' },
  chevron: { d: 'M6 4l4 4-4 4' },
  warn: { d: 'M8 2.2 14.2 13H1.8zM8 6.5v3M8 11.2v.1' },
};

/** A constant inline SVG icon. */
export function icon(name) {
  const NS = 'http://www.w3.org/2000/svg';
  const { d, fill } = ICONS[name];
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', d);
  if (fill) path.setAttribute('fill', 'currentColor');
  else {
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.5');
    path.setAttribute('stroke-linecap', 'round');
    path.setAttribute('stroke-linejoin', 'round');
  }
  svg.append(path);
  return svg;
}

/** Session time as a clock: `1:02.3` (`1:02:03` from an hour). */
export function clock(ms, precise = false) {
  ms = Math.max(0, ms || 0);
  const s = ms / 1000;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h}:${String(m).padStart(2, '0')}:${String(Math.floor(sec)).padStart(2, '0')}`;
  const digits = precise ? 3 : 1;
  const whole = sec.toFixed(digits).padStart(digits + 3, '0');
  return `${m}:${whole}`;
}

/** A duration: `0.4 ms`, `12 ms`, `1.24 s`, `2 min 5 s`. */
export function duration(ms) {
  if (ms == null || !Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A byte count: `512 B`, `1.4 kB`, `2.1 MB`. */
export function bytes(n) {
  if (n == null || !Number.isFinite(n)) return '–';
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** `3 frames`, `1 frame`. */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `text` cut to `max` characters with an ellipsis. */
export function cut(text, max) {
  text = String(text ?? '');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Pretty-printed JSON when `text` parses as JSON, else `text` unchanged. */
export function pretty(text) {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

/** The index of the last item with `time(item) <= t`, or -1 (items in time order). */
export function lastAtOrBefore(items, t, time = (item) => item.time) {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time(items[mid]) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
