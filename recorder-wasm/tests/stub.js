// A scripted stand-in for the page's `fetch`, for the pipeline's browser tests: each call
// takes the next step of the plan (a status, {status, retryAfter}, 'network' for a
// rejected promise, or 'hang' for a request that only answers when released), records what
// it was sent, and answers 200 once the plan is used up.

let state = null;

export function installFetch(plan) {
  const original = globalThis.fetch;
  state = { calls: [], plan: [...plan], hanging: [], original };
  globalThis.fetch = function stubFetch(url, init) {
    const step = state.plan.length ? state.plan.shift() : 200;
    const headers = { ...(init && init.headers) };
    const body = init && init.body ? new Uint8Array(init.body) : new Uint8Array();
    const call = {
      url: String(url),
      method: init && init.method,
      seq: Number(headers['x-tapedeck-seq']),
      headers,
      body,
      keepalive: !!(init && init.keepalive),
      step: typeof step === 'object' ? step.status : step,
      at: performance.now(),
    };
    state.calls.push(call);
    const respond = (s) => {
      if (s === 'network') return Promise.reject(new TypeError('Failed to fetch'));
      const status = typeof s === 'object' ? s.status : s;
      const responseHeaders = typeof s === 'object' && s.retryAfter !== undefined ? { 'retry-after': s.retryAfter } : {};
      return Promise.resolve(new Response(null, { status, headers: responseHeaders }));
    };
    if (step === 'hang') {
      return new Promise((resolve, reject) => state.hanging.push((s) => respond(s).then(resolve, reject)));
    }
    return respond(step);
  };
}

/** Answers every hanging request with `status`. */
export function releaseHanging(status) {
  const hanging = state.hanging;
  state.hanging = [];
  for (const answer of hanging) answer(status);
}

/** Appends steps to the plan. */
export function extendPlan(steps) {
  state.plan.push(...steps);
}

export function calls() {
  return state.calls;
}

export function restoreFetch() {
  if (state) globalThis.fetch = state.original;
  state = null;
}

/** Replaces console.warn with a counter; returns a function giving the messages. */
export function countWarnings() {
  const original = console.warn;
  const messages = [];
  console.warn = (...args) => messages.push(args.join(' '));
  return {
    messages: () => messages.slice(),
    restore: () => { console.warn = original; },
  };
}

export function dispatchOn(target, type) {
  const t = target === 'document' ? document : window;
  t.dispatchEvent(new Event(type));
}
