import v8 from "node:v8";
if (process.argv[3] === "fma") v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
const engine = await import("../dist/engine.mjs");
const b = await engine.createWasmBackend();
const cfg = (precision, steps) => ({ model: { inputs: 64, hidden: [256, 256], outputs: 16, activation: "relu", seed: 1 }, data: { type: "teacher", inputs: 64, outputs: 16, samples: 2048, seed: 2 }, steps, batchSize: 256, chunkSize: steps, statsInterval: 1e9, optimizer: { type: "sgd", lr: 0.01 }, precision, scaler: precision === "fp32" ? { type: "none" } : { type: "dynamic", preset: "pytorch" } });
const p = process.argv[2];
for (let i = 0; i < 3; i++) { const r = await engine.train(cfg(p, 60), { backend: b }); console.log(p, r.timings.stepsPerSecond.toFixed(1)); }
