import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { predict, train } from "../../../engine/index.js";
import { createInProcessSession } from "../../../engine/session/inProcessSession.js";

const config = {
  model: { inputs: 3, hidden: [4], outputs: 1, seed: 3 },
  data: { type: "teacher" as const, inputs: 3, outputs: 1, samples: 32, seed: 4 },
  steps: 12,
  batchSize: 8,
};

describe("in-process session", () => {
  it("trains like train() on the CPU backend (same seed, same losses) and predicts", async () => {
    const s = createInProcessSession();
    assert.equal((await s.backend()).name, "cpu");
    const progress: number[] = [];
    const a = await s.train(config, { chunkSize: 5, onProgress: (p) => progress.push(p.step) });
    const b = await train({ ...config, chunkSize: 5 }, { backend: "cpu" });
    assert.deepEqual(a.losses, b.losses);
    assert.deepEqual(progress, [5, 10, 12]);
    const inputs = [[0.5, -1, 2]];
    assert.deepEqual(await s.predict(a.model, inputs), await predict(a.model, inputs));
    s.dispose();
    await assert.rejects(s.train(config), /disposed/);
  });

  it("an aborted signal stops the run at a chunk boundary", async () => {
    const s = createInProcessSession();
    const abort = new AbortController();
    const r = await s.train({ ...config, steps: 1000 }, { chunkSize: 3, signal: abort.signal, onProgress: (p) => p.step >= 6 && abort.abort() });
    assert.equal(r.status, "cancelled");
    assert.equal(r.steps, 6);
    s.dispose();
  });
});
