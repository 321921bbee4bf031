// npm run bench [-- --quick]: speed and memory of our backends against TF.js, side by
// side in one run (medians over repeats, and ratios). Not a test: numbers depend on the
// machine and its load, which RESULTS.md records next to them.
//   (a) matmul GFLOP/s at 256/512/1024: our cpu and webgpu backends (f32, fp16) vs
//       @tensorflow/tfjs cpu, wasm and webgpu (the last on the same Dawn adapter)
//   (b) training steps/s of the reference MLP (batch 256, 64-256-256-16, ReLU, MSE, SGD)
//   (c) the memory ledger, mixed-fp16 against fp32
//   (d) what an observed step (tensor statistics) costs against an unobserved one
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const quick = process.argv.includes("--quick");
const here = dirname(fileURLToPath(import.meta.url));
// WebGPU in Node here: SwiftShader's Vulkan from Debian's chromium package (as scripts/test.mjs).
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(os.tmpdir(), "xdg-"));
const swiftshader = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;

const engine = await import("../dist/engine.mjs");
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
const TRAIN_STEPS = quick ? 4 : 12;
const WARM_STEPS = quick ? 1 : 2;

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
const ours = { cpu: engine.createCpuBackend("bench") };
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

// ---- (a) matmul ------------------------------------------------------------------
async function ourMatmul(b, dtype, n) {
  const x = b.tensor([n, n], dtype, filled(n * n, 1)), w = b.tensor([n, n], dtype, filled(n * n, 2));
  const bias = b.tensor([n], dtype), out = b.tensor([n, n], dtype);
  const slow = quick || b.info.name === "cpu" || n >= 1024;
  const ms = await timeMs(slow ? Math.min(REPS, 3) : REPS, slow ? 1 : 4, () => b.linearForward(out, x, w, bias), () => b.read(bias));
  for (const t of [x, w, bias, out]) b.dispose(t);
  return gflops(n, ms);
}

async function tfMatmul(name, n) {
  await tf.setBackend(name);
  const a = tf.tensor2d(filled(n * n, 1), [n, n]), w = tf.tensor2d(filled(n * n, 2), [n, n]);
  let last = null;
  const kept = [];
  const slow = quick || name === "cpu" || n >= 1024;
  const ms = await timeMs(slow ? Math.min(REPS, 3) : REPS, slow ? 1 : 4, () => { last = tf.matMul(a, w, false, true); kept.push(last); }, async () => {
    await last.data();
    for (const t of kept.splice(0)) t.dispose();
  });
  a.dispose();
  w.dispose();
  return gflops(n, ms);
}

