// The kernel table: each WGSL kernel, the preludes it needs and its bindings.
// Binding 0 is always the kernel's uniform Params (a slice of the per-submit uniform
// arena, bound with a dynamic offset); kernels that touch the step state have it at
// binding 1 (shaders/stepState.wgsl).
import numerics from "./shaders/numerics.wgsl";
import stepState from "./shaders/stepState.wgsl";
import activations from "./shaders/activations.wgsl";
import cast from "./shaders/cast.wgsl";
import gatherRows from "./shaders/gatherRows.wgsl";
import matmulNT from "./shaders/matmulNT.wgsl";
import transposeToF32 from "./shaders/transposeToF32.wgsl";
import columnSum from "./shaders/columnSum.wgsl";
import activationForward from "./shaders/activationForward.wgsl";
import activationBackward from "./shaders/activationBackward.wgsl";
import mseLoss from "./shaders/mseLoss.wgsl";
import reduceInto from "./shaders/reduceInto.wgsl";
import unscaleCheck from "./shaders/unscaleCheck.wgsl";
import checkFinite from "./shaders/checkFinite.wgsl";
import sgdStep from "./shaders/sgdStep.wgsl";
import adamStep from "./shaders/adamStep.wgsl";
import beginStep from "./shaders/beginStep.wgsl";
import endStep from "./shaders/endStep.wgsl";
import observe from "./shaders/observe.wgsl";
import fp8 from "./shaders/fp8.wgsl";
import fp8Amax from "./shaders/fp8Amax.wgsl";
import fp8Quantize from "./shaders/fp8Quantize.wgsl";
import fp8Record from "./shaders/fp8Record.wgsl";

/** How a storage binding is used: read-only or read-write. */
export type Access = "read" | "write";

export interface KernelDef {
  name: string;
  /** the kernel file's text, after its preludes */
  source: string;
  preludes: string[];
  /** storage bindings 1..n (binding 0 is the uniform Params) */
  storage: Access[];
}

const withState = [numerics, stepState];

function k(name: string, source: string, preludes: string[], storage: Access[]): KernelDef {
  return { name, source, preludes, storage };
}

export const KERNELS = {
  cast: k("cast", cast, [numerics], ["read", "write"]),
  gatherRows: k("gatherRows", gatherRows, [numerics], ["read", "read", "write"]),
  matmulNT: k("matmulNT", matmulNT, [numerics], ["read", "read", "read", "write", "write"]),
  transposeToF32: k("transposeToF32", transposeToF32, [numerics], ["read", "write"]),
  columnSum: k("columnSum", columnSum, [numerics], ["read", "write"]),
  activationForward: k("activationForward", activationForward, [numerics, activations], ["read", "write"]),
  activationBackward: k("activationBackward", activationBackward, [numerics, activations], ["read", "read", "write"]),
  mseLoss: k("mseLoss", mseLoss, withState, ["write", "read", "read", "write", "write", "write"]),
  reduceInto: k("reduceInto", reduceInto, withState, ["write", "read"]),
  unscaleCheck: k("unscaleCheck", unscaleCheck, withState, ["write", "read", "write", "write"]),
  checkFinite: k("checkFinite", checkFinite, withState, ["write", "read"]),
  sgdStep: k("sgdStep", sgdStep, withState, ["write", "write", "read", "write"]),
  adamStep: k("adamStep", adamStep, withState, ["write", "write", "read", "write", "write"]),
  beginStep: k("beginStep", beginStep, withState, ["write"]),
  endStep: k("endStep", endStep, withState, ["write", "write"]),
  observe: k("observe", observe, [numerics], ["read", "read", "write"]),
  fp8Amax: k("fp8Amax", fp8Amax, [numerics, fp8], ["read", "write"]),
  fp8Quantize: k("fp8Quantize", fp8Quantize, [numerics, fp8], ["read", "write", "write", "write"]),
  fp8Record: k("fp8Record", fp8Record, [], ["read", "write"]),
} satisfies Record<string, KernelDef>;

export type KernelName = keyof typeof KERNELS;

/** The full WGSL text of a kernel: its preludes, then the kernel. */
export function kernelSource(def: KernelDef): string {
  return [...def.preludes, def.source].join("\n");
}

/** dtype codes of the shaders' override constants (numerics.wgsl). */
export const DT_CODE = { f32: 0, f16: 1, bf16: 2 } as const;
export const ACT_CODE = { relu: 0, gelu: 1, tanh: 2, sigmoid: 3, linear: 4 } as const;
export const RULE_CODE = { pytorch: 0, deepspeed: 1, apex: 2, keras: 3, jmp: 4 } as const;
export const FMT_CODE = { e4m3: 0, e5m2: 1 } as const;
export const SCALING_CODE = { tensor: 0, current: 1, block: 2 } as const;
export const KIND_CODE = { static: 0, none: 1, dynamic: 2 } as const;
