// What the panels show, derived once from the replayer's events: the session's
// description, console entries, errors, requests (with their backend traces), performance
// entries, backend traces, and the markers of the scrubber. Entries keep `time` (ms since
// the session start) and the recorded `data` untouched.

/** Console levels that count as errors. */
const ERROR_LEVELS = new Set(['Error', 'Assert']);

/** Whether a request failed: a status from 400, or no response and an error. */
export function failed(network) {
  return (network.status != null && network.status >= 400) || (network.status == null && !!network.error);
}

/** The variant name and value of an enum in its human-readable form (`{LongTask: {…}}`). */
export function variant(value) {
  const [name] = Object.keys(value ?? {});
  return [name, value?.[name]];
}

export function buildModel(events, report) {
  const model = {
    report,
    meta: null,
    metas: [],
    console: [],
    errors: [],
    network: [],
    performance: [],
    traces: new Map(),
    markers: [],
    navigations: [],
  };
  const trace = (id) => {
    let t = model.traces.get(id);
    if (!t) {
      t = { id, spans: [], logs: [], start: Infinity, end: -Infinity, error: false, requests: [] };
      model.traces.set(id, t);
    }
    return t;
  };
  for (const [index, event] of events.entries()) {
    const { time, kind, data } = event;
    switch (kind) {
      case 'Meta':
        model.meta ??= data;
        model.metas.push({ time, data });
        if (model.metas.length > 1) {
          model.markers.push({ time, kind: 'nav', label: `Page load ${data.url}` });
        }
        break;
      case 'Navigation':
        model.navigations.push({ time, data });
        model.markers.push({ time, kind: 'nav', label: `${data.kind} ${data.url}` });
        break;
      case 'Console': {
        const entry = { time, index, data, error: ERROR_LEVELS.has(data.level) };
        model.console.push(entry);
        if (entry.error) {
          model.errors.push({ time, index, source: 'console', data });
          model.markers.push({
            time,
            kind: 'console',
            label: `console.${data.level.toLowerCase()} ${data.args.join(' ')}`,
            panel: 'console',
            entry,
          });
        }
        break;
      }
      case 'Error': {
        const entry = { time, index, source: 'uncaught', data };
        model.errors.push(entry);
        const label = `${errorKind(data.kind)}: ${data.message}`;
        model.markers.push({ time, kind: 'error', label, panel: 'errors', entry });
        break;
      }
      case 'Network': {
        const entry = { time, index, data, failed: failed(data), trace: null };
        model.network.push(entry);
        if (entry.failed) {
          const outcome = data.status ?? data.error ?? 'failed';
          const label = `${data.method} ${data.url} → ${outcome}`;
          model.markers.push({ time, kind: 'network', label, panel: 'network', entry });
        }
        break;
      }
      case 'Performance': {
        const [type, value] = variant(data);
        model.performance.push({ time, index, type, data: value });
        break;
      }
      case 'Backend': {
        const [type, value] = variant(data);
        if (type === 'Span') {
          const t = trace(value.trace_id);
          t.spans.push({ time, ...value });
          t.start = Math.min(t.start, time);
          t.end = Math.max(t.end, time + value.duration_us / 1000);
          if (value.status === 'Error') t.error = true;
        } else if (type === 'Log' && value.trace_id) {
          const t = trace(value.trace_id);
          t.logs.push({ time, ...value });
          t.start = Math.min(t.start, time);
          t.end = Math.max(t.end, time);
          if (ERROR_LEVELS.has(value.level)) t.error = true;
        }
        break;
      }
      case 'Custom':
        model.markers.push({ time, kind: 'note', label: `Event ${data.name} ${data.payload}` });
        break;
      case 'Annotation':
        const by = data.author ? ` by ${data.author}` : '';
        model.markers.push({ time, kind: 'note', label: `Note${by}: ${data.text}` });
        break;
      default:
        break;
    }
  }
  for (const entry of model.network) {
    const t = entry.data.trace_id && model.traces.get(entry.data.trace_id);
    if (t) {
      entry.trace = t;
      t.requests.push(entry);
    }
  }
  model.traceList = [...model.traces.values()]
    .filter((t) => t.spans.length || t.logs.length)
    .sort((a, b) => a.start - b.start);
  for (const t of model.traceList) {
    t.time = t.start;
    if (t.error && !t.requests.some((r) => r.failed)) {
      const label = `Backend error in trace ${t.id}`;
      model.markers.push({ time: t.start, kind: 'network', label, panel: 'backend', entry: t });
    }
  }
  model.markers.sort((a, b) => a.time - b.time);
  return model;
}

export function errorKind(kind) {
  const names = { Exception: 'Uncaught', UnhandledRejection: 'Unhandled rejection', Resource: 'Resource failed' };
  return names[kind] ?? kind;
}

/** A short description of where the session ran, from its `Meta`. */
export function environment(meta) {
  if (!meta) return {};
  const soft = (s) => [s?.name, s?.version?.split('.')[0]].filter(Boolean).join(' ');
  const device = meta.device ?? {};
  const ratio = meta.device_pixel_ratio;
  const dpr = ratio && ratio !== 1 ? +ratio.toFixed(2) : null;
  return {
    browser: soft(meta.browser),
    os: [meta.os?.name, meta.os?.version].filter(Boolean).join(' '),
    device: [device.kind !== 'Unknown' ? device.kind : '', device.model, device.touch ? 'touch' : '']
      .filter(Boolean)
      .join(' · '),
    viewport: meta.viewport ? `${meta.viewport.width}×${meta.viewport.height}${dpr ? ` @${dpr}x` : ''}` : '',
  };
}

/** Web-vitals style figures over the performance entries (see the Performance panel). */
export function vitals(entries) {
  const out = { fcp: null, lcp: null, cls: 0, inp: null, longTasks: 0, blocking: 0, heap: null };
  let windowSum = 0;
  let windowStart = -Infinity;
  let last = -Infinity;
  for (const { time, type, data } of entries) {
    switch (type) {
      case 'Paint':
        if (data.name === 'first-contentful-paint') out.fcp ??= data.time;
        break;
      case 'LargestPaint':
        out.lcp = data.render_time || time;
        break;
      case 'LayoutShift':
        if (data.had_recent_input) break;
        // CLS: the largest session window (shifts < 1 s apart, at most 5 s long).
        if (time - last > 1000 || time - windowStart > 5000) {
          windowSum = 0;
          windowStart = time;
        }
        windowSum += data.value;
        last = time;
        out.cls = Math.max(out.cls, windowSum);
        break;
      case 'Interaction':
        out.inp = Math.max(out.inp ?? 0, data.duration);
        break;
      case 'LongTask':
        out.longTasks += 1;
        out.blocking += Math.max(0, data.duration - 50);
        break;
      case 'Memory':
        out.heap = data.used;
        break;
      default:
        break;
    }
  }
  return out;
}
