// One measured run: a fresh page, a workload's setup, then the window — the workload in a
// page task, a settle period in which the page is idle (so observer callbacks and the
// recorders' timers run), and an explicit flush — bracketed by CDP Performance metrics.
// After the window: the recording comes out of the page, the page drops it, and the heap
// is measured again after a forced GC with only the recorder's own state left.
import { openPage } from './browser.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CDP Performance.getMetrics as an object. */
async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Two forced full GCs (the second collects what the first's finalizers freed). */
async function gc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
}

/**
 * Runs `workload` with `recorder` once. Returns the window's costs (ms of main-thread
 * script and of tasks, heap and wasm-memory growth in bytes), what the workload reported
 * doing (`did`), and the raw recording (`rrweb`: events JSON; `tapedeck`: frames).
 * `profile`: also return a CPU profile of the window.
 */
export async function measureRun(browser, origin, { workload, recorder, scale, settleMs, profile = false }) {
  const tab = await openPage(browser, `${origin}/bench/page/index.html`);
  try {
    const { page, cdp } = tab;
    const { nodes } = await page.evaluate(([w, r, s]) => window.bench.prepare(w, r, s), [workload, recorder, scale]);
    await page.evaluate(() => window.bench.startBefore());
    await sleep(50);

    await gc(cdp);
    const wasmBefore = await page.evaluate(() => window.bench.wasmMemoryBytes());
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const before = await metrics(cdp);

    const did = await page.evaluate(() => window.bench.runWorkload());
    await sleep(settleMs);
    await page.evaluate(() => window.bench.flush());

    const after = await metrics(cdp);
    const cpuProfile = profile ? (await cdp.send('Profiler.stop')).profile : null;
    const wasmAfter = await page.evaluate(() => window.bench.wasmMemoryBytes());

    const out = await page.evaluate(() => window.bench.collect());
    await page.evaluate(() => window.bench.release());
    await gc(cdp);
    const heapAfter = await metrics(cdp);

    if (tab.errors.length) throw tab.errors[0];
    return {
      workload,
      recorder,
      pageNodes: nodes,
      scriptMs: (after.ScriptDuration - before.ScriptDuration) * 1000,
      taskMs: (after.TaskDuration - before.TaskDuration) * 1000,
      heapBytes: heapAfter.JSHeapUsedSize - before.JSHeapUsedSize,
      wasmBytes: wasmBefore === null || wasmAfter === null ? null : wasmAfter - wasmBefore,
      did,
      out,
      cpuProfile,
    };
  } finally {
    await tab.close();
  }
}
