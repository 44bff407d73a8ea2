// The player as a page uses it: `tapedeck/replay` from the built package replays frames the
// package's recorder produced, in a real Chromium page. (The DOM and playback themselves
// are tested in replayer/tests/web.rs; this covers the JS API and the packaging.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('tapedeck/replay replays recorded frames through its JS API', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
  const result = await page.evaluate(async () => {
    const tapedeck = await import('/npm/dist/index.js');
    const { Replayer } = await import('/npm/dist/replay.js');
    const frames = [];
    const rec = await tapedeck.record({ onFrame: (bytes) => frames.push(bytes) });
    rec.addEvent('cart', { items: 1 });
    await new Promise((r) => setTimeout(r, 300));
    rec.addEvent('checkout', { step: 2 });
    await rec.flush();
    await rec.stop();

    const out = {};
    try {
      new Replayer();
    } catch (e) {
      out.constructorError = e.message;
    }
    const root = document.createElement('div');
    root.style.cssText = 'width:640px;height:360px';
    document.body.append(root);
    out.badOptions = await Replayer.create(frames, { root, sped: 2 }).then(
      () => 'resolved',
      (e) => e.message,
    );
    out.badFrames = await Replayer.create([new Uint8Array([1, 2, 3])], { root }).then(
      () => 'resolved',
      (e) => e.message,
    );

    // One buffer of all frames with a damaged copy of the first appended.
    const damaged = frames[0].slice();
    damaged[damaged.length - 1] ^= 0xff;
    const total = [...frames, damaged].reduce((n, f) => n + f.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const f of [...frames, damaged]) {
      joined.set(f, at);
      at += f.length;
    }
    const r = await Replayer.create(joined, { root, speed: 16 });
    out.report = r.report;
    out.duration = r.duration;
    out.customs = r.events.filter((e) => e.kind === 'Custom').map((e) => [e.time, e.data]);
    out.inShadow = !!root.firstElementChild.shadowRoot.querySelector('iframe[sandbox="allow-same-origin"]');
    out.hasDocument = r.document instanceof r.document.defaultView.Document;

    const seen = { time: 0, event: [], end: 0, listener: 0 };
    const off = r.on('time', () => seen.time++);
    r.addEventListener('end', (e) => (seen.end = e.detail.time));
    r.on('event', (d) => seen.event.push(d.kind + ':' + d.data.name + ':' + d.index));
    const ended = new Promise((resolve) => r.on('end', resolve));
    await r.seek(0);
    r.play();
    out.playing = r.playing;
    await ended;
    off();
    out.seen = seen;
    out.currentTime = r.currentTime;
    out.playingAfter = r.playing;
    await r.seek(r.duration / 2);
    out.afterSeek = r.currentTime;
    try {
      r.setSpeed(100);
    } catch (e) {
      out.speedError = e.message;
    }
    r.destroy();
    out.rootEmpty = root.childNodes.length === 0;
    out.afterDestroy = await r.seek(0).then(
      () => 'resolved',
      (e) => e.message,
    );
    r.destroy();
    return out;
  });
  assert.deepEqual(errors, []);
  assert.match(result.constructorError, /Replayer\.create/);
  assert.match(result.badOptions, /unknown option `sped`/);
  assert.match(result.badFrames, /no readable frame/);
  assert.equal(result.report.corrupt.length, 1);
  assert.equal(result.report.clean, false);
  assert.ok(result.report.frames >= 1);
  assert.ok(result.duration >= 250, `duration ${result.duration}`);
  assert.deepEqual(
    result.customs.map(([, data]) => data),
    [
      { name: 'cart', payload: '{"items":1}' },
      { name: 'checkout', payload: '{"step":2}' },
    ],
  );
  assert.ok(result.customs[1][0] - result.customs[0][0] >= 250, 'event times are kept');
  assert.ok(result.inShadow, 'the player iframe is sandboxed without scripts');
  assert.ok(result.hasDocument);
  assert.equal(result.playing, true);
  assert.ok(result.seen.time >= 1);
  assert.equal(result.seen.end, result.duration);
  assert.ok(result.seen.event.some((e) => e.startsWith('Custom:checkout:')), result.seen.event.join());
  assert.equal(result.currentTime, result.duration);
  assert.equal(result.playingAfter, false);
  assert.equal(result.afterSeek, result.duration / 2);
  assert.match(result.speedError, /speed must be between 0.5 and 16/);
  assert.ok(result.rootEmpty);
  assert.match(result.afterDestroy, /destroyed/);
});
