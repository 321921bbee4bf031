// A tiny workload whose fp16 gradients underflow without a loss scale: weights of
// the seeded init shrunk 1000×, targets ~1e-3, so the loss seed 2(ŷ-y)/n is ~1e-5
// and the first layer's gradients (seed · W2) fall below fp16's 2^-24.
import { initWeights } from "../../../engine/model/mlp.js";
import type { TrainConfigInput } from "../../../engine/config/schema.js";

export function underflowWorkload(over: Partial<TrainConfigInput> = {}): TrainConfigInput {
  const model = { inputs: 4, hidden: [16], outputs: 1, seed: 1 };
  const weights = initWeights({ type: "mlp", activation: "relu", ...model }).map((l) => ({
    weight: l.weight.map((x) => x * 1e-3),
    bias: l.bias.map((x) => x * 1e-3),
  }));
  return {
    model: { ...model, weights },
    data: { type: "teacher", inputs: 4, outputs: 1, samples: 256, targetScale: 1e-3 },
    optimizer: { type: "adam", lr: 1e-4 },
    steps: 30,
    batchSize: 64,
    ...over,
  } as TrainConfigInput;
}
