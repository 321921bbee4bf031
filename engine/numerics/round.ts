// The element-format API of cells and scripts: roundTo / bitsOf / fromBits (one value)
// and roundArray (a tensor), over every format of formats.ts. Options are validated
// before any work (a wrong name says which names exist); the per-element loops call
// the unvalidated encoder directly.
//   roundTo(0.3, "e2m1")                                  -> 0.5
//   bitsOf(448, "e4m3")                                   -> 0x7e
//   roundTo(1 + 2**-10, "bf16", { rounding: "stochastic", seed: 7, index: 3 })
// Stochastic rounding draws randomBits(seed, index) (randomBits.ts): the same value,
// seed and index round the same way on every backend; `index` is the element's
// position in its tensor (roundArray uses index + i).
import { z } from "zod";
import { describeIssues } from "../payload/parse.js";
import { decodeBits, ELEMENT_FORMATS, encodeBits, f32Bits, FORMATS, type ElementFormat } from "./formats.js";
import { randomBits } from "./randomBits.js";

// zod schemas built at import: no code generation (see engine/config/schema.ts)
z.config({ jitless: true });

const uint32 = (what: string) =>
  z.number({ error: `${what} must be an integer from 0 to 4294967295` })
    .int({ error: `${what} must be an integer from 0 to 4294967295` })
    .min(0, { error: `${what} must be an integer from 0 to 4294967295` })
    .max(0xffffffff, { error: `${what} must be an integer from 0 to 4294967295` });

export const elementFormatSchema = z.enum(ELEMENT_FORMATS, { error: `format must be one of ${ELEMENT_FORMATS.map((f) => `"${f}"`).join(", ")}` });
export const roundingSchema = z.enum(["nearest", "stochastic"], { error: 'rounding must be "nearest" or "stochastic"' });
export type Rounding = z.infer<typeof roundingSchema>;

export const roundOptionsSchema = z
  .strictObject(
    {
      saturate: z.boolean({ error: "saturate must be true or false" }).default(false)
        .describe("finite values beyond the range become ±max (e2m1/e2m3/e3m2 always saturate: they have no Inf or NaN)"),
      rounding: roundingSchema.default("nearest"),
      seed: uint32("seed").optional().describe("the random stream of stochastic rounding (required with it)"),
      index: uint32("index").default(0).describe("the element's index in its tensor: which draw of the stream it takes"),
    },
    { error: (iss) => (iss.code === "unrecognized_keys" ? `unknown option ${iss.keys.map((k) => `"${k}"`).join(", ")}; allowed: saturate, rounding, seed, index` : undefined) },
  )
  .refine((o) => o.rounding !== "stochastic" || o.seed !== undefined, { error: 'rounding "stochastic" needs a seed (an integer from 0 to 4294967295)', path: ["seed"] });

export type RoundOptions = z.input<typeof roundOptionsSchema>;
type Resolved = z.output<typeof roundOptionsSchema>;

function resolve(format: unknown, opts: unknown): [ElementFormat, Resolved] {
  const f = elementFormatSchema.safeParse(format);
  if (!f.success) throw new Error(`${describeIssues(f.error)} (got ${JSON.stringify(format)})`);
  const o = roundOptionsSchema.safeParse(opts ?? {});
  if (!o.success) throw new Error(`round options: ${describeIssues(o.error)}`);
  return [f.data, o.data];
}

function code(bits: number, format: ElementFormat, o: Resolved, index: number): number {
  const r = o.rounding === "stochastic" ? randomBits(o.seed!, index >>> 0) : undefined;
  return encodeBits(bits, FORMATS[format], o.saturate, r);
}

/** The code (bit pattern) of x in `format`; x is first rounded to fp32. */
export function bitsOf(x: number, format: ElementFormat, opts?: RoundOptions): number {
  const [f, o] = resolve(format, opts);
  return code(f32Bits(x), f, o, o.index);
}

/** The value of a code of `format`. */
export function fromBits(bits: number, format: ElementFormat): number {
  const [f] = resolve(format, {});
  const width = FORMATS[f].bits;
  if (!Number.isInteger(bits) || bits < 0 || bits >= 2 ** width) throw new Error(`bits must be an integer from 0 to ${2 ** width - 1} for ${f} (got ${bits})`);
  return decodeBits(bits, FORMATS[f]);
}

/** x rounded to `format` (the round trip fp32 -> format -> fp32). */
export function roundTo(x: number, format: ElementFormat, opts?: RoundOptions): number {
  const [f, o] = resolve(format, opts);
  return decodeBits(code(f32Bits(x), f, o, o.index), FORMATS[f]);
}

export interface RoundedArray {
  /** the rounded values */
  values: Float32Array;
  /** their codes (16-bit formats in a Uint16Array) */
  codes: Uint8Array | Uint16Array;
}

/** Every element of `src` rounded to `format`; element i draws index `opts.index + i`. */
export function roundArray(src: Float32Array, format: ElementFormat, opts?: RoundOptions): RoundedArray {
  const [f, o] = resolve(format, opts);
  const spec = FORMATS[f];
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const codes = spec.bits > 8 ? new Uint16Array(src.length) : new Uint8Array(src.length);
  const values = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    codes[i] = code(bits[i]!, f, o, o.index + i);
    values[i] = decodeBits(codes[i]!, spec);
  }
  return { values, codes };
}
