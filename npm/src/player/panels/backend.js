// Backend: every trace the services recorded for this session, with the request that caused
// it, as span trees with durations, error status and logs.
import { h, clock, duration } from '../dom.js';
import { TimeList } from '../list.js';
import { renderTrace } from '../spans.js';

export function backendPanel(model, seek) {
  const items = model.traceList;
  const list = new TimeList({
    items,
    seek,
    empty: 'No backend spans recorded (services record them by the trace id the recorder sends).',
    render: (trace) => {
      const root = trace.spans.reduce((a, b) => (a && a.time <= b.time ? a : b), null);
      const request = trace.requests[0]?.data;
      const label = request ? `${request.method} ${pathOf(request.url)}` : (root?.name ?? 'trace');
      const status = request ? (request.status ?? request.error ?? '–') : '';
      return h(
        'div',
        { class: `trace${trace.error ? ' error' : ''}`, data: { trace: trace.id } },
        h(
          'div',
          { class: 'trace-head' },
          h('span', { class: 't' }, clock(trace.start)),
          h('span', { class: 'msg strong' }, label),
          status !== '' ? h('span', { class: `status${trace.requests[0]?.failed ? ' bad' : ''}` }, status) : null,
          trace.error ? h('span', { class: 'badge error' }, 'error') : null,
          h('span', { class: 'num' }, duration(trace.end - trace.start)),
        ),
        h('div', { class: 'trace-id mono' }, `trace ${trace.id}`),
        renderTrace(trace, seek),
      );
    },
  });
  const errors = items.filter((t) => t.error).length;
  return {
    name: 'backend',
    title: 'Backend',
    count: items.length,
    alerts: errors,
    toolbar: [],
    list,
    select(trace) {
      list.select(items.indexOf(trace));
    },
  };
}

function pathOf(url) {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
