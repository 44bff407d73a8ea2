// Delivery end to end: the npm package in a real page, frames to onFrame and to an HTTP
// endpoint served here (failing, recovering, refusing), the maxPendingBytes bound, unload
// delivery, buffer mode and event order. Frames are decoded with the Rust decoder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';
import { decodeFrames } from './decode.mjs';

/** An ingest endpoint whose answers follow `plan` (then `otherwise`, default 200). */
function ingest() {
  const state = {
    plan: [],
    otherwise: 200,
    requests: [],
    /** seq → every body received with a 2xx answer. */
    delivered: new Map(),
  };
  state.route = (req, res, body) => {
    const step = state.plan.length ? state.plan.shift() : state.otherwise;
    const seq = Number(req.headers['x-tapedeck-seq']);
    state.requests.push({
      seq,
      step,
      session: req.headers['x-tapedeck-session'],
      contentType: req.headers['content-type'],
      apiKey: req.headers['x-api-key'],
      len: body.length,
      at: Date.now(),
    });
    if (step === 'network') {
      req.socket.destroy(); // the browser sees a network error
      return;
    }
    const status = typeof step === 'object' ? step.status : step;
    const headers = typeof step === 'object' && step.retryAfter ? { 'retry-after': step.retryAfter } : {};
    if (status >= 200 && status < 300) {
      if (!state.delivered.has(seq)) state.delivered.set(seq, []);
      state.delivered.get(seq).push(body);
    }
    res.writeHead(status, headers).end();
  };
  state.reset = () => {
    state.plan = [];
    state.otherwise = 200;
    state.requests = [];
    state.delivered = new Map();
  };
  /** One body per seq, in seq order. */
  state.frames = () => [...state.delivered.keys()].sort((a, b) => a - b).map((s) => state.delivered.get(s)[0]);
  state.seqs = () => [...state.delivered.keys()].sort((a, b) => a - b);
  return state;
}

const sink = ingest();
let server, browser;

