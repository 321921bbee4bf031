// What every op shares: its context, the kernel signature a backend registers for it,
// and the shape checks all backends run before a kernel sees its arguments.
//
// An op (a folder of engine/ops/) is its contract (`<op>.ts`: shapes, which outputs are
// rounded to their dtype, the forward and backward math), its CPU reference (`cpu.ts`),
// its wasm kernel (`*.wat` + `wasm.ts`) and its WGSL kernels (`*.wgsl` + `webgpu.ts`).
// Each backend lists the kernels it has in one table (engine/backend/<name>/opTable.ts);
// the contract's function validates the arguments and calls Backend.run, which looks
// the kernel up there.
import type { Tensor } from "../backend/backend.js";

/**
 * The op's context. At an observed step the statistics need each rounded output's values
 * before their cast: `f32Copy(out)` names an f32 tensor of out's size that the kernel
 * fills with the same results rounded to fp32 only, in the same pass (no second product).
 * Outside observed steps, and for outputs nobody looks at, it gives undefined.
 */
export interface OpContext {
  f32Copy(out: Tensor): Tensor | undefined;
}

/** The context of an unobserved step: no fp32 copies. */
export const NO_COPIES: OpContext = { f32Copy: () => undefined };

/** A context whose copies are the given (rounded output, f32 copy) pairs. */
export function copiesOf(pairs: Iterable<readonly [Tensor, Tensor | undefined]>): OpContext {
  const map = new Map<Tensor, Tensor>();
  for (const [out, copy] of pairs) if (copy) map.set(out, copy);
  return map.size ? { f32Copy: (t) => map.get(t) } : NO_COPIES;
}

/** A backend's kernel of one op: its own context `C`, the op's arguments, the op context. */
export type Kernel<C, A> = (c: C, args: A, ctx: OpContext) => void;

/** Throws `<op>: <what>` unless cond holds (the backends prefix their name). */
export function check(cond: boolean, op: string, what: string): asserts cond {
  if (!cond) throw new Error(`${op}: ${what}`);
}

export const shapeOf = (t: Tensor) => `[${t.shape.join(", ")}]`;

/** The f32 copy of `out` in ctx, checked: an f32 tensor of out's size. */
export function f32CopyOf(ctx: OpContext, out: Tensor, op: string): Tensor | undefined {
  const c = ctx.f32Copy(out);
  check(!c || (c.dtype === "f32" && c.size === out.size), op, `the f32 copy of an output must be an f32 tensor of its ${out.size} values`);
  return c;
}
