// The CPU backend's op table: the reference kernel of every op (engine/ops/<op>/cpu.ts).
import { activationBackwardCpu, activationForwardCpu } from "../../ops/activation/cpu.js";
import { adamStepCpu } from "../../ops/adamw/cpu.js";
import { gatherRowsCpu } from "../../ops/gatherRows/cpu.js";
import { matmulCpu } from "../../ops/matmul/cpu.js";
import { mseLossCpu } from "../../ops/mse/cpu.js";
import { quantizeFp8Cpu } from "../../ops/quantize/cpu.js";
import type { OpTable } from "../../ops/registry.js";
import { sgdStepCpu } from "../../ops/sgd/cpu.js";
import { sumRowsCpu } from "../../ops/sumRows/cpu.js";
import type { CpuKernelContext } from "./cpuContext.js";

export const CPU_OPS: OpTable<CpuKernelContext> = {
  matmul: matmulCpu,
  sumRows: sumRowsCpu,
  activationForward: activationForwardCpu,
  activationBackward: activationBackwardCpu,
  mseLoss: mseLossCpu,
  gatherRows: gatherRowsCpu,
  sgdStep: sgdStepCpu,
  adamStep: adamStepCpu,
  quantizeFp8: quantizeFp8Cpu,
};
