// tapedeck/player: `await mountPlayer(container, frames, options)` builds the whole player
// around a `Replayer` (tapedeck/replay): the replay with its controls and a timeline of
// markers, the session's description, and panels for console, network (with the backend
// spans of each request), errors, performance and backend traces — all on one clock.
// Everything lives in a shadow root; recorded strings are only ever set as text.
import { Replayer } from './replay.js';
import { h, icon, clock, bytes, plural } from './player/dom.js';
import { buildModel, environment } from './player/model.js';
import { Scrubber } from './player/scrubber.js';
import { CSS } from './player/style.js';
import { consolePanel } from './player/panels/console.js';
import { networkPanel } from './player/panels/network.js';
import { errorsPanel } from './player/panels/errors.js';
import { performancePanel } from './player/panels/performance.js';
import { backendPanel } from './player/panels/backend.js';

/** Speeds offered (the replayer takes any from 0.5 to 16). */
const SPEEDS = [0.5, 1, 2, 4, 8, 16];
const PANELS = ['console', 'network', 'errors', 'performance', 'backend'];
/** ←/→ seek this far, ms. */
const SEEK_STEP = 5000;
/** Below this width (px) the panels go under the replay. */
const NARROW = 860;
const PLAYER_OPTIONS = ['panel', 'autoplay', 'keyboard', 'back', 'name'];
const REPLAY_OPTIONS = ['speed', 'skipInactive', 'inactiveThreshold', 'cursor', 'clicks'];

/**
 * Builds the player in `container` for `frames` (as `Replayer.create` takes them) and
 * resolves to a handle `{replayer, element, showPanel, markdown, destroy}`.
 */
