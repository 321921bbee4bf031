// The kernel table: each WGSL kernel, the preludes it needs and its bindings.
// Binding 0 is always the kernel's uniform Params (a slice of the per-submit uniform
// arena, bound with a dynamic offset); kernels that touch the step state have it at
// binding 1 (shaders/stepState.wgsl). Preludes are whole files (and one generated from
// layout.ts) prepended to the kernel: no kernel text is templated.
import numerics from "./shaders/numerics.wgsl";
import dispatch from "./shaders/dispatch.wgsl";
import elementwise from "./shaders/elementwise.wgsl";
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
const state = [layout, stepState];
const oneD = [dispatch];
const perWord = [dispatch, elementwise];

function k(name: string, source: string, preludes: string[], storage: Access[]): KernelDef {
  return { name, source, preludes: [numerics, ...preludes], storage, fixed: preludes.includes(dispatch) ? { WORKGROUP_SIZE } : {} };
}

export const KERNELS = {
  cast: k("cast", cast, perWord, ["read", "write"]),
  gatherRows: k("gatherRows", gatherRows, perWord, ["read", "read", "write"]),
  matmulNT: k("matmulNT", matmulNT, [], ["read", "read", "read", "write", "write"]),
  transposeToF32: k("transposeToF32", transposeToF32, perWord, ["read", "write"]),
  columnSum: k("columnSum", columnSum, perWord, ["read", "write"]),
  activationForward: k("activationForward", activationForward, [activations, ...perWord], ["read", "write"]),
  activationBackward: k("activationBackward", activationBackward, [activations, ...perWord], ["read", "read", "write"]),
  mseLoss: k("mseLoss", mseLoss, [...oneD, ...state], ["write", "read", "read", "write", "write", "write"]),
  reduceInto: k("reduceInto", reduceInto, [...oneD, ...state], ["write", "read"]),
  unscaleCheck: k("unscaleCheck", unscaleCheck, [...oneD, ...state], ["write", "read", "write", "write"]),
  checkFinite: k("checkFinite", checkFinite, [...oneD, ...state], ["write", "read"]),
  sgdStep: k("sgdStep", sgdStep, [...state, ...perWord], ["write", "write", "read", "write"]),
  adamStep: k("adamStep", adamStep, [...state, ...perWord], ["write", "write", "read", "write", "write"]),
  beginStep: k("beginStep", beginStep, state, ["write"]),
  endStep: k("endStep", endStep, state, ["write", "write"]),
  observe: k("observe", observe, [...oneD, layout], ["read", "read", "write"]),
  fp8Amax: k("fp8Amax", fp8Amax, [fp8, ...oneD], ["read", "write"]),
  fp8Quantize: k("fp8Quantize", fp8Quantize, [fp8, ...oneD], ["read", "write", "write", "write"]),
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