const matmul = {};
for (const n of SIZES) {
  const row = (matmul[n] = {});
  row["cpu f32"] = await ourMatmul(ours.cpu, "f32", n);
  row["cpu fp16"] = await ourMatmul(ours.cpu, "f16", n);
  if (ours.webgpu) {
    row["webgpu f32"] = await ourMatmul(ours.webgpu, "f32", n);
    row["webgpu fp16"] = await ourMatmul(ours.webgpu, "f16", n);
  }
  for (const name of Object.keys(tfBackends)) row[`tfjs ${name}`] = await tfMatmul(name, n);
  log(`matmul ${n}:`, Object.entries(row).map(([k, v]) => `${k} ${fmt(v)}`).join(", "), `(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

// ---- (b) training steps/s ------------------------------------------------------------
const mlpConfig = (precision, steps) => ({
  model: { inputs: 64, hidden: [256, 256], outputs: 16, activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: 64, outputs: 16, samples: 2048, seed: 2 },
  steps, batchSize: 256, chunkSize: steps, statsInterval: 100000,
  optimizer: { type: "sgd", lr: 0.01 },
  precision,
  scaler: precision === "fp32" ? { type: "none" } : { type: "dynamic", preset: "pytorch" },
});

async function ourSteps(b, precision) {
  await engine.train(mlpConfig(precision, WARM_STEPS), { backend: b }); // warm-up: pipelines, buffers
  const rates = [];
  let memory;
  for (let r = 0; r < Math.min(REPS, 3); r++) {
    const res = await engine.train(mlpConfig(precision, TRAIN_STEPS), { backend: b });
    rates.push(res.timings.stepsPerSecond);
    memory = res.memory;
  }
  return { rate: median(rates), memory };
}

async function tfSteps(name) {
  await tf.setBackend(name);
  const sizes = [64, 256, 256, 16];
  const vars = [];
  for (let l = 0; l < 3; l++) {
    vars.push(tf.variable(tf.randomNormal([sizes[l], sizes[l + 1]], 0, Math.sqrt(2 / sizes[l]), "float32", 1 + l)));
    vars.push(tf.variable(tf.zeros([sizes[l + 1]])));
  }
  const X = tf.randomNormal([256, 64], 0, 1, "float32", 7), Y = tf.randomNormal([256, 16], 0, 1, "float32", 8);
  const opt = tf.train.sgd(0.01);
  const step = () => opt.minimize(() => {
    let h = X;
    for (let l = 0; l < 3; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
      if (l < 2) h = tf.relu(h);
    }
    return tf.losses.meanSquaredError(Y, h);
  });
  const run = async (steps) => {
    const s = performance.now();
    for (let i = 0; i < steps; i++) step();
    await vars[5].data();
    return steps / ((performance.now() - s) / 1000);
  };
  await run(WARM_STEPS);
  const rates = [];
  for (let r = 0; r < Math.min(REPS, 3); r++) rates.push(await run(TRAIN_STEPS));
  for (const v of vars) v.dispose();
  X.dispose();
  Y.dispose();
  opt.dispose();
  return median(rates);
}

const training = [];
const ledger = {};
for (const [name, b] of Object.entries(ours)) {
  for (const precision of ["fp32", "mixed-fp16"]) {
    const { rate, memory } = await ourSteps(b, precision);
    training.push({ who: `ours ${name}`, precision, rate });
    ledger[precision] = memory;
    log(`train ours ${name} ${precision}: ${fmt(rate)} steps/s`);
  }
}
for (const name of Object.keys(tfBackends)) {
  const rate = await tfSteps(name);
  training.push({ who: `tfjs ${name}`, precision: "fp32", rate });
  log(`train tfjs ${name} fp32: ${fmt(rate)} steps/s`);
}

// ---- (d) observed vs unobserved steps --------------------------------------------------
// bench/observeCost.ts reaches below the public API (TrainStep, StepObserver): bundled here.
const { build } = await import("esbuild");
const costFile = join(mkdtempSync(join(os.tmpdir(), "mplab-bench-")), "observeCost.mjs");
await build({ entryPoints: [join(here, "observeCost.ts")], outfile: costFile, bundle: true, platform: "node", format: "esm", loader: { ".wgsl": "text" }, logLevel: "warning" });
const { observeCost } = await import(costFile);
const COST_PAIRS = quick ? 3 : 7, COST_CHUNK = quick ? 2 : 4;
const observed = [];
for (const [name, b] of Object.entries(ours)) {
  for (const precision of ["fp32", "mixed-fp16"]) {
    const load = os.loadavg()[0];
    const c = await observeCost(b, mlpConfig(precision, 1), COST_PAIRS, COST_CHUNK);
    observed.push({ who: `ours ${name}`, precision, load, ...c });
    log(`observed step ${name} ${precision}: ${fmt(c.ratio, 3)}x (${fmt(c.observedMs)} vs ${fmt(c.plainMs)} ms)`);
  }
}

// ---- RESULTS.md -------------------------------------------------------------------------
const rate = (who, precision = "fp32") => training.find((t) => t.who === who && t.precision === precision)?.rate;
const big = SIZES[SIZES.length - 1];
const cols = Object.keys(matmul[SIZES[0]]);
const lines = [];
lines.push(`# Benchmark results (${quick ? "--quick" : "full"})`, "");
lines.push(`Written by \`npm run bench${quick ? " -- --quick" : ""}\` on ${new Date().toISOString()}. Medians over ${REPS} repeats (3 for the slow cases).`, "");
lines.push("## Machine", "");
lines.push(`- CPU: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores visible; ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ${os.type()} ${os.release()}; Node ${process.version}`);
lines.push(`- WebGPU adapter (ours and TF.js's, one Dawn instance from the \`webgpu\` package): ${adapter}; fp16 ${ours.webgpu ? `${ours.webgpu.info.fp16}` : "–"}`);
lines.push(`- Load average at start ${load0.map((x) => x.toFixed(1)).join(" / ")}, at end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")} (the machine is shared: expect ±30% or worse)`);
lines.push("- No machine with a real GPU was available to this run: no native-fp16 figures.", "");
lines.push("## (a) Matmul GFLOP/s (C = A·B^T + bias, n×n×n; our fp16 = fp16 storage decoded exactly to f32, fp32 accumulation, fp16 output)", "");
lines.push(`| n | ${cols.join(" | ")} |`, `| --- | ${cols.map(() => "---").join(" | ")} |`);
for (const n of SIZES) lines.push(`| ${n} | ${cols.map((c) => fmt(matmul[n][c])).join(" | ")} |`);
lines.push("");
if (matmul[big]["webgpu f32"] !== undefined) {
  lines.push(`Ratios at n = ${big}: our webgpu f32 / tfjs webgpu = ${fmt(matmul[big]["webgpu f32"] / matmul[big]["tfjs webgpu"])}x; ` +
    `our webgpu fp16 time / f32 time = ${fmt(matmul[big]["webgpu f32"] / matmul[big]["webgpu fp16"])}x; ` +
    `tfjs wasm / our webgpu f32 = ${fmt(matmul[big]["tfjs wasm"] / matmul[big]["webgpu f32"])}x.`, "");
}
lines.push(`## (b) Training steps/s, reference MLP (batch 256, 64-256-256-16, ReLU, MSE, SGD; ${TRAIN_STEPS} steps a repeat)`, "");
lines.push("Ours: `train()` with the whole run as one chunk (one read-back), after a warm-up run on the same backend; includes the 2 steps that collect statistics and a fresh batch gathered every step. TF.js: `optimizer.minimize` on one fixed batch, synchronised once at the end.", "");
lines.push("| backend | precision | steps/s | vs tfjs same device kind |", "| --- | --- | --- | --- |");
for (const t of training) {
  const peer = t.who.endsWith("webgpu") ? rate("tfjs webgpu") : rate("tfjs cpu");
  lines.push(`| ${t.who} | ${t.precision} | ${fmt(t.rate)} | ${t.who.startsWith("ours") && peer ? fmt(t.rate / peer) + "x" : ""} |`);
}
lines.push("", "## (c) Memory ledger (bytes, reference MLP)", "");
const keys = ["masterWeightsBytes", "weightsBytes", "activationsBytes", "gradientsBytes", "optimizerBytes", "totalBytes"];
lines.push("| | fp32 | mixed-fp16 | mixed / fp32 |", "| --- | --- | --- | --- |");
for (const k of keys) {
  const a = ledger.fp32?.[k], m = ledger["mixed-fp16"]?.[k];
  lines.push(`| ${k} | ${a ?? "–"} | ${m ?? "–"} | ${a ? fmt(m / a) : "–"} |`);
}
lines.push("", `## (d) Observed step vs unobserved step (reference MLP; statistics of every tensor of the last micro-batch)`, "");
lines.push(`One TrainStep: chunks of ${COST_CHUNK} observed steps and ${COST_CHUNK} unobserved steps alternate (${COST_PAIRS} pairs, each chunk ended by one flush, as in train()); the ratio of each pair, median over pairs. An observed step reads the values before each cast from the ops' optional fp32 outputs (no second product).`, "");
lines.push("| backend | precision | observed / unobserved | observed ms | unobserved ms | load (1 min) |", "| --- | --- | --- | --- | --- | --- |");
for (const o of observed) lines.push(`| ${o.who} | ${o.precision} | ${fmt(o.ratio, 3)}x | ${fmt(o.observedMs)} | ${fmt(o.plainMs)} | ${o.load.toFixed(1)} |`);
lines.push("", "## Targets of issue 3 on this machine", "");
const tg = (ok, text) => lines.push(`- ${ok === undefined ? "n/a" : ok ? "met" : "NOT met"}: ${text}`);
const wgRate = rate("ours webgpu"), tfwg = rate("tfjs webgpu");
tg(wgRate && tfwg ? wgRate >= 3 * tfwg : undefined, `our WebGPU MLP steps/s ≥ 3x tfjs-backend-webgpu on the same adapter: ${fmt(wgRate)} vs ${fmt(tfwg)} = ${fmt(wgRate / tfwg)}x`);
const g1024 = matmul[1024]?.["webgpu f32"];
tg(g1024 === undefined ? undefined : g1024 >= 2.5, `f32 matmul at 1024 ≥ 2.5 GFLOP/s on SwiftShader: ${g1024 === undefined ? "not measured (--quick)" : fmt(g1024)}`);
const cost = matmul[big]["webgpu f32"] / matmul[big]["webgpu fp16"];
tg(Number.isFinite(cost) ? cost <= 1.3 : undefined, `emulated fp16 matmul costs ≤ 1.3x f32 (n = ${big}): ${fmt(cost)}x`);
lines.push("", "## Targets of issue 12 (statistics) on this machine", "");
for (const o of observed) tg(o.ratio <= 1.3, `an observed step costs ≤ 1.3x an unobserved one, ${o.who} ${o.precision}: ${fmt(o.ratio, 3)}x`);
lines.push("", `Total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s.`, "");

mkdirSync(here, { recursive: true });
writeFileSync(join(here, "RESULTS.md"), lines.join("\n"));
console.log(lines.join("\n"));
for (const b of Object.values(ours)) b.destroy();
process.exit(0);
