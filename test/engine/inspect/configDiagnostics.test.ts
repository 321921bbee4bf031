import assert from "node:assert/strict";
import { test } from "node:test";
import { configDiagnostics, runDiagnostics } from "../../../engine/inspect/configDiagnostics.js";
import { stats, synthRun } from "./synthRun.js";

const base = { model: { inputs: 2, outputs: 1 }, data: { type: "teacher", inputs: 2, outputs: 1, samples: 8 }, steps: 5, batchSize: 2 };

test("validation errors carry their JSON path", () => {
  const d = configDiagnostics({ ...base, batchSize: 0 });
  assert.deepEqual(d.map((x) => [x.path, x.severity]), [[["batchSize"], "error"]]);
  assert.match(d[0].message, /batchSize must be an integer from 1 to 1000000, got 0/);
});

test("a dynamic initScale that is not a power of two, with the nearest one as the fix", () => {
  const d = configDiagnostics({ ...base, scaler: { type: "dynamic", initScale: 1000 } });
  assert.equal(d.length, 1);
  assert.deepEqual(d[0].fix, { title: "Use 2^10 (1024)", path: ["scaler", "initScale"], value: 1024 });
  assert.deepEqual(configDiagnostics({ ...base, scaler: { type: "dynamic", initScale: 1024 } }), []);
});

test("with the last run: a static scale that overflows its largest gradient; fp16 without a scaler that underflowed", () => {
  // unscaled largest gradient 1 (stored 1 at scale 1): 2^20 overflows; the fix is the window's top
  const last = synthRun({
    precision: "mixed-fp16",
    scaler: { type: "none" },
    layers: [{ weightGrads: stats("f16", { minAbs: 2 ** -20, maxAbs: 1, underflow: 0.3, bins: { 0: 1 } }) }],
  });
  const st = configDiagnostics({ ...base, scaler: { type: "static", scale: 2 ** 20 } }, last);
  assert.equal(st.length, 1);
  assert.match(st[0].message, /static scale 1048576 × the last run's largest gradient 1\.00 = 1\.05e\+6 overflows fp16/);
  // window: [max(2^4, 2·1), 65504 / 8 -> 2^12]
  assert.deepEqual(st[0].fix!.value, 2 ** 12);
  assert.deepEqual(configDiagnostics({ ...base, scaler: { type: "static", scale: 2 ** 10 } }, last), []);
  const none = configDiagnostics({ ...base, scaler: { type: "none" } }, last);
  assert.equal(none.length, 1);
  assert.deepEqual(none[0].path, ["scaler"]);
  assert.match(none[0].message, /mixed-fp16 without a loss scaler: in the last run 30\.0% of gradient values underflowed/);
  assert.deepEqual(none[0].fix!.value, { type: "dynamic", preset: "pytorch", initScale: 2 ** 12 });
  // bf16 needs no scaler: no warning
  assert.deepEqual(configDiagnostics({ ...base, precision: "mixed-bf16", scaler: { type: "none" } }, last), []);
});

test("runDiagnostics: calibration summarised, later overflows listed up to a cap", () => {
  const run = synthRun({ scales: [8, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1], overflowSteps: [0, 1, 2, 5, 9], layers: [{}] });
  const ev = runDiagnostics(run, 1);
  assert.deepEqual(ev.map((e) => [e.step, e.severity]), [[0, "information"], [5, "warning"], [9, "warning"]]);
  assert.equal(ev[0].message, "steps 0-2 skipped while the loss scale calibrated (from 8 to 1); first non-finite: layer 1 weight gradients");
  assert.equal(ev[1].message, "step 5 skipped: non-finite layer 1 weight gradients at scale 1");
  assert.equal(ev[2].message, "1 more steps skipped (2 after calibration in all)");
  assert.deepEqual(runDiagnostics(synthRun({ layers: [{}] })), []);
});

test("a static scale at or above one the last run overflowed at is flagged, though its finite gradients look small", () => {
  // the statistics hold finite values only: largest 2^-4 × 2^12 fits, yet steps 3 and 7 overflowed at 2^12
  const grads = stats("f16", { minAbs: 2 ** -10, maxAbs: 2 ** -4, bins: { [-6]: 10 } });
  const last = synthRun({ scaler: { type: "static", scale: 2 ** 12 }, scales: new Array(10).fill(2 ** 12), overflowSteps: [3, 7], layers: [{ weightGrads: grads }] });
  const d = configDiagnostics({ ...base, scaler: { type: "static", scale: 2 ** 12 } }, last);
  assert.equal(d.length, 1);
  assert.equal(d[0].message, "static scale 4096 overflows fp16: the last run's gradients overflowed at scale 4096 (2 of 10 steps skipped)");
  // below the overflowing scale and inside the window: 2^11
  assert.deepEqual(d[0].fix, { title: "Use a static scale of 2^11 (2048)", path: ["scaler", "scale"], value: 2 ** 11 });
  assert.deepEqual(configDiagnostics({ ...base, scaler: { type: "static", scale: 2 ** 11 } }, last), []);
  // a bf16 run's overflows say nothing about fp16
  const bf = synthRun({ precision: "mixed-bf16", scales: new Array(10).fill(2 ** 12), overflowSteps: [3], layers: [{ weightGrads: stats("bf16", { minAbs: 2 ** -10, maxAbs: 2 ** -4 }) }] });
  assert.deepEqual(configDiagnostics({ ...base, scaler: { type: "static", scale: 2 ** 12 } }, bf), []);
});

test("when every step of the last run overflowed, the fix is dynamic scaling (no finite gradient bounds a static scale)", () => {
  const last = synthRun({ scaler: { type: "static", scale: 2 ** 24 }, scales: new Array(4).fill(2 ** 24), overflowSteps: [0, 1, 2, 3], layers: [{ weightGrads: stats("f16", { minAbs: 2 ** -20, maxAbs: 2 ** -12 }) }] });
  const d = configDiagnostics({ ...base, scaler: { type: "static", scale: 2 ** 24 } }, last);
  assert.equal(d.length, 1);
  assert.deepEqual(d[0].fix!.path, ["scaler"]);
  assert.deepEqual(d[0].fix!.value, { type: "dynamic", preset: "pytorch" });
});

test("runDiagnostics: a static scale overflowing from step 0 is not called calibration", () => {
  const run = synthRun({ scaler: { type: "static", scale: 2 ** 24 }, scales: new Array(4).fill(2 ** 24), overflowSteps: [0, 1, 2], layers: [{}] });
  const ev = runDiagnostics(run);
  assert.deepEqual(ev.map((e) => [e.step, e.severity]), [[0, "warning"], [1, "warning"], [2, "warning"]]);
  assert.equal(ev[0].message, "step 0 skipped: non-finite layer 1 weight gradients at scale 16777216");
});
