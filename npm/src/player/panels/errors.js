// Errors: uncaught exceptions, unhandled rejections, failed resources and console errors,
// with their stacks.
import { h, clock } from '../dom.js';
import { TimeList } from '../list.js';
import { errorKind } from '../model.js';

export function errorsPanel(model, seek) {
  const items = model.errors;
  const list = new TimeList({
    items,
    seek,
    empty: 'No errors recorded.',
    render: (entry) => {
      const { data } = entry;
      const uncaught = entry.source === 'uncaught';
      const message = uncaught ? data.message : data.args.join(' ');
      const kind = uncaught ? errorKind(data.kind) : `console.${data.level.toLowerCase()}`;
      const where = uncaught && data.source ? `${data.source}:${data.line}:${data.column}` : null;
      const stack = data.stack ? h('pre', { class: 'stack', hidden: !uncaught }, data.stack) : null;
      return h(
        'div',
        { class: 'entry lv-error', data: { kind: uncaught ? data.kind : 'console' } },
        h('span', { class: 't' }, clock(entry.time)),
        h(
          'div',
          { class: 'body' },
          h('div', { class: 'msg strong' }, message),
          h(
            'div',
            { class: 'sub' },
            h('span', { class: 'badge error' }, kind),
            where ? h('span', { class: 'mono' }, where) : null,
            stack && !uncaught
              ? h('button', { class: 'link', text: 'stack', on: { click: () => (stack.hidden = !stack.hidden) } })
              : null,
          ),
          stack,
        ),
      );
    },
  });
  return {
    name: 'errors',
    title: 'Errors',
    count: items.length,
    alerts: items.length,
    toolbar: [],
    list,
    select(entry) {
      const i = items.findIndex((e) => e === entry || (e.index === entry.index && e.time === entry.time));
      if (i < 0) return;
      list.select(i);
      list.rows[i].querySelector('.stack')?.removeAttribute('hidden');
    },
  };
}
