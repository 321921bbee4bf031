// What an observed training step costs against an unobserved one, measured on one
// TrainStep: chunks of `k` observed steps and chunks of `k` unobserved steps
// alternate, each ended by the backend's flush (the one wait of a chunk, as in
// train()); the ratio of each adjacent pair's times, and the median over pairs.
// bench.mjs bundles this file with esbuild (it reaches below the engine's public API).
import type { Backend } from "../engine/backend/backend.js";
import { parseTrainConfig } from "../engine/config/validate.js";
import { materialize } from "../engine/data/datasets.js";
import { initWeights } from "../engine/model/mlp.js";
import { initialScalerState, ruleFromSpec } from "../engine/scaler/lossScaler.js";
import { policyFor } from "../engine/train/policy.js";
import { StepObserver } from "../engine/train/stepObserver.js";
import { TrainStep } from "../engine/train/trainStep.js";

export interface ObserveCost {
  /** median of the per-pair ratios observed / unobserved */
  ratio: number;
  /** median ms of an observed and of an unobserved step */
  observedMs: number;
  plainMs: number;
  pairs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function observeCost(backend: Backend, config: unknown, pairs: number, k: number): Promise<ObserveCost> {
  const cfg = parseTrainConfig(config);
  const data = await materialize(cfg.data);
  const B = cfg.batchSize * cfg.accumulationSteps;
  const ts = new TrainStep(backend, cfg, policyFor(cfg.precision), data, initWeights(cfg.model), k);
  const obs = new StepObserver(backend, ts.net);
  try {
    const rule = ruleFromSpec(cfg.scaler);
    backend.initStepState(rule, initialScalerState(rule), 0);
    obs.reset();
    backend.write(ts.idx, Float32Array.from({ length: k * B }, (_, i) => (i * 7) % data.samples));
    let step = 0;
    const chunk = async (observer: StepObserver | null) => {
      const t = performance.now();
      for (let i = 0; i < k; i++) ts.run(step++, i, observer);
      await backend.flush();
      return (performance.now() - t) / k;
    };
    await chunk(obs); // warm-up: pipelines, buffers
    await chunk(null);
    const ratios: number[] = [], o: number[] = [], p: number[] = [];
    for (let r = 0; r < pairs; r++) {
      // alternate which goes first, so a trend in the machine's load cancels
      const first = r % 2 === 0 ? obs : null;
      const a = await chunk(first), b = await chunk(first ? null : obs);
      const [oMs, pMs] = first ? [a, b] : [b, a];
      ratios.push(oMs / pMs);
      o.push(oMs);
      p.push(pMs);
    }
    return { ratio: median(ratios), observedMs: median(o), plainMs: median(p), pairs };
  } finally {
    ts.dispose();
  }
}
