import assert from "node:assert/strict";
import { describe, it } from "node:test";
import vm from "node:vm";
import { CellSyntaxError, rewriteCell } from "../../../engine/notebook/rewriteCell.js";

/** Runs cells one after another in one context, like the kernel does. */
function contextRunner() {
  const ctx = vm.createContext({});
  return (code: string) => new vm.Script(rewriteCell(code).script, { filename: "cell", lineOffset: -1 }).runInContext(ctx) as Promise<unknown>;
}

describe("rewriteCell", () => {
  it("returns the last expression, and nothing after a declaration", async () => {
    const run = contextRunner();
    assert.equal(await run("1 + 1"), 2);
    assert.equal(await run("const a = 5"), undefined);
    assert.equal(await run("a * 2;"), 10);
    assert.equal(JSON.stringify(await run("({ x: 1 })")), '{"x":1}'); // an object of the context's realm
    assert.equal(await run("let s = 0\nfor (let i = 0; i < 4; i++) s += i\ns"), 6);
  });

  it("top-level declarations become context globals; re-declaring works", async () => {
    const run = contextRunner();
    await run("const x = 1, { y, z: [w] } = { y: 2, z: [3] }; let u; var v = 4");
    assert.equal(await run("x + y + w + v"), 10);
    assert.equal(await run("u"), undefined);
    await run("const x = 100");
    assert.equal(await run("x"), 100);
    await run("function f(n) { return n + x }\nclass K { k() { return 7 } }");
    assert.equal(await run("f(1) + new K().k()"), 108);
    await run("class K { k() { return 8 } }");
    assert.equal(await run("new K().k()"), 8);
  });

  it("top-level await", async () => {
    const run = contextRunner();
    assert.equal(await run("const p = await Promise.resolve(41)\np + 1"), 42);
  });

  it("keeps every line where it was (multi-line declarations included)", async () => {
    const run = contextRunner();
    const code = "const a =\n  1\nconst {\n  b\n} = { b: 2 }\nlet c\nnull.boom";
    await assert.rejects(run(code), (e: Error) => {
      assert.match(String(e.stack), /cell:7:/);
      return true;
    });
  });

  it("keeps statement boundaries without semicolons", async () => {
    const run = contextRunner();
    assert.equal(JSON.stringify(await run("let q = 1\n;[q, 2]")), "[1,2]");
    assert.equal(await run("class A {}\n(1 + 2)"), 3);
  });

  it("syntax errors name the cell line and column", () => {
    assert.throws(() => rewriteCell("const a = 1\nconst = 2"), (e: CellSyntaxError) => {
      assert.ok(e instanceof CellSyntaxError);
      assert.equal(e.line, 2);
      assert.equal(e.column, 7);
      assert.doesNotMatch(e.message, /\(\d+:\d+\)/);
      return true;
    });
  });

  it("reports the names a cell declares", () => {
    assert.deepEqual(rewriteCell("const { a, b: [c, ...d] } = o; function f() {}\nclass K {}").declared, ["a", "c", "d", "f", "K"]);
  });
});
