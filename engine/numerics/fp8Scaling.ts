// fp8 scaling recipes, per tensor: the number s a tensor is multiplied by before
// its fp8 cast (q = fp8(x·s)) and divided by after (x̂ = q · fl(1/s)).
//
// - delayed (Transformer Engine's DelayedScaling; defaults margin 0, amax history
//   1024, "max"): the cast uses the scale computed after the *previous* step. After
//   each step the tensor's amax enters the history (a window of the last
//   `historyLen` steps); amax = max of the window ("max") or this step's ("most_recent");
//   scale = fp8_max / amax / 2^margin. Where that amax is 0 or not finite the old scale
//   is kept (TE's _default_sf_compute); a scale that overflows fp32 becomes the fp32
//   max (as TE's compute_scale_from_amax does). The first step casts with scale 1.
// - current (TE's Float8CurrentScaling): scale = fp8_max / amax of the tensor itself,
//   in the same step; 1 where amax is 0 or not finite; fp32 max where it overflows.
// - block (MX, OCP Microscaling v1.0): one power-of-two scale 2^-X for each 32
//   consecutive values, X = floor(log2(block amax)) - emax (emax 8 for E4M3, 15 for
//   E5M2), X clamped to the E8M0 range [-127, 127]; scale 1 for an all-zero or
//   non-finite block. Saturating or not as the recipe says (MX itself saturates).
// Every division is an fp32 division correctly rounded (JS divides in fp64 and
// rounds once more to fp32, which is exact for a quotient of two fp32 numbers), so
// the WGSL twin (engine/ops/quantize/fp8.wgsl: integer long division) gets the same bits.
import { FP8, type Fp8Format } from "./fp8.js";

export const FP32_MAX = 3.4028234663852886e38;
export const MX_BLOCK = 32;

export type AmaxAlgo = "max" | "most_recent";

/** fl(fp8_max / amax): TE's compute_scale_from_amax (no epsilon, no power-of-two rounding). */
export function currentScale(format: Fp8Format, amax: number): number {
  if (!(amax > 0) || !Number.isFinite(amax)) return 1;
  const s = Math.fround(FP8[format].max / Math.fround(amax));
  return Number.isFinite(s) ? s : FP32_MAX;
}

/** The delayed update rule: the new scale from the history's amax, or the old one. */
export function delayedScale(format: Fp8Format, amax: number, margin: number, oldScale: number): number {
  if (!(amax > 0) || !Number.isFinite(amax)) return oldScale;
  const s = Math.fround(Math.fround(FP8[format].max / Math.fround(amax)) / 2 ** margin);
  return Number.isFinite(s) ? s : FP32_MAX;
}

/** MX block scale 2^-X from a block's amax (power of two: the cast's multiply is exact). */
export function blockScale(format: Fp8Format, amax: number): number {
  if (!(amax > 0) || !Number.isFinite(amax)) return 1;
  const emax = format === "e4m3" ? 8 : 15;
  const e = floorLog2(amax);
  const X = Math.max(-127, Math.min(127, e - emax));
  return 2 ** -X;
}

/** floor(log2 a) of a positive finite fp32 value, from its bits (subnormals included). */
export function floorLog2(a: number): number {
  const b = new Uint32Array(Float32Array.of(a).buffer)[0] & 0x7fffffff;
  const e = b >>> 23;
  if (e > 0) return e - 127;
  return 31 - Math.clz32(b) - 149; // subnormal: m · 2^-149
}

/**
 * One tensor's delayed-scaling state: the amax window and the scale the next
 * cast uses. Plain data in, plain data out, so runs can report and resume it.
 */
export class DelayedScaling {
  scale = 1;
  /** the last `historyLen` amaxes, oldest first */
  readonly history: number[] = [];

  constructor(
    readonly format: Fp8Format,
    readonly historyLen = 1024,
    readonly algo: AmaxAlgo = "max",
    readonly margin = 0,
  ) {
    if (!Number.isInteger(historyLen) || historyLen < 1) throw new Error(`amaxHistoryLen must be a positive integer, got ${historyLen}`);
  }

  /** After a step: `amax` of the tensor in that step enters the window; returns the new scale. */
  update(amax: number): number {
    this.history.push(Math.fround(amax));
    if (this.history.length > this.historyLen) this.history.shift();
    const a = this.algo === "most_recent" ? this.history[this.history.length - 1] : windowMax(this.history);
    this.scale = delayedScale(this.format, a, this.margin, this.scale);
    return this.scale;
  }
}

/** max as torch.max: NaN anywhere gives NaN. */
function windowMax(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) {
    if (Number.isNaN(x)) return NaN;
    if (x > m) m = x;
  }
  return m;
}
