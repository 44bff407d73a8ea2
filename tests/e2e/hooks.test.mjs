// The console, error, network, performance and metadata hooks on a real page served by a
// real server: what the recording says, what the server received, and that the page saw
// exactly what it would have seen without the recorder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';
import { decodeFrames } from './decode.mjs';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const OK_BODY = JSON.stringify({ user: 'ann', token: 'server-secret', card: '4111 1111 1111 1111' });

// What each server received, by path.
const seen = [];
const remember = (origin) => (req, body) =>
  seen.push({ origin, method: req.method, path: new URL(req.url, 'http://x').pathname, headers: req.headers, body: body.toString() });

let server, other, browser;
before(async () => {
  const log = remember('same');
  server = await startServer({
    '/api/ok': (req, res, body) => {
      log(req, body);
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sid=abc', 'x-request-id': 'r-1' });
      res.end(OK_BODY);
    },
    '/api/missing': (req, res, body) => { log(req, body); res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing'); },
    '/api/fail': (req, res, body) => { log(req, body); res.writeHead(500, { 'content-type': 'text/plain' }).end('it broke'); },
    '/api/slow': (req, res, body) => { log(req, body); setTimeout(() => res.writeHead(200).end('late'), 3000); },
    '/api/stream': (req, res, body) => {
      log(req, body);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('x'.repeat(1000));
      setTimeout(() => res.end('y'.repeat(1000)), 50);
    },
    '/ingest': (req, res, body) => { log(req, body); res.writeHead(204).end(); },
  });
  const logOther = remember('other');
  other = await startServer({
    '/cross': (req, res, body) => {
      logOther(req, body);
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end('{"cross":true,"password":"p"}');
    },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await other?.close();
});

async function recordPage(script, { options = {}, arg } = {}) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.origin}/tests/fixtures/hooks.html?session=1&token=abc`);
  await page.evaluate((options) => window.startRecording(options), options);
  const result = await page.evaluate(script, arg);
  await page.evaluate(() => window.sleep(300)); // late listeners, body reads
  const frames = await page.evaluate(() => window.stopRecording());
  await page.close();
  return { result, events: decodeFrames(frames), pageErrors };
}

const ofKind = (events, kind) => events.filter((e) => e.kind === kind).map((e) => e.data);
const header = (headers, name) => headers.find((h) => h.name === name)?.value;

test('console calls are recorded and still reach the browser console', async () => {
  const page = await browser.newPage();
  const printed = [];
  page.on('console', (m) => printed.push(`${m.type()}:${m.text()}`));
  await page.goto(`${server.origin}/tests/fixtures/hooks.html`);
  await page.evaluate(() => window.startRecording());
  await page.evaluate(() => {
    const cyclic = { name: 'c' };
    cyclic.self = cyclic;
    function checkout() { console.warn('low stock: %d left', 3); }
    console.log('hello', 42, cyclic, document.getElementById('buy'));
    checkout();
    console.error(new TypeError('bad input'));
    console.assert(1 + 1 === 3, 'math is broken');
    console.info({ get secret() { throw new Error('getter ran'); } });
  });
  const events = decodeFrames(await page.evaluate(() => window.stopRecording()));
  await page.close();

  // The browser console got every call, arguments untouched.
  assert.ok(printed.some((p) => p.startsWith('log:hello 42 ')), printed.join('\n'));
  assert.ok(printed.includes('warning:low stock: %d left 3'), printed.join('\n'));
  assert.ok(printed.includes('assert:math is broken'), printed.join('\n'));
  const consoles = ofKind(events, 'Console');
  assert.deepEqual(consoles.map((c) => c.level), ['Log', 'Warn', 'Error', 'Assert', 'Info']);
  const [log, warn, error, assertion, info] = consoles;
  assert.equal(log.args[0], 'hello');
  assert.equal(log.args[2], '{name: "c", self: [Circular]}');
  // `<button #id>` once the DOM capture has named the node (see tests/console.rs); the DOM
  // capture is being built on another branch, so the id may be missing here.
  assert.match(log.args[3], /^<button( #\d+)?>$/);
  assert.deepEqual(warn.args, ['low stock: 3 left']);
  assert.match(warn.stack, /checkout/);
  assert.doesNotMatch(warn.stack, /wrapper|glue/);
  assert.match(error.args[0], /^TypeError: bad input\n/);
  assert.deepEqual(assertion.args, ['math is broken']);
  assert.deepEqual(info.args, ['{secret: [Getter]}']);
});

test('uncaught exceptions, unhandled rejections and failed resources become Error events', async () => {
  const { events, pageErrors } = await recordPage(async () => {
    setTimeout(() => { throw new RangeError('uncaught boom'); });
    Promise.reject(new TypeError('rejected boom'));
    Promise.reject('just a string');
    const img = document.createElement('img');
    img.src = '/missing.png?token=t0k';
    document.body.append(img);
    await window.sleep(200);
  });
  assert.ok(pageErrors.includes('uncaught boom'), 'the browser still reports the error');
  const errors = ofKind(events, 'Error');
  const exception = errors.find((e) => e.kind === 'Exception');
  assert.equal(exception.message, 'RangeError: uncaught boom');
  assert.match(exception.stack, /uncaught boom/);
  assert.ok(exception.line > 0);
  const rejections = errors.filter((e) => e.kind === 'UnhandledRejection');
  assert.deepEqual(rejections.map((e) => e.message), ['TypeError: rejected boom', 'just a string']);
  assert.ok(rejections[0].source && rejections[0].line > 0);
  const resource = errors.find((e) => e.kind === 'Resource');
  assert.match(resource.message, /^Failed to load <img/);
  assert.equal(resource.source, `${server.origin}/missing.png?token=[redacted]`);
});

test('fetch and XHR outcomes are recorded, redacted, and unchanged for the page', async () => {
  seen.length = 0;
  const { result, events } = await recordPage(async (otherOrigin) => {
    const out = {};
    const ok = await fetch('/api/ok?api_key=k1&q=shoes', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer abc', 'X-Trace-Me': 'yes' },
      body: JSON.stringify({ user: 'ann', password: 'hunter2' }),
    });
    out.okStatus = ok.status;
    out.okText = await ok.text();
    out.okType = ok.headers.get('content-type');
    out.missing = (await fetch('/api/missing')).status;
    out.fail = await (await fetch(new Request('/api/fail', { headers: { 'X-From': 'request' } }))).text();
    // Adding traceparent must not reset a Request's own referrer policy.
    await fetch(new Request('/api/missing?policy=no-referrer', { referrerPolicy: 'no-referrer' }));
    out.refused = await fetch('http://127.0.0.1:1/').then(() => 'resolved', (e) => `${e.name}: ${e.message}`);
    const controller = new AbortController();
    const slow = fetch('/api/slow', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    out.aborted = await slow.then(() => 'resolved', (e) => e.name);
    out.cross = await (await fetch(`${otherOrigin}/cross`)).json();
    const xhr = (method, url, body) => new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open(method, url);
      x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
      x.setRequestHeader('X-Api-Key', 'key-123');
      x.onloadend = () => resolve(`${x.status}:${x.responseText}`);
      x.send(body);
      if (url === '/api/slow') setTimeout(() => x.abort(), 50);
    });
    out.xhrOk = await xhr('POST', '/api/ok', 'user=ann&password=hunter2');
    out.xhrFail = await xhr('GET', '/api/fail');
    out.xhrRefused = await xhr('GET', 'http://127.0.0.1:1/');
    out.xhrAborted = await xhr('GET', '/api/slow');
    out.beacon = navigator.sendBeacon('/api/ok', 'beacon=1');
    await window.sleep(100);
    return out;
  }, { arg: other.origin });

  // The page saw exactly what the server sent.
  assert.equal(result.okStatus, 200);
  assert.equal(result.okText, OK_BODY);
  assert.equal(result.okType, 'application/json');
  assert.equal(result.missing, 404);
  assert.equal(result.fail, 'it broke');
  assert.equal(result.refused, 'TypeError: Failed to fetch');
  assert.equal(result.aborted, 'AbortError');
  assert.deepEqual(result.cross, { cross: true, password: 'p' });
  assert.equal(result.xhrOk, `200:${OK_BODY}`);
  assert.equal(result.xhrFail, '500:it broke');
  assert.equal(result.xhrRefused, '0:');
  assert.equal(result.xhrAborted, '0:');
  assert.equal(result.beacon, true);

  const net = ofKind(events, 'Network');
  const find = (initiator, method, path, i = 0) =>
    net.filter((n) => n.initiator === initiator && n.method === method && n.url.includes(path))[i];

  const ok = find('Fetch', 'POST', '/api/ok');
  assert.equal(ok.url, `${server.origin}/api/ok?api_key=[redacted]&q=shoes`);
  assert.equal(ok.status, 200);
  assert.equal(header(ok.request_headers, 'authorization'), '[redacted]');
  assert.equal(header(ok.request_headers, 'x-trace-me'), 'yes');
  assert.equal(ok.request_body.text, '{"user":"ann","password":"[redacted]"}');
  assert.equal(ok.response_body.text, '{"user":"ann","token":"[redacted]","card":"**** **** **** 1111"}');
  assert.equal(ok.response_body.truncated, false);
  assert.equal(header(ok.response_headers, 'set-cookie'), undefined, 'fetch never exposes set-cookie');
  assert.equal(header(ok.response_headers, 'x-request-id'), 'r-1');
  assert.equal(ok.response_size, OK_BODY.length);
  assert.ok(ok.duration >= 0);

  // traceparent: sent to the page's own origin, its trace id on the event.
  const okSeen = seen.find((s) => s.path === '/api/ok' && s.method === 'POST' && s.headers['content-type'] === 'application/json');
  const [, traceId] = okSeen.headers.traceparent.match(TRACEPARENT);
  assert.equal(ok.trace_id, traceId);
  assert.equal(okSeen.headers.authorization, 'Bearer abc', 'the server gets the real header');
  assert.equal(okSeen.body, '{"user":"ann","password":"hunter2"}', 'and the real body');
  const ids = net.map((n) => n.trace_id).filter(Boolean);
  assert.equal(new Set(ids).size, ids.length, 'one trace per request');

  assert.equal(find('Fetch', 'GET', '/api/missing').status, 404);
  const fail = find('Fetch', 'GET', '/api/fail');
  assert.equal(fail.status, 500);
  assert.equal(fail.response_body.text, 'it broke');
  assert.equal(header(fail.request_headers, 'x-from'), 'request');
  const failSeen = seen.find((s) => s.path === '/api/fail' && s.headers['x-from'] === 'request');
  assert.equal(failSeen.headers.traceparent.match(TRACEPARENT)[1], fail.trace_id, 'Request inputs get it too');

  const noReferrer = seen.find((s) => s.path === '/api/missing' && s.headers.traceparent && !s.headers.referer);
  assert.ok(noReferrer, 'the Request kept its no-referrer policy');
  assert.ok(seen.some((s) => s.path === '/api/missing' && s.headers.referer), 'others send a referer');

  const refused = find('Fetch', 'GET', '127.0.0.1:1/');
  assert.equal(refused.status, null);
  assert.equal(refused.error, 'TypeError: Failed to fetch');
  assert.equal(refused.trace_id, null);
  assert.equal(find('Fetch', 'GET', '/api/slow').error, 'abort');

  // Cross-origin: no traceparent (no preflight), no body captured by default.
  const cross = find('Fetch', 'GET', '/cross');
  assert.equal(cross.status, 200);
  assert.equal(cross.trace_id, null);
  assert.equal(cross.response_body, null);
  const crossSeen = seen.filter((s) => s.origin === 'other');
  assert.deepEqual(crossSeen.map((s) => s.method), ['GET'], 'no CORS preflight');
  assert.equal(crossSeen[0].headers.traceparent, undefined);

  const xhrOk = find('Xhr', 'POST', '/api/ok');
  assert.equal(xhrOk.status, 200);
  assert.equal(header(xhrOk.request_headers, 'x-api-key'), '[redacted]');
  assert.equal(xhrOk.request_body.text, 'user=ann&password=[redacted]');
  assert.equal(xhrOk.response_body.text, '{"user":"ann","token":"[redacted]","card":"**** **** **** 1111"}');
  const xhrSeen = seen.find((s) => s.path === '/api/ok' && s.headers['x-api-key'] === 'key-123');
  assert.equal(xhrSeen.headers.traceparent.match(TRACEPARENT)[1], xhrOk.trace_id);
  assert.equal(find('Xhr', 'GET', '/api/fail').status, 500);
  const xhrRefused = find('Xhr', 'GET', '127.0.0.1:1/');
  assert.deepEqual([xhrRefused.status, xhrRefused.error], [null, 'error']);
  assert.deepEqual([find('Xhr', 'GET', '/api/slow').status, find('Xhr', 'GET', '/api/slow').error], [null, 'abort']);

  const beacon = find('Beacon', 'POST', '/api/ok');
  assert.equal(beacon.request_body.text, 'beacon=1');
});

