// WGSL kernels: how a kernel is defined (its file, the preludes it needs, its bindings),
// the shared preludes, and the core's kernels (casts, unscale-and-check, the step state,
// statistics). Each op's kernels are defined beside their .wgsl files in the op's folder
// (engine/ops/<op>/webgpu.ts) with `kernel()` and these preludes.
// Binding 0 is always the kernel's uniform Params (a slice of the per-submit uniform
// arena, bound with a dynamic offset); kernels that touch the step state have it at
// binding 1 (shaders/stepState.wgsl). Preludes are whole files (and one generated from
// layout.ts) prepended to the kernel: no kernel text is templated.
import numerics from "./shaders/numerics.wgsl";
import dispatch from "./shaders/dispatch.wgsl";
import elementwise from "./shaders/elementwise.wgsl";
import stepState from "./shaders/stepState.wgsl";
import cast from "./shaders/cast.wgsl";
import reduceInto from "./shaders/reduceInto.wgsl";
import unscaleCheck from "./shaders/unscaleCheck.wgsl";
import checkFinite from "./shaders/checkFinite.wgsl";
import beginStep from "./shaders/beginStep.wgsl";
import endStep from "./shaders/endStep.wgsl";
import observe from "./shaders/observe.wgsl";
import { layoutWgsl } from "./layout.js";

/** How a storage binding is used: read-only or read-write. */
export type Access = "read" | "write";

export interface KernelDef {
  name: string;
  /** the kernel file's text, after its preludes */
  source: string;
  preludes: string[];
  /** storage bindings 1..n (binding 0 is the uniform Params) */
  storage: Access[];
  /** override constants every pipeline of this kernel gets (WORKGROUP_SIZE of dispatch.wgsl) */
  fixed?: Record<string, number>;
}

/** Invocations a workgroup of the one-dimensional kernels (dispatch.wgsl's override). */
export const WORKGROUP_SIZE = 64;

const layout = layoutWgsl();
/** Preludes: the step state at binding 1 (with the generated layouts). */
export const STATE = [layout, stepState];
/** Preludes: a one-dimensional dispatch (WORKGROUP_SIZE, linear_id). */
export const ONE_D = [dispatch];
/** Preludes: an elementwise kernel's entry point, one invocation per output word (elementwise.wgsl). */
export const PER_WORD = [dispatch, elementwise];
/** Prelude: the generated layouts alone (statistics slots). */
export const LAYOUT = [layout];

/** A kernel of `source` after numerics.wgsl and `preludes`. */
export function kernel(name: string, source: string, preludes: string[], storage: Access[]): KernelDef {
  return { name, source, preludes: [numerics, ...preludes], storage, fixed: preludes.includes(dispatch) ? { WORKGROUP_SIZE } : {} };
}

/** The core's kernels. */
export const KERNELS = {
  cast: kernel("cast", cast, PER_WORD, ["read", "write"]),
  reduceInto: kernel("reduceInto", reduceInto, [...ONE_D, ...STATE], ["write", "read"]),
  unscaleCheck: kernel("unscaleCheck", unscaleCheck, [...ONE_D, ...STATE], ["write", "read", "write", "write"]),
  checkFinite: kernel("checkFinite", checkFinite, [...ONE_D, ...STATE], ["write", "read"]),
  beginStep: kernel("beginStep", beginStep, STATE, ["write"]),
  endStep: kernel("endStep", endStep, STATE, ["write", "write"]),
  observe: kernel("observe", observe, [...ONE_D, ...LAYOUT], ["read", "read", "write"]),
} satisfies Record<string, KernelDef>;

/** The full WGSL text of a kernel: its preludes, then the kernel. */
export function kernelSource(def: KernelDef): string {
  return [...def.preludes, def.source].join("\n");
}

/** dtype codes of the shaders' override constants (numerics.wgsl). */
export const DT_CODE = { f32: 0, f16: 1, bf16: 2 } as const;
export const RULE_CODE = { pytorch: 0, deepspeed: 1, apex: 2, keras: 3, jmp: 4 } as const;
export const KIND_CODE = { static: 0, none: 1, dynamic: 2 } as const;
