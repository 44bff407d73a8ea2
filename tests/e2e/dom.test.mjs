// DOM and input capture in a real page: playwright clicks and types into a fixture form
// and churns the DOM; the frames are decoded natively (`tapedeck json`) and checked —
// including that passwords and masked values appear in no frame, decoded or raw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';
import { decodeFrames } from './decode.mjs';
import { Mirror } from './mirror.mjs';

const SECRETS = {
  password: 'hunter2-pass',
  card: '4242424242424242',
  name: 'Alice Secret',
  notes: 'my private notes',
};

let server, browser;
let events, rawFrames, live, mirror;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.origin}/tests/fixtures/dom.html`);
  // A cross-origin stylesheet (another host name is another origin): its rules cannot be
  // read, so the link must be kept as is.
  const port = new URL(server.origin).port;
  await page.evaluate(async (href) => {
    const link = document.getElementById('cross-css');
    link.href = href;
    await new Promise((r) => { link.onload = r; link.onerror = r; });
  }, `http://localhost:${port}/tests/fixtures/dom.css`);
  await page.evaluate(async () => {
    const tapedeck = await import('/npm/dist/index.js');
    window.__frames = [];
    window.__rec = await tapedeck.record({ onFrame: (bytes) => window.__frames.push(Array.from(bytes)) });
  });

  await page.click('#add');
  await page.click('#add');
  await page.locator('#name').pressSequentially(SECRETS.name);
  await page.locator('#password').pressSequentially(SECRETS.password);
  await page.locator('#card').pressSequentially(SECRETS.card);
  await page.locator('#search').pressSequentially('shoes');
  await page.check('#agree');
  await page.selectOption('#country', 'de');
  await page.locator('#notes').pressSequentially(SECRETS.notes);
  for (let i = 0; i < 5; i++) await page.mouse.move(10 + 20 * i, 30 + i);
  await page.evaluate(() => {
    // Churn: a list built, items moved, re-parented, removed, edited — in one task.
    const churn = document.createElement('section');
    churn.id = 'churn';
    document.body.append(churn);
    for (let i = 0; i < 200; i++) {
      const p = document.createElement('p');
      p.textContent = `row ${i}`;
      churn.append(p);
    }
    const rows = churn.children;
    for (let i = 0; i < 50; i++) churn.insertBefore(rows[rows.length - 1], rows[i * 2]);
    const box = document.createElement('div');
    box.className = 'box';
    for (let i = 0; i < 20; i++) box.append(rows[i]);
    churn.prepend(box);
    for (let i = 0; i < 30; i++) rows[rows.length - 1].remove();
    rows[5].setAttribute('data-state', 'edited');
    rows[6].firstChild.data = 'edited text';
  });
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  await page.evaluate(() => {
    // A second batch touching what the first one added.
    const churn = document.getElementById('churn');
    churn.querySelector('.box').remove();
    churn.firstElementChild.className = 'first';
  });
  live = await page.evaluate(() => ({
    items: document.getElementById('items').outerHTML,
    churn: document.getElementById('churn').outerHTML,
  }));
  rawFrames = await page.evaluate(async () => {
    await window.__rec.stop();
    return window.__frames;
  });
  assert.deepEqual(errors, [], 'the page saw no error');
  events = decodeFrames(rawFrames);
  mirror = Mirror.from(events);
  await page.close();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const idOf = (domId) => {
  const id = mirror.find('id', domId);
  assert.ok(id, `#${domId} is in the mirror`);
  return id;
};
const inputsOf = (domId) => events.filter((e) => e.kind === 'Input' && e.data.id === idOf(domId)).map((e) => e.data);

test('the snapshot inlines same-origin stylesheets and keeps cross-origin links', () => {
  assert.equal(events.filter((e) => e.kind === 'Snapshot').length, 1);
  const same = mirror.element(idOf('same-css'));
  assert.match(same.state?.css ?? '', /\.fixture-rule \{ color: rgb\(10, 20, 30\); \}/);
  const cross = mirror.element(idOf('cross-css'));
  assert.equal(cross.state?.css ?? null, null);
  assert.ok(cross.attrs.some((a) => a.name === 'href' && a.value.startsWith('http://localhost:')));
  const blocked = mirror.element(idOf('private'));
  assert.deepEqual(blocked.state.blocked, { width: 200, height: 50 });
  assert.equal(blocked.children, 0);
});

test('clicks are recorded with their target, and the DOM they caused follows them', () => {
  const add = idOf('add');
  const clicks = events.filter((e) => e.kind === 'Pointer' && e.data.kind === 'Click' && e.data.target === add);
  assert.equal(clicks.length, 2);
  assert.ok(clicks.every((c) => c.data.x > 0 && c.data.y > 0), 'viewport coordinates');
  const firstAdd = events.findIndex((e) => e.kind === 'Mutation' && JSON.stringify(e.data).includes('item 0'));
  assert.ok(firstAdd > events.indexOf(clicks[0]), 'the click comes before the item it added');
  assert.equal(mirror.html(idOf('items')), live.items);
});

test('pointer moves are batched', () => {
  const points = events.filter((e) => e.kind === 'PointerMove').flatMap((e) => e.data.points);
  assert.ok(points.length >= 2, `moves recorded: ${points.length}`);
  assert.deepEqual([points.at(-1).x, points.at(-1).y], [90, 34], 'the batch ends where the pointer stopped');
});

test('typing is recorded masked, unmasked where allowed, checkboxes and selects', () => {
  const name = inputsOf('name');
  assert.ok(name.length >= SECRETS.name.length - 1, 'one event per keystroke');
  assert.ok(name.every((i) => i.user));
  assert.deepEqual(name.at(-1).value, { Text: '*'.repeat(SECRETS.name.length) });
  assert.deepEqual(inputsOf('search').at(-1).value, { Text: 'shoes' });
  assert.deepEqual(inputsOf('agree').at(-1).value, { Checked: true });
  assert.deepEqual(inputsOf('country').at(-1).value, { Text: '**' });
  assert.deepEqual(inputsOf('notes').at(-1).value, { Text: '*'.repeat(SECRETS.notes.length) });
  assert.deepEqual(inputsOf('password'), [], 'no event at all for a password');
  assert.deepEqual(inputsOf('card'), [], 'no event at all for a card number');
  const focus = events.filter((e) => e.kind === 'Focus' && e.data.target === idOf('password'));
  assert.ok(focus.some((f) => f.data.focused), 'focus is recorded');
});

test('DOM churn replays to the live DOM', () => {
  assert.ok(events.filter((e) => e.kind === 'Mutation').length >= 2);
  assert.equal(mirror.html(idOf('churn')), live.churn);
});

test('passwords and masked values appear in no frame, decoded or raw', () => {
  const decoded = JSON.stringify(events);
  const raw = Buffer.concat(rawFrames.map((f) => Buffer.from(f)));
  const needles = [...Object.values(SECRETS), 'account 12345', 'Jane Roe', 'hunter2', '42424242'];
  for (const secret of needles) {
    assert.ok(!decoded.includes(secret), `${secret} is in the decoded events`);
    assert.equal(raw.indexOf(Buffer.from(secret)), -1, `${secret} is in the raw frames`);
  }
  // The masked text keeps its shape.
  const who = mirror.get(idOf('who'));
  assert.deepEqual(mirror.get(who.children[0]).data, { Text: '****** ** ** **** ***' });
});
