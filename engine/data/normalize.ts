// Data normalisation: per column, the model sees (x - shift) / scale.
//   standard: shift = mean, scale = std (population, over every row)
//   minmax:   shift = min,  scale = max - min (the column lands in [0, 1])
//   none:     shift = 0,    scale = 1
// A constant column keeps scale 1 (nothing to divide by). The arithmetic is fp64 on the
// fp32 values, stored back to fp32: the exported script does the same in numpy
// (engine/export/pythonData.ts), so both sides train on the same fp32 numbers.
import type { ColumnScaling, DataSpec, NormalizeMethod, Normalization } from "../config/schema.js";
import type { ColumnMoments } from "./columns.js";

/** The methods a data spec asks for (absent: none). */
export function normalizeMethods(spec: Pick<DataSpec, "normalize">): { inputs: NormalizeMethod; targets: NormalizeMethod } {
  const n = spec.normalize;
  if (n === undefined) return { inputs: "none", targets: "none" };
  if (typeof n === "string") return { inputs: n, targets: n };
  return { inputs: n.inputs ?? "none", targets: n.targets ?? "none" };
}

export function fitScaling(method: NormalizeMethod, moments: ColumnMoments[]): ColumnScaling {
  const nonzero = (s: number) => (s > 0 && Number.isFinite(s) ? s : 1);
  switch (method) {
    case "standard": return { method, shift: moments.map((m) => m.mean), scale: moments.map((m) => nonzero(m.std)) };
    case "minmax": return { method, shift: moments.map((m) => m.min), scale: moments.map((m) => nonzero(m.max - m.min)) };
    case "none": return { method, shift: moments.map(() => 0), scale: moments.map(() => 1) };
  }
}

/** Whether a normalisation changes anything (a run without one keeps no normalization). */
export function isIdentity(n: Normalization): boolean {
  return n.inputs.method === "none" && n.targets.method === "none";
}

/** Row-major `values` [rows, width] := (values - shift) / scale, in place. */
export function normalizeInPlace(values: Float32Array, s: ColumnScaling): void {
  const width = s.shift.length;
  if (s.method === "none") return;
  for (let i = 0; i < values.length; i++) {
    const c = i % width;
    values[i] = (values[i] - s.shift[c]) / s.scale[c];
  }
}

/** The inverse, for a model's outputs [rows, width]: rows of original units (fp64). */
export function denormalizeRows(values: Float32Array, s: ColumnScaling): number[][] {
  const width = s.shift.length, rows = values.length / width;
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: width }, (_, c) => values[r * width + c] * s.scale[c] + s.shift[c]),
  );
}
