// tapedeck/replay: `await Replayer.create(frames, { root })` rebuilds a recorded session in a
// sandboxed iframe inside `root` and plays it (see replay.d.ts). The work happens in the
// replayer wasm (replayer/src/web); this wrapper loads it and turns its notifications into
// DOM events.
import init, { Player } from './replayer.js';

let ready;
function load() {
  ready ??= init();
  return ready;
}

const CONSTRUCT = Symbol('tapedeck.Replayer');

/** A recorded session playing in a sandboxed iframe. Create with `Replayer.create`. */
export class Replayer extends EventTarget {
  #core = null;
  #events = null;
  #report = null;
  #last = { duration: 0, currentTime: 0 };
  #wrapped = new Map();

  constructor(token) {
    super();
    if (token !== CONSTRUCT) {
      throw new TypeError('tapedeck: use `await Replayer.create(frames, options)`');
    }
  }

  /**
   * Decodes `frames` (a Uint8Array or ArrayBuffer of one or more frames, or an array of
   * them) and builds the player in `options.root`, showing time 0. Rejects with a clear
   * message on bad options or unreadable frames.
   */
  static async create(frames, options) {
    await load();
    const replayer = new Replayer(CONSTRUCT);
    replayer.#core = Player.create(frames, options, (type, detail) => replayer.#dispatch(type, detail));
    replayer.#report = replayer.#core.report();
    replayer.#last.duration = replayer.#core.duration;
    return replayer;
  }

  #dispatch(type, detail) {
    if (type === 'event') {
      detail = { index: detail, ...this.events[detail] };
    } else if (type === 'time') {
      this.#last.currentTime = detail.time;
    }
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #live() {
    if (!this.#core) throw new Error('tapedeck: this replayer was destroyed');
    return this.#core;
  }

  /** Session length, ms. */
  get duration() {
    return this.#last.duration;
  }
  /** The time shown, ms. */
  get currentTime() {
    return this.#core ? this.#core.currentTime : this.#last.currentTime;
  }
  /** Whether it is playing. */
  get playing() {
    return this.#core ? this.#core.playing : false;
  }
  /** Playback speed (0.5–16). */
  get speed() {
    return this.#core ? this.#core.speed : 1;
  }
  /** Whether destroy() was called. */
  get destroyed() {
    return !this.#core;
  }
  /** Every event, `{time, kind, data}`, in time order (built on first use, then cached). */
  get events() {
    if (!this.#events) this.#events = this.#core ? this.#core.events() : [];
    return this.#events;
  }
  /** What was wrong with the frames (corrupt ranges, duplicates, gaps, other sessions). */
  get report() {
    return this.#report;
  }
  /** The rebuilt document inside the sandboxed iframe, for inspection; null once destroyed. */
  get document() {
    return this.#core ? this.#core.document : null;
  }
  /** The recorded viewport shown, `{width, height}`. */
  get viewport() {
    return this.#core ? this.#core.viewport : null;
  }
  /** Scale from recorded CSS pixels to the container's. */
  get scale() {
    return this.#core ? this.#core.scale : 1;
  }
  /** Cursor overlay position in recorded viewport pixels, or null. */
  get cursor() {
    return this.#core ? this.#core.cursor : null;
  }

  /** Shows time `ms` (clamped to the session); keeps playing if it was. */
  async seek(ms) {
    this.#live().seek(ms);
  }
  /** Starts playing (from the start when at the end). */
  play() {
    this.#live().play();
  }
  /** Pauses. */
  pause() {
    this.#live().pause();
  }
  /** Sets the speed, 0.5 to 16. */
  setSpeed(speed) {
    this.#live().setSpeed(speed);
  }
  /** The live node of recorded node `id` at the current time, or null. */
  node(id) {
    return this.#live().node(id) ?? null;
  }
  /** A short description of recorded node `id` (`button#save "Save"`), or null. */
  describe(id) {
    return this.#live().describe(id) ?? null;
  }
  /** The current DOM as HTML (recorded content: render it only sandboxed). */
  html() {
    return this.#live().html();
  }

  /** Calls `listener(detail)` on each `type` event; returns a function that unsubscribes. */
  on(type, listener) {
    const wrapped = (event) => listener(event.detail);
    let byType = this.#wrapped.get(listener);
    if (!byType) this.#wrapped.set(listener, (byType = new Map()));
    byType.set(type, wrapped);
    this.addEventListener(type, wrapped);
    return () => this.off(type, listener);
  }
  /** Removes a listener added with on(). */
  off(type, listener) {
    const wrapped = this.#wrapped.get(listener)?.get(type);
    if (!wrapped) return;
    this.removeEventListener(type, wrapped);
    this.#wrapped.get(listener).delete(type);
  }

  /** Stops playing and removes the player from its root. Later calls throw; a second destroy() does nothing. */
  destroy() {
    const core = this.#core;
    if (!core) return;
    this.#last.currentTime = core.currentTime;
    this.#core = null;
    core.destroy();
    // Freed once the current call stack (maybe a listener inside the player) is done.
    queueMicrotask(() => core.free());
  }
}
