// The workloads: what the page does while a recorder watches. Each has a `setup(scale)`
// that builds the page before anything is measured, and a `run(ctx)` that the harness
// calls inside one page task (typing and the long session spread themselves over many
// tasks). `run` returns what it did, so the harness can check that each recorder
// recorded it.
//
// Everything is deterministic (a seeded PRNG), so every run of a workload sees the same
// page and does the same changes. `scale` is 1 for the benchmark and small for --quick.

/** mulberry32: a small seeded PRNG, so every run builds the same page. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'order invoice customer shipping account payment refund status pending delivered ' +
  'warehouse quantity price total discount coupon address billing the a of to and in ' +
  'is for on with report summary details settings profile team project task deadline ' +
  'review approve reject comment notification message inbox archive search filter'
).split(' ');

function text(rand, min, max) {
  const n = min + Math.floor(rand() * (max - min + 1));
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]);
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

const ICONS = [
  '<path d="M3 12h18M12 3v18" stroke="currentColor" stroke-width="2"/>',
  '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor"/><path d="M8 12l3 3 5-6" stroke="currentColor"/>',
  '<rect x="4" y="4" width="16" height="16" rx="3" fill="none" stroke="currentColor"/>',
  '<path d="M4 6h16M4 12h16M4 18h10" stroke="currentColor" stroke-width="2"/>',
];
const icon = (rand) =>
  `<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">${
    ICONS[Math.floor(rand() * ICONS.length)]
  }</svg>`;

/** One section of a realistic app page: heading, prose, a list, a table, a form. */
function section(rand, k) {
  const items = [];
  const nItems = 4 + Math.floor(rand() * 8);
  for (let i = 0; i < nItems; i++) {
    items.push(
      `<li class="list__item${i % 3 === 0 ? ' list__item--active' : ''}" data-id="${k}-${i}">` +
        `${icon(rand)}<a class="list__link" href="/items/${k}/${i}">${esc(text(rand, 1, 4))}</a>` +
        `<span class="badge badge--${i % 4}">${Math.floor(rand() * 100)}</span></li>`,
    );
  }
  const rows = [];
  const nRows = 5 + Math.floor(rand() * 10);
  for (let r = 0; r < nRows; r++) {
    rows.push(
      `<tr class="row${r % 2 ? ' row--odd' : ''}"><td class="cell cell--id">#${k * 100 + r}</td>` +
        `<td class="cell">${esc(text(rand, 1, 3))}</td><td class="cell cell--num">${(rand() * 1000).toFixed(2)}</td>` +
        `<td class="cell"><span class="status status--${r % 3}">${esc(text(rand, 1, 1))}</span></td></tr>`,
    );
  }
  const paras = [];
  const nParas = 1 + Math.floor(rand() * 3);
  for (let p = 0; p < nParas; p++) {
    paras.push(`<p class="prose">${esc(text(rand, 5, 60))} <strong>${esc(text(rand, 1, 3))}</strong> ${esc(text(rand, 3, 30))}</p>`);
  }
  const form =
    `<form class="form" action="/save/${k}" onsubmit="return false">` +
    `<label class="form__label">Name <input class="form__input" type="text" name="name${k}" value="${esc(text(rand, 1, 2))}"></label>` +
    `<label class="form__label">Email <input class="form__input" type="email" name="email${k}" placeholder="you@example.com"></label>` +
    `<label class="form__label">Password <input class="form__input" type="password" name="pw${k}" value="hunter2"></label>` +
    `<label class="form__check"><input type="checkbox" name="agree${k}"${k % 2 ? ' checked' : ''}> ${esc(text(rand, 2, 5))}</label>` +
    `<select class="form__select" name="sel${k}"><option>One</option><option selected>Two</option><option>Three</option></select>` +
    `<textarea class="form__textarea" name="note${k}" rows="2">${esc(text(rand, 3, 12))}</textarea>` +
    `<button class="btn btn--primary" type="submit">${icon(rand)} Save</button></form>`;
  return (
    `<section class="card" id="section-${k}" style="margin: ${k % 5}px 0">` +
    `<header class="card__header"><h2 class="card__title">${icon(rand)} ${esc(text(rand, 2, 6))}</h2></header>` +
    `<div class="card__body">${paras.join('')}<ul class="list">${items.join('')}</ul>` +
    `<table class="table"><thead><tr><th>Id</th><th>Name</th><th>Amount</th><th>Status</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>${form}</div></section>`
  );
}

