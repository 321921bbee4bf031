// `mplab run NOTEBOOK.mpnb`, run as users run it (node dist/mplab.mjs) on tiny notebooks:
// outputs and execution counts written in place or to --out, the first failing cell
// stops the run with its cell and line named, bad notebooks are refused untouched,
// Ctrl-C interrupts the running cell.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseNotebook, serializeNotebook, type NbNotebook, type NbOutput } from "../../../engine/notebook/format.js";
import { RUN_RESULT_MIME } from "../../../engine/train/runResult.js";
import { CLI, ensureCli, mplab } from "../../helpers/mplabCli.js";

const dir = mkdtempSync(join(tmpdir(), "mplab-run-"));

type Cell = ["markdown" | "code", string];

function notebookText(cells: Cell[]): string {
  return serializeNotebook({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { custom: { kept: true } },
    cells: cells.map(([cell_type, source], i) => ({ cell_type, id: `c${i}`, source, metadata: {}, ...(cell_type === "code" ? { outputs: [], execution_count: null } : {}) })),
  });
}

function notebookFile(name: string, cells: Cell[] | string): string {
  const p = join(dir, name);
  writeFileSync(p, typeof cells === "string" ? cells : notebookText(cells));
  return p;
}

const read = (p: string): NbNotebook => parseNotebook(readFileSync(p, "utf8"));

const tinyTrain =
  'await train({ name: "tiny", model: mlp({ inputs: 2, hidden: [4], outputs: 1, seed: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 32 }), steps: 6, batchSize: 8 })';

before(ensureCli);

test("run: every code cell in order; outputs shaped as VS Code saves them; execution counts 1..n", () => {
  const file = notebookFile("ok.mpnb", [
    ["markdown", "# Title"],
    ["code", 'console.log("one"); console.log("two"); console.error("warn")\nconst x = 20'],
    ["code", "display({ a: 1 })\nx + 22"],
    ["code", `const run = ${tinyTrain}\nrun`],
    ["code", "const nothing = 1"],
  ]);
  const r = mplab("run", file, "--backend", "cpu");
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(file, "utf8");
  // the file is what serializeNotebook writes (the format VS Code's serializer writes too)
  assert.equal(serializeNotebook(parseNotebook(text)), text);
  const nb = parseNotebook(text);
  assert.deepEqual(nb.metadata, { custom: { kept: true } });
  assert.equal(nb.cells.length, 5);
  assert.equal(nb.cells[0].source, "# Title");
  assert.equal(nb.cells[0].outputs, undefined);
  assert.deepEqual(nb.cells.slice(1).map((c) => c.execution_count), [1, 2, 3, 4]);
  // consecutive writes to one stream are one output, as the controller merges them
  assert.deepEqual(nb.cells[1].outputs, [
    { output_type: "stream", name: "stdout", text: "one\ntwo\n" },
    { output_type: "stream", name: "stderr", text: "warn\n" },
  ]);
  assert.deepEqual(nb.cells[2].outputs, [
    { output_type: "display_data", data: { "text/plain": "{ a: 1 }" }, metadata: {} },
    { output_type: "execute_result", data: { "text/plain": "42" }, metadata: {}, execution_count: 2 },
  ]);
  const [result] = nb.cells[3].outputs as Extract<NbOutput, { output_type: "execute_result" }>[];
  assert.equal(result.output_type, "execute_result");
  assert.deepEqual(Object.keys(result.data), [RUN_RESULT_MIME, "text/plain"]);
  const run = result.data[RUN_RESULT_MIME] as { kind: string; name: string; steps: number; losses: number[]; backend: { name: string } };
  assert.equal(run.kind, "mplab.run");
  assert.equal(run.name, "tiny");
  assert.equal(run.steps, 6);
  assert.equal(run.losses.length, 6);
  assert.equal(run.backend.name, "cpu");
  assert.match(String(result.data["text/plain"]), /^RunResult "tiny": completed, 6 steps/);
  assert.deepEqual(nb.cells[4].outputs, []);
  // progress on stderr: each cell, the training, the end
  assert.match(r.stderr, /cell 2 \(code cell 1 of 4\)/);
  assert.match(r.stderr, /cell 4: train step 6\/6/);
  assert.match(r.stderr, /4 code cells ran/);
  assert.equal(r.stdout, "");
});

