// A small mirror of the recorded DOM for end-to-end tests: applies decoded Snapshot and
// Mutation events (as printed by `tapedeck json`) strictly — an unknown id, a misplaced
// `before`, a reused id throw — and serializes subtrees like `outerHTML` does for plain
// content. (recorder-core's `Dom` will take this role once merged.)

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/\u00a0/g, '&nbsp;').replace(/"/g, '&quot;');

function childCount(node) {
  const [kind] = Object.keys(node);
  const body = node[kind];
  return kind === 'Document' || kind === 'ShadowRoot' || kind === 'Element' ? body.children : 0;
}

export class Mirror {
  constructor() {
    this.nodes = new Map();
  }

  static from(events) {
    const mirror = new Mirror();
    for (const event of events) mirror.apply(event);
    return mirror;
  }

  apply({ kind, data }) {
    if (kind === 'Snapshot') {
      this.nodes.clear();
      const used = this.build(data.first_id, data.nodes, null);
      if (used !== data.nodes.length) throw new Error('snapshot has extra nodes');
    } else if (kind === 'Mutation') {
      for (const id of data.removes) {
        const node = this.get(id);
        if (node.parent === null) throw new Error(`remove of root ${id}`);
        const siblings = this.get(node.parent).children;
        siblings.splice(siblings.indexOf(id), 1);
        this.drop(id);
      }
      for (const add of data.adds) {
        const parent = this.get(add.parent);
        let index = parent.children.length;
        if (add.before !== null) {
          index = parent.children.indexOf(add.before);
          if (index < 0) throw new Error(`before ${add.before} is not a child of ${add.parent}`);
        }
        const used = this.build(add.first_id, add.nodes, add.parent);
        if (used !== add.nodes.length) throw new Error('added tree has extra nodes');
        parent.children.pop();
        parent.children.splice(index, 0, add.first_id);
      }
      for (const change of data.attrs) {
        const element = this.get(change.id).data.Element;
        if (!element) throw new Error(`attribute change on non-element ${change.id}`);
        const i = element.attrs.findIndex((a) => a.name === change.name);
        if (change.value === null) {
          if (i >= 0) element.attrs.splice(i, 1);
        } else if (i >= 0) element.attrs[i].value = change.value;
        else element.attrs.push({ name: change.name, value: change.value });
      }
      for (const change of data.texts) {
        const node = this.get(change.id);
        const [kind] = Object.keys(node.data);
        if (!['Text', 'Comment', 'CData'].includes(kind)) throw new Error(`text change on ${kind}`);
        node.data = { [kind]: change.text };
      }
    }
  }

  get(id) {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown node ${id}`);
    return node;
  }

  build(firstId, nodes, parent) {
    const stack = [];
    for (let i = 0; i < nodes.length; i++) {
      const id = firstId + i;
      if (this.nodes.has(id)) throw new Error(`id ${id} reused`);
      let parentId = parent;
      if (i > 0) {
        const top = stack[stack.length - 1];
        if (!top) throw new Error('nodes after the subtree');
        top.remaining--;
        parentId = top.id;
      }
      if (parentId !== null) this.get(parentId).children.push(id);
      this.nodes.set(id, { data: nodes[i], parent: parentId, children: [] });
      const count = childCount(nodes[i]);
      if (count > 0) stack.push({ id, remaining: count });
      while (stack.length && stack[stack.length - 1].remaining === 0) stack.pop();
      if (stack.length === 0) return i + 1;
    }
    throw new Error('subtree ends early');
  }

  drop(id) {
    const node = this.nodes.get(id);
    if (!node) return;
    this.nodes.delete(id);
    for (const child of node.children) this.drop(child);
  }

  /** The id of the element with attribute `name` = `value`. */
  find(name, value) {
    for (const [id, node] of this.nodes) {
      const element = node.data.Element;
      if (element && element.attrs.some((a) => a.name === name && a.value === value)) return id;
    }
    return undefined;
  }

  element(id) {
    return this.get(id).data.Element;
  }

  /** Like `outerHTML` for elements, text and comments (shadow roots left out). */
  html(id) {
    const node = this.get(id);
    const [kind] = Object.keys(node.data);
    const body = node.data[kind];
    const inner = () => node.children.map((c) => this.html(c)).join('');
    switch (kind) {
      case 'Element': {
        const attrs = body.attrs.map((a) => ` ${a.name}="${escapeAttr(a.value)}"`).join('');
        if (VOID.has(body.tag)) return `<${body.tag}${attrs}>`;
        return `<${body.tag}${attrs}>${inner()}</${body.tag}>`;
      }
      case 'Text':
        return escapeText(body);
      case 'Comment':
        return `<!--${body}-->`;
      case 'ShadowRoot':
        return '';
      default:
        return inner();
    }
  }
}
