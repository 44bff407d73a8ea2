#!/usr/bin/env node
// Tapedeck vs rrweb, side by side in one headless Chromium (see the README's
// "Benchmarks"). For each workload: runs with no recorder, rrweb and Tapedeck in rotating
// order, then replays of one recording of each, then the native seek; then the bundle
// sizes; then one table of medians and ratios, and the run conditions.
//
//   node bench/run.mjs [--runs N] [--workloads a,b] [--settle MS] [--scale X]
//                      [--profile] [--quick] [--out FILE] [--save DIR] [--no-build]
//
// --save DIR keeps each workload's first recordings: DIR/WORKLOAD.tdk (Tapedeck's frames
// of the measured window, as sent) and DIR/WORKLOAD.rrweb.json (rrweb's events of the
// window), to look into with `tapedeck json` or any JSON tool.
//
// Exits 1 when a recorder did not record what a workload did (a benchmark of a broken
// recorder is worthless), 2 on bad arguments.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startServer, launchBrowser } from './lib/browser.mjs';
import { measureRun } from './lib/measure.mjs';
import { decodeTapedeck, summarizeRrweb, summarizeTapedeck, rrwebWireBytes, validate } from './lib/recordings.mjs';
import { replayersAvailable, replayOnce, nativeSeek } from './lib/replay.mjs';
import { rrwebSizes, tapedeckSizes, filesSize } from './lib/size.mjs';
import { topFunctions } from './lib/profile.mjs';
import { workloadRows, sizeRows, markdownTable, conditionsText } from './lib/report.mjs';

const WORKLOADS = ['snapshot', 'insert', 'attributes', 'text', 'moveRemove', 'typing', 'longSession'];
const RECORDERS = ['none', 'rrweb', 'tapedeck'];

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      runs: { type: 'string' },
      workloads: { type: 'string' },
      settle: { type: 'string' },
      scale: { type: 'string' },
      profile: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      save: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  console.error(`bench: ${e.message}`);
  process.exit(2);
}
if (args.help) {
  const lines = readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1);
  console.log(lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).join('\n').replace(/^\/\/ ?/gm, ''));
  process.exit(0);
}
const number = (name, value, fallback, min) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) {
    console.error(`bench: --${name} takes a number ≥ ${min}, not ${value}`);
    process.exit(2);
  }
  return n;
};
const quick = args.quick;
const runs = Math.round(number('runs', args.runs, quick ? 1 : 7, 1));
const scale = number('scale', args.scale, quick ? 0.05 : 1, 0.001);
const settleMs = number('settle', args.settle, quick ? 200 : 1500, 0);
const workloads = args.workloads ? args.workloads.split(',') : WORKLOADS;
for (const w of workloads) {
  if (!WORKLOADS.includes(w)) {
    console.error(`bench: no workload ${w} (there are: ${WORKLOADS.join(', ')})`);
    process.exit(2);
  }
}
const outFile = args.out ?? join(ROOT, 'bench', 'out', quick ? 'quick.json' : 'latest.json');
const log = (...a) => console.error(...a);

// --- build what is measured -------------------------------------------------------------
// The native tools in release mode; --quick (a smoke run whose figures mean nothing) takes
// the debug build, which the end-to-end tests have built already.
const profile = quick ? 'debug' : 'release';
const CLI = join(ROOT, 'target', profile, 'tapedeck');
const SEEK = join(ROOT, 'target', profile, 'examples', 'seek_time');
if (!args['no-build']) {
  const stale = packageStaleness();
  if (stale) {
    log(`bench: building the npm package (${stale})`);
    execFileSync('npm', ['run', '-s', 'build'], { cwd: join(ROOT, 'npm'), stdio: 'inherit' });
  }
  log(`bench: cargo build (${profile}: the tapedeck CLI and the seek_time example)`);
  const release = quick ? [] : ['--release'];
  execFileSync('cargo', ['build', '-q', ...release, '-p', 'replayer', '--bin', 'tapedeck', '--example', 'seek_time'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
for (const [what, path] of [['npm package', join(ROOT, 'npm', 'dist', 'index.js')], ['CLI', CLI], ['seek_time', SEEK]]) {
  if (!existsSync(path)) {
    console.error(`bench: ${what} missing at ${path} (run without --no-build)`);
    process.exit(2);
  }
}

/** Why npm/dist must be rebuilt before measuring (missing, or older than a source file of
 * the recorder, the replayer or the package), or null when it is current. */
function packageStaleness() {
  const built = join(ROOT, 'npm', 'dist', 'index.js');
  if (!existsSync(built)) return 'npm/dist is missing';
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'target' && entry.name !== 'node_modules' && newer(path)) return true;
      } else if (statSync(path).mtimeMs > builtAt) return true;
    }
    return false;
  };
  for (const dir of ['recorder-core/src', 'recorder-wasm/src', 'replayer/src', 'npm/src']) {
    if (newer(join(ROOT, dir))) return `${dir} changed since npm/dist was built`;
  }
  return null;
}