before(async () => {
  server = await startServer({ '/ingest': (req, res, body) => sink.route(req, res, body) });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path = '/tests/fixtures/delivery.html') {
  const page = await browser.newPage();
  page.uncaught = [];
  page.on('pageerror', (e) => page.uncaught.push(e));
  await page.goto(`${server.origin}${path}`);
  await page.evaluate(() => window.tapedeckReady);
  return page;
}

/** Polls `fn` (async) until it returns truthy, up to `ms`. */
async function until(fn, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The seq and session id in a frame's header (see recorder_core::frame). */
function header(bytes) {
  const b = Buffer.from(bytes);
  return { session: b.subarray(6, 22).toString('hex'), seq: b.readUInt32LE(22) };
}

const customs = (events, name) => events.filter((e) => e.kind === 'Custom' && (!name || e.data.name === name));

test('frames reach onFrame in order, decodable, one session, seqs from 0', async () => {
  const page = await open();
  const result = await page.evaluate(async () => {
    const frames = [];
    const rec = await tapedeck.record({ onFrame: (b) => frames.push(Array.from(b)), flushInterval: 100 });
    for (let i = 0; i < 20; i++) {
      rec.addEvent('step', { i });
      if (i % 5 === 4) await new Promise((r) => setTimeout(r, 160));
    }
    await rec.stop();
    return { frames, sessionId: rec.sessionId, stats: rec.stats() };
  });
  await page.close();
  assert.ok(result.frames.length >= 4, `the timer cut several frames (${result.frames.length})`);
  const headers = result.frames.map(header);
  assert.deepEqual(headers.map((h) => h.seq), headers.map((_, i) => i));
  assert.ok(headers.every((h) => h.session === result.sessionId));
  assert.equal(result.stats.framesCut, result.frames.length);
  const steps = customs(decodeFrames(result.frames), 'step').map((e) => JSON.parse(e.data.payload).i);
  assert.deepEqual(steps, [...Array(20).keys()]);
});

test('a throwing onFrame does not stop the recording', async () => {
  const page = await open();
  const result = await page.evaluate(async () => {
    const good = [];
    let calls = 0;
    const rec = await tapedeck.record({
      onFrame(b) {
        calls += 1;
        if (calls % 2) throw new Error('flaky sink');
        good.push(Array.from(b));
      },
    });
    for (let i = 0; i < 4; i++) {
      rec.addEvent('n', i);
      await rec.flush();
    }
    await rec.stop();
    return { calls, good, stats: rec.stats() };
  });
  assert.deepEqual(page.uncaught, [], 'the callback\'s exceptions never reach the page');
  await page.close();
  assert.ok(result.calls >= 4);
  assert.equal(result.stats.callbackErrors, Math.ceil(result.calls / 2));
  assert.ok(customs(decodeFrames(result.good), 'n').length >= 2);
});

test('the endpoint fails (5xx, 503 Retry-After, network errors) then recovers: every seq arrives, no gap', async () => {
  sink.reset();
  sink.plan = [500, { status: 503, retryAfter: '1' }, 'network', 'network'];
  const page = await open();
  const { sessionId, stats } = await page.evaluate(async () => {
    const rec = await tapedeck.record({ endpoint: '/ingest', endpointHeaders: { 'x-api-key': 'k1' }, flushInterval: 150 });
    window.rec = rec;
    for (let i = 0; i < 30; i++) {
      rec.addEvent('tick', { i });
      await new Promise((r) => setTimeout(r, 40));
    }
    await rec.flush();
    return { sessionId: rec.sessionId, stats: rec.stats() };
  });
  assert.ok(stats.failedAttempts >= 1, 'the outage was seen');
  await until(() => page.evaluate(() => window.rec.stats().pendingFrames === 0), 20_000, 'the queue to drain');
  const final = await page.evaluate(async () => {
    await window.rec.stop();
    return window.rec.stats();
  });
  await page.close();
  assert.equal(final.framesDropped, 0);
  const seqs = sink.seqs();
  assert.deepEqual(seqs, [...Array(seqs.length).keys()], 'no gap');
  assert.ok(sink.requests.length >= seqs.length + 4, 'the failed attempts were retried');
  for (const r of sink.requests) {
    assert.equal(r.session, sessionId);
    assert.equal(r.contentType, 'application/octet-stream');
    assert.equal(r.apiKey, 'k1');
  }
  // Duplicates (if any) are byte-identical retries.
  for (const bodies of sink.delivered.values()) {
    for (const b of bodies) assert.ok(b.equals(bodies[0]));
  }
  const events = decodeFrames(sink.frames());
  const ticks = customs(events, 'tick').map((e) => JSON.parse(e.data.payload).i);
  assert.deepEqual(ticks, [...Array(30).keys()]);
  // The Retry-After of the 503 was honoured: the next attempt came a second later.
  const i = sink.requests.findIndex((r) => r.step?.status === 503);
  assert.ok(sink.requests[i + 1].at - sink.requests[i].at >= 950, 'Retry-After: 1 honoured');
});

test('a refused frame (4xx) is dropped and counted, the rest is delivered', async () => {
  sink.reset();
  sink.plan = [413];
  const page = await open();
  const stats = await page.evaluate(async () => {
    const rec = await tapedeck.record({ endpoint: '/ingest', flushInterval: 60_000 });
    rec.addEvent('too big', {});
    await rec.flush();
    rec.addEvent('fine', {});
    await rec.flush();
    await rec.stop();
    return rec.stats();
  });
  await page.close();
  assert.equal(stats.framesRejected, 1);
  assert.equal(sink.requests.filter((r) => r.step === 413).length, 1, 'not retried');
  assert.deepEqual(customs(decodeFrames(sink.frames())).map((e) => e.data.name), ['fine']);
});

/** Records bulky events against a failing endpoint with a 64 KiB bound, then recovers. */
async function boundedOutage() {
  sink.reset();
  sink.otherwise = 500;
  const page = await open();
  const during = await page.evaluate(async () => {
    const rec = await tapedeck.record({ endpoint: '/ingest', maxPendingBytes: 65536, flushInterval: 60_000 });
    window.rec = rec;
    const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n / 2)), (b) => b.toString(16).padStart(2, '0')).join('');
    const pending = [];
    for (let i = 0; i < 16; i++) {
      rec.addEvent('bulk', hex(8000)); // ~8 KB that does not compress
      document.getElementById('list').append(Object.assign(document.createElement('li'), { textContent: `item ${i}` }));
      await rec.flush();
      pending.push(rec.stats().pendingBytes);
    }
    return { pending, stats: rec.stats() };
  });
  sink.otherwise = 200;
  await until(() => page.evaluate(() => window.rec.stats().pendingFrames === 0), 30_000, 'recovery');
  const after = await page.evaluate(async () => {
    await window.rec.stop();
    return window.rec.stats();
  });
  await page.close();
  return { during, after };
}