test("run: the first failing cell stops the run: exit 1, cell and line named, outputs so far written, every cell kept", () => {
  const cells: Cell[] = [
    ["code", 'console.log("before")'],
    ["markdown", "text"],
    ["code", 'console.log("partial")\nconst a = 1\n\nnotDefined.x'],
    ["code", 'console.log("never")'],
  ];
  const file = notebookFile("fail.mpnb", cells);
  // the cell after the failure had outputs from an earlier run: they stay as they were
  const before = parseNotebook(readFileSync(file, "utf8"));
  before.cells[3].outputs = [{ output_type: "stream", name: "stdout", text: "old\n" }];
  before.cells[3].execution_count = 7;
  writeFileSync(file, serializeNotebook(before));
  const r = mplab("run", file, "--backend", "cpu", "-q");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /mplab run: cell 3 failed at line 4: ReferenceError: notDefined is not defined/);
  const nb = read(file);
  assert.deepEqual(nb.cells.map((c) => c.source), cells.map(([, s]) => s));
  assert.deepEqual(nb.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "before\n" }]);
  const failed = nb.cells[2];
  assert.equal(failed.execution_count, 2);
  assert.equal(failed.outputs!.length, 2);
  assert.deepEqual(failed.outputs![0], { output_type: "stream", name: "stdout", text: "partial\n" });
  const err = failed.outputs![1] as Extract<NbOutput, { output_type: "error" }>;
  assert.equal(err.output_type, "error");
  assert.equal(err.ename, "ReferenceError");
  assert.equal(err.evalue, "notDefined is not defined (line 4)");
  assert.equal(err.traceback[0], "ReferenceError: notDefined is not defined");
  assert.match(err.traceback.join("\n"), /cell 3, line 4/);
  assert.deepEqual(nb.cells[3].outputs, [{ output_type: "stream", name: "stdout", text: "old\n" }]);
  assert.equal(nb.cells[3].execution_count, 7);
});

test("run: a syntax error names its cell and line", () => {
  const file = notebookFile("syntax.mpnb", [["code", "const ok = 1"], ["code", "const a = 1\nconst = 2"]]);
  const r = mplab("run", file, "--backend", "cpu", "-q");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cell 2 failed at line 2: SyntaxError/);
  const err = read(file).cells[1].outputs![0] as Extract<NbOutput, { output_type: "error" }>;
  assert.equal(err.ename, "SyntaxError");
  assert.match(err.evalue, /\(line 2\)$/);
});

test("run --out: the executed notebook goes to FILE; the input stays byte for byte", () => {
  const file = notebookFile("in.mpnb", [["code", "1 + 1"]]);
  const original = readFileSync(file, "utf8");
  const out = join(dir, "out.mpnb");
  const r = mplab("run", file, "--out", out, "--backend", "cpu", "-q");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(file, "utf8"), original);
  assert.deepEqual(read(out).cells[0].outputs, [{ output_type: "execute_result", data: { "text/plain": "2" }, metadata: {}, execution_count: 1 }]);
  // a failed run writes to --out too, and still leaves the input alone
  const bad = notebookFile("in-bad.mpnb", [["code", "throw new Error('boom')"]]);
  const badText = readFileSync(bad, "utf8");
  assert.equal(mplab("run", bad, "--out", out, "--backend", "cpu", "-q").code, 1);
  assert.equal(readFileSync(bad, "utf8"), badText);
  assert.equal((read(out).cells[0].outputs![0] as { evalue: string }).evalue, "boom (line 1)");
});

test("run: a notebook that fails to parse is refused and left untouched; no temporary files remain", () => {
  for (const [name, text, why] of [
    ["broken.mpnb", '{"nbformat": 4, "cells": [', /not valid JSON/],
    ["v3.mpnb", '{"nbformat": 3, "cells": []}', /nbformat must be 4/],
    ["badcell.mpnb", '{"nbformat": 4, "cells": [{"cell_type": "python", "source": "x"}]}', /cells\[0\]\.cell_type/],
  ] as const) {
    const file = notebookFile(name, text);
    const r = mplab("run", file, "--backend", "cpu");
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, why);
    assert.match(r.stderr, /left unchanged/);
    assert.equal(readFileSync(file, "utf8"), text);
  }
  assert.equal(mplab("run", join(dir, "missing.mpnb")).code, 1);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
});

test("run: timers a cell leaves running are cleared at the end, so the run exits", () => {
  const file = notebookFile("timers.mpnb", [["code", 'setInterval(() => console.log("tick"), 1000)\nawait new Promise((r) => setTimeout(r, 5))\n"started"']]);
  // spawnSync's timeout guards against a hang: the run would never end with the interval alive
  const r = spawnSync(process.execPath, [CLI, "run", file, "--backend", "cpu", "-q"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(read(file).cells[0].outputs!.at(-1)!.output_type, "execute_result");
});

test("run: bad command lines exit 2 with the usage", () => {
  for (const args of [[], ["a.mpnb", "b.mpnb"], ["a.mpnb", "--backend", "tpu"], ["a.mpnb", "--nope"]]) {
    const r = mplab("run", ...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, /Usage: mplab run NOTEBOOK\.mpnb/);
  }
  assert.match(mplab("--help").stdout, /^ +run +execute a notebook/m);
});

test("run: Ctrl-C interrupts the running cell; the outputs so far are written; exit 130", async () => {
  const file = notebookFile("long.mpnb", [
    ["code", 'console.log("first")'],
    ["code", 'await train({ model: mlp({ inputs: 2, hidden: [4], outputs: 1 }), data: datasets.teacher({ inputs: 2, outputs: 1, samples: 32 }), steps: 10000000, batchSize: 8, chunkSize: 10 })'],
    ["code", 'console.log("never")'],
  ]);
  const child = spawn(process.execPath, [CLI, "run", file, "--backend", "cpu"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      const had = /cell 2: train step/.test(stderr);
      stderr += d;
      if (!had && /cell 2: train step/.test(stderr)) child.kill("SIGINT");
    });
    child.on("exit", (c) => resolve(c));
  });
  assert.equal(code, 130, stderr);
  assert.match(stderr, /cell 2 was interrupted/);
  const nb = read(file);
  assert.deepEqual(nb.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "first\n" }]);
  const out = nb.cells[1].outputs!.at(-1) as Extract<NbOutput, { output_type: "error" }>;
  assert.equal(out.ename, "Interrupted");
  assert.match(out.evalue, /training stopped after \d+ of 10000000 steps/);
  assert.equal(nb.cells[2].execution_count, null);
});

