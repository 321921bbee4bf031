// A TrainStep and its StepObserver on a given backend, outside train(): a few steps,
// each observed, over fixed batches, for tests that look at the raw statistics.
import type { Backend, RawTensorStats } from "../../../engine/backend/backend.js";
import type { TrainConfigInput } from "../../../engine/config/schema.js";
import { parseTrainConfig } from "../../../engine/config/validate.js";
import { materialize, type Dataset } from "../../../engine/data/datasets.js";
import { initWeights } from "../../../engine/model/mlp.js";
import { initialScalerState, ruleFromSpec } from "../../../engine/scaler/lossScaler.js";
import { policyFor } from "../../../engine/train/policy.js";
import { StepObserver } from "../../../engine/train/stepObserver.js";
import { TrainStep } from "../../../engine/train/trainStep.js";

export interface ObservedRun {
  stats: RawTensorStats[];
  data: Dataset;
  /** the sample rows of each step's batch */
  batches: number[][];
  weights: { weight: number[]; bias: number[] }[];
}

/** `steps` steps, every one observed; batch s takes rows (s * 7 + r * 3) % samples. */
export async function observedRun(backend: Backend, input: TrainConfigInput, steps: number): Promise<ObservedRun> {
  const config = parseTrainConfig(input);
  const data = await materialize(config.data);
  const weights = config.model.weights ?? initWeights(config.model);
  const B = config.batchSize;
  const batches = Array.from({ length: steps }, (_, s) => Array.from({ length: B }, (_, r) => (s * 7 + r * 3) % data.samples));
  const ts = new TrainStep(backend, config, policyFor(config.precision), data, weights, steps);
  const obs = new StepObserver(backend, ts.net);
  try {
    const rule = ruleFromSpec(config.scaler);
    backend.initStepState(rule, initialScalerState(rule), 0);
    obs.reset();
    backend.write(ts.idx, Float32Array.from(batches.flat()));
    for (let s = 0; s < steps; s++) ts.run(s, s, obs);
    await backend.flush();
    return { stats: await backend.readStats(), data, batches, weights };
  } finally {
    ts.dispose();
  }
}

/**
 * Weights that make an fp16 run underflow without a loss scale: the seeded init
 * shrunk 1000x, the last layer 10^6 x, so that with targets ~1e-6 the outputs are
 * ~1e-7 and the seed 2(ŷ-y)/n falls around fp16's smallest subnormal (part of it
 * rounds to zero), and the gradients below it further still.
 */
export function underflowingWeights(spec: Parameters<typeof initWeights>[0]): { weight: number[]; bias: number[] }[] {
  const w = initWeights(spec);
  return w.map((l, i) => {
    const k = i === w.length - 1 ? 1e-6 : 1e-3;
    return { weight: l.weight.map((v) => v * k), bias: l.bias.map((v) => v * k) };
  });
}
