// The engine's boundaries (DESIGN.md §3):
// - engine/ never imports vscode, extension/ or webview/;
// - it has two entry points: engine/index.ts, the cell API, browser-safe (the engine page
//   bundles it), and engine/host.ts, the host side (kernel, protocol, sessions, notebook
//   format, formatters), Node-only; extension/ imports the engine through them only;
// - a file that imports a Node built-in statically says so in its first line
//   ("// Node-only: ..."), and none of them is reachable from index.ts or from webview/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith(".ts") ? [join(dir, n)] : []));
}

/** Static value imports and re-exports of a file (type-only ones are erased, dynamic ones are guarded). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm)) out.push(m[1]!);
  return out;
}

const resolveTs = (from: string, spec: string): string | null => {
  if (!spec.startsWith(".")) return null;
  const p = normalize(join(dirname(from), spec)).replace(/\.js$/, ".ts");
  return existsSync(p) ? p : null;
};

/** Every engine file reachable from `roots` through static imports. */
function closure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const s of staticImports(f)) {
      const r = resolveTs(f, s);
      if (r) todo.push(r);
    }
  }
  return seen;
}

const isNodeOnly = (f: string) => /^\/\/ Node-only\b/.test(readFileSync(f, "utf8"));
const importsNodeBuiltin = (f: string) => staticImports(f).some((s) => s.startsWith("node:"));

test("no engine file imports vscode, extension/ or webview/", () => {
  const bad = files("engine").filter((f) => /from\s+["'](vscode|[./]+(extension|webview)\/)|import\(["'](vscode|[./]+(extension|webview)\/)|require\(["']vscode/.test(readFileSync(f, "utf8")));
  assert.deepEqual(bad, []);
  assert.ok(files("engine").length > 20, "the scan sees the engine");
});

test("a file that imports a Node built-in statically is marked Node-only on its first line", () => {
  const unmarked = files("engine").filter((f) => importsNodeBuiltin(f) && !isNodeOnly(f));
  assert.deepEqual(unmarked, []);
  assert.ok(files("engine").some(importsNodeBuiltin), "the scan sees Node imports (engine/host.ts's kernel)");
});

test("the cell API (engine/index.ts) reaches no Node-only file: it is browser-safe", () => {
  const reach = closure(["engine/index.ts"]);
  assert.ok(reach.size > 20, "the walk follows imports");
  assert.deepEqual([...reach].filter((f) => isNodeOnly(f) || importsNodeBuiltin(f)), []);
});

test("the host side (engine/host.ts) is marked Node-only and reaches the kernel, protocol and sessions", () => {
  assert.ok(isNodeOnly("engine/host.ts"));
  const reach = closure(["engine/host.ts"]);
  for (const f of ["engine/protocol.ts", "engine/notebook/kernel.ts", "engine/session/inProcessSession.ts", "engine/notebook/format.ts"]) assert.ok(reach.has(normalize(f)), f);
});

test("extension/ imports the engine through engine/index.ts and engine/host.ts only", () => {
  const bad: string[] = [];
  for (const f of files("extension")) {
    for (const m of readFileSync(f, "utf8").matchAll(/from\s+["']([^"']+)["']/g)) {
      const spec = m[1]!;
      if (!spec.startsWith(".")) continue;
      const target = relative(".", normalize(join(dirname(f), spec)));
      if (target.startsWith("engine") && target !== join("engine", "index.js") && target !== join("engine", "host.js")) bad.push(`${f}: ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("webview/ pages reach no Node-only engine file", () => {
  const roots = files("webview").flatMap((f) => staticImports(f).map((s) => resolveTs(f, s)).filter((r): r is string => !!r && r.startsWith("engine")));
  assert.ok(roots.length > 0, "the webview imports the engine");
  const reach = closure(roots);
  assert.deepEqual([...reach].filter((f) => isNodeOnly(f) || importsNodeBuiltin(f)), []);
});
