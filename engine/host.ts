// Node-only: the host side of the engine, for the VS Code extension host and the CLI.
// The notebook kernel (it runs cells in a process of its own), the message protocol
// (extension host <-> engine page, kernel process <-> extension host), engine sessions,
// the notebook file format, how values are displayed, and the formatters/editor helpers.
// What a cell calls is engine/index.ts (browser-safe); extension/ imports the engine
// through these two files only (test/engine/boundary.test.ts checks it). Exports only.
export * from "./protocol.js";
export { EngineGoneError, type EngineSession, type SessionTrainOptions } from "./session/engineSession.js";
export { createInProcessSession, type InProcessSessionOptions } from "./session/inProcessSession.js";
export { createSerialQueue, type SerialQueue } from "./session/serialQueue.js";
export * from "./notebook/format.js";
export { toMimeBundle } from "./notebook/display.js";
export { LiveRunOutput } from "./notebook/liveRun.js";
export { NotebookKernel, InterruptedError, type ExecuteResult, type ExecuteOptions, type CellError, type CellExecution } from "./notebook/kernel.js";
export { cellApi, type CellApiOptions } from "./notebook/cellApi.js";
export { configDiagnostics, runDiagnostics, type ConfigFix, type ConfigDiagnostic, type RunEvent } from "./inspect/configDiagnostics.js";
export { locateJsonPath, applyJsonFix, parsePath, type JsonPath } from "./inspect/jsonLocate.js";
export { numberAt } from "./inspect/numberInfo.js";
export { TENSOR_ROLES } from "./train/runResult.js";
export { KernelClient, type KernelClientOptions, type CellRunner, type RunCellOptions, type KernelReady } from "./kernel/kernelClient.js";
export type { CellOutcome, CellDefaults, MimeBundle as KernelMimeBundle } from "./kernel/kernelProtocol.js";
export { dawnLogFilter } from "./kernel/dawnLog.js";
export { decodeUtf8, parseJsonText, invalidUtf8Offset, JsonTextError } from "./config/jsonText.js";
export { estimateTrainingMemory, checkMemoryBudget, MemoryBudgetError, DEFAULT_MEMORY_BUDGET_MIB } from "./train/memoryEstimate.js";
export { enableRelaxedSimd } from "./backend/wasm/nodeRelaxedSimd.js";
export { registerGemmHelper } from "./backend/wasm/gemmHelper.js";
