import type { Frames, Replayer } from './replay.js';

export type PanelName = 'console' | 'network' | 'errors' | 'performance' | 'backend';

export interface PlayerOptions {
  /** Playback speed, 0.5 to 16. Default 1. */
  speed?: number;
  /** Jump over stretches without user activity while playing (a toggle in the controls). Default true. */
  skipInactive?: boolean;
  /** How long a stretch without user activity must be to be skipped, ms (≥ 1000). Default 5000. */
  inactiveThreshold?: number;
  /** Show the recorded pointer. Default true. */
  cursor?: boolean;
  /** Show a ripple where the user clicked. Default true. */
  clicks?: boolean;
  /** The panel open at first. Default `'console'`. */
  panel?: PanelName;
  /** Start playing once built. Default false. */
  autoplay?: boolean;
  /** Keyboard shortcuts (space: play/pause, ←/→: seek 5 s) while the player or nothing else
   * has the focus. Default true. */
  keyboard?: boolean;
  /** A link shown in the header, back to where the session was picked. */
  back?: { href: string; label?: string };
  /** File name (without `.md`) of the downloaded timeline. Default `tapedeck-<session id>`. */
  name?: string;
}

/** A player built by `mountPlayer`. */
export interface Player {
  /** The replayer inside: seek, play, events, report… (see `tapedeck/replay`). */
  readonly replayer: Replayer;
  /** The player's element (its UI is in an open shadow root), inside the container. */
  readonly element: HTMLElement;
  /** Opens a panel. */
  showPanel(name: PanelName): void;
  /** The session as a Markdown timeline, for a teammate or an AI assistant. */
  markdown(): string;
  /** Copies the Markdown timeline to the clipboard; resolves whether it worked. */
  copyMarkdown(): Promise<boolean>;
  /** Downloads the Markdown timeline as `<name>.md`. */
  downloadMarkdown(): void;
  /** Stops playback, removes the player and its listeners. */
  destroy(): void;
}

/**
 * Builds the Tapedeck player in `container` (which it fills; give it a height): the replay
 * with play/pause, speed, skip-inactivity and a timeline marking errors, failed requests,
 * navigations and notes; panels for console, network (headers, bodies, and the backend
 * spans of each request), errors, performance and backend traces, all following the
 * replay's time; the session's description; and "Copy timeline for AI".
 *
 * Rejects with a clear message on bad options or unreadable frames (and leaves nothing
 * behind in `container`).
 */
export function mountPlayer(container: Element, frames: Frames, options?: PlayerOptions): Promise<Player>;
