// WebGPU types for engine/backend/webgpu (the engine's tsconfig has no DOM lib).
/// <reference types="@webgpu/types" />
