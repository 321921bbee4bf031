// normalize_data(): the exported script normalises its data as the run did
// (engine/data/normalize.ts, engine/data/columns.ts), number for number:
//  - statistics the run kept (a RunResult's model, or a config's trained model) are
//    written into the script;
//  - a config's are computed as ours are: fp64 over the fp32 values, sums in row order
//    (cumsum adds in order by definition; the order of a plain sum is numpy's choice,
//    pairwise along a contiguous axis), the spread from a second pass, population std;
//    a constant column keeps scale 1;
//  - applied in fp64, (v - shift) / scale, stored back to fp32.
// Every value enters through pythonLiteral.ts.
import type { Normalization, TrainConfig } from "../config/schema.js";
import { normalizeMethods } from "../data/normalize.js";
import { py, pyStr } from "./pythonLiteral.js";

/** Lines of normalize_data(x, y) (the identity where the run did not normalise). */
export function normalizeSection(config: TrainConfig, kept: Normalization | undefined): string[] {
  const methods = normalizeMethods(config.data);
  const stats = kept ?? config.model.normalization;
  if (!stats && methods.inputs === "none" && methods.targets === "none")
    return ["def normalize_data(x, y):", "    # the run trained on its data as it is (data.normalize: none)", "    return x, y"];
  const fixed = (side: "inputs" | "targets") =>
    stats ? `(${py(stats[side].shift, `normalization.${side}.shift`)}, ${py(stats[side].scale, `normalization.${side}.scale`)})` : `fit_scaling(${pyStr(methods[side], `data.normalize.${side}`)}, ${side === "inputs" ? "x" : "y"})`;
  return [
    "def fit_scaling(method, values):",
    "    # engine/data/normalize.ts: per column, fp64 over the fp32 values, sums in row order",
    "    v = values.astype(np.float64)",
    "    rows = v.shape[0]",
    '    if method == "none":',
    "        return [0.0] * v.shape[1], [1.0] * v.shape[1]",
    '    if method == "minmax":',
    "        lo, hi = v.min(axis=0), v.max(axis=0)",
    "        return list(lo), [s if s > 0 else 1.0 for s in (hi - lo)]",
    "    mean = np.cumsum(v, axis=0)[-1] / rows",
    "    d = v - mean",
    "    std = np.sqrt(np.cumsum(d * d, axis=0)[-1] / rows)",
    "    return list(mean), [s if s > 0 and math.isfinite(s) else 1.0 for s in std]",
    "",
    "",
    "def normalize_data(x, y):",
    `    # data.normalize: inputs ${methods.inputs}, targets ${methods.targets}${stats ? " (the run's own statistics)" : ""}: the model sees (v - shift) / scale per column`,
    `    (xs, xd), (ys, yd) = ${fixed("inputs")}, ${fixed("targets")}`,
    "    norm = lambda v, s, d: ((v.astype(np.float64) - np.asarray(s, dtype=np.float64)) / np.asarray(d, dtype=np.float64)).astype(np.float32)",
    "    return norm(x, xs, xd), norm(y, ys, yd)",
  ];
}
