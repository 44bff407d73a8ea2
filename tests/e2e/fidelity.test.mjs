// Fidelity end to end (issue 4): scenario pages (tests/fixtures/fidelity/) are recorded in
// headless Chromium while playwright and page scripts interact with them. At each
// checkpoint the page calls `addEvent('checkpoint')` and writes its live DOM with the
// canonical serializer (canon.js); afterwards the DOM replayed at the checkpoint's time
// must be the same, line for line:
//   (a) natively: `tapedeck html --raw --at T` (`Dom::to_html` of `dom_at(T)`), parsed back
//       in the browser with DOMParser;
//   (b) in the browser player (`tapedeck/replay`): `r.document` after `seek(T)`, seeking
//       forward through the checkpoints and back again.
// canon.js lists what is normalized and why; any other difference is a bug.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, ROOT } from './harness.mjs';

const CLI = join(ROOT, 'target', 'debug', 'tapedeck');
const execFile = promisify(execFileCallback);
const HAS_PLAYER = existsSync(join(ROOT, 'npm', 'dist', 'replay.js'));

/** A step that runs `window.steps[name]()` in the page (awaiting what it returns). */
const script = (name) => ({ name, run: (page) => page.evaluate((n) => window.steps[n](), name) });
const scripts = (...names) => names.map(script);

const FORM_STEPS = [
  {
    name: 'type',
    async run(page) {
      await page.locator('#text').pressSequentially(' + Wörld');
      await page.locator('#email').pressSequentially('me@example.org');
      await page.locator('#number').fill('42');
      await page.locator('#tel').pressSequentially('+33 1 23');
      await page.locator('#url').pressSequentially('https://a.example/?q=1');
      await page.locator('#search').pressSequentially('shoes');
      await page.locator('#password').pressSequentially('hunter2');
      await page.locator('#unmasked').pressSequentially(' and typed');
      await page.locator('#notes').pressSequentially(' typed\nsecond line');
    },
  },
  {
    name: 'pick',
    async run(page) {
      await page.locator('#range').fill('75');
      await page.locator('#date').fill('2024-02-29');
      await page.locator('#time').fill('13:37');
      await page.locator('#datetime').fill('2024-02-29T13:37');
      await page.locator('#month').fill('2024-02');
      await page.locator('#week').fill('2024-W09');
      await page.locator('#color').fill('#ff8800');
      await page.locator('#file').setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    },
  },
  {
    name: 'check',
    async run(page) {
      await page.click('#cb1');
      await page.click('#cb2');
      await page.click('#r2');
      await page.click('#r3');
      await page.click('#r5');
    },
  },
  {
    name: 'select',
    async run(page) {
      await page.selectOption('#single', 'c');
      await page.selectOption('#multi', ['1', '3']);
      await page.selectOption('#grouped', 'Pear');
    },
  },
  {
    name: 'contenteditable',
    async run(page) {
      await page.click('#editor p');
      await page.keyboard.press('End');
      await page.keyboard.type(' more');
      await page.keyboard.press('Enter');
      await page.keyboard.type('line 2');
      await page.keyboard.press('Backspace');
    },
  },
  script('script'),
  script('defaults'),
  script('reset'),
];

const SCENARIOS = [
  { name: 'forms, values masked (the default; dates and colors unmasked by type)', page: 'forms.html', options: { unmaskInputTypes: ['date', 'color'] }, steps: FORM_STEPS },
  { name: 'forms, values recorded', page: 'forms.html', options: { maskAllInputs: false }, steps: FORM_STEPS },
  { name: 'long lists', page: 'lists.html', steps: scripts('build', 'reorder', 'move', 'filter', 'rerender', 'clear') },
  { name: 'nested and moved nodes', page: 'nested.html', steps: scripts('reparent', 'swap', 'addRemove', 'chain', 'fragments', 'lateMoves', 'custom') },
  { name: 'SVG and MathML', page: 'svg.html', steps: scripts('script', 'attrs', 'move') },
  { name: 'inline, linked and CSSOM styles', page: 'styles.html', steps: scripts('cssom', 'attributes', 'link', 'text', 'remove') },
  { name: 'attribute and text churn', page: 'churn.html', steps: [
    ...scripts('attributes', 'text', 'document'),
    { name: 'toggle details', run: (page) => page.click('#summary') },
    ...scripts('normalize', 'batches'),
  ] },
  { name: 'tables', page: 'tables.html', steps: scripts('rows', 'sort', 'restructure') },
  { name: 'shadow DOM', page: 'shadow.html', steps: [
    script('attach'),
    {
      name: 'type in a shadow root',
      async run(page) {
        await page.locator('#shadow-input').pressSequentially(' typed');
        await page.locator('#shadow-cb').check();
      },
    },
    ...scripts('mutate', 'slots'),
  ] },
  { name: 'same-origin iframes', page: 'iframes.html', steps: scripts('mutate', 'add', 'navigate', 'nest', 'adopt') },
  { name: 'blocked and masked content', page: 'privacy.html', steps: scripts('inside', 'toggle', 'resize') },
  { name: 'entities, emoji, RTL', page: 'entities.html', steps: scripts('script') },
  { name: 'whitespace-sensitive text', page: 'pre.html', steps: scripts('script') },
];

let server, browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Records `scenario`: returns the frames (base64) and the live canonical DOM at each
 * checkpoint, by name.
 */
