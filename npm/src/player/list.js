// A list of timed entries, the body of most panels: rows after the current time are
// dimmed, the latest one reached is highlighted, a click seeks to the entry and selects
// it. Rows are updated incrementally as time moves, so a long list costs little per frame.
import { h, lastAtOrBefore } from './dom.js';

export class TimeList {
  /**
   * `items` in time order, each with `time`; `render(item, index)` returns the row
   * element; `onPick(item, index)` runs after a click seeks (e.g. to show detail).
   */
  constructor({ items, render, seek, onPick, empty = 'Nothing recorded.' }) {
    this.items = items;
    this.seek = seek;
    this.onPick = onPick;
    this.reached = -1; // index of the last item at or before the current time
    this.selected = -1;
    this.current = -1; // the highlighted row: the latest visible one reached
    this.visible = items.map(() => true);
    this.element = h('div', { class: 'list', role: 'list' });
    this.rows = items.map((item, i) => {
      const row = render(item, i);
      row.classList.add('row', 'future');
      row.setAttribute('role', 'listitem');
      row.dataset.time = String(item.time);
      row.addEventListener('click', (e) => {
        // Clicks on controls inside the row (a stack toggle, a span tree) are theirs.
        if (e.target.closest('button, a, summary, input, [data-own-clicks]')) return;
        this.pick(i);
      });
      return row;
    });
    this.empty = h('div', { class: 'empty' }, empty);
    this.element.append(...this.rows, this.empty);
    this.#updateEmpty();
  }

  /** Seeks to item `i` and selects it. */
  pick(i) {
    const item = this.items[i];
    this.select(i);
    this.seek(item.time);
    this.onPick?.(item, i);
  }

  /** Marks item `i` selected (−1: none) and scrolls it into view. */
  select(i) {
    this.rows[this.selected]?.classList.remove('selected');
    this.selected = i;
    const row = this.rows[i];
    if (row) {
      row.classList.add('selected');
      this.reveal(row);
    }
  }

  /** Time moved to `t`: restyles only the rows whose side of `t` changed. */
  setTime(t, follow = false) {
    const reached = lastAtOrBefore(this.items, t);
    if (reached === this.reached) return;
    const [lo, hi] = reached > this.reached ? [this.reached + 1, reached] : [reached + 1, this.reached];
    for (let i = lo; i <= hi; i++) this.rows[i].classList.toggle('future', i > reached);
    this.reached = reached;
    this.#markCurrent();
    if (follow && this.rows[this.current]) this.reveal(this.rows[this.current]);
  }

  /** Shows only the items for which `keep(item)` is true. */
  filter(keep) {
    this.items.forEach((item, i) => {
      this.visible[i] = !!keep(item);
      this.rows[i].hidden = !this.visible[i];
    });
    this.#markCurrent();
    this.#updateEmpty();
  }

  /** Highlights the latest visible row reached. */
  #markCurrent() {
    let current = this.reached;
    while (current >= 0 && !this.visible[current]) current--;
    if (current === this.current) return;
    this.rows[this.current]?.classList.remove('current');
    this.current = current;
    this.rows[current]?.classList.add('current');
  }

  #updateEmpty() {
    this.empty.hidden = this.visible.some(Boolean);
  }

  /** Scrolls the list's scroll container (not the page) so `row` is visible. */
  reveal(row) {
    const box = this.element.closest('.scroll'); // positioned: rows' offsetParent
    if (!box || row.hidden) return;
    const top = row.offsetTop;
    const bottom = top + row.offsetHeight;
    if (top < box.scrollTop) box.scrollTop = top - 8;
    else if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight + 8;
  }
}
