// Turns backend read-backs into the plain-data parts of a RunResult.
import { HIST_MIN_EXP, type DType, type RawTensorStats } from "../backend/backend.js";
import type { LayerShape } from "../model/mlp.js";
import type { LayerStats, MemoryLedger, TensorRole, TensorStats } from "./runResult.js";
import type { Net } from "./net.js";
import type { Policy } from "./policy.js";
import { ROLES, ROLE_ORDER, slot } from "./slots.js";

export function tensorStats(raw: RawTensorStats, dtype: DType): TensorStats {
  const n = raw.count || 1;
  return {
    dtype,
    count: raw.count,
    zero: raw.zero / n,
    subnormal: raw.subnormal / n,
    underflow: raw.underflow / n,
    overflow: raw.overflow / n,
    nan: raw.nan / n,
    inf: raw.inf / n,
    minAbs: Number.isFinite(raw.minAbs) ? raw.minAbs : null,
    maxAbs: raw.maxAbs > 0 ? raw.maxAbs : null,
    histogram: { minExp: HIST_MIN_EXP, counts: [...raw.hist] },
  };
}

/** Per-layer statistics from the accumulators of Backend.readStats, one per slot (slots.ts). */
export function layerStats(raw: RawTensorStats[], shapes: LayerShape[], policy: Policy): LayerStats[] {
  return shapes.map((s, l) => {
    const tensors = {} as Record<TensorRole, TensorStats>;
    for (const role of ROLE_ORDER) {
      const r = ROLES[role];
      if ("stats" in r) tensors[r.stats] = tensorStats(raw[slot(l, role)], policy[r.dtype]);
    }
    return {
      layer: l + 1,
      name: `layer ${l + 1} (Linear ${s.inputs}→${s.outputs}${s.activation === "linear" ? "" : `, ${s.activation}`})`,
      inputs: s.inputs,
      outputs: s.outputs,
      activation: s.activation,
      tensors,
    };
  });
}

export function memoryLedger(net: Net): MemoryLedger {
  const m = {
    masterWeightsBytes: net.bytes("master"),
    weightsBytes: net.bytes("weights"),
    activationsBytes: net.bytes("activations"),
    gradientsBytes: net.bytes("gradients"),
    optimizerBytes: net.bytes("optimizer"),
  };
  return { ...m, totalBytes: Object.values(m).reduce((a, b) => a + b, 0) };
}
