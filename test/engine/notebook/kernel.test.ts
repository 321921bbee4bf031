import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cellApi } from "../../../engine/notebook/cellApi.js";
import { InterruptedError, NotebookKernel } from "../../../engine/notebook/kernel.js";
import type { EngineSession } from "../../../engine/session/engineSession.js";
import { createInProcessSession } from "../../../engine/session/inProcessSession.js";
import type { RunProgress } from "../../../engine/train/runResult.js";

describe("notebook kernel", () => {
  it("keeps variables across cells and returns the last value", async () => {
    const k = new NotebookKernel();
    assert.deepEqual(await k.execute("const x = 2"), { status: "ok", value: undefined });
    assert.deepEqual(await k.execute("const y = await Promise.resolve(x * 20)\ny + 2"), { status: "ok", value: 42 });
    assert.deepEqual(await k.execute("const x = 3; x"), { status: "ok", value: 3 });
  });

  it("streams console output into the cell that logs, even from its timers", async () => {
    const k = new NotebookKernel();
    const a: string[] = [];
    const b: string[] = [];
    const r = await k.execute('console.log("one", { n: 1 }); console.error("bad"); await new Promise(r => setTimeout(() => { console.log("later"); r() }, 5))', {
      stdout: (t) => a.push(t),
      stderr: (t) => b.push(t),
    });
    assert.equal(r.status, "ok");
    assert.deepEqual(a, ["one { n: 1 }\n", "later\n"]);
    assert.deepEqual(b, ["bad\n"]);
  });

  it("errors carry the cell line and the cell's name in the stack", async () => {
    const k = new NotebookKernel();
    const r = await k.execute("const a = 1\n\nundefinedThing.x", { name: "cell 7" });
    assert.equal(r.status, "error");
    if (r.status !== "error") return;
    assert.equal(r.error.name, "ReferenceError");
    assert.equal(r.error.message, "undefinedThing is not defined");
    assert.equal(r.error.line, 3);
    assert.match(r.error.stack, /cell 7, line 3:1/);
    const thrown = await k.execute("throw 'plain'");
    assert.equal(thrown.status, "error");
    const syntax = await k.execute("let = ;", { name: "cell 8" });
    assert.equal(syntax.status, "error");
    if (syntax.status === "error") {
      assert.equal(syntax.error.name, "SyntaxError");
      assert.equal(syntax.error.line, 1);
    }
  });

  it("an error in a function from an earlier cell names that cell", async () => {
    const k = new NotebookKernel();
    await k.execute("function boom() {\n  throw new Error('no')\n}", { name: "cell 1" });
    const r = await k.execute("boom()", { name: "cell 2" });
    assert.equal(r.status, "error");
    if (r.status === "error") {
      assert.match(r.error.stack, /cell 1, line 2/);
      assert.match(r.error.stack, /cell 2, line 1/);
    }
  });

  it("interrupt: a cell that ignores the signal is abandoned after the grace time", async () => {
    const k = new NotebookKernel(() => ({}), 20);
    const abort = new AbortController();
    const pending = k.execute("await new Promise(() => {})", { signal: abort.signal });
    setTimeout(() => abort.abort(), 10);
    const r = await pending;
    assert.equal(r.status, "interrupted");
    // the context still works
    assert.deepEqual(await k.execute("1"), { status: "ok", value: 1 });
  });

  it("interrupt stops train() at a chunk boundary and the cell says where", async () => {
    const session = createInProcessSession();
    const k = new NotebookKernel(cellApi({ session: () => session }));
    const abort = new AbortController();
    const seen: RunProgress[] = [];
    const r = await k.execute(
      `const run = await train({ model: mlp({ inputs: 2, hidden: [3], outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 16 }), steps: 100000, batchSize: 4, chunkSize: 4 })
       "not reached"`,
      {
        signal: abort.signal,
        progress: (p) => {
          seen.push(p);
          if (p.step >= 8) abort.abort();
        },
      },
    );
    assert.equal(r.status, "interrupted");
    if (r.status === "interrupted") assert.equal(r.message, "interrupted: training stopped after 8 of 100000 steps");
    assert.deepEqual(seen.map((p) => p.step), [4, 8]);
    session.dispose();
  });

  it("the cell API is the engine API: spec constructors, train on the session, display", async () => {
    const calls: unknown[] = [];
    const fake: EngineSession = {
      backend: async () => ({ name: "cpu", adapter: "fake", fp16: "software" }),
      train: async (config, o) => {
        calls.push(config);
        o?.onProgress?.({ step: 1, totalSteps: 1, losses: [1], scales: [1], gradNorms: [1], overflowSteps: [], elapsedMs: 1 });
        return { kind: "mplab.run", steps: 1, config: { steps: 1 } } as never;
      },
      predict: async () => [[1]],
      dispose: () => {},
    };
    const k = new NotebookKernel(cellApi({ session: () => fake, defaults: () => ({ precision: "fp32", chunkSize: 9 }) }));
    const shown: unknown[] = [];
    const progress: RunProgress[] = [];
    const r = await k.execute(
      `const m = mlp({ inputs: 1, outputs: 1 })
       display("hi")
       const run = await train({ model: m, data: datasets.sine({ samples: 8 }), scaler: staticScaler(8), optimizer: sgd({ lr: 0.1 }), loss: mse(), steps: 1, batchSize: 1 })
       typeof adam + typeof dynamicScaler + typeof noScaler + (await backendInfo()).adapter`,
      { display: (v) => shown.push(v), progress: (p) => progress.push(p) },
    );
    assert.deepEqual(r, { status: "ok", value: "functionfunctionfunctionfake" });
    assert.deepEqual(shown, ["hi"]);
    assert.equal(progress.length, 1);
    const sent = calls[0] as Record<string, unknown>;
    assert.equal(sent.precision, "fp32", "the default precision fills in");
    assert.deepEqual(sent.scaler, { type: "static", scale: 8 });
  });

  it("a disposed kernel refuses to run", async () => {
    const k = new NotebookKernel();
    k.dispose();
    const r = await k.execute("1");
    assert.equal(r.status, "error");
  });

  it("InterruptedError thrown by cell code counts as an interrupt", async () => {
    const k = new NotebookKernel(() => ({ stop: () => { throw new InterruptedError("stopped by test"); } }));
    assert.deepEqual(await k.execute("stop()"), { status: "interrupted", message: "stopped by test" });
  });
});