test('bodies are capped without changing what the page reads, and the endpoint is not recorded', async () => {
  seen.length = 0;
  const { result, events } = await recordPage(async () => {
    const text = await (await fetch('/api/stream')).text();
    await fetch('/ingest', { method: 'POST', body: 'frame bytes' });
    return text.length;
  }, { options: { maxBodyBytes: 100, endpoint: '/ingest' } });
  assert.equal(result, 2000, 'the page reads the whole stream');
  const net = ofKind(events, 'Network');
  const stream = net.find((n) => n.url.endsWith('/api/stream'));
  assert.equal(stream.response_body.text, 'x'.repeat(100));
  assert.equal(stream.response_body.truncated, true);
  assert.ok(!net.some((n) => n.url.includes('/ingest')), 'own endpoint skipped');
});

test('a hostile page cannot break the hooks, and the hooks cannot break the page', async () => {
  const { result, events } = await recordPage(async () => {
    const out = {};
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const trap = () => { throw new Error('trap'); };
    console.log(proxy, new Proxy({}, { ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap }));
    // The page's own exceptions still reach it, unchanged.
    out.getter = await fetch('/api/ok', { get headers() { throw new Error('page getter'); } })
      .then(() => 'resolved', (e) => e.message);
    // Built-ins the hooks use, sabotaged: the request still goes out.
    const RealHeaders = window.Headers;
    window.Headers = function () { throw new Error('sabotaged'); };
    out.sabotaged = (await fetch('/api/missing')).status;
    window.Headers = RealHeaders;
    out.after = (await fetch('/api/missing')).status;
    console.log('still recording');
    return out;
  });
  assert.deepEqual(result, { getter: 'page getter', sabotaged: 404, after: 404 });
  const consoles = ofKind(events, 'Console');
  assert.deepEqual(consoles.map((c) => c.args), [['{}', '{}'], ['still recording']]);
  const net = ofKind(events, 'Network');
  assert.deepEqual(net.map((n) => [n.status, n.error]), [[null, 'Error: page getter'], [404, null], [404, null]]);
});

