/** The recorder version. */
export function version(): Promise<string>;
/** Counts the nodes of the current document (a smoke test of the wasm chain). */
export function countNodes(): Promise<number>;
