/** The recorder version. */
export function version(): Promise<string>;

export interface RecordOptions {
  /** Receives each encoded frame. */
  onFrame?: (frame: Uint8Array) => void;
  /** URL that frames are POSTed to. */
  endpoint?: string;
  /** How often buffered events are sent as a frame, ms. Default 1000. */
  flushInterval?: number;
}

export interface Recording {
  /** The session id (32 hex digits). */
  readonly sessionId: string;
  /** Records an application event with a JSON-serializable payload. */
  addEvent(name: string, payload?: unknown): void;
  /** Sends everything recorded so far. */
  flush(): Promise<void>;
  /** Stops recording and detaches every hook. */
  stop(): Promise<void>;
}

/** Starts recording the current page. */
export function record(options: RecordOptions): Promise<Recording>;
