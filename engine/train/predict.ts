// predict(): the model's forward pass on a batch of inputs, under a precision policy.
// A model trained on normalised data (model.normalization) takes and returns original
// units: inputs are normalised as the run normalised its data, outputs de-normalised.
import { selectBackend } from "../backend/select.js";
import { fp8RecipeSchema, mlpSpecSchema, precisionSchema, type Precision } from "../config/schema.js";
import { parseSpec } from "../config/validate.js";
import { fromRows } from "../data/datasets.js";
import { denormalizeRows, normalizeInPlace } from "../data/normalize.js";
import { initWeights } from "../model/mlp.js";
import { Net } from "./net.js";
import { policyFor } from "./policy.js";
import { predictOptionsSchema, type PredictOptions } from "./trainOptions.js";

export async function predict(
  model: unknown,
  inputs: number[][],
  optsInput: PredictOptions = {},
): Promise<number[][]> {
  const spec = parseSpec(mlpSpecSchema, model, "model");
  const opts = parseSpec(predictOptionsSchema, optsInput ?? {}, "options");
  const precision = parseSpec(precisionSchema, opts.precision ?? (model as { precision?: Precision }).precision ?? "fp32", "precision");
  if (!Array.isArray(inputs) || inputs.length === 0) throw new Error("inputs must be a non-empty array of rows");
  const data = fromRows(inputs, inputs.map(() => [0]), "inputs");
  if (data.inputs !== spec.inputs) throw new Error(`inputs rows have ${data.inputs} values but model.inputs is ${spec.inputs}`);
  const norm = spec.normalization;
  if (norm && (norm.inputs.shift.length !== spec.inputs || norm.targets.shift.length !== spec.outputs))
    throw new Error(`model.normalization has ${norm.inputs.shift.length} input and ${norm.targets.shift.length} target columns; the model has ${spec.inputs} and ${spec.outputs}`);
  if (norm) normalizeInPlace(data.x, norm.inputs);
  const { backend, owned } = await selectBackend(opts.backend ?? "cpu");
  // mixed-fp8 inference: current scaling (a single forward pass has no amax history)
  const fp8 = precision === "mixed-fp8" ? fp8RecipeSchema.parse({ recipe: "current" }) : undefined;
  const net = new Net(backend, spec, policyFor(precision, fp8), data.samples, initWeights(spec), 1, fp8);
  try {
    backend.write(net.x, data.x);
    net.forward();
    const out = await backend.read(net.output);
    if (norm) return denormalizeRows(out.subarray(0, data.samples * spec.outputs), norm.targets);
    return Array.from({ length: data.samples }, (_, r) => Array.from(out.subarray(r * spec.outputs, (r + 1) * spec.outputs)));
  } finally {
    net.dispose();
    if (owned) backend.destroy();
  }
}