export async function mountPlayer(container, frames, options = {}) {
  if (!container || container.nodeType !== 1) {
    throw new TypeError('tapedeck: mountPlayer(container, frames, options) needs a container element');
  }
  for (const key of Object.keys(options ?? {})) {
    if (!PLAYER_OPTIONS.includes(key) && !REPLAY_OPTIONS.includes(key)) {
      const known = [...PLAYER_OPTIONS, ...REPLAY_OPTIONS].join(', ');
      throw new TypeError(`tapedeck: unknown player option \`${key}\` (known: ${known})`);
    }
  }
  const {
    panel: firstPanel = 'console',
    autoplay = false,
    keyboard = true,
    back = null,
    name = null,
    ...replayOptions
  } = options ?? {};
  if (!PANELS.includes(firstPanel)) {
    throw new TypeError(`tapedeck: options.panel must be one of ${PANELS.join(', ')}`);
  }

  const host = h('div', { class: 'tapedeck-ui' });
  const shadow = host.attachShadow({ mode: 'open' });
  const stage = h('div', { class: 'stage' });
  const left = h('div', { class: 'left' }, stage);
  const side = h('div', { class: 'side' });
  // The replay's place exists (with a size) before the replayer is built in it.
  const head = h('div', { class: 'head' });
  const app = h('div', { class: 'app' }, head, h('div', { class: 'main' }, left, side));
  shadow.append(h('style', {}, CSS), app);
  container.append(host);

  let r;
  try {
    r = await Replayer.create(frames, { ...replayOptions, root: stage });
  } catch (e) {
    host.remove();
    throw e;
  }
  const model = buildModel(r.events, r.report);
  const seek = (t) => r.seek(Math.max(0, t));
  const cleanups = [];

  // --- panels -------------------------------------------------------------------------
  const panels = [
    consolePanel(model, seek),
    networkPanel(model, seek),
    errorsPanel(model, seek),
    performancePanel(model, seek),
    backendPanel(model, seek),
  ].map((p) => {
    const scroll = h('div', { class: 'scroll' }, p.head, p.list.element);
    p.element = h(
      'section',
      { class: `panel panel-${p.name}`, role: 'tabpanel', hidden: true, data: { panel: p.name } },
      h('div', { class: 'toolbar' }, p.toolbar),
      p.above,
      scroll,
      p.detail,
    );
    p.tab = h(
      'button',
      {
        class: 'tab',
        role: 'tab',
        'aria-selected': 'false',
        data: { panel: p.name },
        on: { click: () => showPanel(p.name) },
      },
      p.title,
      h('span', { class: 'n' }, p.count),
      p.alerts ? h('span', { class: 'alert', title: plural(p.alerts, 'problem') }, p.alerts) : null,
    );
    return p;
  });
  let active = null;
  function showPanel(name) {
    const next = panels.find((p) => p.name === name);
    if (!next) throw new TypeError(`tapedeck: no panel ${name} (panels: ${PANELS.join(', ')})`);
    for (const p of panels) {
      p.element.hidden = p !== next;
      p.tab.setAttribute('aria-selected', String(p === next));
    }
    active = next;
    const row = next.list.rows[next.list.current];
    if (row) next.list.reveal(row);
  }
  side.append(
    h('nav', { class: 'tabs', role: 'tablist' }, panels.map((p) => p.tab)),
    ...panels.map((p) => p.element),
  );

  // --- header -------------------------------------------------------------------------
  const env = environment(model.meta);
  const report = r.report;
  const started = report.sessionStart ? new Date(report.sessionStart) : null;
  const fact = (label, value, title) =>
    value ? h('span', { class: 'fact', title: title ?? label }, value) : null;
  const copy = h(
    'button',
    {
      class: 'btn primary',
      title: 'Copy the session as a Markdown timeline, for a teammate or an AI assistant',
      on: { click: () => copyMarkdown() },
    },
    icon('copy'),
    h('span', { class: 'label-long' }, 'Copy timeline for AI'),
    h('span', { class: 'label-short' }, 'Copy for AI'),
  );
  const download = h(
    'button',
    {
      class: 'btn',
      title: 'Download the Markdown timeline',
      'aria-label': 'Download the Markdown timeline',
      on: { click: () => downloadMarkdown() },
    },
    icon('download'),
    h('span', {}, '.md'),
  );
  const top = h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, h('span', { class: 'dot' }), 'Tapedeck'),
    back?.href ? h('a', { class: 'back', href: back.href }, icon('back'), back.label ?? 'Back') : null,
    h(
      'div',
      { class: 'session' },
      h(
        'span',
        { class: 'page-url', title: [model.meta?.title, model.meta?.url].filter(Boolean).join('\n') },
        model.meta?.url ?? 'unknown page',
      ),
      h(
        'span',
        { class: 'facts' },
        fact('Browser', env.browser, model.meta?.user_agent),
        fact('OS', env.os),
        fact('Device', env.device),
        fact('Viewport', env.viewport, 'Viewport (CSS px)'),
        fact('Started', started && started.toLocaleString(), started && `Started ${started.toISOString()}`),
        fact('Duration', clock(r.duration), 'Duration'),
      ),
    ),
    h('div', { class: 'actions' }, copy, download),
  );
  const problems = reportProblems(report);
  const reportBar = problems.length
    ? h(
        'div',
        { class: 'report', role: 'status' },
        icon('warn'),
        h('span', {}, `Incomplete recording: ${problems.join(' · ')}. The rest plays.`),
      )
    : null;

  // --- scrubber and controls ----------------------------------------------------------
  let resumeAfterDrag = false;
  const scrubber = new Scrubber({
    duration: r.duration,
    markers: model.markers,
    inactive: r.inactive(),
    seek,
    onMarker: (m) => {
      seek(m.time);
      if (m.panel) {
        showPanel(m.panel);
        active.select(m.entry);
      }
    },
    onDrag: (dragging) => {
      if (dragging) {
        resumeAfterDrag = r.playing;
        r.pause();
      } else if (resumeAfterDrag) {
        r.play();
      }
    },
  });
  scrubber.showInactive(r.skipInactive);
  const playButton = h(
    'button',
    { class: 'play', title: 'Play (space)', 'aria-label': 'Play', on: { click: () => toggle() } },
    icon('play'),
  );
  const now = h('b', {}, clock(0));
  const speed = h(
    'select',
    { 'aria-label': 'Speed', title: 'Playback speed', on: { change: () => r.setSpeed(Number(speed.value)) } },
    SPEEDS.map((s) => h('option', { value: String(s), selected: s === r.speed }, `${s}×`)),
  );
  const skip = h('input', {
    type: 'checkbox',
    checked: r.skipInactive,
    on: {
      change: () => {
        r.setSkipInactive(skip.checked);
        scrubber.showInactive(skip.checked);
      },
    },
  });
  const controls = h(
    'div',
    { class: 'controls' },
    playButton,
    h('span', { class: 'clock' }, now, ` / ${clock(r.duration)}`),
    h('span', { class: 'spacer' }),
    h(
      'span',
      { class: 'keys', title: 'Keyboard shortcuts (also Home, End)' },
      h('kbd', {}, 'space'),
      ' play · ',
      h('kbd', {}, '←'),
      h('kbd', {}, '→'),
      ' 5 s',
    ),
    h(
      'label',
      { class: 'toggle', title: 'Jump over stretches without user activity (hatched on the timeline)' },
      skip,
      'Skip inactivity',
    ),
    speed,
  );
  left.append(scrubber.element, controls);
  head.append(top, reportBar ?? '');

  // --- playback state -----------------------------------------------------------------
  const setPlayIcon = () => {
    const ended = !r.playing && r.currentTime >= r.duration && r.duration > 0;
    const kind = r.playing ? 'pause' : ended ? 'replay' : 'play';
    playButton.replaceChildren(icon(kind));
    const label = { pause: 'Pause', replay: 'Replay from the start', play: 'Play' }[kind];
    playButton.setAttribute('aria-label', label);
    playButton.title = `${label} (space)`;
  };
  const onTime = (t) => {
    now.textContent = clock(t);
    scrubber.setTime(t);
    for (const p of panels) p.list.setTime(t, r.playing && p === active);
  };
  function toggle() {
    if (r.playing) r.pause();
    else r.play();
  }
  cleanups.push(
    r.on('time', ({ time }) => onTime(time)),
    r.on('play', setPlayIcon),
    r.on('pause', setPlayIcon),
    r.on('end', setPlayIcon),
    r.on('seek', setPlayIcon),
    r.on('speed', ({ speed: s }) => (speed.value = String(s))),
    r.on('skip', ({ from, to }) => toast(`Skipped ${clock(to - from)} without activity`)),
  );

  // --- toast, copy, download ----------------------------------------------------------
  const toastBox = h('div', { class: 'toast', hidden: true, role: 'status' });
  stage.append(toastBox);
  let toastTimer = 0;
  function toast(message) {
    toastBox.textContent = message;
    toastBox.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toastBox.hidden = true), 2200);
  }
  function fileName() {
    return `${name ?? `tapedeck-${(report.sessionId ?? 'session').slice(0, 12)}`}.md`;
  }
  async function copyMarkdown() {
    const text = r.markdown();
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // Without clipboard permission (or outside a secure context): the selection route.
      const area = h('textarea', { style: { position: 'fixed', opacity: '0' } });
      area.value = text;
      shadow.append(area);
      area.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      area.remove();
    }
    toast(
      ok ? `Copied the timeline: ${bytes(text.length)} of Markdown` : 'Could not copy: use the .md download instead',
    );
    return ok;
  }
  function downloadMarkdown() {
    const url = URL.createObjectURL(new Blob([r.markdown()], { type: 'text/markdown' }));
    const a = h('a', { href: url, download: fileName() });
    shadow.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  // --- keyboard -----------------------------------------------------------------------
  const doc = host.ownerDocument;
  const onKey = (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.composedPath()[0];
    const active = doc.activeElement;
    // Only when the player (or nothing in particular) has the focus, never while typing.
    if (active && active !== doc.body && active !== host) return;
    if (target?.closest?.('input, textarea, select, [contenteditable]')) return;
    if (e.key === ' ') {
      // Space is play/pause everywhere in the player, as in media players; Enter still
      // presses a focused button.
      e.preventDefault();
      toggle();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      seek(r.currentTime + (e.key === 'ArrowLeft' ? -SEEK_STEP : SEEK_STEP));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      seek(e.key === 'Home' ? 0 : r.duration);
    }
  };
  if (keyboard) {
    doc.addEventListener('keydown', onKey);
    cleanups.push(() => doc.removeEventListener('keydown', onKey));
  }

  // --- layout: narrow puts the panels under the replay --------------------------------
  const resize = new ResizeObserver(() => {
    const width = host.clientWidth;
    const narrow = width > 0 && width < NARROW;
    app.classList.toggle('narrow', narrow);
    if (narrow) {
      const vp = r.viewport ?? { width: 16, height: 10 };
      const height = Math.min((width * vp.height) / vp.width, (doc.defaultView?.innerHeight ?? 800) * 0.6);
      app.style.setProperty('--stage-h', `${Math.round(height)}px`);
    }
  });
  resize.observe(host);
  cleanups.push(() => resize.disconnect(), () => scrubber.destroy(), () => clearTimeout(toastTimer));

  showPanel(firstPanel);
  // Time 0 may come before the first snapshot: open on the page as first recorded.
  const first = r.events.find((e) => e.kind === 'Snapshot');
  if (first && first.time > 0 && r.currentTime < first.time) await r.seek(first.time);
  onTime(r.currentTime);
  setPlayIcon();
  if (autoplay) r.play();

  return {
    replayer: r,
    element: host,
    showPanel,
    markdown: () => r.markdown(),
    copyMarkdown,
    downloadMarkdown,
    destroy() {
      for (const undo of cleanups.splice(0)) undo();
      r.destroy();
      host.remove();
    },
  };
}

/** What the report says is wrong, in words (empty when the recording is complete). */
function reportProblems(report) {
  if (!report || report.clean) return [];
  const out = [];
  const missing = report.gaps.reduce((n, g) => n + g.last - g.first + 1, 0);
  if (missing) {
    const ranges = report.gaps.map((g) => (g.first === g.last ? `#${g.first}` : `#${g.first}–${g.last}`));
    out.push(`${plural(missing, 'frame')} missing (${ranges.join(', ')})`);
  }
  if (report.corrupt.length) {
    out.push(`${plural(report.corrupt.length, 'damaged byte range')} skipped (${report.corrupt[0].error})`);
  }
  if (report.duplicates.length) out.push(`${plural(report.duplicates.length, 'duplicate frame')} ignored`);
  if (report.otherSessions.length) {
    out.push(`${plural(report.otherSessions.length, 'frame')} of another session left out`);
  }
  return out;
}
