// npm run bench [-- --quick]: speed and memory of our backends against TF.js and PyTorch,
// side by side in one run (medians over interleaved repeats, and ratios); the CLI itself
// (its own process, 2 threads) among them. Not a test:
// numbers depend on the machine and its load, which RESULTS.md records per section.
//   (a) matmul GFLOP/s at 256/512/1024: our cpu, wasm and webgpu backends (f32, fp16) vs
//       @tensorflow/tfjs cpu, wasm and webgpu (the last on the same Dawn adapter)
//   (b) the reference MLP's 8 GEMM shapes: our wasm products vs tfjs-wasm NN and NT
//   (c) training steps/s of the reference MLP (batch 256, 64-256-256-16, ReLU, MSE, SGD):
//       ours (fp32, mixed fp16/bf16; unobserved and observed steps) vs tfjs and PyTorch
//       (bench/torch_peer.py: fp32 and autocast fp16/bf16, 1 and 2 threads)
//   (d) scaling: steps/s against hidden width and batch, on cpu, wasm and webgpu
//   (e) the memory ledger, mixed-fp16 against fp32
//   (f) what an observed step (tensor statistics) costs against an unobserved one
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import v8 from "node:v8";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTorch, tfMatmulOp, tfMlp } from "./peers.mjs";

const quick = process.argv.includes("--quick");
const here = dirname(fileURLToPath(import.meta.url));
// WebGPU in Node here: SwiftShader's Vulkan from Debian's chromium package (as scripts/test.mjs).
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(os.tmpdir(), "xdg-"));
const swiftshader = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;

const engine = await import("../dist/engine.mjs");
const { ops } = engine;
const tf = await import("@tensorflow/tfjs");
const log = (...a) => console.error(...a);
const load0 = os.loadavg();
const t0 = performance.now();

// One Dawn instance for our backend and TF.js's (same adapter); it must stay alive.
let gpu = null;
try {
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  gpu = create([]);
  globalThis.navigator ??= { userAgent: "node" };
  globalThis.navigator.gpu = gpu;
} catch (e) {
  log(`no webgpu package: ${e.message}`);
}

const SIZES = quick ? [256, 512] : [256, 512, 1024];
const REPS = quick ? 3 : 5;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gflops = (n, ms) => (2 * n ** 3) / (ms * 1e6);
const fmt = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? "–" : x >= 100 ? x.toFixed(0) : x.toFixed(d));

/** Median ms of `reps` timings of `k` calls of op then one wait. */
async function timeMs(reps, k, op, wait) {
  op();
  await wait();
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const s = performance.now();
    for (let i = 0; i < k; i++) op();
    await wait();
    ts.push((performance.now() - s) / k);
  }
  return median(ts);
}

const filled = (n, seed) => Float32Array.from({ length: n }, (_, i) => (((i * 2654435761 + seed) >>> 0) % 2000) / 1000 - 1);

// ---- backends ----------------------------------------------------------------
// wasm twice: plain SIMD (what Node 20 gives a library user), then with relaxed-SIMD FMA
// turned on as the CLI does (engine/backend/wasm/nodeRelaxedSimd.ts); a backend keeps the
// kernels it was created with.
const wasmPlain = await engine.createWasmBackend("bench");
v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
const ours = { cpu: engine.createCpuBackend("bench"), wasm: await engine.createWasmBackend("bench") };
if (ours.wasm.info.adapter === wasmPlain.info.adapter) wasmPlain.destroy();
else ours["wasm-nofma"] = wasmPlain;
let adapter = "none";
try {
  ours.webgpu = await engine.createWebGpuBackend(gpu ? { gpu } : {});
  adapter = ours.webgpu.info.adapter;
} catch (e) {
  log(`our webgpu backend: ${e.message}`);
}

