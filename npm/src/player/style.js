// The player's styles, applied inside its shadow root (nothing leaks in or out).
export const CSS = `
:host {
  --bg: #0e1116; --bg2: #141922; --bg3: #1b212c; --line: #262e3b; --line2: #323c4c;
  --fg: #d7dde8; --fg2: #9aa4b5; --fg3: #6b7587;
  --accent: #5b9dff; --accent2: #2f6fed;
  --red: #f26d78; --red-bg: #3a1d24; --amber: #e5b450; --amber-bg: #33291a;
  --green: #4cc38a; --violet: #b08cf5; --teal: #45c4c9;
  --mono: ui-monospace, SFMono-Regular, "JetBrains Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  display: block; height: 100%; min-height: 420px;
  color: var(--fg); background: var(--bg); font: 12px/1.45 var(--sans);
  color-scheme: dark;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
button { font: inherit; color: inherit; }
.mono, .t, .num, .method, .url, .status, .msg, pre, code, dd { font-family: var(--mono); }
.icon { width: 16px; height: 16px; flex: none; }

.app { display: grid; grid-template-rows: auto minmax(0, 1fr); grid-template-columns: minmax(0, 1fr); height: 100%; }

/* header */
.top { display: flex; align-items: center; gap: 10px; padding: 7px 12px; border-bottom: 1px solid var(--line); background: var(--bg2); min-width: 0; }
.brand { display: flex; align-items: center; gap: 6px; font-weight: 650; letter-spacing: .2px; white-space: nowrap; }
.brand .dot { width: 9px; height: 9px; border-radius: 50%; background: var(--red); box-shadow: 0 0 0 3px #f26d7833; }
.back { color: var(--fg2); text-decoration: none; display: inline-flex; align-items: center; gap: 2px; white-space: nowrap; }
.back:hover { color: var(--fg); }
.session { display: flex; align-items: center; gap: 6px; min-width: 0; flex: 1; overflow: hidden; }
.page-url { font-family: var(--mono); color: var(--fg); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 60px; max-width: 45%; flex: 0 1 auto; }
/* facts that do not fit wrap out of sight rather than being cut */
.facts { display: flex; flex-wrap: wrap; gap: 4px; flex: 1 1 0; min-width: 0; height: 20px; overflow: hidden; }
.fact { white-space: nowrap; padding: 1px 7px; line-height: 16px; border-radius: 10px; background: var(--bg3); color: var(--fg2); border: 1px solid var(--line); }
.fact b { color: var(--fg); font-weight: 500; }
.actions { display: flex; gap: 6px; flex: none; }
.btn { display: inline-flex; align-items: center; gap: 6px; height: 26px; padding: 0 10px; border-radius: 6px; border: 1px solid var(--line2); background: var(--bg3); cursor: pointer; white-space: nowrap; }
.btn:hover { border-color: var(--fg3); background: #222a37; }
.btn.primary { background: var(--accent2); border-color: var(--accent2); color: #fff; }
.btn.primary:hover { background: #3d7bf5; }
.btn:focus-visible, .chip:focus-visible, .tab:focus-visible, .scrubber:focus-visible, .play:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }

.report { display: flex; gap: 8px; align-items: center; padding: 5px 12px; background: var(--amber-bg); color: var(--amber); border-bottom: 1px solid #4d3d1e; }

/* main: replay + side panels */
.main { display: grid; grid-template-columns: minmax(0, 1fr) var(--side, clamp(400px, 38%, 560px)); min-height: 0; }
.left { display: flex; flex-direction: column; min-width: 0; min-height: 0; border-right: 1px solid var(--line); }
.stage { flex: 1; min-height: 0; position: relative; }
.stage > .tapedeck-player { background: #0a0c10; }

/* scrubber */
.scrubber { position: relative; padding: 4px 12px 6px; cursor: pointer; user-select: none; touch-action: none; background: var(--bg2); border-top: 1px solid var(--line); }
.lane { position: relative; height: 14px; }
.marker { position: absolute; top: 1px; width: 8px; height: 12px; margin-left: -4px; padding: 0; border: 0; border-radius: 2px; cursor: pointer; background: var(--fg3); }
.marker:hover, .marker:focus-visible { transform: scaleY(1.25); outline: none; box-shadow: 0 0 0 2px var(--bg), 0 0 0 3px currentColor; }
.marker.k-error { background: var(--red); color: var(--red); }
.marker.k-console { background: #e0858d; color: var(--red); width: 6px; margin-left: -3px; }
.marker.k-network { background: var(--amber); color: var(--amber); }
.marker.k-note { background: var(--violet); color: var(--violet); border-radius: 50%; width: 9px; height: 9px; top: 3px; }
.marker.k-nav { background: var(--teal); color: var(--teal); width: 3px; margin-left: -1.5px; }
.track { position: relative; height: 6px; margin-top: 3px; border-radius: 3px; background: var(--line2); }
.scrubber:hover .track, .scrubber.dragging .track { height: 8px; margin-top: 2px; }
.idle-layer { position: absolute; inset: 0; overflow: hidden; border-radius: 3px; }
.idle { position: absolute; top: 0; bottom: 0; background: repeating-linear-gradient(135deg, #ffffff14 0 3px, transparent 3px 6px); }
.fill { position: absolute; left: 0; top: 0; bottom: 0; width: 0; border-radius: 3px; background: var(--accent); }
.knob { position: absolute; top: 50%; width: 12px; height: 12px; margin: -6px 0 0 -6px; border-radius: 50%; background: #fff; box-shadow: 0 0 0 3px #5b9dff55; }
.ghost { position: absolute; top: -3px; bottom: -3px; width: 1px; background: #ffffff88; pointer-events: none; }
.tip { position: absolute; bottom: calc(100% + 2px); z-index: 5; max-width: min(460px, 90%); padding: 5px 8px; border-radius: 6px; background: #05070a; border: 1px solid var(--line2); box-shadow: 0 6px 20px #0008; pointer-events: none; white-space: nowrap; overflow: hidden; }
.tip-line { overflow: hidden; text-overflow: ellipsis; }
.tip-line b { font-weight: 600; }
.tip-line.k-error b, .tip-line.k-console b { color: var(--red); }
.tip-line.k-network b { color: var(--amber); }
.tip-line.k-note b { color: var(--violet); }
.tip-line.k-nav b { color: var(--teal); }
.tip-more { color: var(--fg3); }

/* controls */
.controls { display: flex; align-items: center; gap: 10px; padding: 4px 12px 8px; background: var(--bg2); }
.play { display: grid; place-items: center; width: 30px; height: 30px; border-radius: 50%; border: 0; background: var(--fg); color: var(--bg); cursor: pointer; }
.play:hover { background: #fff; }
.clock { font-family: var(--mono); font-variant-numeric: tabular-nums; color: var(--fg2); }
.clock b { color: var(--fg); font-weight: 500; }
.spacer { flex: 1; }
.toggle { display: inline-flex; align-items: center; gap: 6px; color: var(--fg2); cursor: pointer; white-space: nowrap; }
.toggle input { accent-color: var(--accent); margin: 0; }
select { font: inherit; color: var(--fg); background: var(--bg3); border: 1px solid var(--line2); border-radius: 6px; height: 26px; padding: 0 6px; }
.keys { color: var(--fg3); white-space: nowrap; }
kbd { font-family: var(--mono); font-size: 10px; padding: 0 4px; border: 1px solid var(--line2); border-bottom-width: 2px; border-radius: 4px; color: var(--fg2); }
.toast { position: absolute; left: 50%; bottom: 14px; transform: translateX(-50%); z-index: 10; padding: 6px 12px; border-radius: 6px; background: #05070aee; border: 1px solid var(--line2); color: var(--fg); pointer-events: none; transition: opacity .3s; }

/* side panels */
.side { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: var(--bg); container-type: inline-size; }
@container (max-width: 470px) { .tab .n { display: none; } .tab { padding-left: 5px; padding-right: 5px; } }
.tabs { display: flex; gap: 1px; padding: 0 6px; border-bottom: 1px solid var(--line); background: var(--bg2); overflow-x: auto; scrollbar-width: none; flex: none; }
.tab { display: inline-flex; align-items: center; gap: 4px; padding: 8px 6px 7px; border: 0; border-bottom: 2px solid transparent; background: none; color: var(--fg2); cursor: pointer; white-space: nowrap; }
.tab:hover { color: var(--fg); }
.tab[aria-selected=true] { color: var(--fg); border-bottom-color: var(--accent); }
.tab .n { color: var(--fg3); font-size: 11px; }
.tab .alert { min-width: 16px; padding: 0 4px; border-radius: 8px; background: var(--red); color: #fff; font-size: 10px; font-weight: 700; text-align: center; line-height: 16px; }
.panel { display: flex; flex-direction: column; flex: 1; min-height: 0; }
.toolbar { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--line); flex: none; }
.toolbar:empty { display: none; }
.toolbar input[type=search] { flex: 1; min-width: 90px; height: 24px; padding: 0 8px; border-radius: 6px; border: 1px solid var(--line2); background: var(--bg2); color: var(--fg); font: inherit; }
.chip { display: inline-flex; gap: 5px; align-items: center; height: 24px; padding: 0 8px; border-radius: 12px; border: 1px solid var(--line2); background: transparent; color: var(--fg3); cursor: pointer; }
.chip[aria-pressed=true] { background: var(--bg3); color: var(--fg); }
.chip:disabled { opacity: .4; cursor: default; }
.chip .n { font-size: 10.5px; color: var(--fg3); }
.chip.lv-error[aria-pressed=true] { color: var(--red); }
.chip.lv-warn[aria-pressed=true] { color: var(--amber); }
.scroll { position: relative; flex: 1; min-height: 0; overflow: auto; }
.empty { padding: 18px 12px; color: var(--fg3); text-align: center; }
.note { color: var(--fg3); margin-top: 4px; }

.row { cursor: pointer; border-bottom: 1px solid #1c222c; border-left: 2px solid transparent; }
.row:hover { background: #171d27; }
.row.future { opacity: .45; }
.row.current { background: #16243a; border-left-color: var(--accent); }
.row.selected { background: #1b2c47; border-left-color: var(--accent); opacity: 1; }
.t { color: var(--fg3); font-size: 11px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.strong { font-weight: 600; }
.badge { display: inline-block; padding: 0 5px; border-radius: 4px; font-size: 10.5px; line-height: 16px; background: var(--bg3); color: var(--fg2); }
.badge.error { background: var(--red-bg); color: var(--red); }
.link { border: 0; background: none; padding: 0; color: var(--accent); cursor: pointer; font-size: 11px; }
pre { margin: 4px 0 2px; white-space: pre-wrap; word-break: break-word; font-size: 11px; }
.stack { color: var(--fg2); padding-left: 8px; border-left: 2px solid var(--line2); }

/* console & errors */
.entry { display: grid; grid-template-columns: 52px 40px minmax(0, 1fr); gap: 6px; padding: 4px 10px 4px 8px; }
.entry .lvl { font-size: 10.5px; color: var(--fg3); text-transform: uppercase; padding-top: 1px; }
.entry .body { min-width: 0; }
.entry .msg { white-space: pre-wrap; word-break: break-word; }
.entry .link { margin-left: 8px; }
.entry.lv-error { background: #f26d780d; }
.entry.lv-error .msg, .entry.lv-error .lvl { color: var(--red); }
.entry.lv-warn { background: #e5b4500a; }
.entry.lv-warn .msg, .entry.lv-warn .lvl { color: var(--amber); }
.entry.lv-debug .msg { color: var(--fg2); }
.panel-errors .entry { grid-template-columns: 52px minmax(0, 1fr); }
.sub { display: flex; gap: 8px; align-items: center; margin-top: 2px; color: var(--fg3); }

/* network */
.req { display: grid; grid-template-columns: 46px 42px minmax(0, 1fr) 44px 56px 50px 14px; gap: 6px; align-items: baseline; padding: 4px 8px; }
.req > span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.req.head { position: sticky; top: 0; z-index: 1; cursor: default; background: var(--bg2); color: var(--fg3); font-size: 11px; border-bottom: 1px solid var(--line); padding-left: 10px; }
.req.head > span { font-family: var(--sans); }
.method { color: var(--fg2); font-size: 11px; }
.req .status { color: var(--green); }
.req.failed .status, .req.failed .url { color: var(--red); }
.num { text-align: right; color: var(--fg2); font-size: 11px; font-variant-numeric: tabular-nums; }
.tr { justify-self: center; align-self: center; width: 7px; height: 7px; border-radius: 50%; background: var(--teal); }
.tr.error { background: var(--red); }
.detail { flex: 1.4; min-height: 0; overflow: auto; border-top: 1px solid var(--line2); background: var(--bg2); }
/* with a request open, the list takes what it needs (up to 40%), the detail the rest */
.panel:has(> .detail:not([hidden])) > .scroll { flex: 0 1 auto; max-height: 40%; }
.detail-head { position: sticky; top: 0; z-index: 1; display: flex; gap: 8px; align-items: center; padding: 7px 10px; background: var(--bg3); border-bottom: 1px solid var(--line); }
.detail-head .url { flex: 1; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.status-pill { font-family: var(--mono); padding: 0 6px; border-radius: 4px; background: #173b2a; color: var(--green); }
.status-pill.error { background: var(--red-bg); color: var(--red); }
.icon-btn { border: 0; background: none; color: var(--fg2); cursor: pointer; font-size: 16px; line-height: 1; padding: 0 4px; }
.icon-btn:hover { color: var(--fg); }
.sect { padding: 8px 10px; border-bottom: 1px solid var(--line); }
.sect h4 { margin: 0 0 6px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .4px; color: var(--fg2); }
.sect.error h4 { color: var(--red); }
.kv { display: grid; grid-template-columns: minmax(90px, max-content) minmax(0, 1fr); gap: 2px 12px; margin: 0; }
.kv dt { color: var(--fg3); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.kv dd { margin: 0; word-break: break-all; font-size: 11.5px; }
.code { max-height: 320px; overflow: auto; padding: 6px 8px; border-radius: 6px; background: var(--bg); border: 1px solid var(--line); }

/* span trees */
.spans { font-size: 11.5px; }
.span { display: grid; grid-template-columns: minmax(0, 1fr) 30% 60px; gap: 8px; align-items: center; padding: 2px 4px 2px calc(4px + var(--depth) * 14px); border-radius: 4px; cursor: pointer; }
.span:hover { background: #ffffff08; }
.span .name { display: flex; gap: 6px; align-items: baseline; min-width: 0; white-space: nowrap; overflow: hidden; }
.span .tw { color: var(--fg3); width: 8px; flex: none; transition: transform .1s; }
.span.open .tw { transform: rotate(90deg); }
.span .op { font-family: var(--mono); overflow: hidden; text-overflow: ellipsis; }
.span .svc { color: var(--fg3); font-size: 10.5px; }
.span .track { position: relative; height: 8px; border-radius: 2px; background: #ffffff08; }
.span .bar { position: absolute; top: 0; bottom: 0; border-radius: 2px; background: var(--teal); opacity: .8; }
.span .dur { font-family: var(--mono); text-align: right; color: var(--fg2); }
.span.error .op { color: var(--red); }
.span.error .bar { background: var(--red); }
.span-extra { padding-left: calc(22px + var(--depth) * 14px); }
.attrs { margin: 2px 0 4px; padding: 4px 8px; border-radius: 4px; background: var(--bg); font-family: var(--mono); font-size: 11px; }
.attrs .key { color: var(--fg3); }
.log { display: flex; gap: 8px; padding: 1px 4px 1px calc(18px + var(--depth) * 14px); font-family: var(--mono); font-size: 11px; color: var(--fg2); }
.log .lvl { flex: none; width: 40px; color: var(--fg3); font-size: 10px; padding-top: 1px; }
.log .msg { word-break: break-word; }
.log .fields { color: var(--fg3); word-break: break-all; }
.log.lv-error .lvl, .log.lv-error .msg { color: var(--red); }
.log.lv-warn .lvl, .log.lv-warn .msg { color: var(--amber); }

/* backend */
.trace { padding: 6px 8px 8px 10px; }
.trace-head { display: flex; gap: 8px; align-items: baseline; }
.trace-head .msg { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.trace-head .status { color: var(--green); font-size: 11px; }
.trace-head .status.bad { color: var(--red); }
.trace-id { color: var(--fg3); font-size: 10.5px; margin: 1px 0 4px 58px; }
.trace .spans { margin-left: 50px; }

/* performance */
.vitals { display: grid; grid-template-columns: repeat(auto-fill, minmax(92px, 1fr)); gap: 6px; padding: 8px; border-bottom: 1px solid var(--line); flex: none; }
.vital { padding: 6px 8px; border-radius: 6px; background: var(--bg2); border: 1px solid var(--line); border-top: 2px solid var(--line2); }
.vital .label { color: var(--fg3); font-size: 10.5px; text-transform: uppercase; letter-spacing: .4px; }
.vital .value { font-family: var(--mono); font-size: 13px; margin-top: 1px; white-space: nowrap; }
.vital.good { border-top-color: var(--green); }
.vital.meh { border-top-color: var(--amber); }
.vital.poor { border-top-color: var(--red); }
.vital.poor .value { color: var(--red); }
.perf { display: grid; grid-template-columns: 52px 86px minmax(0, 1fr) auto; gap: 6px; align-items: baseline; padding: 4px 10px 4px 8px; }
.perf .msg { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: var(--fg2); }
.ptype { font-size: 11px; color: var(--fg2); }
.perf.bad .ptype, .perf.bad .num { color: var(--amber); }

/* narrow: replay on top, panels below, the whole player scrolls */
.label-short { display: none; }
.app.narrow { display: block; overflow: auto; }
.narrow .main { display: flex; flex-direction: column; }
.narrow .left { border-right: 0; border-bottom: 1px solid var(--line); }
.narrow .stage { flex: none; height: var(--stage-h, 56vw); }
.narrow .side { height: max(380px, 70vh); }
.narrow .facts, .narrow .keys, .narrow .label-long { display: none; }
.narrow .label-short { display: inline; }
.narrow .top { flex-wrap: wrap; row-gap: 4px; }
.narrow .session { order: 3; flex-basis: 100%; }
.narrow .page-url { flex: 1; max-width: none; }
.narrow .actions { margin-left: auto; }
`;
