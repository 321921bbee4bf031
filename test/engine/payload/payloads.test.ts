// The payloads that cross a boundary, made by the real engine (train, inspect, compare,
// sweep, a live run), survive the one codec and JSON and read back through their own
// schema unchanged; dropping or renaming any field makes them fail, naming the field.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { compare, inspect, sweep, train } from "../../../engine/index.js";
import { comparisonSchema } from "../../../engine/inspect/comparison.js";
import { precisionReportSchema } from "../../../engine/inspect/report.js";
import { sweepResultSchema } from "../../../engine/inspect/sweepResult.js";
import { LiveRunOutput } from "../../../engine/notebook/liveRun.js";
import { decodeNonFinite, encodeNonFinite } from "../../../engine/payload/nonFinite.js";
import { parsePayload, PayloadError } from "../../../engine/payload/parse.js";
import { parsePageMessage, PROTOCOL_VERSION } from "../../../engine/protocol.js";
import { liveRunSchema, runResultSchema, type RunResult } from "../../../engine/train/runResult.js";
import type { z } from "zod";
import type { TrainConfigInput } from "../../../engine/config/schema.js";

const base: TrainConfigInput = {
  model: { inputs: 4, hidden: [8], outputs: 1, seed: 1 },
  data: { type: "teacher", inputs: 4, outputs: 1, samples: 64, seed: 2 },
  steps: 30,
  batchSize: 16,
};

const wire = (x: unknown) => JSON.parse(JSON.stringify(encodeNonFinite(x)));

let a: RunResult, b: RunResult;
const payloads: Record<string, { schema: z.ZodType; value: unknown }> = {};

before(async () => {
  a = await train({ ...base, name: "a", precision: "fp32" }, { backend: "cpu" });
  // starts far too high: overflowing steps with non-finite gradient norms
  b = await train({ ...base, name: "b", precision: "mixed-fp16", scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 40 }, chunkSize: 10 }, { backend: "cpu" });
  const live = new LiveRunOutput();
  await train({ ...base, chunkSize: 10 }, { backend: "cpu", onProgress: (p) => live.add(p) });
  const sw = await sweep(base, { scaler: [{ type: "static", scale: 1 }, { type: "dynamic", preset: "pytorch" }], precision: ["mixed-fp16"] }, { backend: "cpu" });
  Object.assign(payloads, {
    run: { schema: runResultSchema, value: b },
    report: { schema: precisionReportSchema, value: inspect(b) },
    comparison: { schema: comparisonSchema, value: compare(a, b) },
    sweep: { schema: sweepResultSchema, value: sw },
    live: { schema: liveRunSchema, value: live.current },
  });
});

describe("the NaN/±Infinity codec", () => {
  it("keeps NaN, Infinity and -Infinity apart through JSON; strings stay strings", () => {
    const v = { a: [NaN, Infinity, -Infinity, 1, null], s: "NaN", t: new Float32Array([Infinity, 2]) };
    assert.deepEqual(decodeNonFinite(wire(v)), { a: [NaN, Infinity, -Infinity, 1, null], s: "NaN", t: [Infinity, 2] });
    assert.ok(Object.is((decodeNonFinite(wire([NaN])) as number[])[0], NaN));
  });
});

describe("engine payloads", () => {
  it("a mixed run that overflowed has non-finite numbers to carry", () => {
    assert.ok(b.overflowSteps.length > 0);
    assert.ok(b.gradNorms.some((g) => !Number.isFinite(g)));
  });

  for (const name of ["run", "report", "comparison", "sweep", "live"]) {
    it(`${name}: the engine's output reads back through its schema unchanged`, () => {
      const { schema, value } = payloads[name];
      assert.ok(value);
      assert.deepEqual(parsePayload(schema, wire(value), name), value);
    });

    it(`${name}: dropping or renaming any field fails, naming the field`, () => {
      const { schema, value } = payloads[name];
      const v = wire(value) as Record<string, unknown>;
      const required = Object.keys(v).filter((k) => !(schema as z.ZodObject).shape[k]?.safeParse(undefined).success);
      assert.ok(required.length >= 5, `${name} has required fields: ${required}`);
      for (const k of required) {
        const { [k]: kept, ...dropped } = v;
        assert.throws(() => parsePayload(schema, dropped, name), (e: Error) => e instanceof PayloadError && e.message.includes(`${k}:`), `dropping ${k}`);
        assert.throws(() => parsePayload(schema, { ...dropped, [`${k}Renamed`]: kept }, name), (e: Error) => e instanceof PayloadError && e.message.includes(`${k}:`), `renaming ${k}`);
      }
    });
  }

  it("a nested field dropped is named by its path", () => {
    const r = wire(payloads.report.value) as { tensors: Record<string, unknown>[] };
    delete r.tensors[2].underflow;
    assert.throws(() => parsePayload(precisionReportSchema, r, "precision report"), /precision report: tensors\.2\.underflow: /);
    const c = wire(payloads.comparison.value) as { runs: { series: Record<string, unknown> }[] };
    c.runs[1].series.scaleValues = c.runs[1].series.scales;
    delete c.runs[1].series.scales;
    assert.throws(() => parsePayload(comparisonSchema, c, "comparison"), /runs\.1\.series\.scales: /);
  });

  it("the protocol carries the same RunResult (its schema is the payload's)", () => {
    const msg = parsePageMessage(wire({ v: PROTOCOL_VERSION, type: "trainResult", id: "r1", result: b }));
    assert.equal(msg.type, "trainResult");
    assert.deepEqual(msg.type === "trainResult" && msg.result, b);
    const { memory: _m, ...noMemory } = b;
    assert.throws(() => parsePageMessage(wire({ v: PROTOCOL_VERSION, type: "trainResult", id: "r1", result: noMemory })), /result\.memory/);
  });

  it("a live run gathers every progress event of the run", () => {
    const l = payloads.live.value as z.infer<typeof liveRunSchema>;
    assert.equal(l.step, 30);
    assert.equal(l.losses.length, 30);
    assert.equal(l.totalSteps, 30);
  });
});