const tfBackends = {};
for (const name of ["cpu", "wasm", "webgpu"]) {
  try {
    if (name === "wasm") {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      wasm.setWasmPaths(join(here, "../node_modules/@tensorflow/tfjs-backend-wasm/dist/"));
    }
    if (name === "webgpu") {
      if (!gpu) throw new Error("no Dawn");
      await import("@tensorflow/tfjs-backend-webgpu");
    }
    if (!(await tf.setBackend(name))) throw new Error("setBackend returned false");
    await tf.ready();
    tfBackends[name] = true;
  } catch (e) {
    log(`tfjs ${name}: unavailable (${e.message})`);
  }
}
const torch = await startTorch();
if (torch.missing) log(`PyTorch: ${torch.missing}`);

/** Load average (1 min) at a section's start and end. */
const sections = {};
const section = (name) => {
  const start = os.loadavg()[0];
  log(`-- ${name} (load ${start.toFixed(1)})`);
  return () => { sections[name] = `load average ${start.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`; };
};

// ---- (a) matmul ------------------------------------------------------------------
let done = section("a");
async function ourMatmul(b, dtype, n) {
  const x = b.tensor([n, n], dtype, filled(n * n, 1)), w = b.tensor([n, n], dtype, filled(n * n, 2));
  const bias = b.tensor([n], dtype), out = b.tensor([n, n], dtype);
  const slow = quick || b.info.name === "cpu" || n >= 1024;
  const ms = await timeMs(slow ? Math.min(REPS, 3) : REPS, slow ? 1 : 4, () => ops.matmul(b, { out, a: x, b: w, transB: true, bias }), () => b.read(bias));
  for (const t of [x, w, bias, out]) b.dispose(t);
  return gflops(n, ms);
}

async function tfMatmul(name, n) {
  await tf.setBackend(name);
  const m = tfMatmulOp(tf, n, n, n, true);
  const slow = quick || name === "cpu" || n >= 1024;
  const ms = await timeMs(slow ? Math.min(REPS, 3) : REPS, slow ? 1 : 4, m.op, m.wait);
  m.dispose();
  return gflops(n, ms);
}

