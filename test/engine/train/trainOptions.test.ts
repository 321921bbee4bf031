// train()'s options are validated like a config: unknown keys refused with the nearest
// known name, each value's kind checked; batchSize above the samples refused with both
// numbers. All before any step runs.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createCpuBackend } from "../../../engine/backend/cpu/cpuBackend.js";
import { ConfigError } from "../../../engine/config/validate.js";
import { predict } from "../../../engine/train/predict.js";
import { train } from "../../../engine/train/run.js";

const cfg = { model: { inputs: 2, outputs: 1 }, data: { type: "teacher", inputs: 2, outputs: 1, samples: 100 }, steps: 2, batchSize: 10 };

async function refused(opts: unknown, pattern: RegExp, config: unknown = cfg) {
  let ran = false;
  const o = { ...(opts as object) } as Record<string, unknown>;
  if (!("onProgress" in o)) o.onProgress = () => (ran = true);
  await assert.rejects(train(config, o as never), (e: Error) => {
    assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(ran, false);
}

test("misspelt options are refused, naming the nearest known one", async () => {
  await refused({ backnd: "cpu" }, /options has an unknown key "backnd" \(did you mean backend\?\); allowed: backend, signal, onProgress, memoryBudgetMiB/);
  await refused({ backend: "cpu", memoryBudget: 4096 }, /"memoryBudget" \(did you mean memoryBudgetMiB\?\)/);
  await refused({ backnd: "cpu", memoryBudget: 4096 }, /unknown keys "backnd" \(did you mean backend\?\), "memoryBudget" \(did you mean memoryBudgetMiB\?\)/);
});

test("option values of the wrong kind are refused", async () => {
  await refused({ backend: "gpu" }, /options\.backend must be one of "auto", "cpu", "wasm", "webgpu" or a Backend object, got "gpu"/);
  await refused({ backend: "cpu", memoryBudgetMiB: -1 }, /options\.memoryBudgetMiB must be a finite number > 0, got -1/);
  await refused({ backend: "cpu", memoryBudgetMiB: Infinity }, /options\.memoryBudgetMiB must be a finite number > 0/);
  await refused({ backend: "cpu", signal: {} }, /options\.signal must be an AbortSignal/);
  await refused({ backend: "cpu", onProgress: "yes" }, /options\.onProgress must be a function/);
  await assert.rejects(train(cfg, 5 as never), /train\(config, options\): options must be an object, got number/);
});

test("valid options still work: a Backend object, a signal, a progress callback, a budget", async () => {
  const be = createCpuBackend();
  const seen: number[] = [];
  const r = await train(cfg, { backend: be, signal: new AbortController().signal, onProgress: (p) => seen.push(p.step), memoryBudgetMiB: 64 });
  assert.equal(r.steps, 2);
  assert.ok(seen.length > 0);
  be.destroy();
});

test("batchSize above the number of samples is refused with both numbers", async () => {
  await refused({ backend: "cpu" }, /^batchSize is 256 but the data has only 100 samples: a batch would repeat rows; use batchSize <= 100$/, { ...cfg, batchSize: 256 });
  await refused({ backend: "cpu" }, /batchSize is 3 but the data has only 2 samples/, { ...cfg, data: { type: "arrays", xs: [[1, 2], [3, 4]], ys: [[1], [2]] }, batchSize: 3 });
  // a CSV's rows are counted when read, still before any step
  const path = join(mkdtempSync(join(tmpdir(), "mplab-bs-")), "d.csv");
  writeFileSync(path, "a,b,y\n1,2,3\n4,5,6\n7,8,9\n");
  await refused({ backend: "cpu" }, /batchSize is 4 but the data has only 3 samples/, { ...cfg, data: { type: "csv", path, inputs: ["a", "b"], targets: ["y"] }, batchSize: 4 });
  // equal is fine
  assert.equal((await train({ ...cfg, batchSize: 100 }, { backend: "cpu" })).steps, 2);
});

test("predict()'s options are as strict", async () => {
  const model = { inputs: 2, outputs: 1 };
  await assert.rejects(predict(model, [[1, 2]], { precison: "fp32" } as never), /options has an unknown key "precison" \(did you mean precision\?\)/);
  await assert.rejects(predict(model, [[1, 2]], { backend: "tpu" } as never), /options\.backend must be one of/);
  assert.equal((await predict(model, [[1, 2]], { backend: "cpu", precision: "mixed-fp16" })).length, 1);
});
