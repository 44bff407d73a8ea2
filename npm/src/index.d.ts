/** The recorder version (semver). */
export function version(): Promise<string>;

/**
 * Recording options. Unknown keys and out-of-range values make `record()` reject with a
 * message naming the option (a typo such as `maskAllInput` must not silently record
 * unmasked values). `onFrame` or `endpoint` (or both) is required.
 */
export interface RecordOptions {
  // --- Output -------------------------------------------------------------------------

  /**
   * Receives each encoded frame (a self-describing binary unit: decode it with
   * recorder-core or the `tapedeck` CLI). Called synchronously when a frame is cut. An
   * exception it throws is caught and counted (`stats().callbackErrors`), a warning is
   * printed once, and the recording goes on. With `endpoint` too, frames go to both.
   */
  onFrame?: (frame: Uint8Array) => void;
  /**
   * URL that frames are POSTed to, one frame per request, absolute or relative to the
   * document. Body: the frame; headers: `content-type: application/octet-stream`,
   * `x-tapedeck-session` (the session id), `x-tapedeck-seq` (the frame's sequence number,
   * from 0) and `endpointHeaders`. Network errors, timeouts (30 s), 408, 425, 429 and 5xx
   * are retried with exponential backoff and jitter (0.5 s doubling to 30 s), honouring
   * `Retry-After`; frames wait meanwhile (bounded by `maxPendingBytes`). Other statuses
   * (400, 401, 413…) drop the frame (`stats().framesRejected`). Frames are sent in order,
   * one request at a time, but a server can see a frame twice (unload delivery, a retry
   * whose first attempt did arrive) and should deduplicate by session and seq.
   * Cross-origin endpoints need CORS allowing these headers. The recorder's own requests
   * are never recorded.
   */
  endpoint?: string;
  /**
   * Extra request headers for `endpoint`, e.g. `{ 'x-api-key': '…' }`. Needs `endpoint`.
   * `content-type` and `x-tapedeck-*` are the recorder's own and are refused.
   */
  endpointHeaders?: Record<string, string>;
  /** How often recorded events are cut into a frame, ms. Default 1000 (50 – 600000). */
  flushInterval?: number;
  /**
   * A frame is cut early once its events reach about this many bytes (estimated before
   * compression). Default 524288 = 512 KiB (1024 – 32 MiB).
   */
  maxFrameBytes?: number;
  /**
   * Bound on encoded frames held in memory: frames waiting for `endpoint` while it fails,
   * and the buffer in buffer mode. Past it, the oldest frames before the newest snapshot
   * are dropped; if that is not enough, a fresh snapshot is taken first so the session
   * stays replayable from it. A frame being sent and the newest snapshot frame are never
   * dropped. Each drop records a `Custom` event `tapedeck.dropped` with payload
   * `{"frames","bytes","firstSeq","lastSeq","totalFrames","totalBytes"}` (totals: every
   * drop of the session so far); the dropped sequence numbers show as a gap.
   * Default 8388608 = 8 MiB (64 KiB – 256 MiB).
   */
  maxPendingBytes?: number;
  /**
   * Buffer mode ("record on error"): keep only about the last this-many seconds in memory
   * (a fresh snapshot is taken every `bufferSeconds / 2` s, and the buffer starts at the
   * newest snapshot at or before now − `bufferSeconds`, so it covers between N and 1.5 N
   * seconds and is always replayable). Nothing is sent until an uncaught error, an
   * unhandled rejection, a failed request (status ≥ 500 or a network error) or `flush()`;
   * then the buffer is sent (sequence numbers from 0) and the recording continues live.
   * A buffer never sent is discarded on `stop()` or when the page goes away.
   * Default: unset (live mode). 1 – 3600.
   */
  bufferSeconds?: number;
  /**
   * Where to load the recorder's wasm from. Default: `recorder_wasm_bg.wasm` next to this
   * module (`new URL(…, import.meta.url)`), which works from a CDN, a static server and
   * bundlers that understand that pattern (Vite, webpack 5, Rollup with a URL plugin). Only
   * the first `record()` or `version()` call of a page loads it.
   */
  wasmUrl?: string | URL;

  // --- Privacy ------------------------------------------------------------------------

  /** Mask the values of every input, textarea and select. Default `true`. */
  maskAllInputs?: boolean;
  /**
   * Input types whose values are recorded even with `maskAllInputs`, e.g. `['search']`.
   * `password` is never recorded, whatever this says. Default `[]`.
   */
  unmaskInputTypes?: string[];
  /** Elements matching this selector (and their descendants) have their text masked. */
  maskTextSelector?: string;
  /** Inputs matching this selector are masked even when unmasked otherwise. */
  maskInputSelector?: string;
  /** Inputs matching this selector are recorded unmasked — never passwords. */
  unmaskSelector?: string;
  /** Elements matching this selector are replaced by a same-size placeholder. */
  blockSelector?: string;

