// Statistics and the printed table: medians of each run's figures, recorder costs as the
// median of (recorder run − no-recorder run of the same round), their interquartile range
// in parentheses (from 4 runs up), and the ratio Tapedeck / rrweb of the medians.

/** Median of numbers (null for none). */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Quartile `q` (0.25, 0.75) of numbers, interpolated (null for none). */
export function quantile(xs, q) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const at = (v.length - 1) * q;
  const lo = Math.floor(at);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (at - lo);
}

/** Per-round `f(recorder run) − f(no-recorder run)`. */
function paired(rounds, recorder, f) {
  return rounds.map((r) => f(r[recorder]) - f(r.none));
}

/** Median over rounds of `f(recorder run) − f(no-recorder run)`. */
function pairedCost(rounds, recorder, f) {
  return median(paired(rounds, recorder, f));
}

/** " (q1–q3)" of the values, when there are enough of them to say anything. */
function spread(xs) {
  if (xs.length < 4) return '';
  return ` (${quantile(xs, 0.25).toFixed(0)}–${quantile(xs, 0.75).toFixed(0)})`;
}

const ms = (x) => (x === null ? 'n/a' : x.toFixed(1));
const kb = (x) => (x === null ? 'n/a' : (x / 1024).toFixed(1));
const ratio = (t, r) => (t === null || r === null || r <= 0 ? 'n/a' : `${(t / r).toFixed(2)}×`);

/** The figures of one workload: a list of table rows. */
export function workloadRows(name, w) {
  const { rounds, replay } = w;
  const rows = [];
  // notes: [none, rrweb, tapedeck] text after the figure
  const row = (metric, none, rrweb, tapedeck, fmt, notes = ['', '', '']) =>
    rows.push({
      workload: name,
      metric,
      none: none === undefined ? '' : fmt(none) + notes[0],
      rrweb: rrweb === undefined ? '—' : fmt(rrweb) + notes[1],
      tapedeck: fmt(tapedeck) + notes[2],
      ratio: rrweb === undefined ? '' : ratio(tapedeck, rrweb),
      raw: { none, rrweb, tapedeck },
    });
  const costRow = (metric, f) => {
    const none = rounds.map((r) => f(r.none));
    const rr = paired(rounds, 'rrweb', f);
    const td = paired(rounds, 'tapedeck', f);
    row(metric, median(none), median(rr), median(td), ms, [spread(none), spread(rr), spread(td)]);
  };

  costRow('main thread, ms (TaskDuration)', (r) => r.taskMs);
  costRow('script, ms (ScriptDuration)', (r) => r.scriptMs);
  row('bytes on the wire, KB', undefined, median(rounds.map((r) => r.rrweb.wireBytes)), median(rounds.map((r) => r.tapedeck.wireBytes)), kb);

  const heap = (r) => r.heapBytes;
  const rrHeap = pairedCost(rounds, 'rrweb', heap);
  const tdHeap = pairedCost(rounds, 'tapedeck', heap);
  const tdWasm = median(rounds.map((r) => r.tapedeck.wasmBytes));
  const tdTotal = tdHeap === null ? null : tdHeap + (tdWasm ?? 0);
  row('memory growth, KB', undefined, rrHeap, tdTotal, kb, ['', '', ` (JS ${kb(tdHeap)} + wasm ${kb(tdWasm)})`]);

  if (replay) {
    const rr = replay.rrweb.map((r) => r.ms);
    const td = replay.tapedeck ? replay.tapedeck.map((r) => r.ms) : [];
    row('replay: create + seek to end + layout, ms CPU', undefined, median(rr), replay.tapedeck ? median(td) : null, ms, ['', spread(rr), spread(td)]);
    const rrWall = replay.rrweb.map((r) => r.wallMs);
    const tdWall = replay.tapedeck ? replay.tapedeck.map((r) => r.wallMs) : [];
    row('replay: the same, ms wall clock', undefined, median(rrWall), replay.tapedeck ? median(tdWall) : null, ms, ['', spread(rrWall), spread(tdWall)]);
    const native = replay.native;
    row('native dom_at(end), ms', undefined, undefined, native ? median(native.dom_at_ms) : null, ms, ['', '', native ? ` (load ${ms(median(native.load_ms))})` : '']);
  }
  return rows;
}

/** A Markdown table of rows. */
export function markdownTable(rows) {
  const header = ['workload', 'metric', 'no recorder', 'rrweb', 'Tapedeck', 'Tapedeck / rrweb'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((h, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
  ];
  let last = null;
  for (const r of rows) {
    const w = r.workload === last ? '' : r.workload;
    last = r.workload;
    lines.push(`| ${w} | ${r.metric} | ${r.none} | ${r.rrweb} | ${r.tapedeck} | ${r.ratio} |`);
  }
  return lines.join('\n');
}

/** The size rows. */
export function sizeRows(sizes) {
  const { rrweb, tapedeck, tapedeckPlayer } = sizes;
  const row = (metric, r, t) => ({
    workload: 'bundle',
    metric,
    none: '',
    rrweb: kb(r),
    tapedeck: t ? `${kb(t.gzip)} (${t.files.length} files)` : 'n/a',
    ratio: t ? ratio(t.gzip, r) : 'n/a',
  });
  return [
    row('recorder, gzipped -9, KB', rrweb.record.gzip, tapedeck),
    row('player, gzipped -9, KB', rrweb.replay.gzip, tapedeckPlayer),
  ];
}

/** The run conditions, one per line. */
export function conditionsText(c) {
  return [
    `date: ${c.date}; tapedeck ${c.commit}; @rrweb/record ${c.rrwebVersion}`,
    `runs per recorder and workload: ${c.runs}${c.quick ? ' (--quick: small workloads, figures meaningless)' : ''}; workload scale ${c.scale}; settle ${c.settleMs} ms`,
    `Chromium ${c.chromium} headless; Node ${c.node}; ${c.cpu} × ${c.cores}`,
    `load average (1/5/15 min): at start ${c.loadStart.map((x) => x.toFixed(2)).join(' ')}, at end ${c.loadEnd.map((x) => x.toFixed(2)).join(' ')}`,
  ].join('\n');
}
