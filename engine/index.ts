// The public API of the engine: what a Node script imports and what a notebook
// cell sees. Exports only.
export { train, type TrainOptions } from "./train/run.js";
export { predict } from "./train/predict.js";
export { mlp } from "./model/mlp.js";
export { mse } from "./loss/mse.js";
export { sgd, adam } from "./optim/optimizers.js";
export { datasets } from "./data/datasets.js";
export { parseTrainConfig, ConfigError } from "./config/validate.js";
export { configJsonSchema } from "./config/jsonSchema.js";
export { createCpuBackend } from "./backend/cpu/cpuBackend.js";
export { createWebGpuBackend } from "./backend/webgpu/register.js";
export { selectBackend, registerWebGpu, type BackendChoice } from "./backend/select.js";
export * from "./config/schema.js";
export type * from "./train/runResult.js";
export type * from "./backend/backend.js";
export { RUN_RESULT_MIME } from "./train/runResult.js";
export { roundF16, f16Bits, fromF16Bits, F16_MAX, F16_MIN_NORMAL, F16_MIN_SUBNORMAL } from "./numerics/float16.js";
export { roundBf16, bf16Bits, fromBf16Bits } from "./numerics/bfloat16.js";
export { createScaler, dynamicScaler, staticScaler, noScaler, ruleFromSpec, initialScalerState, updateScaler } from "./scaler/lossScaler.js";
export type { LossScaler, DynamicScalerOptions } from "./scaler/lossScaler.js";
export { SCALER_PRESETS } from "./scaler/presets.js";
