// A backend trace as an indented tree of spans (by parent span id, children by start
// time), each with a waterfall bar, its duration and error status, and its log records
// beneath it. Used by the Network detail and the Backend panel.
import { h, duration, clock } from './dom.js';

/**
 * The trace in tree order: `[{span, depth} | {log, depth}]`, each span followed by its
 * child spans and its logs, interleaved by time; logs outside any span of the trace last.
 */
export function spanTree(trace) {
  const ids = new Set(trace.spans.map((s) => s.span_id));
  const under = new Map(); // span id → its child spans and logs
  const add = (parent, item) => {
    if (!under.has(parent)) under.set(parent, []);
    under.get(parent).push(item);
  };
  const roots = [];
  const loose = [];
  for (const span of trace.spans) {
    if (span.parent && ids.has(span.parent) && span.parent !== span.span_id) add(span.parent, { span });
    else roots.push({ span });
  }
  for (const log of trace.logs) {
    if (log.span_id && ids.has(log.span_id)) add(log.span_id, { log });
    else loose.push({ log, depth: 0 });
  }
  const time = (item) => (item.span ?? item.log).time;
  const rows = [];
  const seen = new Set();
  const walk = (item, depth) => {
    if (item.log) {
      rows.push({ log: item.log, depth });
      return;
    }
    if (seen.has(item.span.span_id)) return; // a cycle in hostile data: each span once
    seen.add(item.span.span_id);
    rows.push({ span: item.span, depth });
    const children = (under.get(item.span.span_id) ?? []).sort((a, b) => time(a) - time(b));
    for (const child of children) walk(child, depth + 1);
  };
  roots.sort((a, b) => time(a) - time(b)).forEach((root) => walk(root, 0));
  return [...rows, ...loose];
}

/** The tree as elements; `seek(ms)` when a span or log is clicked. */
export function renderTrace(trace, seek) {
  const rows = spanTree(trace);
  const start = trace.start;
  const total = Math.max(trace.end - start, 0.001);
  const byId = new Map(trace.spans.map((s) => [s.span_id, s]));
  const tree = h('div', { class: 'spans', 'data-own-clicks': true });
  for (const { span, log, depth } of rows) {
    if (log) {
      tree.append(logRow(log, depth, seek));
      continue;
    }
    const ms = span.duration_us / 1000;
    const failed = span.status === 'Error';
    const bar = h('span', {
      class: 'bar',
      style: {
        left: `${((span.time - start) / total) * 100}%`,
        width: `max(2px, ${(ms / total) * 100}%)`,
      },
    });
    const attrs = span.attributes.length
      ? h(
          'div',
          { class: 'attrs', hidden: true },
          span.attributes.map((a) => h('div', {}, h('span', { class: 'key' }, a.name), ` ${a.value}`)),
        )
      : null;
    const row = h(
      'div',
      {
        class: `span${failed ? ' error' : ''}`,
        style: { '--depth': depth },
        title: 'Click: attributes · double-click: seek here',
        data: { span: span.span_id, status: span.status },
        on: {
          click: () => {
            if (!attrs) return;
            attrs.hidden = !attrs.hidden;
            row.classList.toggle('open', !attrs.hidden);
          },
          dblclick: () => seek(span.time),
        },
      },
      h(
        'span',
        { class: 'name' },
        h('span', { class: 'tw' }, attrs ? '▸' : '·'),
        h('span', { class: 'op' }, span.name),
        depth === 0 || span.service !== byId.get(span.parent)?.service
          ? h('span', { class: 'svc' }, span.service)
          : null,
        failed ? h('span', { class: 'badge error' }, 'error') : null,
      ),
      h('span', { class: 'track' }, bar),
      h('span', { class: 'dur' }, duration(ms)),
    );
    tree.append(row);
    if (attrs) tree.append(h('div', { class: 'span-extra', style: { '--depth': depth } }, attrs));
  }
  if (!rows.length) tree.append(h('div', { class: 'empty' }, 'No backend work recorded for this trace.'));
  return tree;
}

function logRow(log, depth, seek) {
  const fields = log.attributes.map((a) => `${a.name}=${a.value}`).join(' ');
  return h(
    'div',
    {
      class: `log lv-${log.level.toLowerCase()}`,
      data: { span: log.span_id ?? '' },
      style: { '--depth': depth },
      title: `${clock(log.time, true)} — double-click to seek here`,
      on: { dblclick: () => seek(log.time) },
    },
    h('span', { class: 'lvl' }, log.level.toUpperCase()),
    h('span', { class: 'msg' }, log.message, fields ? h('span', { class: 'fields' }, ` ${fields}`) : null),
  );
}