test('maxPendingBytes: memory stays bounded, oldest frames are dropped and reported', async (t) => {
  const { during, after } = await boundedOutage();
  // The bound, plus at most one snapshot frame and the frame being sent (none here: each
  // attempt failed before the next flush).
  const slack = 16 * 1024;
  for (const p of during.pending) assert.ok(p <= 65536 + slack, `pending ${p} bytes`);
  assert.ok(during.stats.framesDropped >= 1, 'frames were dropped');
  const seqs = sink.seqs();
  const max = seqs.at(-1);
  const missing = [...Array(max + 1).keys()].filter((s) => !sink.delivered.has(s));
  assert.ok(missing.length >= 1, 'the dropped frames are a gap');
  assert.equal(after.framesDropped, missing.length);
  const events = decodeFrames(sink.frames());
  const reports = customs(events, 'tapedeck.dropped').map((e) => JSON.parse(e.data.payload));
  assert.ok(reports.length >= 1, 'a tapedeck.dropped event was recorded');
  assert.equal(Math.max(...reports.map((r) => r.totalFrames)), missing.length);
  for (const r of reports) assert.ok(r.firstSeq <= r.lastSeq && r.frames >= 1 && r.bytes > 0);
  // The newest bulk events survived.
  assert.ok(customs(events, 'bulk').length >= 4);
  t.diagnostic(`dropped ${missing.length} of ${max + 1} frames`);
});

test('maxPendingBytes: a snapshot after the gap keeps the session replayable', async () => {
  const { during } = await boundedOutage();
  assert.ok(during.stats.framesDropped >= 1);
  const missing = [...Array(sink.seqs().at(-1) + 1).keys()].filter((s) => !sink.delivered.has(s));
  const events = decodeFrames(sink.frames());
  assert.ok(
    events.some((e) => e.kind === 'Snapshot' && e.seq > missing.at(-1)),
    'a snapshot frame follows the last dropped frame',
  );
});

test('navigating away delivers the last events (pagehide, keepalive)', async () => {
  sink.reset();
  const page = await open();
  await page.evaluate(async () => {
    window.rec = await tapedeck.record({ endpoint: '/ingest', flushInterval: 60_000 });
    await window.rec.flush();
    window.rec.addEvent('last words', { at: 'unload' });
  });
  await page.goto(`${server.origin}/tests/fixtures/elsewhere.html`);
  await until(() => customs(decodeFrames(sink.frames()), 'last words').length === 1, 5000, 'the last frame');
  await page.close();
});

test('closing the page delivers the last events', async () => {
  sink.reset();
  const page = await open();
  await page.evaluate(async () => {
    window.rec = await tapedeck.record({ endpoint: '/ingest', flushInterval: 60_000 });
    await window.rec.flush();
    window.rec.addEvent('goodbye', {});
  });
  await page.close({ runBeforeUnload: true });
  await until(() => customs(decodeFrames(sink.frames()), 'goodbye').length === 1, 5000, 'the last frame');
});

/** Buffer mode with a 2 s window: 3 s of ticks, nothing sent, then `trigger`. */
const TICKS = 40;

async function bufferSession(trigger) {
  sink.reset();
  const page = await open();
  await page.evaluate(async (TICKS) => {
    window.rec = await tapedeck.record({ endpoint: '/ingest', bufferSeconds: 2, flushInterval: 200 });
    window.start = performance.now();
    // 4 s of ticks against a 2 s window: even with timers slowed down by a busy machine,
    // several checkpoints (every 1 s) happen, so the oldest ticks must be gone.
    for (let i = 0; i < TICKS; i++) {
      window.rec.addEvent('tick', { i, at: performance.now() - window.start });
      await new Promise((r) => setTimeout(r, 100));
    }
  }, TICKS);
  const before = sink.requests.length;
  const buffered = await page.evaluate(() => window.rec.stats());
  const triggeredAt = await page.evaluate(() => performance.now() - window.start);
  await page.evaluate(trigger);
  await until(() => page.evaluate(() => {
    const s = window.rec.stats();
    return !s.buffering && s.pendingFrames === 0;
  }), 5000, 'the buffer to be sent');
  const released = sink.seqs().length;
  await page.evaluate(async () => {
    window.rec.addEvent('live', {});
    await window.rec.flush();
  });
  await until(() => sink.seqs().length > released, 5000, 'the live frame');
  await page.evaluate(() => window.rec.stop());
  await page.close();
  return { before, buffered, triggeredAt, released };
}