const git = (...a) => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
const conditions = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  commit: git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+changes' : ''),
  rrwebVersion: JSON.parse(readFileSync(join(ROOT, 'bench', 'node_modules', '@rrweb', 'record', 'package.json'), 'utf8')).version,
  runs,
  quick,
  scale,
  settleMs,
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  cores: cpus().length,
  loadStart: loadavg(),
};

/** Writes a file into --save's directory. */
const save = (name, data) => {
  mkdirSync(args.save, { recursive: true });
  writeFileSync(join(args.save, name), data);
};

// --- measure ------------------------------------------------------------------------------
const tmp = mkdtempSync(join(tmpdir(), 'tapedeck-bench-'));
const server = await startServer();
const browser = await launchBrowser();
conditions.chromium = browser.version();
const problems = [];
const results = {};
const profiles = {};
const started = Date.now();

try {
  const available = await replayersAvailable(browser, server.origin);
  for (const workload of WORKLOADS.filter((w) => workloads.includes(w))) {
    const rounds = [];
    const kept = {};
    for (let round = 0; round < runs; round++) {
      const order = RECORDERS.map((_, i) => RECORDERS[(i + round) % RECORDERS.length]);
      const runsOfRound = {};
      for (const recorder of order) {
        const run = await measureRun(browser, server.origin, { workload, recorder, scale, settleMs });
        const { out } = run;
        if (recorder === 'rrweb') {
          const events = JSON.parse(out.json);
          const inWindow = events.slice(out.mark);
          run.summary = summarizeRrweb(inWindow);
          run.wireBytes = rrwebWireBytes(inWindow);
          run.stringifyMs = out.stringifyMs;
          if (round === 0) kept.rrweb = { json: Buffer.from(out.json), liveElements: out.liveElements };
          if (round === 0 && args.save) save(`${workload}.rrweb.json`, JSON.stringify(inWindow));
        } else if (recorder === 'tapedeck') {
          const bytes = Buffer.from(out.frames, 'base64');
          const windowStart = out.frameLengths.slice(0, out.mark).reduce((a, b) => a + b, 0);
          const file = join(tmp, `${workload}-${round}.tdk`);
          writeFileSync(file, bytes.subarray(windowStart));
          if (round === 0 && args.save) save(`${workload}.tdk`, bytes.subarray(windowStart));
          run.summary = summarizeTapedeck(decodeTapedeck(CLI, file));
          run.wireBytes = bytes.length - windowStart;
          run.frames = out.frameLengths.length - out.mark;
          if (run.wasmBytes === null) problems.push(`${workload} / tapedeck: its wasm memory could not be read (bench/page/recorders.js)`);
          if (round === 0) {
            const whole = join(tmp, `${workload}.tdk`);
            writeFileSync(whole, bytes);
            kept.tapedeck = { bytes, file: whole, liveElements: out.liveElements };
          }
        }
        if (run.summary) {
          for (const p of validate(workload, run.did, run.summary)) problems.push(`${workload} / ${recorder} (run ${round + 1}): ${p}`);
        }
        delete run.out;
        delete run.cpuProfile;
        runsOfRound[recorder] = run;
      }
      rounds.push(runsOfRound);
      log(`${workload} ${round + 1}/${runs}: ${RECORDERS.map((r) => `${r} ${runsOfRound[r].taskMs.toFixed(0)} ms`).join(', ')}`);
    }

    // replay one recording of each, alternating, fresh page each time
    const replay = { rrweb: [], tapedeck: available.tapedeck ? [] : null, native: null };
    server.blobs.set(`/bench-data/${workload}.json`, kept.rrweb.json);
    server.blobs.set(`/bench-data/${workload}.tdk`, kept.tapedeck.bytes);
    const near = (have, want) => Math.abs(have - want) <= Math.max(10, want * 0.02);
    for (let round = 0; round < runs; round++) {
      const order = round % 2 ? ['tapedeck', 'rrweb'] : ['rrweb', 'tapedeck'];
      for (const which of order) {
        if (!replay[which]) continue;
        const url = `/bench-data/${workload}.${which === 'rrweb' ? 'json' : 'tdk'}`;
        const r = await replayOnce(browser, server.origin, which, url);
        delete r.cpuProfile;
        replay[which].push(r);
        if (round === 0 && !near(r.elements, kept[which].liveElements)) {
          problems.push(`${workload} / ${which} replay: ${r.elements} elements at the end, the page had ${kept[which].liveElements}`);
        }
        if (round === 0 && r.warnings.length) {
          problems.push(`${workload} / ${which} replay warned ${r.warnings.length}×: ${r.warnings[0]}`);
        }
      }
    }
    replay.native = nativeSeek(SEEK, kept.tapedeck.file, runs);
    if (!near(replay.native.elements, kept.tapedeck.liveElements)) {
      problems.push(`${workload} / native dom_at: ${replay.native.elements} elements at the end, the page had ${kept.tapedeck.liveElements}`);
    }
    if (replay.native.dom_errors) problems.push(`${workload} / native: ${replay.native.dom_errors} events did not apply`);
    if (args.profile) {
      const run = await measureRun(browser, server.origin, { workload, recorder: 'tapedeck', scale, settleMs, profile: true });
      profiles[`${workload}, recording`] = topFunctions(run.cpuProfile);
      if (available.tapedeck) {
        const r = await replayOnce(browser, server.origin, 'tapedeck', `/bench-data/${workload}.tdk`, { profile: true });
        profiles[`${workload}, replay`] = topFunctions(r.cpuProfile);
      }
    }
    server.blobs.clear();
    results[workload] = { rounds, replay };
  }

  results.sizes = {
    rrweb: rrwebSizes(),
    tapedeck: await tapedeckSizes(browser, server.origin),
    tapedeckPlayer: available.tapedeck ? filesSize(available.tapedeckFiles) : null,
  };
} finally {
  await browser.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
conditions.loadEnd = loadavg();
conditions.seconds = Math.round((Date.now() - started) / 1000);

// --- report -------------------------------------------------------------------------------
const rows = [];
for (const w of WORKLOADS) if (results[w]) rows.push(...workloadRows(w, results[w]));
rows.push(...sizeRows(results.sizes));
const table = markdownTable(rows);
const stringify = WORKLOADS.filter((w) => results[w])
  .map((w) => {
    const xs = results[w].rounds.map((r) => r.rrweb.stringifyMs).sort((a, b) => a - b);
    return `${w} ${xs[xs.length >> 1].toFixed(1)}`;
  })
  .join(', ');

console.log(table);
console.log();
console.log(conditionsText(conditions));
console.log(`rrweb's JSON.stringify of the window's events (its users pay it to ship them; not in the table), ms: ${stringify}`);
console.log(`sizes: rrweb's console plugin adds ${(results.sizes.rrweb.consolePlugin.gzip / 1024).toFixed(1)} KB gz; Tapedeck files: ${results.sizes.tapedeck.files.map((f) => `${f.file} ${(f.gzip / 1024).toFixed(1)} KB`).join(', ')}`);
if (args.profile) {
  for (const [w, p] of Object.entries(profiles)) {
    console.log(`\nTapedeck CPU profile, ${w} (${p.busy.toFixed(0)} ms busy; self time, wall clock):`);
    for (const f of p.functions) console.log(`  ${f.ms.toFixed(1).padStart(7)} ms  ${f.name}`);
  }
}

mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify({ conditions, results, profiles, problems, table }, null, 1));
log(`\nraw results: ${outFile} (${conditions.seconds} s)`);

if (problems.length) {
  console.log(`\nRECORDING PROBLEMS (${problems.length}) — the figures above measure an incomplete recording:`);
  for (const p of problems.slice(0, 40)) console.log(`  ${p}`);
  process.exit(1);
}
console.log('\nall recordings validated: each recorder recorded every workload, and every replay rebuilt the final page');