/** Nodes (elements, texts, comments…) under `root`, including `root`. */
export function countNodes(root = document) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  let n = 0;
  while (walker.nextNode()) n++;
  return n + 1;
}

/** Builds a realistic page of about `nodes` DOM nodes into `#app`. */
function buildPage(nodes, seed = 1) {
  const rand = prng(seed);
  const app = document.getElementById('app');
  const nav = [];
  for (let i = 0; i < 8; i++) nav.push(`<li class="nav__item"><a class="nav__link" href="/p/${i}">${icon(rand)} ${esc(text(rand, 1, 2))}</a></li>`);
  app.innerHTML =
    `<header class="topbar"><nav class="nav"><ul class="nav__list">${nav.join('')}</ul></nav></header>` +
    `<main class="main" id="main"></main><footer class="footer">${esc(text(rand, 5, 15))}</footer>`;
  const main = document.getElementById('main');
  // Sections are about 300 nodes each: add them in chunks until the page is big enough.
  let k = 0;
  while (countNodes() < nodes) {
    const chunk = [];
    const want = Math.max(1, Math.floor((nodes - countNodes()) / 320));
    for (let i = 0; i < want; i++) chunk.push(section(rand, k++));
    main.insertAdjacentHTML('beforeend', chunk.join(''));
  }
  return main;
}

/** A container appended to the page's main area. */
function container(tag, className, html = '') {
  const el = document.createElement(tag);
  el.className = className;
  el.innerHTML = html;
  document.getElementById('main').appendChild(el);
  return el;
}

const BASE_NODES = 2000; // the page around the changes of the mutation workloads

