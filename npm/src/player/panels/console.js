// Console: every console call with its level, arguments and (for warnings and errors) the
// call site's stack; filter by level and text.
import { h, clock } from '../dom.js';
import { TimeList } from '../list.js';

const LEVELS = [
  ['error', 'Errors', ['Error', 'Assert']],
  ['warn', 'Warnings', ['Warn']],
  ['info', 'Info', ['Info', 'Log', 'Trace']],
  ['debug', 'Debug', ['Debug']],
];
const GROUP = Object.fromEntries(LEVELS.flatMap(([group, , levels]) => levels.map((l) => [l, group])));

export function consolePanel(model, seek) {
  const items = model.console;
  const list = new TimeList({
    items,
    seek,
    empty: 'No console output recorded.',
    render: (entry) => {
      const { level, args, stack } = entry.data;
      const group = GROUP[level] ?? 'info';
      const text = h('span', { class: 'msg' }, args.join(' '));
      const trace = stack ? h('pre', { class: 'stack', hidden: true }, stack) : null;
      const toggle = stack
        ? h('button', {
            class: 'link',
            'aria-expanded': 'false',
            text: 'stack',
            on: {
              click: () => {
                trace.hidden = !trace.hidden;
                toggle.setAttribute('aria-expanded', String(!trace.hidden));
              },
            },
          })
        : null;
      return h(
        'div',
        { class: `entry lv-${group}`, data: { level } },
        h('span', { class: 't' }, clock(entry.time)),
        h('span', { class: 'lvl' }, level === 'Log' ? '' : level.toLowerCase()),
        h('div', { class: 'body' }, text, toggle, trace),
      );
    },
  });
  const shown = new Set(LEVELS.map(([group]) => group));
  let query = '';
  const apply = () =>
    list.filter(
      (e) =>
        shown.has(GROUP[e.data.level] ?? 'info') &&
        (!query || e.data.args.join(' ').toLowerCase().includes(query)),
    );
  const chips = LEVELS.map(([group, label, levels]) => {
    const n = items.filter((e) => levels.includes(e.data.level)).length;
    const chip = h(
      'button',
      {
        class: `chip lv-${group}`,
        'aria-pressed': 'true',
        disabled: n === 0,
        on: {
          click: () => {
            if (shown.has(group)) shown.delete(group);
            else shown.add(group);
            chip.setAttribute('aria-pressed', String(shown.has(group)));
            apply();
          },
        },
      },
      label,
      h('span', { class: 'n' }, n),
    );
    return chip;
  });
  const search = h('input', {
    type: 'search',
    placeholder: 'Filter',
    'aria-label': 'Filter console',
    on: {
      input: () => {
        query = search.value.toLowerCase();
        apply();
      },
    },
  });
  return {
    name: 'console',
    title: 'Console',
    count: items.length,
    alerts: items.filter((e) => e.error).length,
    toolbar: [...chips, search],
    list,
    select(entry) {
      const i = items.indexOf(entry);
      if (i < 0) return;
      list.select(i);
      list.rows[i].querySelector('.stack')?.removeAttribute('hidden');
    },
  };
}