test('buffer mode: nothing is sent until flush(), then the last ~N seconds, then live', async () => {
  const { before, buffered, triggeredAt, released } = await bufferSession(() => window.rec.flush());
  assert.equal(before, 0, 'nothing sent while buffering');
  assert.ok(buffered.buffering && buffered.bufferedFrames > 0);
  const seqs = sink.seqs();
  assert.deepEqual(seqs, [...Array(seqs.length).keys()], 'renumbered from 0, no gap');
  const events = decodeFrames(sink.frames());
  const ticks = customs(events, 'tick').map((e) => JSON.parse(e.data.payload));
  assert.ok(ticks[0].i > 0, 'the oldest ticks were forgotten');
  assert.deepEqual(ticks.map((t) => t.i), [...Array(TICKS - ticks[0].i).keys()].map((k) => k + ticks[0].i));
  const covered = triggeredAt - ticks[0].at;
  // At least the window (less one tick), at most 1.5 windows plus slack for timers that a
  // busy machine delays.
  assert.ok(covered >= 1800 && covered <= 5000, `the buffer covers about 2–3 s (${covered.toFixed(0)} ms)`);
  const live = customs(events, 'live');
  assert.equal(live.length, 1);
  assert.equal(live[0].seq, released, 'live frames continue the numbering');
});

test('buffer mode: the buffer starts at a snapshot', async () => {
  await bufferSession(() => window.rec.flush());
  const events = decodeFrames(sink.frames());
  assert.deepEqual(events.slice(0, 2).map((e) => e.kind), ['Meta', 'Snapshot']);
});

test('buffer mode: an uncaught error sends the buffer', async () => {
  const { before } = await bufferSession(() => {
    setTimeout(() => { throw new Error('boom'); });
  });
  assert.equal(before, 0);
  const events = decodeFrames(sink.frames());
  assert.ok(events.some((e) => e.kind === 'Error'));
});

test('causal order: application events keep their order across frames', async () => {
  const page = await open();
  const frames = await page.evaluate(async () => {
    const frames = [];
    const rec = await tapedeck.record({ onFrame: (b) => frames.push(Array.from(b)), flushInterval: 50 });
    for (let i = 0; i < 60; i++) {
      rec.addEvent('seq', i);
      if (i % 7 === 0) await rec.flush();
      if (i % 11 === 0) await new Promise((r) => setTimeout(r, 60));
    }
    await rec.stop();
    return frames;
  });
  await page.close();
  const events = customs(decodeFrames(frames), 'seq');
  assert.deepEqual(events.map((e) => Number(e.data.payload)), [...Array(60).keys()]);
  for (let i = 1; i < events.length; i++) assert.ok(events[i].time >= events[i - 1].time);
});

test('causal order: addEvent after a DOM change comes after its Mutation', async () => {
  const page = await open();
  const frames = await page.evaluate(async () => {
    const frames = [];
    const rec = await tapedeck.record({ onFrame: (b) => frames.push(Array.from(b)) });
    document.getElementById('list').append(Object.assign(document.createElement('li'), { textContent: 'added' }));
    rec.addEvent('after the change', {}); // same task: the MutationObserver has not run yet
    await rec.stop();
    return frames;
  });
  await page.close();
  const events = decodeFrames(frames);
  const mutation = events.findIndex((e) => e.kind === 'Mutation');
  const custom = events.findIndex((e) => e.kind === 'Custom');
  assert.ok(mutation >= 0 && mutation < custom, `Mutation at ${mutation}, Custom at ${custom}`);
});

test('record() twice is refused until stop(); stop() twice is fine', async () => {
  const page = await open();
  const result = await page.evaluate(async () => {
    const rec = await tapedeck.record({ onFrame() {} });
    let second = null;
    try {
      await tapedeck.record({ onFrame() {} });
    } catch (e) {
      second = String(e.message ?? e);
    }
    await rec.stop();
    await rec.stop();
    let bad = null;
    try {
      await tapedeck.record({ onFrame() {}, flushIntervall: 10 });
    } catch (e) {
      bad = String(e.message ?? e);
    }
    const again = await tapedeck.record({ onFrame() {} });
    await again.stop();
    return { second, bad };
  });
  await page.close();
  assert.match(result.second, /already running/);
  assert.match(result.bad, /unknown option `flushIntervall`/);
});
