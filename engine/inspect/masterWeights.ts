// "Master weights needed": would the updates of this run survive in fp16 weights?
//
// An fp16 weight w in [2^e, 2^(e+1)) has a spacing of 2^(e-10); w + Δ rounds back
// to w when |Δ| < 2^(e-11), i.e. when the weight is more than 2^11 times its update
// (the mixed-precision paper's point). The estimate, per layer, from the run's own
// statistics (no extra pass over the model):
//  - typical update u: Adam moves each weight by about lr (|m̂/(√v̂+ε)| is about 1 for
//    a steady gradient and smaller for a noisy one, so the lost share is a lower bound);
//    SGD by lr·|g|/(1 - momentum) with |g| the median unscaled weight gradient (from
//    the weight-gradient histogram, divided by the loss scale at the observed steps).
//  - the share of weights whose histogram bin 2^e satisfies e > log2(u) + 11: those
//    would not change at all in fp16.
import type { OptimizerSpec } from "../config/schema.js";
import type { LayerStats } from "../train/runResult.js";
import { histQuantileExp } from "./fp16Range.js";
import type { MasterWeightsLayer } from "./report.js";

/** A layer needs master weights when at least this share of its weights would freeze. */
export const LOST_SHARE_LIMIT = 0.1;

export const MASTER_WEIGHTS_HOW =
  "update ≈ lr per weight for Adam, lr·median|unscaled weight gradient|/(1 - momentum) for SGD; " +
  "an fp16 weight in [2^e, 2^(e+1)) ignores updates below 2^(e-11); lost share = weights in histogram bins with e > log2(update) + 11";

export function masterWeightsEstimate(layers: LayerStats[], optimizer: OptimizerSpec, gradScale: number): MasterWeightsLayer[] {
  const out: MasterWeightsLayer[] = [];
  for (const L of layers) {
    const w = L.tensors.weights, g = L.tensors.weightGrads;
    const wExp = histQuantileExp(w, 0.5);
    if (wExp === null) continue;
    let update: number;
    if (optimizer.type === "adam") update = optimizer.lr;
    else {
      const gExp = histQuantileExp(g, 0.5);
      if (gExp === null) continue;
      update = (optimizer.lr * 2 ** (gExp + 0.5)) / gradScale / (1 - optimizer.momentum);
    }
    if (!(update > 0)) continue;
    const limit = Math.log2(update) + 11;
    let lost = 0, total = 0;
    w.histogram.counts.forEach((c, i) => {
      total += c;
      if (w.histogram.minExp + i > limit) lost += c;
    });
    out.push({ layer: L.layer, typicalWeight: 2 ** (wExp + 0.5), typicalUpdate: update, lostShare: total ? lost / total : 0 });
  }
  return out;
}