async function record(scenario) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.origin}/tests/fixtures/fidelity/${scenario.page}`);
  const options = scenario.options ?? {};
  await page.evaluate(async ({ options, targets }) => {
    const { canon } = await import('/tests/e2e/canon.js');
    const tapedeck = await import('/npm/dist/index.js');
    window.__frames = [];
    window.__live = [];
    const rec = await tapedeck.record({ onFrame: (bytes) => window.__frames.push(bytes.slice()), ...options });
    window.__checkpoint = async (n) => {
      rec.addEvent('checkpoint', { n });
      const dom = {};
      for (const target of targets) dom[target] = canon(document, { ...options, mode: 'live', target });
      window.__live.push({ n, dom });
      // Nothing else may share the checkpoint's millisecond (see `checkpointTimes`).
      await new Promise((r) => setTimeout(r, 2));
    };
    window.__stop = async () => {
      await rec.stop();
      const b64 = (bytes) => {
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(s);
      };
      return { frames: window.__frames.map(b64), live: window.__live };
    };
  }, { options, targets: HAS_PLAYER ? ['export', 'player'] : ['export'] });
  const checkpoint = (n) => page.evaluate((n) => window.__checkpoint(n), n);
  await checkpoint('start');
  for (const step of scenario.steps) {
    await step.run(page);
    await checkpoint(step.name);
  }
  const { frames, live } = await page.evaluate(() => window.__stop());
  assert.deepEqual(errors, [], 'the page saw no error');
  return { page, frames: frames.map((f) => Buffer.from(f, 'base64')), live };
}

/** The player's canonical document after seeking to each of `times` in turn. */
function replay(page, frames, times, options) {
  return page.evaluate(async ({ frames, times, options }) => {
    const { Replayer } = await import('/npm/dist/replay.js');
    const { canon } = await import('/tests/e2e/canon.js');
    const bytes = frames.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    const root = document.createElement('div');
    root.style.cssText = 'width: 800px; height: 600px';
    document.body.append(root);
    const r = await Replayer.create(bytes, { root, cursor: false, clicks: false });
    const out = [];
    try {
      for (const t of times) {
        await r.seek(t);
        out.push(canon(r.document, { ...options, mode: 'replayed', target: 'player' }));
      }
    } finally {
      r.destroy();
      root.remove();
    }
    return out;
  }, { frames: frames.map((f) => f.toString('base64')), times, options });
}

/** Checkpoint name → time, checking that no DOM event shares a checkpoint's time after it. */
function checkpointTimes(file) {
  const events = execFileSync(CLI, ['json', file], { encoding: 'utf8', maxBuffer: 1 << 30 })
    .split('\n').filter(Boolean).map((line) => {
      const e = JSON.parse(line);
      const [kind] = Object.keys(e.data);
      return { time: e.time, kind, data: e.data[kind] };
    });
  const times = new Map();
  events.forEach((e, i) => {
    if (e.kind !== 'Custom' || e.data.name !== 'checkpoint') return;
    const { n } = JSON.parse(e.data.payload);
    for (let j = i + 1; j < events.length && events[j].time === e.time; j++) {
      assert.ok(!['Snapshot', 'Mutation', 'Input', 'Scroll'].includes(events[j].kind),
        `a ${events[j].kind} event after checkpoint ${n} has its time (${e.time} ms): dom_at cannot tell them apart`);
    }
    times.set(n, e.time);
  });
  return times;
}

/** Fails with the first differing line of two canonical DOMs and some context. */
function assertSameDom(actual, expected, what) {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  const context = (lines) => lines.slice(Math.max(0, i - 6), i + 6)
    .map((l, k) => `${Math.max(0, i - 6) + k === i ? '>' : ' '} ${l}`).join('\n');
  assert.fail(`${what}: first difference at line ${i + 1} (replayed ${a.length} lines, live ${e.length})\n`
    + `--- live\n${context(e)}\n+++ replayed\n${context(a)}`);
}

for (const scenario of SCENARIOS) {
  test(scenario.name, async () => {
    const { page, frames, live } = await record(scenario);
    const dir = mkdtempSync(join(tmpdir(), 'tapedeck-fidelity-'));
    try {
      const file = join(dir, 'session.tdk');
      writeFileSync(file, Buffer.concat(frames));
      const times = checkpointTimes(file);
      assert.deepEqual([...times.keys()], live.map((c) => c.n), 'every checkpoint is in the recording, in order');
      // Every step changes what is compared (else a step, or the comparison, tests nothing).
      for (let i = 1; i < live.length; i++) {
        assert.notEqual(live[i].dom.export, live[i - 1].dom.export, `step '${live[i].n}' changes the canonical DOM`);
      }

      // (a) The native replayer.
      const html = await Promise.all(live.map(async ({ n }) => (await execFile(CLI,
        ['html', '--raw', '--at', String(times.get(n)), file], { encoding: 'utf8', maxBuffer: 1 << 30 })).stdout));
      const exported = await page.evaluate(async ({ html, options }) => {
        const { canon, parseExport } = await import('/tests/e2e/canon.js');
        return html.map((h) => canon(parseExport(h), { ...options, mode: 'replayed', target: 'export' }));
      }, { html, options: scenario.options ?? {} });
      live.forEach(({ n, dom }, i) => assertSameDom(exported[i], dom.export, `native dom_at(${times.get(n)} ms), checkpoint '${n}'`));

      // (b) The browser player, seeking forward through the checkpoints, then backward.
      if (!HAS_PLAYER) return;
      const order = live.map(({ n }) => times.get(n));
      const played = await replay(page, frames, [...order, ...order.slice(0, -1).reverse()], scenario.options ?? {});
      const back = played.splice(order.length).reverse();
      live.forEach(({ n, dom }, i) => {
        assertSameDom(played[i], dom.player, `player after seek(${times.get(n)}), checkpoint '${n}'`);
        if (i < back.length) assertSameDom(back[i], dom.player, `player after seeking back to ${times.get(n)}, checkpoint '${n}'`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await page.close();
    }
  });
}
