/** Frames as recorded: one buffer of one or more frames back to back, or a list of them. */
export type Frames = Uint8Array | ArrayBuffer | ReadonlyArray<Uint8Array | ArrayBuffer>;

export interface ReplayOptions {
  /** The element the player is built in (it fills it, scaled to fit; an element without a
   * height of its own gets the height that fits the recorded viewport to its width). */
  root: Element;
  /** Playback speed, 0.5 to 16. Default 1. */
  speed?: number;
  /** Jump over stretches without user activity while playing. Default true. */
  skipInactive?: boolean;
  /** How long a stretch without user activity must be to be skipped, ms (≥ 1000). Default 5000. */
  inactiveThreshold?: number;
  /** Show the recorded pointer. Default true. */
  cursor?: boolean;
  /** Show a ripple where the user clicked. Default true. */
  clicks?: boolean;
}

/** One recorded event, `data` in the human-readable form of recorder-core's event model
 * (field names as in the Rust structs, enums by name, `null` for absent options). */
export interface ReplayEvent {
  /** Milliseconds since the session start. */
  time: number;
  /** The event kind: `Meta`, `Snapshot`, `Mutation`, `Input`, `Pointer`, `PointerMove`,
   * `Focus`, `Scroll`, `Viewport`, `Navigation`, `Selection`, `Console`, `Error`,
   * `Network`, `Performance`, `Backend`, `Custom` or `Annotation`. */
  kind: string;
  data: any;
}

/** What was wrong with the frames. Damaged frames are skipped; the rest plays. */
export interface ReplayReport {
  /** The session id (32 hex digits). */
  sessionId: string | null;
  /** Unix ms at which the session started. */
  sessionStart: number | null;
  /** Good frames used. */
  frames: number;
  /** Events in them. */
  events: number;
  /** Byte ranges that did not decode (`input` is the index in the frames array). */
  corrupt: { input: number; offset: number; length: number; error: string }[];
  /** Sequence numbers received more than once (the first was kept). */
  duplicates: number[];
  /** Frames of another session, left out. */
  otherSessions: { session: string; seq: number }[];
  /** Missing sequence numbers, inclusive ranges. */
  gaps: { first: number; last: number }[];
  /** Nothing of the above. */
  clean: boolean;
}

export interface ReplayEventMap {
  /** The time shown changed (each animation frame while playing, and after a seek). */
  time: { time: number };
  /** Playback passed this event (not emitted for events passed by seeking). */
  event: ReplayEvent & { index: number };
  play: { time: number };
  pause: { time: number };
  seek: { time: number };
  /** An inactive stretch was jumped over. */
  skip: { from: number; to: number };
  /** Playback reached the end and stopped. */
  end: { time: number };
  speed: { speed: number };
}

/** A recorded session rebuilt in a sandboxed iframe (no scripts run, nothing navigates). */
export class Replayer extends EventTarget {
  private constructor();
  /** Decodes the frames and builds the player in `options.root`, showing time 0. */
  static create(frames: Frames, options: ReplayOptions): Promise<Replayer>;

  /** Session length, ms. */
  readonly duration: number;
  /** The time shown, ms. */
  readonly currentTime: number;
  readonly playing: boolean;
  readonly speed: number;
  readonly destroyed: boolean;
  /** Every event in time order (built on first use). */
  readonly events: ReadonlyArray<ReplayEvent>;
  readonly report: ReplayReport;
  /** The rebuilt document inside the sandboxed iframe; null once destroyed. */
  readonly document: Document | null;
  /** The recorded viewport shown. */
  readonly viewport: { width: number; height: number } | null;
  /** Scale from recorded CSS pixels to the container's. */
  readonly scale: number;
  /** Cursor overlay position in recorded viewport pixels. */
  readonly cursor: { x: number; y: number } | null;

  /** Shows time `ms` (clamped to the session); keeps playing if it was. */
  seek(ms: number): Promise<void>;
  /** Starts playing (from the start when at the end). */
  play(): void;
  pause(): void;
  /** 0.5 to 16; throws outside that range. */
  setSpeed(speed: number): void;
  /** The live node of recorded node `id` at the current time. */
  node(id: number): Node | null;
  /** A short description of recorded node `id` at the current time (`button#save "Save"`). */
  describe(id: number): string | null;
  /** The current DOM as HTML (recorded content: render it only sandboxed). */
  html(): string;

  /** Calls `listener(detail)` on each `type` event; returns a function that unsubscribes.
   * (`addEventListener(type, e => e.detail)` works too.) */
  on<K extends keyof ReplayEventMap>(type: K, listener: (detail: ReplayEventMap[K]) => void): () => void;
  off<K extends keyof ReplayEventMap>(type: K, listener: (detail: ReplayEventMap[K]) => void): void;

  /** Stops playing and removes the player from its root. Methods throw afterwards. */
  destroy(): void;
}
