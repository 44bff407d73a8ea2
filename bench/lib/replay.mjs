// Replay: the time to show the end of each recorded session. In the browser, rrweb's
// Replayer against Tapedeck's (tapedeck/replay), alternating, each on a fresh page, in
// main-thread CPU time (robust to other load on the machine, as the recording figures); and
// natively, Tapedeck's `Timeline::dom_at` (the `seek_time` example of the replayer crate).
import { execFileSync } from 'node:child_process';

/**
 * Whether each browser replayer is there, and the files of the tapedeck package that the
 * page fetched to load its replayer: { rrweb, tapedeck, tapedeckFiles }.
 */
export async function replayersAvailable(browser, origin) {
  const page = await browser.newPage();
  const tapedeckFiles = new Set();
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith('/npm/dist/')) tapedeckFiles.add(path);
  });
  try {
    await page.goto(`${origin}/bench/page/replay.html`);
    return { ...(await page.evaluate(() => window.replay.available())), tapedeckFiles: [...tapedeckFiles].sort() };
  } finally {
    await page.close();
  }
}

/**
 * One timed replay: `which` is 'rrweb' or 'tapedeck', `url` the recording served by the
 * bench server. `ms`: the main thread's CPU time (CDP TaskDuration, thread ticks) from
 * creating the player to the laid-out page at the end of the session, plus the wall-clock
 * split (`wallMs`, `createMs`, `seekMs`, `layoutMs`). Returns { ms, …, elements, warnings }
 * or null when that replayer is missing;
 * `warnings` are the page's console warnings and errors (a replayer that could not apply
 * an event says so there). `profile`: with a CPU profile of the replay (`cpuProfile`).
 */
export async function replayOnce(browser, origin, which, url, { profile = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const errors = [];
  const warnings = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    // The recorded page's <script>s being refused by the sandboxed iframe is the point.
    if (/Blocked script execution/.test(m.text())) return;
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text().slice(0, 200));
  });
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await page.goto(`${origin}/bench/page/replay.html`);
    if (!(await page.evaluate(([w, u]) => window.replay.load(w, u), [which, url]))) return null;
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const before = await taskDuration(cdp);
    const result = await page.evaluate((w) => window.replay[w](), which);
    const ms = (await taskDuration(cdp)) - before;
    const cpuProfile = profile ? (await cdp.send('Profiler.stop')).profile : null;
    if (errors.length) throw errors[0];
    return { ...result, ms, warnings, cpuProfile };
  } finally {
    await context.close();
  }
}

/** CDP TaskDuration of the page's main thread so far, ms (thread CPU time). */
async function taskDuration(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value * 1000;
}

/** The native replayer on a session file: { load_ms[], dom_at_ms[], nodes, elements, … }. */
export function nativeSeek(exe, file, runs) {
  return JSON.parse(execFileSync(exe, [file, '--runs', String(runs)], { encoding: 'utf8' }));
}
