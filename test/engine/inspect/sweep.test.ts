// sweep(): the grid runs with progress, ranks against an fp32 reference (added when
// the grid has none), recommends, validates before running, and cancels.
import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultSweepGrid, sweep, type SweepProgress } from "../../../engine/inspect/sweep.js";
import { formatSweep } from "../../../engine/inspect/formatTables.js";
import { train } from "../../../engine/train/run.js";
import { underflowWorkload } from "./underflowWorkload.js";

const base = underflowWorkload({ steps: 12 });

test("ranks the grid against an added fp32 run and recommends the scaled configuration", async () => {
  const progress: SweepProgress[] = [];
  const s = await sweep(base, { precision: ["mixed-fp16"], scaler: [{ type: "none" }, { type: "static", scale: 2 ** 16 }] }, { backend: "cpu", onProgress: (p) => progress.push(p) });
  assert.equal(s.status, "completed");
  assert.deepEqual(s.reference && { label: s.reference.label, added: s.reference.added }, { label: "fp32 reference", added: true });
  // the same fp32 run trained directly gives the reference loss
  const fp32 = await train({ ...base, precision: "fp32", scaler: { type: "none" } }, { backend: "cpu" });
  assert.equal(s.reference!.finalLoss, fp32.finalLoss);
  assert.deepEqual(s.ranked.map((e) => [e.rank, e.label]), [[1, "mixed-fp16, static 65536"], [2, "mixed-fp16, none"]]);
  for (const e of s.ranked) assert.equal(e.finalLossRatio, e.finalLoss! / fp32.finalLoss!);
  assert.ok(s.ranked[1].underflow > s.ranked[0].underflow);
  assert.equal(s.recommendation!.label, "mixed-fp16, static 65536");
  assert.deepEqual(s.recommendation!.scaler, { type: "static", scale: 2 ** 16 });
  assert.deepEqual(s.runs.map((r) => r.label), ["fp32 reference", "mixed-fp16, none", "mixed-fp16, static 65536"]);
  // progress: every configuration, in order, each to its last step
  assert.deepEqual([...new Set(progress.map((p) => p.index))], [0, 1, 2]);
  assert.ok(progress.every((p) => p.total === 3 && p.totalSteps === 12));
  for (const i of [0, 1, 2]) assert.equal(progress.filter((p) => p.index === i).at(-1)!.step, 12);
  // the text table, ranked, with the advice last
  const lines = formatSweep(s).split("\n");
  assert.match(lines[0], /^Sweep completed; fp32 reference \(fp32 reference\) final loss /);
  assert.match(lines[4], /^1 +mixed-fp16, static 65536 +completed/);
  assert.match(lines[5], /^2 +mixed-fp16, none +completed/);
  assert.match(lines.at(-1)!, /^Use mixed-fp16, static 65536: final loss/);
});

test("the default grid of the Sweep Loss Scale command", () => {
  const g = defaultSweepGrid(base);
  assert.deepEqual(g.precision, ["mixed-fp16"]);
  assert.deepEqual(g.scaler.map((x) => x.type), ["none", "static", "static", "static", "dynamic", "dynamic"]);
  assert.deepEqual(defaultSweepGrid({ ...base, precision: "fp16" }).precision, ["fp16"]);
});

test("an fp32 entry of the grid is the reference; with no reduced precision close enough, fp32 is advised", async () => {
  const s = await sweep(base, { precision: ["fp32", "mixed-fp16"], scaler: [{ type: "none" }] }, { backend: "cpu", acceptable: 0.001 });
  assert.equal(s.reference!.added, false);
  assert.equal(s.reference!.label, "fp32, none");
  assert.equal(s.runs.length, 2);
  const fp16 = s.ranked.find((e) => e.precision === "mixed-fp16")!;
  assert.ok(fp16.finalLossRatio! > 1.001, `ratio ${fp16.finalLossRatio}`);
  assert.equal(s.recommendation!.precision, "fp32");
  assert.match(s.recommendation!.reason, /no reduced-precision configuration came within 0\.1% of fp32's final loss \(closest: mixed-fp16, none/);
});

test("bad grids are refused before anything runs", async () => {
  let ran = 0;
  await assert.rejects(sweep(base, { precision: ["mixed-fp16", "fp8" as never] }, { backend: "cpu", onProgress: () => ran++ }), /precision must be one of/);
  await assert.rejects(sweep(base, { scaler: [{ type: "static", scale: -1 }] }, { backend: "cpu", onProgress: () => ran++ }), /scaler.scale must be a finite number > 0/);
  await assert.rejects(sweep(base, { precision: [] }, { backend: "cpu" }), /grid.precision must be a non-empty array/);
  assert.equal(ran, 0);
});

test("cancel: an AbortSignal stops the sweep; the interrupted run is 'cancelled', the rest 'not run'", async () => {
  const ctrl = new AbortController();
  const seen = new Set<number>();
  const s = await sweep(base, { precision: ["mixed-fp16", "mixed-bf16"], scaler: [{ type: "none" }] }, {
    backend: "cpu",
    signal: ctrl.signal,
    onProgress: (p) => {
      seen.add(p.index);
      if (p.index === 1) ctrl.abort(); // during the first grid entry (index 0 is the fp32 reference)
    },
  });
  assert.equal(s.status, "cancelled");
  assert.deepEqual([...seen], [0, 1]);
  assert.equal(s.reference!.label, "fp32 reference");
  assert.deepEqual(s.ranked.map((e) => [e.rank, e.status]), [[null, "cancelled"], [null, "not run"]]);
  assert.equal(s.recommendation, null);
  assert.deepEqual(s.runs.map((r) => r.status), ["completed", "cancelled"]);
  // aborted before the start: nothing runs
  const early = await sweep(base, { precision: ["mixed-fp16"] }, { backend: "cpu", signal: AbortSignal.abort() });
  assert.equal(early.status, "cancelled");
  assert.equal(early.runs.length, 0);
});

test("every configuration trains through the given runner (VS Code: the engine page's session)", async () => {
  const seen: string[] = [];
  const r = await sweep(base, { precision: ["mixed-fp16"], scaler: [{ type: "none" }, { type: "static", scale: 1024 }] }, {
    run: (config, o) => {
      seen.push(`${config.precision}/${(config.scaler as { type: string }).type}`);
      return train(config, { ...o, backend: "cpu" });
    },
  });
  assert.deepEqual(seen, ["fp32/none", "mixed-fp16/none", "mixed-fp16/static"]);
  assert.equal(r.ranked.length, 2);
  assert.equal(r.status, "completed");
});
