// The timeline under the replay: progress, the stretches skipped as inactive, and markers
// for errors, failed requests, navigations and notes. Hovering a marker says what it is;
// clicking it seeks there; clicking or dragging anywhere else seeks to that point.
import { h, clock, cut } from './dom.js';

/** Markers closer than this many pixels share one mark. */
const GROUP_PX = 7;
const KIND_ORDER = ['error', 'console', 'network', 'note', 'nav'];
const KIND_NAMES = {
  error: 'Error',
  console: 'Console error',
  network: 'Failed request',
  note: 'Note',
  nav: 'Navigation',
};

export class Scrubber {
  constructor({ duration, markers, inactive, seek, onMarker, onDrag }) {
    this.duration = Math.max(duration, 1);
    this.markers = markers;
    this.seek = seek;
    this.onMarker = onMarker;
    this.onDrag = onDrag;
    this.lane = h('div', { class: 'lane' });
    this.fill = h('div', { class: 'fill' });
    this.knob = h('div', { class: 'knob' });
    this.ghost = h('div', { class: 'ghost', hidden: true });
    this.idle = h(
      'div',
      { class: 'idle-layer' },
      inactive.map(([from, to]) =>
        h('div', { class: 'idle', style: { left: this.#pct(from), width: this.#pct(to - from) } }),
      ),
    );
    this.tip = h('div', { class: 'tip', hidden: true, role: 'tooltip' });
    this.track = h('div', { class: 'track' }, this.idle, this.fill, this.ghost, this.knob);
    this.element = h(
      'div',
      {
        class: 'scrubber',
        role: 'slider',
        tabindex: '0',
        'aria-label': 'Seek',
        'aria-valuemin': '0',
        'aria-valuemax': String(Math.round(duration)),
      },
      this.lane,
      this.track,
      this.tip,
    );
    this.#wire();
    this.resize = new ResizeObserver(() => this.#layoutMarkers());
    this.resize.observe(this.element);
  }

  #pct(ms) {
    return `${Math.min(100, Math.max(0, (ms / this.duration) * 100))}%`;
  }

  setTime(t) {
    const p = this.#pct(t);
    this.fill.style.width = p;
    this.knob.style.left = p;
    this.element.setAttribute('aria-valuenow', String(Math.round(t)));
    this.element.setAttribute('aria-valuetext', clock(t));
  }

  /** Shows or hides the shading of skipped stretches. */
  showInactive(on) {
    this.idle.hidden = !on;
  }

  #timeAt(clientX) {
    const box = this.track.getBoundingClientRect();
    return Math.min(1, Math.max(0, (clientX - box.left) / Math.max(box.width, 1))) * this.duration;
  }

  #wire() {
    let dragging = false;
    let pending = null;
    const flush = () => {
      if (pending != null) this.seek(pending);
      pending = null;
    };
    this.element.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || e.target.closest('.marker')) return;
      dragging = true;
      this.element.setPointerCapture(e.pointerId);
      this.element.classList.add('dragging');
      this.onDrag?.(true);
      this.seek(this.#timeAt(e.clientX));
    });
    this.element.addEventListener('pointermove', (e) => {
      const t = this.#timeAt(e.clientX);
      if (!e.target.closest('.marker')) this.#hoverTime(t);
      if (!dragging) return;
      if (pending == null) requestAnimationFrame(flush);
      pending = t;
    });
    const end = (e) => {
      if (!dragging) return;
      dragging = false;
      this.element.classList.remove('dragging');
      if (this.element.hasPointerCapture(e.pointerId)) this.element.releasePointerCapture(e.pointerId);
      pending = null;
      this.seek(this.#timeAt(e.clientX));
      this.onDrag?.(false);
    };
    this.element.addEventListener('pointerup', end);
    this.element.addEventListener('pointercancel', end);
    this.element.addEventListener('pointerleave', () => {
      if (!dragging) this.#hideTip();
    });
  }

  #hoverTime(t) {
    this.ghost.hidden = false;
    this.ghost.style.left = this.#pct(t);
    this.#showTip(this.#pct(t), [h('span', { class: 'mono' }, clock(t, true))]);
  }

  #showTip(left, content) {
    this.tip.replaceChildren(...content);
    this.tip.hidden = false;
    const width = this.element.clientWidth;
    const x = (parseFloat(left) / 100) * width;
    const w = this.tip.offsetWidth;
    this.tip.style.left = `${Math.min(Math.max(x - w / 2, 0), Math.max(width - w, 0))}px`;
  }

  #hideTip() {
    this.tip.hidden = true;
    this.ghost.hidden = true;
  }

  /** Groups markers by pixel distance at the current width and draws them. */
  #layoutMarkers() {
    const width = this.lane.clientWidth;
    if (!width || width === this.laidOutWidth) return;
    this.laidOutWidth = width;
    const groups = [];
    for (const m of this.markers) {
      const x = (m.time / this.duration) * width;
      const last = groups[groups.length - 1];
      if (last && x - last.x < GROUP_PX) last.items.push(m);
      else groups.push({ x, items: [m] });
    }
    this.lane.replaceChildren(
      ...groups.map((group) => {
        const kind = KIND_ORDER.find((k) => group.items.some((m) => m.kind === k)) ?? 'note';
        // The mark shows its most serious kind, and leads to the first of that kind.
        const first = group.items.find((m) => m.kind === kind);
        const lines = group.items.slice(0, 6).map((m) =>
          h(
            'div',
            { class: `tip-line k-${m.kind}` },
            h('span', { class: 'mono' }, clock(m.time, true)),
            ' ',
            h('b', {}, KIND_NAMES[m.kind]),
            ' ',
            cut(m.label, 140),
          ),
        );
        if (group.items.length > 6) lines.push(h('div', { class: 'tip-more' }, `+${group.items.length - 6} more`));
        const marker = h('button', {
          class: `marker k-${kind}`,
          style: { left: `${group.x}px` },
          'aria-label': `${KIND_NAMES[kind]} at ${clock(first.time)}: ${cut(first.label, 80)}`,
          data: { kind, time: String(first.time), count: String(group.items.length) },
          on: {
            click: (e) => {
              e.stopPropagation();
              this.onMarker(first);
            },
            pointerenter: () => this.#showTip(`${(group.x / width) * 100}%`, lines),
            pointerleave: () => this.#hideTip(),
            focus: () => this.#showTip(`${(group.x / width) * 100}%`, lines),
            blur: () => this.#hideTip(),
          },
        });
        return marker;
      }),
    );
  }

  destroy() {
    this.resize.disconnect();
  }
}
