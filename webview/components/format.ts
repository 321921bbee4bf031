// Number formatting shared by every view: powers of two, shares, bytes, magnitudes.

/** Values that crossed JSON may arrive as null or as "Infinity"/"NaN" strings: back to numbers. */
export function num(x: unknown): number {
  if (typeof x === "number") return x;
  if (x === "Infinity" || x === "+Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  return NaN;
}

/** "2^16" for exact powers of two, else a short decimal. */
export function formatScale(s: number): string {
  if (!Number.isFinite(s) || s <= 0) return String(s);
  const e = Math.log2(s);
  if (Number.isInteger(e)) return `2^${e}`;
  return formatNumber(s);
}

/** Three significant digits; exponent form for very small or large magnitudes. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined) return "–";
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Inf" : "-Inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2).replace(/\.?0+e/, "e"); // 1e-4, 1.5e-7, 1.23e-7
  return String(Number(x.toPrecision(3)));
}

/** A share in [0, 1] as a percentage with up to three significant digits. */
export function formatShare(f: number): string {
  if (!Number.isFinite(f)) return "–";
  if (f === 0) return "0%";
  return `${Number((f * 100).toPrecision(3))}%`;
}

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${Number((b / 1024).toPrecision(3))} KiB`;
  if (b < 1024 ** 3) return `${Number((b / 1024 ** 2).toPrecision(3))} MiB`;
  return `${Number((b / 1024 ** 3).toPrecision(3))} GiB`;
}

export const ROLE_LABEL: Record<string, string> = {
  weights: "weights",
  activations: "activations",
  activationGrads: "activation gradients",
  weightGrads: "weight gradients",
};

/** "layer 2" for layers, "the loss" for layer 0. */
export function layerLabel(layer: number): string {
  return layer === 0 ? "the loss" : `layer ${layer}`;
}
