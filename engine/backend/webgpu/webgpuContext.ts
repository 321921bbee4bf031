// What the WebGPU backend hands its kernels (engine/ops/<op>/webgpu.ts): recording a
// dispatch, a tensor's buffer, pooled scratch buffers, the step state buffer, and the
// workgroup arithmetic of the one-dimensional kernels.
import type { Tensor } from "../backend.js";
import type { BufferPool } from "./bufferPool.js";
import type { KernelDef } from "./kernels.js";
import type { Constants } from "./pipelineCache.js";
import type { Param, Recorder } from "./recorder.js";

export interface WebGpuKernelContext {
  /** records a dispatch of `def` specialised by `constants` (no waiting) */
  run(def: KernelDef, constants: Constants, buffers: GPUBuffer[], params: Param[], groups: readonly [number, number?]): void;
  /** the tensor's buffer (checked: this backend's, not disposed) */
  buf(t: Tensor): GPUBuffer;
  pool: BufferPool;
  rec: Recorder;
  /** the step state (layout.ts), binding 1 of the kernels that include stepState.wgsl */
  state: GPUBuffer;
  /** a small buffer for bindings a specialisation does not use */
  dummy: GPUBuffer;
  /** workgroups of WORKGROUP_SIZE for `items` invocations (a 2-D grid past 65535) */
  groups(items: number): [number, number];
  /** invocations of a grid-stride kernel: about `per` items each, at most `max` */
  threads(items: number, per: number, max: number): number;
}
