import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createInProcessSession } from "../../../engine/session/inProcessSession.js";
import { createSerialQueue } from "../../../engine/session/serialQueue.js";
import { train } from "../../../engine/index.js";

describe("serial queue", () => {
  it("runs jobs one at a time in order, past failures", async () => {
    const q = createSerialQueue();
    const log: string[] = [];
    const job = (name: string, fail = false) => async () => {
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([q.run(job("a")), q.run(job("b", true)), q.run(job("c"))]);
    assert.deepEqual(log, ["a start", "a end", "b start", "b end", "c start", "c end"]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  });

  it("two runs started together on one session give the same losses as each alone", async () => {
    const s = createInProcessSession();
    const cfg = (seed: number) => ({
      model: { inputs: 2, hidden: [3], outputs: 1, seed },
      data: { type: "teacher" as const, inputs: 2, outputs: 1, samples: 16, seed: 2 },
      steps: 8,
      batchSize: 4,
      chunkSize: 2,
    });
    const [a, b] = await Promise.all([s.train(cfg(1)), s.train(cfg(5))]);
    assert.deepEqual(a.losses, (await train(cfg(1), { backend: "cpu" })).losses);
    assert.deepEqual(b.losses, (await train(cfg(5), { backend: "cpu" })).losses);
    s.dispose();
  });
});
