// engine/ must not import vscode, extension/ or webview/ (DESIGN.md §3). The
// engine's own tsconfig has no vscode types; this test checks the imports too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith(".ts") ? [join(dir, n)] : []));
}

test("no engine file imports vscode, extension/ or webview/", () => {
  const bad = files("engine").filter((f) => /from\s+["'](vscode|[./]+(extension|webview)\/)|import\(["'](vscode|[./]+(extension|webview)\/)|require\(["']vscode/.test(readFileSync(f, "utf8")));
  assert.deepEqual(bad, []);
  assert.ok(files("engine").length > 20, "the scan sees the engine");
});
