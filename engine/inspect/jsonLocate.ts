// Where a JSON path sits in a *.mplab.json text, and a text edit that sets it:
// the editor's Problems ranges and quick fixes, without vscode (comments allowed,
// as in JSONC).

export type JsonPath = (string | number)[];

interface JsonNode {
  start: number;
  end: number;
  props?: { key: string; node: JsonNode }[];
  items?: JsonNode[];
}

function parseTree(text: string): JsonNode {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`JSON: ${what} at offset ${i}`);
  };
  const skip = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text.startsWith("//", i)) { while (i < text.length && text[i] !== "\n") i++; }
      else if (text.startsWith("/*", i)) { const e = text.indexOf("*/", i + 2); i = e < 0 ? fail("unclosed comment") : e + 2; }
      else return;
    }
  };
  const str = (): string => {
    const s = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail("unclosed string");
    i++;
    return JSON.parse(text.slice(s, i)) as string;
  };
  const value = (): JsonNode => {
    skip();
    const start = i, c = text[i];
    if (c === "{") {
      i++;
      const props: { key: string; node: JsonNode }[] = [];
      skip();
      if (text[i] === "}") { i++; return { start, end: i, props }; }
      for (;;) {
        skip();
        if (text[i] !== '"') fail("expected a property name");
        const key = str();
        skip();
        if (text[i++] !== ":") fail("expected ':'");
        props.push({ key, node: value() });
        skip();
        if (text[i] === ",") { i++; skip(); if (text[i] === "}") { i++; break; } continue; }
        if (text[i++] === "}") break;
        fail("expected ',' or '}'");
      }
      return { start, end: i, props };
    }
    if (c === "[") {
      i++;
      const items: JsonNode[] = [];
      skip();
      if (text[i] === "]") { i++; return { start, end: i, items }; }
      for (;;) {
        items.push(value());
        skip();
        if (text[i] === ",") { i++; skip(); if (text[i] === "]") { i++; break; } continue; }
        if (text[i++] === "]") break;
        fail("expected ',' or ']'");
      }
      return { start, end: i, items };
    }
    if (c === '"') { str(); return { start, end: i }; }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail("expected a value");
    i += m![0].length;
    return { start, end: i };
  };
  const root = value();
  skip();
  if (i < text.length) fail("unexpected text after the value");
  return root;
}

function walk(root: JsonNode, path: JsonPath): { node: JsonNode; depth: number } {
  let node = root, depth = 0;
  for (const k of path) {
    const next = typeof k === "number" ? node.items?.[k] : node.props?.find((p) => p.key === k)?.node;
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

/** The range of the value at `path`; when it is missing, that of its deepest existing ancestor (exact: false). */
export function locateJsonPath(text: string, path: JsonPath): { start: number; end: number; exact: boolean } {
  const { node, depth } = walk(parseTree(text), path);
  return { start: node.start, end: node.end, exact: depth === path.length };
}

/** `path` as "scaler.initScale" or "model.hidden[1]" (ConfigError paths) -> a JsonPath. */
export function parsePath(p: string): JsonPath {
  const out: JsonPath = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The text with the value at `path` set to `value` (created, with any missing parent objects, when absent). */
export function applyJsonFix(text: string, path: JsonPath, value: unknown): string {
  const { node, depth } = walk(parseTree(text), path);
  if (depth === path.length) return text.slice(0, node.start) + JSON.stringify(value) + text.slice(node.end);
  if (!node.props) throw new Error(`cannot set ${path.join(".")}: ${path.slice(0, depth).join(".") || "the document"} is not an object`);
  let nested: unknown = value;
  for (let k = path.length - 1; k > depth; k--) {
    if (typeof path[k] === "number") throw new Error(`cannot create array element ${path[k]} of ${path.slice(0, k).join(".")}`);
    nested = { [path[k]]: nested };
  }
  const prop = `${JSON.stringify(String(path[depth]))}: ${JSON.stringify(nested)}`;
  const last = node.props[node.props.length - 1];
  return last ? text.slice(0, last.node.end) + `, ${prop}` + text.slice(last.node.end) : text.slice(0, node.start + 1) + prop + text.slice(node.start + 1);
}
