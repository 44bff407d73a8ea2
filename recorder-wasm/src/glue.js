// JavaScript glue for the hooks: the few things that are simpler and safer on the JS side.
// Every wrapper keeps the page's behaviour identical — same `this`, arguments, return
// value and exceptions — and contains the recorder's own failures: a hook that throws is
// ignored, never seen by the page. Unhooking restores the original when our wrapper is
// still installed, and otherwise turns the wrapper into a pass-through (the page wrapped
// it again after us, and we must not remove the page's wrapper).

/**
 * Wraps `target[name]`. `before(thisArg, args)` may return replacement arguments;
 * `after(thisArg, args, result, threw)` sees the outcome (`threw` true: result is the
 * exception, which is re-thrown) and may return a replacement result (anything but
 * `undefined`; e.g. a promise chained on the original one). Returns an unhook function,
 * or null when `target[name]` is not a function.
 */
export function wrapMethod(target, name, before, after) {
  const original = target[name];
  if (typeof original !== 'function') return null;
  let active = true;
  const wrapper = function (...args) {
    let callArgs = args;
    if (active && before) {
      try {
        const replaced = before(this, args);
        if (Array.isArray(replaced)) callArgs = replaced;
      } catch (_) { /* the recorder's failure must not reach the page */ }
    }
    let result;
    try {
      result = new.target ? Reflect.construct(original, callArgs, new.target) : original.apply(this, callArgs);
    } catch (error) {
      if (active && after) {
        try { after(this, callArgs, error, true); } catch (_) { /* contained */ }
      }
      throw error;
    }
    if (active && after) {
      try {
        const replaced = after(this, callArgs, result, false);
        if (replaced !== undefined) result = replaced;
      } catch (_) { /* contained */ }
    }
    return result;
  };
  try {
    Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
    Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
    wrapper.prototype = original.prototype;
  } catch (_) { /* cosmetic */ }
  target[name] = wrapper;
  return function unhook() {
    active = false;
    if (target[name] === wrapper) target[name] = original;
  };
}

/**
 * Hooks the setter of accessor property `name` on `proto` (e.g. HTMLInputElement.prototype
 * `value`): `after(element, value)` runs after each successful set. Returns an unhook
 * function, or null when there is no such accessor.
 */
export function hookSetter(proto, name, after) {
  const original = Object.getOwnPropertyDescriptor(proto, name);
  if (!original || typeof original.set !== 'function' || !original.configurable) return null;
  let active = true;
  const descriptor = {
    configurable: true,
    enumerable: original.enumerable,
    get: original.get,
    set(value) {
      original.set.call(this, value);
      if (active) {
        try { after(this, value); } catch (_) { /* contained */ }
      }
    },
  };
  Object.defineProperty(proto, name, descriptor);
  return function unhook() {
    active = false;
    const current = Object.getOwnPropertyDescriptor(proto, name);
    if (current && current.set === descriptor.set) Object.defineProperty(proto, name, original);
  };
}

// --- value inspection for the console and error renderer (capture/render.rs) -------------
// Each answers in one call what would otherwise take the renderer a dozen calls across the
// wasm boundary per value (type tests, `instanceof` checks, a property descriptor read
// field by field). None runs page code: no getter, no `toString`; a Proxy's traps may run
// and their exceptions are caught.

// What `ownProperty` returns instead of a value when the property holds none.
const MISSING = Object.freeze({});
const GETTER = Object.freeze({});
const SETTER = Object.freeze({});
const GETTER_SETTER = Object.freeze({});

/**
 * The kind of `value`, as a number (the `Kind` codes of render.rs): 0 string, 1 number,
 * 2 bigint, 3 boolean, 4 undefined, 5 null, 6 symbol, 7 function, 8 array, 9 DOM node,
 * 10 error, 11 map, 12 set, 13 date, 14 regexp, 15 typed array or buffer, 16 other object;
 * for what `ownProperty` returns without a value: 17 missing, 18 getter, 19 setter,
 * 20 getter and setter.
 */
export function kindOf(value) {
  switch (typeof value) {
    case 'string': return 0;
    case 'number': return 1;
    case 'bigint': return 2;
    case 'boolean': return 3;
    case 'undefined': return 4;
    case 'symbol': return 6;
    case 'function': return 7;
  }
  if (value === null) return 5;
  if (value === MISSING) return 17;
  if (value === GETTER) return 18;
  if (value === SETTER) return 19;
  if (value === GETTER_SETTER) return 20;
  try {
    if (Array.isArray(value)) return 8;
    if (typeof Node === 'function' && value instanceof Node) return 9;
    if (value instanceof Error) return 10;
    if (value instanceof Map) return 11;
    if (value instanceof Set) return 12;
    if (value instanceof Date) return 13;
    if (value instanceof RegExp) return 14;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return 15;
  } catch (_) { /* a revoked Proxy or a throwing getPrototypeOf trap: a plain object */ }
  return 16;
}

