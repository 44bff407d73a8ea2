// Where a recorder's time goes: a CDP CPU profile of one window, as self time per function
// (wasm functions show as `wasm-function[N]` unless the wasm keeps its name section).

/** The `top` functions by self time: [{ ms, name }], plus the total sampled busy ms. */
export function topFunctions(profile, top = 12) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[i] / 1000);
  }
  const byName = new Map();
  let busy = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === '(idle)') continue;
    busy += ms;
    const file = url ? url.split('/').pop() : '';
    const name = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  const functions = [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ ms, name }));
  return { busy, functions };
}
