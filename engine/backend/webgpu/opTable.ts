// The WebGPU backend's op table: each op's WGSL kernels (engine/ops/<op>/webgpu.ts).
import { activationBackwardWebGpu, activationForwardWebGpu } from "../../ops/activation/webgpu.js";
import { adamStepWebGpu } from "../../ops/adamw/webgpu.js";
import { gatherRowsWebGpu } from "../../ops/gatherRows/webgpu.js";
import { matmulWebGpu } from "../../ops/matmul/webgpu.js";
import { mseLossWebGpu } from "../../ops/mse/webgpu.js";
import { quantizeFp8WebGpu } from "../../ops/quantize/webgpu.js";
import type { OpTable } from "../../ops/registry.js";
import { sgdStepWebGpu } from "../../ops/sgd/webgpu.js";
import { sumRowsWebGpu } from "../../ops/sumRows/webgpu.js";
import type { WebGpuKernelContext } from "./webgpuContext.js";

export const WEBGPU_OPS: OpTable<WebGpuKernelContext> = {
  matmul: matmulWebGpu,
  sumRows: sumRowsWebGpu,
  activationForward: activationForwardWebGpu,
  activationBackward: activationBackwardWebGpu,
  mseLoss: mseLossWebGpu,
  gatherRows: gatherRowsWebGpu,
  sgdStep: sgdStepWebGpu,
  adamStep: adamStepWebGpu,
  quantizeFp8: quantizeFp8WebGpu,
};
