// `mplab demo` (the README's main job) tells its story: without a scaler most fp16
// gradients underflow and the loss ends clearly worse than fp32's; with the dynamic
// scaler nothing underflows and the loss matches fp32's.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CLI = "dist/mplab.mjs";
before(() => {
  if (!existsSync(CLI)) assert.equal(spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" }).status, 0);
});

function demo(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, "demo", "--backend", "cpu", ...args], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

test("demo: fp32, fp16 without and with loss scaling, side by side", () => {
  const { runs } = JSON.parse(demo("--json", "-q").stdout);
  const [fp32, none, scaled, bf16] = runs;
  assert.deepEqual(runs.map((r: { precision: string; scaler: string }) => `${r.precision} ${r.scaler}`),
    ["fp32 none", "mixed-fp16 none", "mixed-fp16 dynamic (pytorch)", "mixed-bf16 none"]);
  assert.equal(fp32.gradUnderflow, 0);
  assert.ok(none.gradUnderflow > 0.5, `no scaler lost only ${none.gradUnderflow} of the gradients`);
  assert.ok(scaled.gradUnderflow < 0.01, `scaled run lost ${scaled.gradUnderflow}`);
  assert.ok(none.tailLoss > 3 * fp32.tailLoss, `no scaler ${none.tailLoss} vs fp32 ${fp32.tailLoss}`);
  assert.ok(scaled.tailLoss < 1.2 * fp32.tailLoss, `scaled ${scaled.tailLoss} vs fp32 ${fp32.tailLoss}`);
  assert.ok(bf16.gradUnderflow < 0.01 && bf16.tailLoss < 1.2 * fp32.tailLoss, "bf16 needs no scaler here");
  assert.equal(none.scaleMax, 1);
  assert.ok(scaled.scaleMax > scaled.scaleMin, "the dynamic scale grew");
});

test("demo: the table and the story in words", () => {
  const r = demo("--steps", "50", "-q");
  assert.match(r.stdout, /^ +precision +fp32 +mixed-fp16 +mixed-fp16 +mixed-bf16$/m);
  assert.match(r.stdout, /^ +gradients lost to underflow +0\.0% +\S+% +\S+% +\S+%$/m);
  assert.match(r.stdout, /Without loss scaling, \S+% of the fp16 gradient values underflowed/);
  const bad = spawnSync(process.execPath, [CLI, "demo", "--steps", "0"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--steps must be a positive integer, got "0"/);
});