test('performance entries and page metadata are recorded', async () => {
  const { events } = await recordPage(async () => {
    // A long task: a timer callback that blocks for 120 ms.
    await new Promise((resolve) => setTimeout(() => {
      const end = performance.now() + 120;
      while (performance.now() < end) { /* busy */ }
      resolve();
    }));
    await window.sleep(100);
  });
  const [meta] = ofKind(events, 'Meta');
  assert.equal(meta.url, `${server.origin}/tests/fixtures/hooks.html?session=[redacted]&token=[redacted]`);
  assert.equal(meta.title, 'hooks fixture');
  assert.equal(meta.browser.name, 'Headless Chrome');
  assert.equal(meta.device.kind, 'Bot');
  assert.ok(meta.viewport.width > 0 && meta.time_zone && meta.language);
  const perf = ofKind(events, 'Performance');
  const kinds = new Set(perf.map((p) => Object.keys(p)[0]));
  assert.ok(kinds.has('LongTask'), [...kinds].join());
  assert.ok(kinds.has('Paint') && kinds.has('Memory'), [...kinds].join());
  const resources = perf.filter((p) => p.Resource).map((p) => p.Resource);
  assert.ok(resources.some((r) => r.url.endsWith('/npm/dist/index.js')), 'buffered entries from before the start');
  assert.ok(!resources.some((r) => r.initiator === 'fetch'), 'fetches belong to the network hooks');
});
