// From materialised data to what a run uploads: each column's moments in original units,
// the normalisation (fitted on every row, or a trained model's own), applied in place,
// and what the policy's cast does to every value. All on the host, before any upload.
import type { DType } from "../backend/backend.js";
import type { Normalization, TrainConfig } from "../config/schema.js";
import { columnCasts, columnMoments } from "./columns.js";
import type { DataReport } from "./dataReport.js";
import type { Dataset } from "./datasets.js";
import { fitScaling, isIdentity, normalizeInPlace, normalizeMethods } from "./normalize.js";

export interface PreparedData {
  /** the run's normalisation (absent when it is "none" for both sides) */
  normalization?: Normalization;
  report: DataReport;
}

/** Normalises `data` in place (its arrays are the run's own) and describes it. */
export function prepareData(data: Dataset, config: Pick<TrainConfig, "data" | "model">, dtype: DType): PreparedData {
  const methods = normalizeMethods(config.data);
  const xm = columnMoments(data.x, data.inputs), ym = columnMoments(data.y, data.outputs);
  // a trained model keeps the statistics its weights were fitted to (validate.ts checked the methods match)
  const normalization = config.model.normalization ?? { inputs: fitScaling(methods.inputs, xm), targets: fitScaling(methods.targets, ym) };
  normalizeInPlace(data.x, normalization.inputs);
  normalizeInPlace(data.y, normalization.targets);
  const xc = columnCasts(data.x, data.inputs), yc = columnCasts(data.y, data.outputs);
  const names = data.names ?? {
    inputs: xm.map((_, i) => `x[${i}]`),
    targets: ym.map((_, i) => `y[${i}]`),
  };
  const columns = (m: typeof xm, c: typeof xc, n: string[]) => m.map((mo, i) => ({ name: n[i], ...mo, ...c[i] }));
  return {
    ...(isIdentity(normalization) ? {} : { normalization }),
    report: {
      samples: data.samples,
      dtype,
      normalize: { inputs: normalization.inputs.method, targets: normalization.targets.method },
      inputs: columns(xm, xc, names.inputs),
      targets: columns(ym, yc, names.targets),
    },
  };
}
