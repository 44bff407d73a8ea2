// What each recorder recorded: rrweb's events and Tapedeck's frames (decoded natively with
// the `tapedeck` CLI, as recorder-core reads them) summarized into the same counts, the
// bytes each would put on the wire, and the checks that the recording is complete.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

// rrweb's enums (@rrweb/types): event types and incremental sources.
const RR = { FullSnapshot: 2, Incremental: 3, Meta: 4, Plugin: 6 };
const SRC = { Mutation: 0, MouseMove: 1, MouseInteraction: 2, Scroll: 3, Input: 5, TouchMove: 6, Drag: 12 };
const RR_ELEMENT = 2;

function countRrwebTree(node) {
  let nodes = 1;
  let elements = node.type === RR_ELEMENT ? 1 : 0;
  for (const child of node.childNodes ?? []) {
    const c = countRrwebTree(child);
    nodes += c.nodes;
    elements += c.elements;
  }
  return { nodes, elements };
}

function emptySummary() {
  return {
    events: 0, snapshotNodes: 0, mutationEvents: 0, addedNodes: 0, addedElements: 0,
    removes: 0, attrChanges: 0, textChanges: 0, inputs: 0, pointerMoves: 0, pointerEvents: 0,
    scrolls: 0, consoles: 0,
  };
}

/** Counts in rrweb's events. */
export function summarizeRrweb(events) {
  const s = emptySummary();
  s.events = events.length;
  for (const e of events) {
    if (e.type === RR.FullSnapshot) s.snapshotNodes += countRrwebTree(e.data.node).nodes;
    else if (e.type === RR.Plugin && e.data.plugin === 'rrweb/console@1') s.consoles++;
    else if (e.type === RR.Incremental) {
      const d = e.data;
      switch (d.source) {
        case SRC.Mutation:
          s.mutationEvents++;
          s.removes += d.removes.length;
          s.textChanges += d.texts.length;
          for (const a of d.attributes) s.attrChanges += Object.keys(a.attributes).length;
          for (const add of d.adds) {
            s.addedNodes++;
            if (add.node.type === RR_ELEMENT) s.addedElements++;
          }
          break;
        case SRC.MouseMove:
        case SRC.TouchMove:
        case SRC.Drag:
          s.pointerMoves += d.positions.length;
          break;
        case SRC.MouseInteraction:
          s.pointerEvents++;
          break;
        case SRC.Scroll:
          s.scrolls++;
          break;
        case SRC.Input:
          s.inputs++;
          break;
      }
    }
  }
  return s;
}

/** Tapedeck frames → events as recorder-core decodes them ([{seq, time, kind, data}]). */
export function decodeTapedeck(cli, file) {
  const out = execFileSync(cli, ['json', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const e = JSON.parse(line);
      const [kind] = Object.keys(e.data);
      return { seq: e.seq, time: e.time, kind, data: e.data[kind] };
    });
}

/** Counts in Tapedeck's decoded events. */
export function summarizeTapedeck(events) {
  const s = emptySummary();
  s.events = events.length;
  for (const { kind, data } of events) {
    switch (kind) {
      case 'Snapshot':
        s.snapshotNodes += data.nodes.length;
        break;
      case 'Mutation':
        s.mutationEvents++;
        s.removes += data.removes.length;
        s.attrChanges += data.attrs.length;
        s.textChanges += data.texts.length;
        for (const add of data.adds) {
          s.addedNodes += add.nodes.length;
          s.addedElements += add.nodes.filter((n) => 'Element' in n).length;
        }
        break;
      case 'Input':
        s.inputs++;
        break;
      case 'PointerMove':
        s.pointerMoves += data.points.length;
        break;
      case 'Pointer':
        s.pointerEvents++;
        break;
      case 'Scroll':
        s.scrolls++;
        break;
      case 'Console':
        s.consoles++;
        break;
    }
  }
  return s;
}

/** rrweb's events as its users ship them: JSON, gzipped (zlib's default level, as
 * CompressionStream('gzip') or a typical server would). */
export function rrwebWireBytes(events) {
  return gzipSync(JSON.stringify(events)).length;
}

/**
 * Checks that a recording holds what the workload did (`did`, as the page reported it).
 * Returns a list of problems (empty when the recording is complete). Counts are minimums:
 * the recorders may record more (moves as remove + add, descendants as adds).
 */
export function validate(workload, did, summary) {
  const problems = [];
  const atLeast = (what, have, want) => {
    if (!(have >= want)) problems.push(`${what}: ${have} recorded, expected at least ${want}`);
  };
  atLeast('events', summary.events, 1);
  switch (workload) {
    case 'snapshot':
      // the page itself, less what a recorder leaves out on purpose (e.g. <script> text)
      atLeast('snapshot nodes', summary.snapshotNodes, Math.floor(did.snapshotNodes * 0.95));
      break;
    case 'insert':
      atLeast('added elements', summary.addedElements, did.addedElements);
      break;
    case 'attributes':
      atLeast('attribute changes', summary.attrChanges, did.attrChanges);
      break;
    case 'text':
      atLeast('text changes', summary.textChanges, did.textChanges);
      break;
    case 'moveRemove':
      atLeast('removes', summary.removes, did.removed);
      atLeast('added (moved) nodes', summary.addedNodes, did.moved);
      break;
    case 'typing':
      atLeast('input events', summary.inputs, did.fields);
      break;
    case 'longSession':
      atLeast('pointer positions', summary.pointerMoves, 1);
      atLeast('clicks and presses', summary.pointerEvents, did.clicks);
      atLeast('console calls', summary.consoles, did.consoles);
      atLeast('mutation batches', summary.mutationEvents, 1);
      atLeast('input events', summary.inputs, 1);
      break;
  }
  return problems;
}
