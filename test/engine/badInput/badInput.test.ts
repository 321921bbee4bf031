// Bad input, across configs, data, notebooks, protocol messages, API calls and CLI
// flags: each case is refused with a message that names the field and what is allowed
// (two patterns per case), with no internal stack trace, and nothing on disk changes
// (the CLI cases run on files in a folder that is compared byte for byte after).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { datasets, dynamicScaler, mlp, parseTrainConfig, predict, staticScaler, sweep, train } from "../../../engine/index.js";
import { decodeNotebookBytes, parseHostMessage, parseNotebook, parsePageMessage } from "../../../engine/host.js";
import { parseFromKernel, parseToKernel } from "../../../engine/kernel/kernelProtocol.js";
import { CLI, ensureCli } from "../../helpers/mplabCli.js";

const ok = {
  model: { inputs: 2, hidden: [4], outputs: 1 },
  data: { type: "teacher", inputs: 2, outputs: 1, samples: 16 },
  steps: 2,
  batchSize: 4,
};
const withCfg = (patch: Record<string, unknown>) => ({ ...ok, ...patch });

function refusal(fn: () => unknown): Promise<string> {
  return (async () => {
    try {
      await fn();
    } catch (e) {
      return String((e as Error).message ?? e);
    }
    throw new Error("was accepted");
  })();
}

type Case = [name: string, run: () => unknown, field: RegExp, allowed: RegExp];