/** The workloads, in report order. */
export const workloads = {
  snapshot: {
    title: 'start recording on a ≈25k-node page',
    startInWindow: true, // the recorder's start (its full snapshot) is what is measured
    setup(scale) {
      buildPage(Math.round(25000 * scale));
    },
    run() {
      return { snapshotNodes: countNodes() };
    },
  },

  insert: {
    title: 'insert 10k elements',
    setup(scale) {
      buildPage(BASE_NODES * Math.min(1, scale * 4));
      this.lists = [];
      for (let i = 0; i < 20; i++) this.lists.push(container('ul', 'feed'));
      this.items = Math.round(2000 * scale);
    },
    run() {
      const rand = prng(7);
      for (let i = 0; i < this.items; i++) {
        // five elements per item, built detached, then inserted: one record per item
        const li = document.createElement('li');
        li.className = `feed__item feed__item--${i % 4}`;
        li.dataset.id = String(i);
        const title = document.createElement('span');
        title.className = 'feed__title';
        title.textContent = text(rand, 2, 8);
        const meta = document.createElement('span');
        meta.className = 'feed__meta';
        meta.textContent = `${i} · ${text(rand, 1, 3)}`;
        const a = document.createElement('a');
        a.href = `/feed/${i}`;
        a.textContent = 'Open';
        const box = document.createElement('input');
        box.type = 'checkbox';
        li.append(title, meta, a, box);
        const list = this.lists[i % this.lists.length];
        if (i % 3 === 0 && list.firstChild) list.insertBefore(li, list.firstChild);
        else list.appendChild(li);
      }
      return { addedElements: this.items * 5 };
    },
  },

  attributes: {
    title: '10k attribute and style changes',
    setup(scale) {
      buildPage(BASE_NODES * Math.min(1, scale * 4));
      const n = Math.round(5000 * scale);
      const html = [];
      for (let i = 0; i < n; i++) html.push(`<div class="tile" data-state="idle" style="width: 10px">${i}</div>`);
      this.tiles = [...container('div', 'grid', html.join('')).children];
    },
    run() {
      // two attributes per tile: one through setAttribute/className, one through style
      this.tiles.forEach((tile, i) => {
        if (i % 2) tile.className = `tile tile--on tile--${i % 7}`;
        else tile.setAttribute('data-state', i % 3 ? 'busy' : 'done');
        tile.style.width = `${(i % 50) + 20}px`;
      });
      return { attrChanges: this.tiles.length * 2 };
    },
  },

  text: {
    title: '10k text changes',
    setup(scale) {
      buildPage(BASE_NODES * Math.min(1, scale * 4));
      const n = Math.round(10000 * scale);
      const rows = [];
      for (let r = 0; r < n / 10; r++) {
        const cells = [];
        for (let c = 0; c < 10; c++) cells.push(`<td class="cell">${r * 10 + c}</td>`);
        rows.push(`<tr>${cells.join('')}</tr>`);
      }
      const table = container('table', 'ticker', `<tbody>${rows.join('')}</tbody>`);
      this.texts = [...table.querySelectorAll('td')].map((td) => td.firstChild);
    },
    run() {
      this.texts.forEach((t, i) => {
        t.data = `${((i * 7919) % 100000) / 100} USD`;
      });
      return { textChanges: this.texts.length };
    },
  },

  moveRemove: {
    title: 'move and remove subtrees',
    setup(scale) {
      buildPage(BASE_NODES * Math.min(1, scale * 4));
      const rand = prng(3);
      this.columns = [];
      const n = Math.round(1000 * scale);
      for (let c = 0; c < 4; c++) {
        const cards = [];
        for (let i = c; i < n; i += 4) {
          cards.push(
            `<article class="kanban__card" data-id="${i}"><h3 class="kanban__title">${esc(text(rand, 2, 5))}</h3>` +
              `<p class="kanban__desc">${esc(text(rand, 4, 12))}</p><footer class="kanban__footer">${icon(rand)}` +
              `<span class="kanban__owner">${esc(text(rand, 1, 2))}</span></footer></article>`,
          );
        }
        this.columns.push(container('div', 'kanban__column', cards.join('')));
      }
      this.n = n;
    },
    run() {
      const moves = Math.floor(this.n / 2);
      const removals = Math.floor(this.n / 4);
      // move half the cards to another column, at varied positions
      for (let i = 0; i < moves; i++) {
        const from = this.columns[i % 4];
        const to = this.columns[(i + 1 + (i % 3)) % 4];
        const card = from.children[(i * 31) % from.children.length];
        if (!card) continue;
        to.insertBefore(card, to.children[(i * 17) % (to.children.length + 1)] ?? null);
      }
      // then remove a quarter of them
      for (let i = 0; i < removals; i++) {
        const col = this.columns[i % 4];
        col.children[(i * 13) % col.children.length]?.remove();
      }
      return { moved: moves, removed: removals };
    },
  },

  typing: {
    title: 'typing into inputs',
    setup(scale) {
      buildPage(BASE_NODES * Math.min(1, scale * 4));
      const html = [];
      for (let i = 0; i < 20; i++) {
        html.push(
          i % 4 === 3
            ? `<label>Note ${i} <textarea name="t${i}"></textarea></label>`
            : `<label>Field ${i} <input type="${i % 4 === 2 ? 'search' : 'text'}" name="f${i}"></label>`,
        );
      }
      this.fields = [...container('form', 'typing', html.join('')).querySelectorAll('input, textarea')];
      this.keys = Math.round(5000 * scale);
    },
    // One keystroke per task, as a person types (each key is its own input task): a
    // recorder may not treat a burst of values set in one task like a typed sequence.
    async run() {
      const message = 'The quick brown fox jumps over the lazy dog, 0123456789. ';
      const perField = Math.ceil(this.keys / this.fields.length);
      const channel = new MessageChannel();
      const nextTask = () => new Promise((resolve) => {
        channel.port1.onmessage = resolve;
        channel.port2.postMessage(0);
      });
      let typed = 0;
      for (const field of this.fields) {
        field.focus();
        for (let k = 0; k < perField && typed < this.keys; k++, typed++) {
          await nextTask();
          const key = message[typed % message.length];
          field.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
          field.value += key;
          field.dispatchEvent(new InputEvent('input', { data: key, inputType: 'insertText', bubbles: true }));
          field.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true }));
        }
        field.dispatchEvent(new Event('change', { bubbles: true }));
        field.blur();
      }
      return { keystrokes: typed, fields: this.fields.length };
    },
  },

  longSession: {
    title: 'long mixed session (pointer, console, DOM, scroll, input)',
    setup(scale) {
      buildPage(BASE_NODES * Math.min(1, scale * 4));
      const rows = [];
      for (let i = 0; i < 200; i++) rows.push(`<li class="log__row">${i}</li>`);
      this.log = container('ul', 'log', rows.join(''));
      this.log.style.cssText = 'height: 200px; overflow: auto';
      this.toasts = container('div', 'toasts');
      this.button = container('button', 'btn', 'Refresh');
      this.input = container('input', 'search');
      this.targets = [...document.querySelectorAll('.list__item, .row')].slice(0, 200);
      this.ticks = Math.max(10, Math.round(400 * scale));
    },
    async run() {
      const done = { moves: 0, consoles: 0, clicks: 0, toasts: 0, classes: 0, scrolls: 0, keys: 0 };
      const area = document.getElementById('main');
      const tick = (t) => {
        // 20 pointer positions per tick, as a real pointer produces at 60+ Hz
        for (let p = 0; p < 20; p++) {
          const x = 100 + ((t * 20 + p) % 800);
          const y = 100 + Math.round(200 * Math.sin((t * 20 + p) / 40));
          const init = { clientX: x, clientY: y, bubbles: true, pointerId: 1, pointerType: 'mouse' };
          area.dispatchEvent(new PointerEvent('pointermove', init));
          area.dispatchEvent(new MouseEvent('mousemove', init));
          done.moves++;
        }
        if (t % 4 === 0) {
          console.log('poll', { tick: t, items: [t, t + 1, t + 2], user: { id: 42, name: 'Ada' } });
          done.consoles++;
        }
        if (t % 25 === 0) {
          console.warn(`slow response: ${t} ms`);
          done.consoles++;
        }
        if (t % 2 === 0) {
          this.targets[t % this.targets.length].classList.toggle('is-highlighted');
          done.classes++;
        }
        if (t % 5 === 0) {
          const toast = document.createElement('div');
          toast.className = 'toast';
          toast.textContent = `Saved item ${t}`;
          this.toasts.appendChild(toast);
          if (this.toasts.children.length > 5) this.toasts.firstElementChild.remove();
          done.toasts++;
        }
        if (t % 10 === 0) {
          const init = { clientX: 20, clientY: 20, bubbles: true, pointerId: 1, pointerType: 'mouse' };
          for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup']) {
            this.button.dispatchEvent(new (type.startsWith('pointer') ? PointerEvent : MouseEvent)(type, init));
          }
          this.button.dispatchEvent(new MouseEvent('click', init));
          done.clicks++;
        }
        if (t % 15 === 0) {
          this.log.scrollTop = (t * 7) % 1500;
          done.scrolls++;
        }
        if (t % 3 === 0) {
          this.input.value += 'abc'[t % 3];
          this.input.dispatchEvent(new InputEvent('input', { bubbles: true }));
          done.keys++;
        }
      };
      for (let t = 0; t < this.ticks; t++) {
        tick(t);
        await new Promise((resolve) => setTimeout(resolve, 8));
      }
      return done;
    },
  },
};
