// The model: a multi-layer perceptron, Linear layers with an activation between
// them (none after the last). Spec constructor and seeded initialisation; the
// forward/backward code is in engine/train/net.ts, written against the Backend.
import { mlpSpecSchema, type LayerWeights, type MlpSpec, type MlpSpecInput } from "../config/schema.js";
import type { Activation } from "../ops/activation/activation.js";
import { parseSpec } from "../config/validate.js";
import { mulberry32 } from "../data/rng.js";

export function mlp(opts: Omit<MlpSpecInput, "type">): MlpSpec {
  return parseSpec(mlpSpecSchema, { type: "mlp", ...opts }, "model");
}

export interface LayerShape {
  inputs: number;
  outputs: number;
  /** applied after this layer ("linear" for the last) */
  activation: Activation;
}

export function layerShapes(spec: MlpSpec): LayerShape[] {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  return widths.slice(1).map((outputs, i) => ({
    inputs: widths[i],
    outputs,
    activation: i === widths.length - 2 ? "linear" : spec.activation,
  }));
}

/** PyTorch nn.Linear's default: weights and biases uniform in ±1/sqrt(fan_in), seeded. */
export function initWeights(spec: MlpSpec): LayerWeights[] {
  if (spec.weights) return spec.weights.map((l) => ({ weight: [...l.weight], bias: [...l.bias] }));
  const rng = mulberry32(spec.seed);
  return layerShapes(spec).map(({ inputs, outputs }) => {
    const bound = 1 / Math.sqrt(inputs);
    const u = () => Math.fround((rng() * 2 - 1) * bound);
    return { weight: Array.from({ length: outputs * inputs }, u), bias: Array.from({ length: outputs }, u) };
  });
}

export function parameterCount(spec: MlpSpec): number {
  return layerShapes(spec).reduce((n, l) => n + l.outputs * (l.inputs + 1), 0);
}