const configs: Case[] = [
  ["typo precison", () => parseTrainConfig(withCfg({ precison: "fp16" })), /"precison"/, /did you mean precision\?/],
  ["typo growthIntervall", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", growthIntervall: 5 } })), /scaler.*"growthIntervall"/, /did you mean growthInterval\?/],
  ["typo batchsize", () => parseTrainConfig(withCfg({ batchsize: 4 })), /"batchsize"/, /did you mean batchSize\?/],
  ["typo in model", () => parseTrainConfig(withCfg({ model: { inputs: 2, outputs: 1, hiden: [3] } })), /model.*"hiden"/, /did you mean hidden\?/],
  ["typo in data", () => parseTrainConfig(withCfg({ data: { ...ok.data, sampels: 3 } })), /data.*"sampels"/, /did you mean samples\?/],
  ["typo in optimizer", () => parseTrainConfig(withCfg({ optimizer: { type: "adam", learningRate: 1 } })), /optimizer.*"learningRate"/, /allowed: .*lr/],
  ["unknown key without near name", () => parseTrainConfig(withCfg({ zzzzzz: 1 })), /"zzzzzz"/, /allowed: .*precision/],
  ["batchSize 0", () => parseTrainConfig(withCfg({ batchSize: 0 })), /batchSize/, /from 1 to 1000000/],
  ["batchSize 1e9", () => parseTrainConfig(withCfg({ batchSize: 1e9 })), /batchSize/, /from 1 to 1000000/],
  ["batchSize string", () => parseTrainConfig(withCfg({ batchSize: "8" })), /batchSize/, /from 1 to 1000000/],
  ["steps fractional", () => parseTrainConfig(withCfg({ steps: 1.5 })), /steps/, /from 1 to 10000000/],
  ["steps too many", () => parseTrainConfig(withCfg({ steps: 1e8 })), /steps/, /from 1 to 10000000/],
  ["accumulationSteps", () => parseTrainConfig(withCfg({ accumulationSteps: 2000 })), /accumulationSteps/, /from 1 to 1024/],
  ["chunkSize", () => parseTrainConfig(withCfg({ chunkSize: 0 })), /chunkSize/, /from 1 to 100000/],
  ["precision unknown", () => parseTrainConfig(withCfg({ precision: "fp64" })), /precision/, /"fp32", "fp16", "mixed-fp16", "mixed-bf16"/],
  ["model.inputs 0", () => parseTrainConfig(withCfg({ model: { inputs: 0, outputs: 1 } })), /model.inputs/, /from 1 to 65536/],
  ["model.outputs huge", () => parseTrainConfig(withCfg({ model: { inputs: 2, outputs: 1e6 } })), /model.outputs/, /from 1 to 65536/],
  ["hidden item", () => parseTrainConfig(withCfg({ model: { inputs: 2, hidden: [4, -2], outputs: 1 } })), /model.hidden\[1\]/, /from 1 to 65536/],
  ["hidden too deep", () => parseTrainConfig(withCfg({ model: { inputs: 2, hidden: Array(33).fill(2), outputs: 1 } })), /model.hidden/, /at most 32/],
  ["activation", () => parseTrainConfig(withCfg({ model: { inputs: 2, outputs: 1, activation: "swish" } })), /activation/, /"relu", "gelu", "tanh", "sigmoid", "linear"/],
  ["scaler type", () => parseTrainConfig(withCfg({ scaler: { type: "adaptive" } })), /scaler.type/, /"none", "static", "dynamic"/],
  ["scaler preset", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", preset: "tf" } })), /preset/, /"pytorch", "deepspeed", "apex", "keras", "jmp"/],
  ["static scale 0", () => parseTrainConfig(withCfg({ scaler: { type: "static", scale: 0 } })), /scaler.scale/, /> 0/],
  ["static scale Infinity", () => parseTrainConfig(withCfg({ scaler: { type: "static", scale: Infinity } })), /scaler.scale/, /finite/],
  ["growthFactor 1", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", growthFactor: 1 } })), /scaler.growthFactor/, /> 1/],
  ["backoffFactor 2", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", backoffFactor: 2 } })), /scaler.backoffFactor/, /\(0, 1\)/],
  ["minScale > maxScale", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", minScale: 10, maxScale: 5 } })), /scaler.minScale/, /<= maxScale \(5\)/],
  ["minScale above a preset's maxScale", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", preset: "apex", minScale: 2 ** 30 } })), /scaler.minScale/, /from preset "apex"/],
  ["hysteresis on pytorch", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", preset: "pytorch", hysteresis: 2 } })), /scaler.hysteresis/, /only to preset "deepspeed"/],
  ["growthInterval 0", () => parseTrainConfig(withCfg({ scaler: { type: "dynamic", growthInterval: 0 } })), /scaler.growthInterval/, /positive integer/],
  ["scalerState.scale 0", () => parseTrainConfig(withCfg({ scalerState: { scale: 0, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 0 } })), /scalerState.scale/, /finite number > 0/],
  ["scalerState.scale -1", () => parseTrainConfig(withCfg({ scalerState: { scale: -1, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 0 } })), /scalerState.scale/, /> 0/],
  ["scalerState.halted 2", () => parseTrainConfig(withCfg({ scalerState: { scale: 1, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 2 } })), /scalerState.halted/, /0 or 1/],
  ["scalerState.counter -1", () => parseTrainConfig(withCfg({ scalerState: { scale: 1, counter: -1, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 0 } })), /scalerState.counter/, /integer >= 0/],
  ["scalerState.lastOverflow -5", () => parseTrainConfig(withCfg({ scalerState: { scale: 1, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -5, halted: 0 } })), /scalerState.lastOverflow/, />= -1/],
  ["scalerState unknown key", () => parseTrainConfig(withCfg({ scalerState: { scale: 1, counter: 0, hysteresisLeft: 1, iteration: 0, lastOverflow: -1, halted: 0, scael: 1 } })), /scalerState.*"scael"/, /did you mean scale\?/],
  ["optimizer type", () => parseTrainConfig(withCfg({ optimizer: { type: "rmsprop" } })), /optimizer.type/, /"sgd", "adam"/],
  ["sgd lr negative", () => parseTrainConfig(withCfg({ optimizer: { type: "sgd", lr: -1 } })), /optimizer.lr/, />= 0/],
  ["adam beta1 1", () => parseTrainConfig(withCfg({ optimizer: { type: "adam", beta1: 1 } })), /optimizer.beta1/, /\[0, 1\)/],
  ["sgd momentum", () => parseTrainConfig(withCfg({ optimizer: { type: "sgd", lr: 0.1, momentum: 1.5 } })), /optimizer.momentum/, /\[0, 1\)/],
  ["config not an object", () => parseTrainConfig([1, 2]), /config/, /must be an object/],
  ["config null", () => parseTrainConfig(null), /config/, /must be an object/],
  ["model missing", () => parseTrainConfig({ data: ok.data, steps: 1, batchSize: 1 }), /model/, /required/],
  ["loss type", () => parseTrainConfig(withCfg({ loss: { type: "mae" } })), /loss.type/, /"mse"/],
];

const data: Case[] = [
  ["data type", () => parseTrainConfig(withCfg({ data: { type: "mnist" } })), /data.type/, /"teacher", "sine", "arrays", "csv"/],
  ["data.samples 0", () => parseTrainConfig(withCfg({ data: { ...ok.data, samples: 0 } })), /data.samples/, /from 1 to 10000000/],
  ["data.samples huge", () => parseTrainConfig(withCfg({ data: { ...ok.data, samples: 1e8 } })), /data.samples/, /from 1 to 10000000/],
  ["data.inputs mismatch", () => parseTrainConfig(withCfg({ data: { ...ok.data, inputs: 3 } })), /data.inputs/, /must match/],
  ["data.outputs mismatch", () => parseTrainConfig(withCfg({ data: { ...ok.data, outputs: 2 } })), /data.outputs/, /must match/],
  ["data.noise negative", () => parseTrainConfig(withCfg({ data: { ...ok.data, noise: -1 } })), /data.noise/, />= 0/],
  ["data.targetScale 0", () => parseTrainConfig(withCfg({ data: { ...ok.data, targetScale: 0 } })), /data.targetScale/, /> 0/],
  ["arrays with NaN", () => parseTrainConfig(withCfg({ data: { type: "arrays", xs: [[1, NaN]], ys: [[1]] } })), /data.xs\[0\]\[1\]/, /finite/],
  ["arrays empty", () => parseTrainConfig(withCfg({ data: { type: "arrays", xs: [], ys: [[1]] } })), /data.xs/, /at least one row/],
  ["teacher() negative samples", () => datasets.teacher({ inputs: 2, outputs: 1, samples: -1 }), /data.samples/, /from 1 to 10000000/],
  ["sine frequency 0", () => parseTrainConfig(withCfg({ model: { inputs: 1, outputs: 1 }, data: { type: "sine", samples: 8, frequency: 0 } })), /data.frequency/, /> 0/],
  ["csv path empty", () => parseTrainConfig(withCfg({ data: { type: "csv", path: "", inputs: [0], targets: [1] } })), /data.path/, /at least 1|>=1|too small|character/i],
];

const enc = new TextEncoder();
const notebooks: Case[] = [
  ["Latin-1 byte", () => decodeNotebookBytes(Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x7d])), /byte 2 \(0xe9\)/, /UTF-8/],
  ["truncated UTF-8", () => decodeNotebookBytes(Uint8Array.from([0x7b, 0xe2, 0x82])), /byte 1/, /UTF-8/],
  ["overlong encoding", () => decodeNotebookBytes(Uint8Array.from([0x20, 0xc0, 0xaf])), /byte 1/, /UTF-8/],
  ["surrogate in UTF-8", () => decodeNotebookBytes(Uint8Array.from([0xed, 0xa0, 0x80])), /byte 0/, /UTF-8/],
  ["JSON error line/col", () => parseNotebook('{\n  "nbformat": 4,\n  "cells": [,]\n}'), /line 3, column \d+/, /not valid JSON/],
  ["JSON truncated", () => parseNotebook('{"nbformat": 4, "cells": ['), /line 1, column 27/, /not valid JSON/],
  ["deep nesting", () => parseNotebook("[".repeat(10000) + "]".repeat(10000)), /nested deeper than 64 levels/, /line 1, column 65/],
  ["nbformat 3", () => parseNotebook('{"nbformat": 3, "cells": []}'), /nbformat/, /must be 4/],
  ["cells not an array", () => parseNotebook('{"nbformat": 4, "cells": {}}'), /cells/, /must be an array/],
  ["cell_type", () => parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "python", "source": ""}]}'), /cells\[0\].cell_type/, /"code", "markdown" or "raw"/],
  ["stream name", () => parseNotebook('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "stream", "name": "log", "text": ""}]}]}'), /cells\[0\].outputs\[0\].name/, /"stdout" or "stderr"/],
  ["not an object", () => parseNotebook("[1]"), /the file/, /JSON object/],
];

const protocol: Case[] = [
  ["host: unknown type", () => parseHostMessage({ v: 1, type: "explode", id: "a" }), /type/, /"train", "predict", "cancel", "describe"/],
  ["host: wrong version", () => parseHostMessage({ v: 2, type: "cancel", id: "a" }), /v/, /protocol version 1/],
  ["host: empty id", () => parseHostMessage({ v: 1, type: "cancel", id: "" }), /id/, />=1|too small|at least/i],
  ["host: not an object", () => parseHostMessage("train"), /host message/, /must be an object/],
  ["host: chunkSize 0", () => parseHostMessage({ v: 1, type: "train", id: "a", config: {}, chunkSize: 0 }), /chunkSize/, />=1|too small|at least/i],
  ["host: budget negative", () => parseHostMessage({ v: 1, type: "train", id: "a", config: {}, memoryBudgetMiB: -1 }), /memoryBudgetMiB/, />0|too small/i],
  ["page: unknown type", () => parsePageMessage({ v: 1, type: "hello" }), /type/, /"ready", "backend", "progress"/],
  ["page: bad backend", () => parsePageMessage({ v: 1, type: "ready", backend: { name: "tpu", adapter: "x", fp16: "native" } }), /backend.name/, /cpu|webgpu/],
  ["page: progress step", () => parsePageMessage({ v: 1, type: "progress", id: "a", progress: { step: -1, totalSteps: 1, losses: [], scales: [], gradNorms: [], overflowSteps: [], elapsedMs: 0 } }), /progress.step/, />=0|too small/i],
  ["kernel: unknown type", () => parseToKernel({ type: "eval", code: "1" }), /type/, /"execute", "interrupt", "session"/],
  ["kernel: execute id 0", () => parseToKernel({ type: "execute", id: 0, code: "1", name: "c" }), /id/, />=1|too small/i],
  ["kernel: unknown default", () => parseToKernel({ type: "execute", id: 1, code: "1", name: "c", defaults: { budget: 1 } }), /defaults/, /budget|unrecognized/i],
  ["kernel: bad precision default", () => parseToKernel({ type: "execute", id: 1, code: "1", name: "c", defaults: { precision: "fp64" } }), /defaults.precision/, /"fp32", "fp16"/],
  ["owner: unknown type", () => parseFromKernel({ type: "boom" }), /type/, /"ready", "stream", "display"/],
  ["owner: stream name", () => parseFromKernel({ type: "stream", id: 1, name: "stdlog", text: "" }), /name/, /stdout|stderr/],
  ["owner: done outcome", () => parseFromKernel({ type: "done", id: 1, outcome: { status: "weird" } }), /outcome.status/, /ok|error|interrupted|died|discriminator/i],
];

const api: Case[] = [
  ["sweep(cfg, null)", () => sweep(ok as never, null as never), /sweep: grid/, /must be an object/],
  ["sweep(cfg, [])", () => sweep(ok as never, [] as never), /sweep: grid/, /got an array/],
  ["sweep empty precision", () => sweep(ok as never, { precision: [] }), /grid.precision/, /non-empty array/],
  ["predict wrong width", () => predict({ type: "mlp", inputs: 2, hidden: [], outputs: 1 }, [[1, 2, 3]]), /inputs rows have 3 values/, /model.inputs is 2/],
  ["predict no rows", () => predict({ type: "mlp", inputs: 2, hidden: [], outputs: 1 }, []), /inputs/, /non-empty array of rows/],
  ["predict bad model", () => predict({ inputs: -1 }, [[1]]), /model.inputs/, /from 1 to 65536/],
  ["train(null)", () => train(null), /config/, /must be an object/],
  ["train over budget", () => train(withCfg({ model: { inputs: 8, hidden: [65535, 65535], outputs: 1 }, data: { type: "teacher", inputs: 8, outputs: 1, samples: 8 } }), { backend: "cpu" }), /needs about \d+ MiB on the cpu backend/, /memory budget of 2048 MiB/],
  ["train over a small budget", () => train(withCfg({ batchSize: 4 }), { backend: "cpu", memoryBudgetMiB: 0.001 }), /weights .* master copy .* activations .* gradients .* optimizer state .* data/, /memory budget of 0.00 MiB|budget/],
  ["mlp typo", () => mlp({ inputs: 2, outputs: 1, activaton: "relu" } as never), /"activaton"/, /did you mean activation\?/],
  ["dynamicScaler unknown option", () => dynamicScaler({ growthIntervall: 3 } as never), /growthIntervall/, /growthInterval/],
  ["staticScaler(-1)", () => staticScaler(-1), /scale/, /> 0/],
];

for (const [group, cases] of Object.entries({ configs, data, notebooks, protocol, api })) {
  for (const [name, run, field, allowed] of cases) {
    test(`${group}: ${name}`, async () => {
      const msg = await refusal(run);
      assert.match(msg, field, `names the field: ${msg}`);
      assert.match(msg, allowed, `says what is allowed: ${msg}`);
      assert.doesNotMatch(msg, /\n\s+at .*\.(ts|js|mjs):\d+/, "no internal stack trace");
    });
  }
}

// ---- CLI: files in a folder that must not change -------------------------------------
const dir = mkdtempSync(join(tmpdir(), "mplab-bad-"));
const snapshot = () => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n)).toString("base64")]));
const nbText = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", id: "a", metadata: {}, source: "1 + 1", outputs: [], execution_count: null }] });
writeFileSync(join(dir, "good.mplab.json"), JSON.stringify(ok));
writeFileSync(join(dir, "typo.mplab.json"), JSON.stringify({ ...ok, precison: "fp16" }));
writeFileSync(join(dir, "limit.mplab.json"), JSON.stringify({ ...ok, batchSize: 1e9 }));
writeFileSync(join(dir, "broken.mplab.json"), '{\n  "steps": 2,\n  "batchSize" 4\n}');
writeFileSync(join(dir, "latin1.mplab.json"), Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]));
writeFileSync(join(dir, "nb.mpnb"), nbText);
writeFileSync(join(dir, "latin1.mpnb"), Buffer.concat([Buffer.from('{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": "caf'), Buffer.from([0xe9]), Buffer.from('"}]}')]));
writeFileSync(join(dir, "budget.mplab.json"), JSON.stringify({ ...ok, model: { inputs: 8, hidden: [65535, 65535], outputs: 1 }, data: { type: "teacher", inputs: 8, outputs: 1, samples: 8 } }));
symlinkSync("good.mplab.json", join(dir, "link.mplab.json"));

