// The player's one-crossing document build (see markup.rs): the iframe's document is
// built from sanitized markup in one call, then walked once against the shape the
// markup was written from, so that each recorded node gets its live node. Any difference
// (the HTML parser would have moved, merged or renamed something) returns null, and the
// player builds the document node by node instead.

const NAMESPACES = [
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/1998/Math/MathML',
];
const ELEMENT = 1;
const TEXT = 2;
const COMMENT = 3;
const DOCTYPE = 4;

/**
 * Fills `doc` (an empty HTML document) with `markup` and returns its nodes in the order of
 * `shape`, or null when they differ from it. `shape` holds two numbers per node, in tree
 * order, the document first: a code (kind in bits 0–2; for elements the namespace in bits
 * 3–4 and the attribute count from bit 6, of which only whether there are any is checked) and a count (children for the document and
 * elements, UTF-16 length for texts and comments). `tags`: the elements' local names,
 * space-separated.
 */
export function writeDocument(doc, markup, shape, tags) {
  // Parsed in a document of its own (with scripting off, as in the sandbox), then moved
  // in: much faster than document.write, and nothing runs or loads until it is moved.
  const Parser = doc.defaultView?.DOMParser ?? DOMParser;
  const parsed = new Parser().parseFromString(markup, 'text/html');
  while (parsed.firstChild !== null) doc.appendChild(parsed.firstChild);
  return mapNodes(doc, shape, tags.length > 0 ? tags.split(' ') : []);
}

function mapNodes(doc, shape, tags) {
  if (shape.length < 2 || (shape[0] & 7) !== 0) return null;
  const nodes = [doc];
  const frames = [{ parent: doc, next: doc.firstChild, left: shape[1] }];
  let i = 2;
  let t = 0;
  while (frames.length > 0) {
    const f = frames[frames.length - 1];
    if (f.left === 0) {
      if (f.next !== null) return null;
      frames.pop();
      continue;
    }
    f.left--;
    if (i + 1 >= shape.length) return null;
    const code = shape[i];
    const n = shape[i + 1];
    i += 2;
    let node = f.next;
    switch (code & 7) {
      case ELEMENT:
        if (
          node === null ||
          node.nodeType !== 1 ||
          node.localName !== tags[t] ||
          node.namespaceURI !== NAMESPACES[(code >> 3) & 3] ||
          // Whether it has any (`attributes.length` would make an object per element;
          // the markup's names are as the parser keeps them, and unique: see markup.rs).
          node.hasAttributes() !== (code >>> 6 > 0)
        ) {
          return null;
        }
        t++;
        break;
      case TEXT:
        if (n === 0) {
          // The parser makes no empty texts: the recorded one is added.
          node = doc.createTextNode('');
          f.parent.insertBefore(node, f.next);
        } else {
          // `length`, not `data.length`: no string is made.
          if (node === null || node.nodeType !== 3 || node.length < n) return null;
          // Adjacent recorded texts were parsed as one: split it back.
          if (node.length > n) node.splitText(n);
        }
        break;
      case COMMENT:
        if (node === null || node.nodeType !== 8 || node.length !== n) return null;
        break;
      case DOCTYPE:
        if (node === null || node.nodeType !== 10) return null;
        break;
      default:
        return null;
    }
    nodes.push(node);
    f.next = node.nextSibling;
    if ((code & 7) === ELEMENT) {
      const template = node.localName === 'template' && node.namespaceURI === NAMESPACES[0];
      const container = template ? node.content : node;
      frames.push({ parent: container, next: container.firstChild, left: n });
    }
  }
  return i === shape.length && t === tags.length ? nodes : null;
}
