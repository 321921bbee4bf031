// What the CPU backend hands its kernels (engine/ops/<op>/cpu.ts): a tensor's values
// (a Float32Array whose values are representable in its dtype: "storing as fp16" is
// rounding with engine/numerics) and the step state.
import type { Tensor } from "../backend.js";
import type { HostStepState } from "../hostStepState.js";

export interface CpuKernelContext {
  data(t: Tensor): Float32Array;
  state: HostStepState;
}