const cli: [name: string, args: string[], code: number, field: RegExp, allowed: RegExp][] = [
  ["train: config key typo", ["train", "typo.mplab.json", "--backend", "cpu"], 1, /"precison"/, /did you mean precision\?/],
  ["train: limit stated", ["train", "limit.mplab.json", "--backend", "cpu"], 1, /batchSize/, /from 1 to 1000000/],
  ["train: JSON line and column", ["train", "broken.mplab.json"], 1, /broken.mplab.json/, /line 3, column 15/],
  ["train: not UTF-8", ["train", "latin1.mplab.json"], 1, /latin1.mplab.json/, /byte 9 \(0xe9\)/],
  ["train: --out is the input", ["train", "good.mplab.json", "--out", "good.mplab.json"], 1, /--out/, /is the input file/],
  ["train: --out through a symlink to the input", ["train", "good.mplab.json", "--out", "link.mplab.json"], 1, /--out/, /is the input file/],
  ["train: --out folder missing", ["train", "good.mplab.json", "--out", "nope/r.json"], 1, /--out/, /does not exist \(nothing was run\)/],
  ["train: --backend", ["train", "good.mplab.json", "--backend", "tpu"], 2, /--backend/, /auto, cpu, wasm, webgpu/],
  ["train: --memory-budget", ["train", "good.mplab.json", "--memory-budget=-3"], 2, /--memory-budget/, /\(0, 1048576\]/],
  ["train: over the budget", ["train", "budget.mplab.json", "--backend", "cpu", "-q"], 1, /needs about \d+ MiB/, /memory budget of 2048 MiB/],
  ["train: over a lower budget flag", ["train", "good.mplab.json", "--backend", "cpu", "--memory-budget", "0.0001", "-q"], 1, /needs about/, /memory budget of 0.00 MiB|raise the budget/],
  ["run: not UTF-8 notebook", ["run", "latin1.mpnb"], 1, /latin1.mpnb/, /byte 66 \(0xe9\)/],
  ["run: --out is the input", ["run", "nb.mpnb", "--out", "nb.mpnb"], 1, /--out/, /is the input file/],
  ["run: --out folder missing", ["run", "nb.mpnb", "--out", "nope/x.mpnb"], 1, /--out/, /does not exist/],
  ["run: --memory-budget", ["run", "nb.mpnb", "--memory-budget", "lots"], 2, /--memory-budget/, /number of MiB/],
  ["run: unknown flag", ["run", "nb.mpnb", "--fast"], 2, /--fast/, /Usage: mplab run/],
];

test("CLI refusals name the field and what is allowed, and change no file", { concurrency: false }, () => {
  ensureCli();
  const cli_ = join(process.cwd(), CLI);
  const before = snapshot();
  for (const [name, args, code, field, allowed] of cli) {
    const r = spawnSync(process.execPath, [cli_, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, code, `${name}: exit ${r.status}: ${r.stderr}`);
    assert.match(r.stderr, field, `${name}: ${r.stderr}`);
    assert.match(r.stderr, allowed, `${name}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.(ts|js|mjs):\d+/, `${name}: no internal stack trace`);
    assert.deepEqual(snapshot(), before, `${name}: nothing on disk changed`);
  }
});
