// Network: every fetch/XHR with method, URL, status, duration and size; a click seeks there
// and opens the detail: timing, headers, bodies (JSON pretty-printed), the trace id, and
// the backend spans of that trace as a tree with their logs.
import { h, clock, duration, bytes, pretty, cut, plural } from '../dom.js';
import { TimeList } from '../list.js';
import { renderTrace } from '../spans.js';

export function networkPanel(model, seek) {
  const items = model.network;
  const origin = originOf(model.meta?.url);
  const detail = h('section', { class: 'detail', hidden: true, 'aria-label': 'Request detail' });
  let open = null;
  const show = (entry) => {
    open = entry;
    detail.replaceChildren(...renderDetail(entry, origin, seek, close));
    detail.hidden = false;
    detail.scrollTop = 0;
  };
  const close = () => {
    open = null;
    detail.hidden = true;
    list.select(-1);
  };
  const list = new TimeList({
    items,
    seek,
    onPick: show,
    empty: 'No requests recorded.',
    render: (entry) => {
      const d = entry.data;
      const size = d.response_size ?? (d.response_body ? d.response_body.text.length : null);
      return h(
        'div',
        { class: `req${entry.failed ? ' failed' : ''}`, data: { status: d.status ?? 'none' }, title: d.url },
        h('span', { class: 't' }, clock(entry.time)),
        h('span', { class: 'method' }, d.method),
        h('span', { class: 'url' }, shortUrl(d.url, origin)),
        h('span', { class: 'status' }, d.status ?? (d.error ? 'failed' : '–')),
        h('span', { class: 'num' }, duration(d.duration)),
        h('span', { class: 'num' }, bytes(size)),
        entry.trace
          ? h('span', {
              class: `tr${entry.trace.error ? ' error' : ''}`,
              title: entry.trace.error ? 'Backend work, with errors' : 'Backend work recorded',
            })
          : h('span'),
      );
    },
  });
  let failedOnly = false;
  let query = '';
  const apply = () =>
    list.filter((e) => (!failedOnly || e.failed) && (!query || e.data.url.toLowerCase().includes(query)));
  const failedCount = items.filter((e) => e.failed).length;
  const failedChip = h(
    'button',
    {
      class: 'chip lv-error',
      'aria-pressed': 'false',
      disabled: failedCount === 0,
      on: {
        click: () => {
          failedOnly = !failedOnly;
          failedChip.setAttribute('aria-pressed', String(failedOnly));
          apply();
        },
      },
    },
    'Failed',
    h('span', { class: 'n' }, failedCount),
  );
  const search = h('input', {
    type: 'search',
    placeholder: 'Filter URLs',
    'aria-label': 'Filter requests',
    on: {
      input: () => {
        query = search.value.toLowerCase();
        apply();
      },
    },
  });
  const head = h(
    'div',
    { class: 'req head' },
    h('span', { class: 't' }, 'Time'),
    h('span', { class: 'method' }, ''),
    h('span', { class: 'url' }, 'URL'),
    h('span', { class: 'status' }, 'Status'),
    h('span', { class: 'num' }, 'Duration'),
    h('span', { class: 'num' }, 'Size'),
    h('span'),
  );
  return {
    name: 'network',
    title: 'Network',
    count: items.length,
    alerts: failedCount,
    toolbar: [failedChip, search],
    head,
    list,
    detail,
    select(entry) {
      const i = items.indexOf(entry);
      if (i < 0) return;
      list.select(i);
      show(entry);
    },
    get open() {
      return open;
    },
  };
}

function renderDetail(entry, origin, seek, close) {
  const d = entry.data;
  const status = d.status != null ? String(d.status) : d.error ? 'no response' : 'pending';
  const title = h(
    'div',
    { class: 'detail-head' },
    h('span', { class: `status-pill${entry.failed ? ' error' : ''}` }, status),
    h('span', { class: 'method' }, d.method),
    h('span', { class: 'url', title: d.url }, shortUrl(d.url, origin)),
    h('button', { class: 'icon-btn', title: 'Close', 'aria-label': 'Close detail', on: { click: close } }, '×'),
  );
  const general = kv([
    ['URL', d.url],
    ['Status', d.status != null ? String(d.status) : '–'],
    d.error ? ['Error', d.error] : null,
    ['Initiator', d.initiator ?? '–'],
    ['Started', `${clock(entry.time, true)} into the session`],
    ['Duration', duration(d.duration)],
    ['Request size', bytes(d.request_size)],
    ['Response size', bytes(d.response_size)],
    ['Trace id', d.trace_id ?? '–'],
  ]);
  const parts = [title, section('General', general)];
  if (entry.trace) {
    const t = entry.trace;
    parts.push(
      section(
        `Backend · ${plural(t.spans.length, 'span')}${t.logs.length ? `, ${plural(t.logs.length, 'log')}` : ''}`,
        renderTrace(t, seek),
        t.error ? 'error' : '',
      ),
    );
  } else if (d.trace_id) {
    parts.push(section('Backend', h('div', { class: 'empty' }, 'No backend spans recorded for this trace id.')));
  }
  parts.push(section('Request headers', headers(d.request_headers)));
  if (d.request_body) parts.push(section('Request body', body(d.request_body)));
  parts.push(section('Response headers', headers(d.response_headers)));
  if (d.response_body) parts.push(section('Response body', body(d.response_body)));
  return parts;
}

function section(title, content, tone = '') {
  return h('div', { class: `sect ${tone}` }, h('h4', {}, title), content);
}

function kv(pairs) {
  return h(
    'dl',
    { class: 'kv' },
    pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function headers(list) {
  if (!list?.length) return h('div', { class: 'empty' }, 'None recorded.');
  return kv(list.map((hd) => [hd.name, hd.value]));
}

function body(b) {
  return h(
    'div',
    {},
    h('pre', { class: 'code' }, pretty(b.text)),
    b.truncated ? h('div', { class: 'note' }, 'Cut at the capture limit.') : null,
  );
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Path and query for same-origin URLs, the whole URL otherwise. */
export function shortUrl(url, origin) {
  try {
    const u = new URL(url);
    return u.origin === origin ? cut(u.pathname + u.search, 200) : cut(url, 200);
  } catch {
    return cut(url, 200);
  }
}