/** The own property `key` of `target` without invoking a getter: its value, or a marker. */
export function ownProperty(target, key) {
  let descriptor;
  try {
    descriptor = Object.getOwnPropertyDescriptor(target, key);
  } catch (_) {
    return MISSING;
  }
  if (descriptor === undefined) return MISSING;
  const getter = typeof descriptor.get === 'function';
  const setter = typeof descriptor.set === 'function';
  if (getter) return setter ? GETTER_SETTER : GETTER;
  if (setter) return SETTER;
  return descriptor.value;
}

/**
 * The name of `value`'s class, from its prototype's own `constructor` data property and
 * that function's own `name` data property (no getter runs); undefined for plain and
 * null-prototype objects.
 */
export function className(value) {
  try {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || (typeof proto !== 'object' && typeof proto !== 'function')) return undefined;
    const ctor = ownProperty(proto, 'constructor');
    if ((typeof ctor !== 'object' && typeof ctor !== 'function') || ctor === null) return undefined;
    const name = ownProperty(ctor, 'name');
    return typeof name === 'string' && name !== '' && name !== 'Object' ? name : undefined;
  } catch (_) {
    return undefined; // a Proxy's getPrototypeOf trap threw
  }
}

// --- form controls (capture/privacy.rs) ------------------------------------------------

/**
 * What the input privacy rules need to know about form control `element`, in one call:
 * `autocomplete`, `name` and `id` attributes and where the nearest mask and unmask marks
 * are (`closest()` of the two selectors), as one string `autocomplete␀name␀id␀marks`,
 * NULs inside attribute values replaced. `marks`: 0 none, 1 a mask mark only, 2 an
 * unmask mark only, 3 both and the mask mark nearer (or on the same element), 4 both and
 * the unmask mark nearer. A failure says "mask mark only", the safe answer.
 */
export function controlFacts(element, maskSelector, unmaskSelector) {
  try {
    const attr = (name) => (element.getAttribute(name) ?? '').replaceAll('\0', '\uFFFD');
    const mask = element.closest(maskSelector);
    const unmask = element.closest(unmaskSelector);
    let marks = 0;
    if (mask && unmask) marks = mask !== unmask && mask.contains(unmask) ? 4 : 3;
    else if (mask) marks = 1;
    else if (unmask) marks = 2;
    return `${attr('autocomplete')}\0${attr('name')}\0${attr('id')}\0${marks}`;
  } catch (_) {
    return '\0\0\x001';
  }
}

// --- pointer moves (capture/input.rs) ----------------------------------------------------

/**
 * Samples `pointermove` on `target` (capture phase, passive) by time, on the JS side so
 * that the moves sampling drops — nearly all: a pointer reports 60 to 120 per second —
 * never cross into wasm. `sample(x, y)` is called for a move at least `interval` ms after
 * the last sample (leading edge) and, for the latest move held back in between, once the
 * interval has passed (trailing edge, on a timer). Any other event leaves the timing
 * alone. Returns `{ take, stop }`: `take()` hands over the held-back position as `[x, y]`
 * and counts it as sampled now (the recorder takes it before a click and before a frame
 * cut), or returns null; `stop()` removes the listener and the timer.
 */
export function sampleMoves(target, interval, sample) {
  let last = -Infinity;
  let holding = false;
  let heldX = 0;
  let heldY = 0;
  let timer = null;
  const emit = (x, y) => {
    try { sample(x, y); } catch (_) { /* the recorder's failure must not reach the page */ }
  };
  const trailing = () => {
    timer = null;
    if (!holding) return;
    const wait = last + interval - performance.now();
    if (wait > 0) {
      timer = setTimeout(trailing, wait);
      return;
    }
    holding = false;
    last = performance.now();
    emit(heldX, heldY);
  };
  const listener = (event) => {
    if (!(event instanceof MouseEvent)) return; // a synthetic Event has no position
    const now = performance.now();
    if (now - last >= interval) {
      last = now;
      holding = false;
      emit(event.clientX, event.clientY);
    } else {
      holding = true;
      heldX = event.clientX;
      heldY = event.clientY;
      if (timer === null) timer = setTimeout(trailing, last + interval - now);
    }
  };
  const options = { capture: true, passive: true };
  target.addEventListener('pointermove', listener, options);
  return {
    take() {
      if (!holding) return null;
      holding = false;
      last = performance.now();
      return [heldX, heldY];
    },
    stop() {
      target.removeEventListener('pointermove', listener, options);
      if (timer !== null) clearTimeout(timer);
      timer = null;
      holding = false;
    },
  };
}
