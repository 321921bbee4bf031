import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets } from "../../../engine/index.js";
import { materialize } from "../../../engine/data/datasets.js";
import { BatchOrder } from "../../../engine/train/batches.js";

test("teacher data is deterministic for a seed and scaled by targetScale", async () => {
  const a = await materialize(datasets.teacher({ inputs: 3, outputs: 2, samples: 50, seed: 4 }));
  const b = await materialize(datasets.teacher({ inputs: 3, outputs: 2, samples: 50, seed: 4 }));
  const c = await materialize(datasets.teacher({ inputs: 3, outputs: 2, samples: 50, seed: 4, targetScale: 1e-3 }));
  assert.deepEqual(a.y, b.y);
  assert.deepEqual(a.x, c.x);
  a.y.forEach((v, i) => assert.ok(Math.abs(c.y[i] - Math.fround(v * 1e-3)) <= 1e-9));
  assert.equal(a.x.length, 150);
  assert.equal(a.y.length, 100);
});

test("sine data follows its formula", async () => {
  const d = await materialize(datasets.sine({ inputs: 2, outputs: 2, samples: 20, amplitude: 2, frequency: 0.5 }));
  for (let n = 0; n < 20; n++) {
    const s = d.x[2 * n] + d.x[2 * n + 1];
    assert.ok(Math.abs(d.y[2 * n] - 2 * Math.sin(0.5 * s)) < 1e-5);
    assert.ok(Math.abs(d.y[2 * n + 1] - 2 * Math.sin(0.5 * s + 1)) < 1e-5);
  }
});

test("csv reads columns by name or index, and names a bad cell", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mplab-csv-"));
  const good = join(dir, "good.csv"), bad = join(dir, "bad.csv");
  writeFileSync(good, "a,b,target\n1,2,3\n4,5,6\n");
  writeFileSync(bad, "a,b,target\n1,2,3\n4,x,6\n");
  const d = await materialize(datasets.csv(good, { inputs: ["a", 1], targets: ["target"] }));
  assert.deepEqual([...d.x], [1, 2, 4, 5]);
  assert.deepEqual([...d.y], [3, 6]);
  await assert.rejects(materialize(datasets.csv(bad, { inputs: ["a", "b"], targets: ["target"] })), /line 3, column b: "x" is not a finite number/);
  await assert.rejects(materialize(datasets.csv(good, { inputs: ["nope"], targets: ["target"] })), /data.inputs: no column "nope"/);
  await assert.rejects(materialize(datasets.csv(join(dir, "missing.csv"), { inputs: [0], targets: [1] })), /data.path: cannot read/);
});

test("each step takes the next samples of a seeded shuffle, a new shuffle each epoch", () => {
  const o = new BatchOrder(10, 1);
  const e1 = [...o.next(10)], e2 = [...o.next(10)];
  assert.deepEqual([...e1].sort((a, b) => a - b), [...Array(10).keys()]);
  assert.deepEqual([...e2].sort((a, b) => a - b), [...Array(10).keys()]);
  assert.notDeepEqual(e1, e2);
  const p = new BatchOrder(10, 1);
  assert.deepEqual([...p.next(4), ...p.next(6)], e1, "chunking does not change the order");
});
