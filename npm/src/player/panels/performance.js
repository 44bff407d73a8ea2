// Performance: a vitals summary (FCP, LCP, CLS, INP, long tasks, heap) rated against the
// web-vitals thresholds, then every entry: long tasks, layout shifts, paints,
// interactions, resources and heap samples.
import { h, clock, duration, bytes, cut, plural } from '../dom.js';
import { TimeList } from '../list.js';
import { vitals } from '../model.js';

// [good up to, poor from], as web.dev rates them.
const RATINGS = { fcp: [1800, 3000], lcp: [2500, 4000], cls: [0.1, 0.25], inp: [200, 500], blocking: [200, 600] };

const rate = (key, value) => {
  if (value == null) return '';
  const [good, poor] = RATINGS[key];
  return value <= good ? 'good' : value < poor ? 'meh' : 'poor';
};

export function performancePanel(model, seek) {
  const items = model.performance;
  const v = vitals(items);
  const card = (key, label, value, text, hint) =>
    h(
      'div',
      { class: `vital ${key in RATINGS ? rate(key, value) : ''}`, title: hint },
      h('div', { class: 'label' }, label),
      h('div', { class: 'value' }, value == null ? '–' : text),
    );
  const summary = h(
    'div',
    { class: 'vitals' },
    card('fcp', 'FCP', v.fcp, duration(v.fcp), 'First contentful paint'),
    card('lcp', 'LCP', v.lcp, duration(v.lcp), 'Largest contentful paint (last candidate)'),
    card('cls', 'CLS', v.cls, v.cls.toFixed(3), 'Cumulative layout shift (largest session window)'),
    card('inp', 'INP', v.inp, duration(v.inp), 'Slowest interaction recorded'),
    card(
      'blocking',
      'Long tasks',
      v.blocking,
      v.longTasks ? `${v.longTasks} · ${duration(v.blocking)}` : 'none',
      'Count, and blocking time beyond 50 ms each',
    ),
    card('heap', 'JS heap', v.heap, bytes(v.heap), 'Last JS heap size sample'),
  );
  const list = new TimeList({
    items,
    seek,
    empty: 'No performance entries recorded.',
    render: (entry) => {
      const [label, text, value, bad] = describe(entry);
      return h(
        'div',
        { class: `perf${bad ? ' bad' : ''}`, data: { type: entry.type } },
        h('span', { class: 't' }, clock(entry.time)),
        h('span', { class: `ptype p-${entry.type}` }, label),
        h('span', { class: 'msg' }, text),
        h('span', { class: 'num' }, value),
      );
    },
  });
  const types = [...new Set(items.map((e) => e.type))];
  const shown = new Set(types);
  const chips = types.map((type) => {
    const chip = h(
      'button',
      {
        class: 'chip',
        'aria-pressed': 'true',
        on: {
          click: () => {
            if (shown.has(type)) shown.delete(type);
            else shown.add(type);
            chip.setAttribute('aria-pressed', String(shown.has(type)));
            list.filter((e) => shown.has(e.type));
          },
        },
      },
      TYPE_LABELS[type] ?? type,
      h('span', { class: 'n' }, items.filter((e) => e.type === type).length),
    );
    return chip;
  });
  const poor = [rate('lcp', v.lcp), rate('cls', v.cls), rate('inp', v.inp)].filter((r) => r === 'poor').length;
  return {
    name: 'performance',
    title: 'Performance',
    count: items.length,
    alerts: poor,
    toolbar: chips,
    above: summary,
    list,
    select(entry) {
      list.select(items.indexOf(entry));
    },
  };
}

const TYPE_LABELS = {
  LongTask: 'Long task',
  LayoutShift: 'Layout shift',
  LargestPaint: 'LCP',
  Interaction: 'Interaction',
  Resource: 'Resource',
  Memory: 'Heap',
  Paint: 'Paint',
};

/** [type label, description, figure, whether it is bad]. */
function describe({ type, data }) {
  const label = TYPE_LABELS[type] ?? type;
  switch (type) {
    case 'LongTask':
      return [label, 'Main thread blocked', duration(data.duration), data.duration >= 200];
    case 'LayoutShift':
      return [
        label,
        data.had_recent_input ? 'after input (not counted)' : `${plural(data.sources.length, 'node')} moved`,
        data.value.toFixed(3),
        !data.had_recent_input && data.value >= 0.1,
      ];
    case 'LargestPaint':
      return [
        label,
        data.url ? cut(data.url, 120) : `${data.size} px²`,
        duration(data.render_time),
        data.render_time > 2500,
      ];
    case 'Interaction':
      return [label, data.event, duration(data.duration), data.duration >= 200];
    case 'Resource':
      return [
        label,
        `${data.initiator} ${cut(data.url, 160)}`,
        `${duration(data.duration)} · ${bytes(data.transfer_size || data.decoded_size)}`,
        false,
      ];
    case 'Memory':
      return [label, `of ${bytes(data.total)} (limit ${bytes(data.limit)})`, bytes(data.used), false];
    case 'Paint':
      return [label, data.name, duration(data.time), false];
    default:
      return [label, '', '', false];
  }
}