/** Runs `mplab run` and sends one SIGINT once `trigger` shows on stderr. */
async function runAndInterrupt(file: string, trigger: RegExp): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, "run", file, "--backend", "cpu"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      const had = trigger.test(stderr);
      stderr += d;
      // a moment after the cell started, so that its loop is running
      if (!had && trigger.test(stderr)) setTimeout(() => child.kill("SIGINT"), 500);
    });
    child.on("exit", (c) => resolve(c));
  });
  return { code, stderr };
}

const lastError = (nb: NbNotebook, i: number) => nb.cells[i].outputs!.at(-1) as Extract<NbOutput, { output_type: "error" }>;

test("run: Ctrl-C stops a synchronous loop at the top of a cell; outputs so far written; exit 130", async () => {
  const file = notebookFile("spin.mpnb", [["code", 'console.log("first")'], ["code", "while (true) {}"], ["code", 'console.log("never")']]);
  const { code, stderr } = await runAndInterrupt(file, /cell 2 \(code cell/);
  assert.equal(code, 130, stderr);
  const nb = read(file);
  assert.deepEqual(nb.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "first\n" }]);
  assert.equal(lastError(nb, 1).ename, "Interrupted");
  assert.match(lastError(nb, 1).evalue, /variables are kept/);
  assert.equal(nb.cells[2].execution_count, null);
});

test("run: a loop after an await ignores Ctrl-C: the kernel is ended within seconds, the cell says so, outputs written", async () => {
  const file = notebookFile("spin2.mpnb", [["code", 'console.log("first")'], ["code", 'console.log("so far"); await null; while (true) {}']]);
  const { code, stderr } = await runAndInterrupt(file, /cell 2 \(code cell/);
  assert.equal(code, 130, stderr);
  const nb = read(file);
  assert.deepEqual(nb.cells[1].outputs![0], { output_type: "stream", name: "stdout", text: "so far\n" });
  assert.match(lastError(nb, 1).evalue, /did not stop within 4 s, so the kernel was restarted/);
});

test("run: process.exit, a crash, a never-settling promise and memory over the budget each name their cell; outputs written", () => {
  const p = "console.log.constructor('return process')()";
  const cases: [string, string, number, RegExp][] = [
    ["exit.mpnb", `${p}.exit(0)`, 1, /cell 2: the kernel died: a cell called process.exit\(0\)/],
    ["abort.mpnb", `${p}.abort()`, 1, /cell 2: the kernel died: it was ended by SIGABRT/],
    ["never.mpnb", "await new Promise(() => {})", 1, /cell 2 failed: CellNeverFinishes: cell 2 can never finish/],
    ["budget.mpnb", "await train({ model: mlp({ inputs: 8, hidden: [65535, 65535], outputs: 1 }), data: datasets.teacher({ inputs: 8, outputs: 1, samples: 8 }), steps: 1, batchSize: 8 })", 1, /cell 2 failed: MemoryBudgetError: .*memory budget of 2048 MiB/],
  ];
  for (const [name, source, exit, message] of cases) {
    const file = notebookFile(name, [["code", 'console.log("first")'], ["code", source]]);
    const r = mplab("run", file, "--backend", "cpu");
    assert.equal(r.code, exit, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.doesNotMatch(r.stderr, /Native stack trace|<--- JS stacktrace/, `${name}: no crash dump`);
    const nb = read(file);
    assert.deepEqual(nb.cells[0].outputs, [{ output_type: "stream", name: "stdout", text: "first\n" }], name);
    assert.equal(nb.cells[1].outputs!.at(-1)!.output_type, "error", name);
  }
});

test("run: a symlinked notebook is written through to its target; the link stays a link", () => {
  const target = notebookFile("target.mpnb", [["code", "6 * 7"]]);
  const link = join(dir, "link.mpnb");
  symlinkSync("target.mpnb", link);
  const r = mplab("run", link, "--backend", "cpu", "-q");
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.deepEqual((read(target).cells[0].outputs![0] as { data: unknown }).data, { "text/plain": "42" });
});
