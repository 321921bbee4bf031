// Bad input is refused before any work, with the field and what is allowed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { train, mlp, datasets, sgd, parseTrainConfig, ConfigError, configJsonSchema } from "../../../engine/index.js";
import { readFileSync } from "node:fs";

const ok = { model: mlp({ inputs: 2, outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 8 }), steps: 1, batchSize: 4 };

async function refuses(config: unknown, pattern: RegExp) {
  let progressed = false;
  await assert.rejects(train(config, { backend: "cpu", onProgress: () => (progressed = true) }), (e: Error) => {
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(progressed, false, "no step ran");
}

test("batchSize 0 names the field and the allowed range", () => refuses({ ...ok, batchSize: 0 }, /^batchSize must be an integer from 1 to 1000000, got 0$/));
test("a fractional steps count", () => refuses({ ...ok, steps: 2.5 }, /steps must be an integer from 1 to 10000000, got 2.5/));
test("backoffFactor outside (0, 1)", () => refuses({ ...ok, scaler: { type: "dynamic", backoffFactor: 1.5 } }, /scaler.backoffFactor must be in \(0, 1\), got 1.5/));
test("an unknown precision lists the allowed ones", () => refuses({ ...ok, precision: "fp8" }, /precision must be one of "fp32", "fp16", "mixed-fp16", "mixed-bf16", "mixed-fp8", got "fp8"/));
test("an unknown scaler preset", () => refuses({ ...ok, scaler: { type: "dynamic", preset: "jax" } }, /scaler.preset must be one of/));
test("a missing model is required", () => refuses({ ...ok, model: undefined }, /model is required/));
test("a model whose inputs differ from the data's", () => refuses({ ...ok, model: { type: "mlp", inputs: 3, outputs: 1 } }, /data.inputs is 2 but model.inputs is 3/));
test("data rows of the wrong width", () => refuses({ ...ok, batchSize: 2, data: { type: "arrays", xs: [[1, 2], [3]], ys: [[1], [2]] } }, /data.xs\[1\] has 1 values, expected 2/));
test("NaN in the data names its row and column", () =>
  refuses({ ...ok, data: { type: "arrays", xs: [[1, 2], [3, Number.NaN]], ys: [[1], [2]] } }, /data.xs\[1\]\[1\] is not a finite number: data must be finite, got NaN/));
test("Infinity in the targets", () => refuses({ ...ok, data: { type: "arrays", xs: [[1, 2]], ys: [[Infinity]] } }, /data.ys\[0\]\[0\] is not a finite number: data must be finite, got Infinity/));
test("an lr below zero", () => refuses({ ...ok, optimizer: { type: "sgd", lr: -1 } }, /optimizer.lr must be a number >= 0, got -1/));
test("trained weights of the wrong shape", () => refuses({ ...ok, model: { ...ok.model, weights: [{ weight: [1], bias: [0] }] } }, /model.weights\[0\] must have 1x2 weights and 1 biases/));
test("an unknown backend", () => assert.rejects(train(ok, { backend: "tpu" as never }), /options.backend must be one of "auto", "cpu", "wasm", "webgpu" or a Backend object, got "tpu"/));

test("spec constructors validate too", () => {
  assert.throws(() => mlp({ inputs: 0, outputs: 1 }), /model.inputs must be an integer from 1 to 65536, got 0/);
  assert.throws(() => mlp({ inputs: 2, outputs: 1, activation: "swish" as never }), /model.activation must be one of/);
  assert.throws(() => sgd({ lr: Number.NaN }), /optimizer.lr/);
  assert.throws(() => datasets.teacher({ inputs: 2, outputs: 1, samples: -1 }), /data.samples must be an integer from 1 to 10000000, got -1/);
});

test("ConfigError lists every problem with its path", () => {
  try {
    parseTrainConfig({ ...ok, steps: 0, batchSize: -1 });
    assert.fail("accepted");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => p.path).sort(), ["batchSize", "steps"]);
  }
});

test("defaults: mixed-fp16, the pytorch dynamic scaler, Adam 1e-3, MSE", () => {
  const c = parseTrainConfig(ok);
  assert.equal(c.precision, "mixed-fp16");
  assert.deepEqual(c.scaler, { type: "dynamic", preset: "pytorch" });
  assert.equal(c.optimizer.type, "adam");
  assert.equal(c.optimizer.lr, 1e-3);
  assert.deepEqual(c.loss, { type: "mse" });
});

test("the committed JSON Schema is the one the zod schema gives", () => {
  const committed = JSON.parse(readFileSync("schemas/mplab.schema.json", "utf8"));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(configJsonSchema())));
  assert.deepEqual(committed.required.sort(), ["batchSize", "data", "model", "steps"]);
});

test("every object of the JSON Schema refuses unknown keys (the editor flags typos)", () => {
  const committed = JSON.parse(readFileSync("schemas/mplab.schema.json", "utf8"));
  const objects: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (o.type === "object" && o.properties) objects.push(o);
    Object.values(o).forEach(walk);
  };
  walk(committed);
  assert.ok(objects.length >= 14, `found ${objects.length} objects`);
  for (const o of objects) assert.equal((o as { additionalProperties?: unknown }).additionalProperties, false, JSON.stringify(Object.keys((o as { properties: object }).properties)));
});

test("datasets.fromArrays refuses non-finite values at once", () => {
  assert.throws(() => datasets.fromArrays([[1, 2]], [[Infinity]]), /data.ys\[0\]\[0\] is not a finite number/);
});

test("an array item's error names its index once", () => {
  assert.throws(() => mlp({ inputs: 2, hidden: [4, -1], outputs: 1 }), (e: Error) => e.message === "model.hidden[1] must be an integer from 1 to 65536, got -1");
});
