// What fp16, bf16, E4M3 and E5M2 do to one number: the editor hover on a numeric literal
// (extension/editor is a thin layer over numberAt + describeNumber + formatNumberInfo).
import { bf16Bits, roundBf16 } from "../numerics/bfloat16.js";
import { f16Bits, F16_MIN_NORMAL, roundF16 } from "../numerics/float16.js";
import { BF16_MIN_NORMAL } from "../numerics/bfloat16.js";
import { FP8, fp8Bits, fromFp8Bits } from "../numerics/fp8.js";

export type ValueKind = "zero" | "normal" | "subnormal" | "underflow" | "overflow" | "inf" | "nan";

export interface FormatInfo {
  format: "fp16" | "bf16" | "e4m3" | "e5m2";
  value: number;
  /** the bit pattern, 0x-prefixed hex */
  bits: string;
  absError: number;
  /** |rounded - x| / |x|: 0 for x = 0 or a non-finite x, 1 on underflow, Infinity on overflow */
  relError: number;
  kind: ValueKind;
}

export interface NumberInfo {
  /** the literal's value as written (a JS double) */
  input: number;
  /** as the engine stores it before any cast */
  fp32: number;
  fp16: FormatInfo;
  bf16: FormatInfo;
  /** fp8, unscaled, non-saturating (overflow: E4M3 NaN, E5M2 Inf; a saturating cast gives ±max) */
  e4m3: FormatInfo;
  e5m2: FormatInfo;
}

function info(format: FormatInfo["format"], x: number): FormatInfo {
  const fp8 = format === "e4m3" || format === "e5m2";
  const value = fp8 ? fromFp8Bits(format, fp8Bits(format, x, false)) : format === "fp16" ? roundF16(x) : roundBf16(x);
  const bits = fp8 ? fp8Bits(format, x, false) : format === "fp16" ? f16Bits(x) : bf16Bits(x);
  const minNormal = fp8 ? FP8[format].minNormal : format === "fp16" ? F16_MIN_NORMAL : BF16_MIN_NORMAL;
  let kind: ValueKind;
  if (Number.isNaN(x)) kind = "nan";
  else if (!Number.isFinite(x)) kind = "inf";
  else if (x === 0) kind = "zero";
  else if (!Number.isFinite(value)) kind = "overflow"; // fp8 E4M3: NaN
  else if (value === 0) kind = "underflow";
  else kind = Math.abs(value) < minNormal ? "subnormal" : "normal";
  const absError = Number.isFinite(x) ? Math.abs(value - x) : 0;
  return { format, value, bits: `0x${bits.toString(16).padStart(fp8 ? 2 : 4, "0")}`, absError, relError: x === 0 || !Number.isFinite(x) ? 0 : absError / Math.abs(x), kind };
}

export function describeNumber(x: number): NumberInfo {
  if (typeof x !== "number") throw new Error(`describeNumber: expected a number, got ${typeof x}`);
  const fp32 = Math.fround(x);
  return { input: x, fp32, fp16: info("fp16", fp32), bf16: info("bf16", fp32), e4m3: info("e4m3", fp32), e5m2: info("e5m2", fp32) };
}

const KIND_WORDS: Record<ValueKind, string> = {
  zero: "zero",
  normal: "normal",
  subnormal: "subnormal (reduced precision)",
  underflow: "underflows to 0",
  overflow: "overflows to Inf",
  inf: "infinite",
  nan: "NaN",
};

/** Markdown for a hover. */
export function formatNumberInfo(n: NumberInfo): string {
  const words = (f: FormatInfo) =>
    f.kind !== "overflow" || (f.format !== "e4m3" && f.format !== "e5m2")
      ? KIND_WORDS[f.kind]
      : `beyond ±${FP8[f.format].max}: ${f.format === "e4m3" ? "NaN" : "Inf"} (±${FP8[f.format].max} saturating)`;
  const row = (f: FormatInfo) =>
    `| ${f.format === "e4m3" ? "fp8 E4M3" : f.format === "e5m2" ? "fp8 E5M2" : f.format} | ${f.value} | ${f.bits} | ${f.kind === "overflow" ? "∞" : f.absError === 0 ? "exact" : `${f.absError.toPrecision(3)} (${(100 * f.relError).toPrecision(3)}%)`} | ${words(f)} |`;
  return [
    `**${n.input}** in reduced precision${n.fp32 !== n.input ? ` (fp32: ${n.fp32})` : ""}`,
    "",
    "| format | value | bits | rounding error | |",
    "| --- | --- | --- | --- | --- |",
    row(n.fp16),
    row(n.bf16),
    row(n.e4m3),
    row(n.e5m2),
    "",
    "fp8 values are unscaled; in training each tensor is multiplied by its own scale first.",
  ].join("\n");
}

/** The numeric literal of JavaScript or JSON text covering `offset`, with its range; null when none. */
export function numberAt(text: string, offset: number): { start: number; end: number; value: number } | null {
  const re = /-?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let start = m.index, lit = m[0];
    const end = start + lit.length;
    if (start > offset) break;
    if (offset > end) continue;
    // after an operand, "-" is a subtraction, not the literal's sign
    if (lit[0] === "-" && start > 0 && /[\w$)\]]/.test(text[start - 1])) { start++; lit = lit.slice(1); }
    // part of an identifier (x1, a.b2) is no literal
    else if (start > 0 && /[\w$]/.test(text[start - 1])) return null;
    const neg = lit[0] === "-";
    const value = (neg ? -1 : 1) * Number((neg ? lit.slice(1) : lit).replace(/_/g, ""));
    return Number.isNaN(value) || offset < start ? null : { start, end, value };
  }
  return null;
}