const matmul = {};
for (const n of SIZES) {
  const row = (matmul[n] = {});
  row["cpu f32"] = await ourMatmul(ours.cpu, "f32", n);
  row["wasm f32"] = await ourMatmul(ours.wasm, "f32", n);
  row["wasm fp16"] = await ourMatmul(ours.wasm, "f16", n);
  if (ours["wasm-nofma"]) row["wasm f32 no FMA"] = await ourMatmul(ours["wasm-nofma"], "f32", n);
  if (ours.webgpu) {
    row["webgpu f32"] = await ourMatmul(ours.webgpu, "f32", n);
    row["webgpu fp16"] = await ourMatmul(ours.webgpu, "f16", n);
  }
  for (const name of Object.keys(tfBackends)) row[`tfjs ${name}`] = await tfMatmul(name, n);
  log(`matmul ${n}:`, Object.entries(row).map(([k, v]) => `${k} ${fmt(v)}`).join(", "), `(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
done();

// ---- (b) the reference MLP's GEMM shapes -------------------------------------------------
done = section("b");
const WIDTHS = [64, 256, 256, 16], BATCH = 256;
const shapes = []; // { name, M, N, K, ours(): op }
for (let l = 0; l < 3; l++) {
  const I = WIDTHS[l], O = WIDTHS[l + 1], B = BATCH, b = ours.wasm;
  const x = b.tensor([B, I], "f32", filled(B * I, 1)), w = b.tensor([O, I], "f32", filled(O * I, 2)), bias = b.tensor([O], "f32");
  const z = b.tensor([B, O], "f32"), dout = b.tensor([B, O], "f32", filled(B * O, 3)), dx = b.tensor([B, I], "f32"), dw = b.tensor([O, I], "f32"), db = b.tensor([O], "f32");
  shapes.push({ name: `layer ${l + 1} forward z = x·w^T`, M: B, N: O, K: I, op: () => ops.matmul(b, { out: z, a: x, b: w, transB: true, bias }) });
  shapes.push({ name: `layer ${l + 1} dw = dout^T·x (+ db)`, M: O, N: I, K: B, op: () => { ops.matmul(b, { out: dw, a: dout, transA: true, b: x }); ops.sumRows(b, { out: db, x: dout }); } });
  if (l > 0) shapes.push({ name: `layer ${l + 1} dx = dout·w`, M: B, N: I, K: O, op: () => ops.matmul(b, { out: dx, a: dout, b: w }) });
}
const gemmTimes = shapes.map(() => ({ ours: [], nn: [], nt: [] }));
if (tfBackends.wasm) await tf.setBackend("wasm");
const tfOps = shapes.map((s) => tfBackends.wasm ? { nn: tfMatmulOp(tf, s.M, s.N, s.K, false), nt: tfMatmulOp(tf, s.M, s.N, s.K, true) } : null);
const K_CALLS = quick ? 5 : 20;
for (let r = 0; r < REPS; r++) {
  for (let i = 0; i < shapes.length; i++) {
    gemmTimes[i].ours.push(await timeMs(1, K_CALLS, shapes[i].op, async () => {}));
    if (tfOps[i]) {
      gemmTimes[i].nn.push(await timeMs(1, K_CALLS, tfOps[i].nn.op, tfOps[i].nn.wait));
      gemmTimes[i].nt.push(await timeMs(1, K_CALLS, tfOps[i].nt.op, tfOps[i].nt.wait));
    }
  }
}
for (const t of tfOps) if (t) { t.nn.dispose(); t.nt.dispose(); }
const gemm = shapes.map((s, i) => {
  const flop = 2 * s.M * s.N * s.K;
  const ms = median(gemmTimes[i].ours);
  return { ...s, ours: flop / (ms * 1e6), nn: tfOps[i] ? flop / (median(gemmTimes[i].nn) * 1e6) : undefined, nt: tfOps[i] ? flop / (median(gemmTimes[i].nt) * 1e6) : undefined };
});
for (const g of gemm) log(`gemm ${g.name} [${g.M}x${g.K}]·[${g.K}x${g.N}]: wasm ${fmt(g.ours)}, tfjs-wasm NN ${fmt(g.nn)}, NT ${fmt(g.nt)} GFLOP/s`);
done();

// ---- (c) training steps/s, interleaved ---------------------------------------------------
done = section("c");
const mlpConfig = (precision, steps, { widths = WIDTHS, batch = BATCH, statsInterval = 1e9 } = {}) => ({
  model: { inputs: widths[0], hidden: widths.slice(1, -1), outputs: widths.at(-1), activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: widths[0], outputs: widths.at(-1), samples: Math.max(2048, batch), seed: 2 },
  steps, batchSize: batch, chunkSize: steps, statsInterval,
  optimizer: { type: "sgd", lr: 0.01 },
  precision,
  scaler: precision === "fp32" ? { type: "none" } : { type: "dynamic", preset: "pytorch" },
});
const runMs = (res) => (res.steps / res.timings.stepsPerSecond) * 1000;
/** Steps/s of steps that collect no statistics: a run observes its first and last step, so time n1 and n1 + n steps and take the difference. */
async function unobserved(b, precision, n, opts) {
  const a = await engine.train(mlpConfig(precision, 3, opts), { backend: b });
  const c = await engine.train(mlpConfig(precision, 3 + n, opts), { backend: b });
  const overall = c.steps / (runMs(c) / 1000), diff = n / Math.max(1e-6, (runMs(c) - runMs(a)) / 1000);
  // at few steps the difference is noise: then the whole run's rate (observed steps included)
  return { rate: diff > 0.5 * overall && diff < 2 * overall ? diff : overall, memory: c.memory };
}
async function observedEveryStep(b, precision, n) {
  return (await engine.train(mlpConfig(precision, n, { statsInterval: 1 }), { backend: b })).timings.stepsPerSecond;
}
const STEPS = { cpu: quick ? 2 : 4, wasm: quick ? 10 : 40, "wasm-nofma": quick ? 10 : 40, webgpu: quick ? 4 : 8 };
const ledger = {};
const contenders = [];
for (const [name, b] of Object.entries(ours)) {
  for (const precision of name === "cpu" || name === "wasm-nofma" ? ["fp32", "mixed-fp16"] : ["fp32", "mixed-fp16", "mixed-bf16"]) {
    contenders.push({ who: `ours ${name}`, precision, steps: "unobserved", run: async () => {
      const r = await unobserved(b, precision, STEPS[name]);
      if (name === "wasm") ledger[precision] = r.memory;
      return r.rate;
    } });
  }
  if (name === "wasm" || name === "webgpu") contenders.push({ who: `ours ${name}`, precision: "mixed-fp16", steps: "observed every step", run: () => observedEveryStep(b, "mixed-fp16", STEPS[name]) });
}
// the CLI as a user runs it: its own process, the wasm backend on 2 threads (a worker
// takes half of each large GEMM), relaxed SIMD on; its run's steps/s (2 of the steps observed)
const cliDir = mkdtempSync(join(os.tmpdir(), "mplab-bench-"));
function cliRate(precision) {
  const file = join(cliDir, `${precision}.mplab.json`), steps = quick ? 40 : 200;
  writeFileSync(file, JSON.stringify(mlpConfig(precision, steps)));
  const r = spawnSync(process.execPath, [join(here, "../dist/mplab.mjs"), "train", file, "--backend", "wasm", "--json", "-q"], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`mplab train failed: ${r.stderr}`);
  const res = JSON.parse(r.stdout);
  cliAdapter = res.backend.adapter;
  return res.timings.stepsPerSecond;
}
let cliAdapter = "";
for (const precision of ["fp32", "mixed-fp16"]) contenders.push({ who: "ours CLI (wasm)", precision, steps: "2 of 200 observed", run: () => cliRate(precision) });
for (const name of Object.keys(tfBackends)) {
  contenders.push({ who: `tfjs ${name}`, precision: "fp32", run: async () => {
    await tf.setBackend(name);
    const m = tfMlp(tf);
    await m.run(1);
    const rate = await m.run(name === "wasm" ? STEPS.wasm / 2 : STEPS.cpu);
    m.dispose();
    return rate;
  } });
}
if (!torch.missing) {
  for (const threads of [1, 2]) {
    for (const precision of ["fp32", "fp16", "bf16"]) {
      contenders.push({ who: `PyTorch ${threads} thread${threads > 1 ? "s" : ""}`, precision: precision === "fp32" ? "fp32" : `autocast ${precision}`, run: () => torch.steps({ precision, threads, steps: quick ? 20 : 100 }) });
    }
  }
}
const ROUNDS = quick ? 1 : 3;
for (const c of contenders) c.rates = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const c of contenders) c.rates.push(await c.run());
  log(`round ${r + 1}/${ROUNDS}:`, contenders.map((c) => `${c.who} ${c.precision}${c.steps === "observed every step" ? " observed" : ""} ${fmt(c.rates.at(-1))}`).join(", "));
}
const training = contenders.map((c) => ({ who: c.who, precision: c.precision, steps: c.steps ?? "", rate: median(c.rates) }));
done();

// ---- (d) scaling -----------------------------------------------------------------------
done = section("d");
const HIDDEN = [64, 256, 1024], BATCHES = quick ? [32, 256] : [32, 256, 2048];
const scaling = {};
const scaled = Object.keys(ours).filter((k) => k !== "wasm-nofma");
for (const h of HIDDEN) {
  for (const batch of BATCHES) {
    const widths = [64, h, h, 16];
    const flop = 6 * batch * (64 * h + h * h + h * 16); // forward + dx + dw
    for (const [name, b] of Object.entries(ours)) {
      if (name === "wasm-nofma") continue;
      const gflopsGuess = { cpu: 0.8, wasm: 15, webgpu: 2 }[name];
      const secPerStep = flop / (gflopsGuess * 1e9);
      if (secPerStep > (quick ? 0.5 : 4)) { scaling[`${h} ${batch} ${name}`] = null; continue; }
      const n = Math.max(2, Math.min(40, Math.round((quick ? 0.3 : 1.5) / secPerStep)));
      scaling[`${h} ${batch} ${name}`] = (await unobserved(b, "fp32", n, { widths, batch })).rate;
    }
    log(`scaling hidden ${h} batch ${batch}:`, scaled.map((k) => `${k} ${fmt(scaling[`${h} ${batch} ${k}`])}`).join(", "));
  }
}
done();

// ---- (f) observed vs unobserved steps --------------------------------------------------
// bench/observeCost.ts reaches below the public API (TrainStep, StepObserver): bundled here.
done = section("f");
const { build } = await import("esbuild");
const { watPlugin } = await import("../scripts/wat.mjs");
const costFile = join(mkdtempSync(join(os.tmpdir(), "mplab-bench-")), "observeCost.mjs");
await build({ entryPoints: [join(here, "observeCost.ts")], outfile: costFile, bundle: true, platform: "node", format: "esm", loader: { ".wgsl": "text" }, plugins: [watPlugin], logLevel: "warning" });
const { observeCost } = await import(costFile);
const COST_PAIRS = quick ? 3 : 7, COST_CHUNK = quick ? 2 : 4;
const observed = [];
for (const [name, b] of Object.entries(ours)) {
  if (name === "wasm-nofma") continue;
  for (const precision of ["fp32", "mixed-fp16"]) {
    const load = os.loadavg()[0];
    const c = await observeCost(b, mlpConfig(precision, 1), COST_PAIRS, COST_CHUNK);
    observed.push({ who: `ours ${name}`, precision, load, ...c });
    log(`observed step ${name} ${precision}: ${fmt(c.ratio, 3)}x (${fmt(c.observedMs)} vs ${fmt(c.plainMs)} ms)`);
  }
}
done();

// ---- RESULTS.md -------------------------------------------------------------------------
const rate = (who, precision = "fp32", steps = undefined) => training.find((t) => t.who === who && t.precision === precision && (steps === undefined || t.steps === steps))?.rate;
const big = SIZES[SIZES.length - 1];
const cols = Object.keys(matmul[SIZES[0]]);
const lines = [];
lines.push(`# Benchmark results (${quick ? "--quick" : "full"})`, "");
lines.push(`Written by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString()}. Medians over ${REPS} repeats (3 for the slow cases); training rates are medians of ${ROUNDS} interleaved rounds (every contender once a round), so their ratios hold better than their absolute values.`, "");
lines.push("## Machine", "");
lines.push(`- CPU: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores visible; ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${os.type()} ${os.release()}; Node ${process.version}`);
lines.push(`- Our wasm backend: "wasm" = ${ours.wasm.info.adapter} (relaxed SIMD turned on in this process as the CLI does; Node 20 has it behind --experimental-wasm-relaxed-simd)${ours["wasm-nofma"] ? `; "wasm-nofma" = ${ours["wasm-nofma"].info.adapter}, what a Node 20 library user gets` : ""}`);
lines.push(`- WebGPU adapter (ours and TF.js's, one Dawn instance from the \`webgpu\` package): ${adapter}; fp16 ${ours.webgpu ? `${ours.webgpu.info.fp16}` : "–"}`);
lines.push(`- PyTorch: ${torch.missing ? `MISSING (${torch.missing})` : `torch ${torch.version} (${torch.python})`}`);
lines.push(`- Load average at start ${load0.map((x) => x.toFixed(1)).join(" / ")}, at end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")} (the machine is shared: expect ±30% or worse)`);
lines.push("- No machine with a real GPU was available to this run: no native-fp16 figures.", "");

lines.push("## (a) Matmul GFLOP/s (C = A·B^T + bias, n×n×n; our fp16 = fp16 values, fp32 accumulation, fp16 output)", "", `(${sections.a})`, "");
lines.push(`| n | ${cols.join(" | ")} |`, `| --- | ${cols.map(() => "---").join(" | ")} |`);
for (const n of SIZES) lines.push(`| ${n} | ${cols.map((c) => fmt(matmul[n][c])).join(" | ")} |`);
lines.push("");

lines.push("## (b) GEMM GFLOP/s at the reference MLP's 8 shapes (batch 256, 64-256-256-16)", "", `(${sections.b})`, "");
lines.push("Ours: the wasm backend's own ops as a training step calls them (engine/ops: matmul, and sumRows for db). TF.js wasm (XNNPACK): `tf.matMul` of the same M×K·K×N, as NN and as NT (B transposed).", "");
lines.push("| product | M×N×K | ours wasm | tfjs-wasm NN | tfjs-wasm NT | ours / NN |", "| --- | --- | --- | --- | --- | --- |");
for (const g of gemm) lines.push(`| ${g.name} | ${g.M}×${g.N}×${g.K} | ${fmt(g.ours)} | ${fmt(g.nn)} | ${fmt(g.nt)} | ${g.nn ? fmt(g.ours / g.nn) + "x" : "–"} |`);
lines.push("");

lines.push(`## (c) Training steps/s, reference MLP (batch 256, 64-256-256-16, ReLU, MSE, SGD)`, "", `(${sections.c})`, "");
lines.push("Ours: `train()` with the run as one chunk. \"unobserved\": steps that collect no statistics (a run of 3 steps subtracted from a run of 3 + n, as a run observes its first and last step); \"observed every step\": statsInterval 1. The wasm backend is one thread. TF.js: `optimizer.minimize` on one fixed batch. PyTorch: bench/torch_peer.py, the same MLP, SGD, fp16 with GradScaler.", "");
lines.push("| who | precision | steps | steps/s | vs tfjs-wasm | vs PyTorch same threads, same precision |", "| --- | --- | --- | --- | --- | --- |");
const tfw = rate("tfjs wasm");
for (const t of training) {
  const torchPrec = t.precision === "fp32" ? "fp32" : `autocast ${t.precision.replace("mixed-", "")}`;
  const pt = rate("PyTorch 1 thread", torchPrec);
  lines.push(`| ${t.who} | ${t.precision} | ${t.steps} | ${fmt(t.rate)} | ${tfw && t.who !== "tfjs wasm" ? fmt(t.rate / tfw) + "x" : ""} | ${t.who.startsWith("ours") && pt ? fmt(t.rate / pt) + "x" : ""} |`);
}
lines.push("", `"ours CLI (wasm)": \`mplab train --backend wasm --json\` in its own process: ${cliAdapter}. The in-process "ours wasm" rows are one thread.`, "");

lines.push("## (d) Scaling: fp32 steps/s (unobserved) against hidden width (64-h-h-16) and batch", "", `(${sections.d})`, "");
lines.push(`| hidden | batch | ${scaled.join(" | ")} | ms/step ${scaled.join(" / ")} |`, `| --- | --- | ${scaled.map(() => "---").join(" | ")} | --- |`);
for (const h of HIDDEN) for (const batch of BATCHES) {
  const r = scaled.map((k) => scaling[`${h} ${batch} ${k}`]);
  lines.push(`| ${h} | ${batch} | ${r.map((x) => (x === null ? "skipped (too slow)" : fmt(x))).join(" | ")} | ${r.map((x) => (x ? fmt(1000 / x) : "–")).join(" / ")} |`);
}
const small = scaled.map((k) => `${k} ${fmt(1000 / scaling[`64 32 ${k}`])} ms`).join(", ");
lines.push("", `Per-step overhead, where it dominates (hidden 64, batch 32: 0.4 MFLOP a step): ${small}.`, "");

lines.push("## (e) Memory ledger (bytes, reference MLP, wasm backend)", "");
const keys = ["masterWeightsBytes", "weightsBytes", "activationsBytes", "gradientsBytes", "optimizerBytes", "totalBytes"];
lines.push("| | fp32 | mixed-fp16 | mixed / fp32 |", "| --- | --- | --- | --- |");
for (const k of keys) {
  const a = ledger.fp32?.[k], m = ledger["mixed-fp16"]?.[k];
  lines.push(`| ${k} | ${a ?? "–"} | ${m ?? "–"} | ${a ? fmt(m / a) : "–"} |`);
}

lines.push("", `## (f) Observed step vs unobserved step (reference MLP; statistics of every tensor of the last micro-batch)`, "", `(${sections.f})`, "");
lines.push(`One TrainStep: chunks of ${COST_CHUNK} observed steps and ${COST_CHUNK} unobserved steps alternate (${COST_PAIRS} pairs, each chunk ended by one flush, as in train()); the ratio of each pair, median over pairs. An observed step reads the values before each cast from the ops' optional fp32 outputs (no second product).`, "");
lines.push("| backend | precision | observed / unobserved | observed ms | unobserved ms | load (1 min) |", "| --- | --- | --- | --- | --- | --- |");
for (const o of observed) lines.push(`| ${o.who} | ${o.precision} | ${fmt(o.ratio, 3)}x | ${fmt(o.observedMs)} | ${fmt(o.plainMs)} | ${o.load.toFixed(1)} |`);

lines.push("", "## Targets on this machine", "");
const tg = (ok, text) => lines.push(`- ${ok === undefined ? "n/a" : ok ? "met" : "NOT met"}: ${text}`);
const w32 = rate("ours wasm", "fp32", "unobserved"), w16 = rate("ours wasm", "mixed-fp16", "unobserved"), pt1 = rate("PyTorch 1 thread"), pt2 = rate("PyTorch 2 threads");
tg(w32 && tfw ? w32 >= 5 * tfw : undefined, `wasm fp32 ≥ 5x tfjs-wasm steps/s: ${fmt(w32)} vs ${fmt(tfw)} = ${fmt(w32 / tfw)}x`);
tg(w32 && pt1 ? w32 >= 0.3 * pt1 : undefined, `wasm fp32 ≥ 0.3x PyTorch on 1 thread: ${fmt(w32)} vs ${fmt(pt1)} = ${fmt(w32 / pt1)}x`);
tg(w16 && tfw ? w16 >= 4.5 * tfw : undefined, `wasm mixed-fp16 ≥ 4.5x tfjs-wasm: ${fmt(w16)} vs ${fmt(tfw)} = ${fmt(w16 / tfw)}x`);
const worst = gemm.filter((g) => g.nn).sort((a, b) => a.ours / a.nn - b.ours / b.nn)[0];
tg(worst ? gemm.every((g) => !g.nn || g.ours >= g.nn) : undefined, `wasm GEMM ≥ tfjs-wasm NN GFLOP/s at each of the 8 shapes: the lowest ratio is ${worst ? `${fmt(worst.ours / worst.nn)}x (${worst.name})` : "–"}`);
const cli = rate("ours CLI (wasm)");
tg(cli && pt2 ? cli >= 0.5 * pt2 : undefined, `the CLI on 2 threads ≥ 0.5x PyTorch on 2 threads: ${fmt(cli)} vs ${fmt(pt2)} = ${(cli / pt2).toFixed(3)}x (the CLI's 2 threads vs our 1 thread in process: ${fmt(cli / w32)}x)`);
const wgRate = rate("ours webgpu", "fp32", "unobserved"), tfwg = rate("tfjs webgpu");
tg(wgRate && tfwg ? wgRate >= 3 * tfwg : undefined, `(issue 3) our WebGPU MLP steps/s ≥ 3x tfjs-backend-webgpu on the same adapter: ${fmt(wgRate)} vs ${fmt(tfwg)} = ${fmt(wgRate / tfwg)}x`);
const g1024 = matmul[1024]?.["webgpu f32"];
tg(g1024 === undefined ? undefined : g1024 >= 2.5, `(issue 3) f32 matmul at 1024 ≥ 2.5 GFLOP/s on SwiftShader: ${g1024 === undefined ? "not measured (--quick)" : fmt(g1024)}`);
for (const o of observed) tg(o.ratio <= 1.3, `(issue 12, statistics) an observed step costs ≤ 1.3x an unobserved one, ${o.who} ${o.precision}: ${fmt(o.ratio, 3)}x`);
lines.push("", `Total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s.`, "");

mkdirSync(here, { recursive: true });
writeFileSync(join(here, "RESULTS.md"), lines.join("\n"));
console.log(lines.join("\n"));
for (const b of Object.values(ours)) b.destroy();
torch.close?.();
process.exit(0);