  // --- What is recorded ---------------------------------------------------------------

  /** Record `console.*` calls. Default `true`. */
  console?: boolean;
  /** Record uncaught errors and unhandled rejections. Default `true`. */
  errors?: boolean;
  /** Record fetch and XMLHttpRequest calls. Default `true`. */
  network?: boolean;
  /** Record performance observations (long tasks, layout shifts, LCP…). Default `true`. */
  performance?: boolean;
  /**
   * Capture request and response bodies (text and JSON only, same-origin unless
   * `bodyAllowUrls` says otherwise), after redaction. Default `true`.
   */
  captureBodies?: boolean;
  /** Largest body captured, bytes; longer bodies are cut. Default 65536 (0 – 16 MiB). */
  maxBodyBytes?: number;
  /** URL prefixes (or `*` globs) whose bodies are captured even cross-origin. Default `[]`. */
  bodyAllowUrls?: string[];
  /** URL prefixes (or `*` globs) whose bodies are never captured. Default `[]`. */
  bodyDenyUrls?: string[];
  /** Extra header names to redact, on top of the built-in list. Default `[]`. */
  redactHeaders?: string[];
  /**
   * Origins that receive a W3C `traceparent` header linking requests to backend spans.
   * Default: the page's own origin only (adding a header to a cross-origin request can
   * make it fail CORS preflight).
   */
  traceOrigins?: string[];
  /** Minimum interval between recorded pointer-move samples, ms. Default 50 (0 – 10000). */
  mousemoveSampleMs?: number;
  /** Minimum interval between recorded scroll positions per element, ms. Default 100 (0 – 10000). */
  scrollSampleMs?: number;
}

/** Delivery counters of a recording. */
export interface RecordingStats {
  /** Frames encoded so far. */
  framesCut: number;
  /** Frames the endpoint accepted (2xx). */
  framesDelivered: number;
  /** Frames the endpoint refused (a 4xx other than 408/425/429): dropped. */
  framesRejected: number;
  /** Requests that failed and were retried. */
  failedAttempts: number;
  /** Frames dropped to stay within `maxPendingBytes` (each drop is recorded as `tapedeck.dropped`). */
  framesDropped: number;
  /** Bytes of those frames. */
  bytesDropped: number;
  /** Frames waiting for the endpoint (including the one being sent). */
  pendingFrames: number;
  /** Their bytes; at most `maxPendingBytes` plus the newest snapshot frame and frames being sent. */
  pendingBytes: number;
  /** Buffer mode: frames held. */
  bufferedFrames: number;
  /** Buffer mode: their bytes. */
  bufferedBytes: number;
  /** Whether this is a buffer-mode recording that has not been released yet. */
  buffering: boolean;
  /** Calls to `onFrame` that threw. */
  callbackErrors: number;
  /** Batches of events that could not be encoded (and were lost). */
  encodeErrors: number;
}

/** A running recording. */
export interface Recording {
  /** The session id (32 hex digits), as in every frame and the `x-tapedeck-session` header. */
  readonly sessionId: string;
  /**
   * Records an application event with a JSON-serializable payload, after every DOM change
   * the page made before the call. Throws after `stop()` or when `payload` cannot be
   * serialized with `JSON.stringify`.
   */
  addEvent(name: string, payload?: unknown): void;
  /**
   * Cuts a frame with everything recorded so far and hands it to the sinks (in buffer
   * mode: sends the buffer and goes live). Resolves once `onFrame` has been called and the
   * endpoint has answered for every frame so far — or as soon as a request fails: the
   * frames stay queued and are retried in the background, so `flush()` does not wait
   * through an outage. Never rejects.
   */
  flush(): Promise<void>;
  /**
   * Stops recording: cuts a last frame (in buffer mode, a buffer never sent is discarded:
   * call `flush()` first to send it), then detaches every hook, timer and listener. Resolves
   * like `flush()`; frames still waiting for the endpoint keep being retried. A second call
   * returns the same promise. A new `record()` may start once this returns.
   */
  stop(): Promise<void>;
  /** Delivery counters. */
  stats(): RecordingStats;
}

/**
 * Starts recording the current page: `Meta` and a full snapshot, then every change.
 * Rejects with a clear message on invalid options, or when a recording is already running
 * on the page (one recording per page: `stop()` it first).
 */
export function record(options: RecordOptions): Promise<Recording>;
