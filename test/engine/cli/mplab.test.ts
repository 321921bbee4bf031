// The mplab CLI, run as users run it: `node dist/mplab.mjs ...` on tiny configs.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmtNum, fmtScaleRange } from "../../../engine/cli/format.js";

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const CLI = "dist/mplab.mjs";
const dir = mkdtempSync(join(tmpdir(), "mplab-cli-"));

function mplab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFile(name: string, config: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof config === "string" ? config : JSON.stringify(config));
  return p;
}

const tiny = {
  model: { inputs: 4, hidden: [8], outputs: 1, activation: "relu", seed: 1 },
  data: { type: "teacher", inputs: 4, outputs: 1, samples: 64, seed: 2 },
  scaler: { type: "dynamic", preset: "pytorch", growthInterval: 5 },
  steps: 12,
  batchSize: 8,
};

before(() => {
  // `npm test` builds first; a lone unit run builds the CLI if it is missing
  if (!existsSync(CLI)) assert.equal(spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" }).status, 0);
});

test("train: a summary whose numbers are the RunResult's", () => {
  const file = configFile("tiny.mplab.json", tiny);
  const out = join(dir, "result.json");
  const r = mplab("train", file, "--backend", "cpu", "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(result.kind, "mplab.run");
  assert.equal(result.steps, 12);
  assert.equal(result.losses.length, 12);
  assert.match(r.stdout, new RegExp(`final loss\\s+${esc(fmtNum(result.finalLoss))}\\n`));
  assert.match(r.stdout, new RegExp(`skipped steps\\s+${result.skippedSteps} of 12\\n`));
  assert.match(r.stdout, new RegExp(`scale range\\s+${esc(fmtScaleRange(result.scales))} \\(after the run: `));
  assert.equal(result.scales[0], 2 ** 16);
  assert.match(r.stdout, /gradients lost to underflow/);
  assert.match(r.stdout, /^ +1 +4->8 relu +\S+% \/ \S+%/m);
  assert.match(r.stdout, /^ +2 +8->1 linear/m);
  assert.match(r.stdout, /RunResult written to/);
  // not a terminal: plain progress lines on stderr, ending at the last step
  assert.match(r.stderr, /step 12\/12/);
  assert.doesNotMatch(r.stderr, /\r/);
});

test("train --json prints the RunResult; runs are deterministic", () => {
  const file = configFile("tiny.mplab.json", tiny);
  const a = mplab("train", file, "--backend", "cpu", "--json", "-q");
  const b = mplab("train", file, "--backend", "cpu", "--json", "-q");
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stderr, "");
  const ra = JSON.parse(a.stdout), rb = JSON.parse(b.stdout);
  assert.equal(ra.steps, 12);
  assert.equal(ra.backend.name, "cpu");
  assert.deepEqual(ra.losses, rb.losses);
  assert.deepEqual(ra.model, rb.model);
});

test("train: every step overflows with a static scale of 2^40", () => {
  const file = configFile("overflow.mplab.json", { ...tiny, scaler: { type: "static", scale: 2 ** 40 } });
  const r = mplab("train", file, "--backend", "cpu", "-q");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /skipped steps\s+12 of 12/);
  assert.match(r.stdout, /overflow steps\s+12 \(at steps 0, 1, 2, 3, 4, \.\.\. \(7 more\)\)/);
  assert.match(r.stdout, /first non-finite\s+step 0: layer \d/);
});

test("DeepSpeed's error at its floor ends the run: exit 1, the step named", () => {
  // 2^40 overflows every step: step 0 is absorbed (hysteresis 2), step 1 backs off to
  // the floor 2^39, step 2 raises
  const scaler = { type: "dynamic", preset: "deepspeed", zeroStage: 1, initScale: 2 ** 40, minScale: 2 ** 39 };
  const r = mplab("train", configFile("ds.mplab.json", { ...tiny, scaler }), "--backend", "cpu", "--json", "-q");
  assert.equal(r.code, 1);
  const result = JSON.parse(r.stdout);
  assert.equal(result.status, "error");
  assert.equal(result.steps, 3);
  assert.deepEqual(result.scales, [2 ** 40, 2 ** 40, 2 ** 39]);
  assert.match(r.stderr, /step 2: Current loss scale already at minimum - cannot decrease scale anymore/);
});

test("Ctrl-C cancels the run: a partial summary, exit 130", async () => {
  const file = configFile("long.mplab.json", { ...tiny, steps: 1_000_000 });
  const child = spawn(process.execPath, [CLI, "train", file, "--backend", "cpu"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.once("data", () => child.kill("SIGINT")); // the first progress line: the run has started
  const code = await new Promise((res) => child.on("exit", res));
  assert.equal(code, 130);
  assert.match(stdout, /status +cancelled/);
  assert.doesNotMatch(stdout, /skipped steps +\d+ of 1000000/);
});

test("a bad config exits 1 naming the field's JSON path", () => {
  const cases: [unknown, RegExp][] = [
    [{ ...tiny, batchSize: 0 }, /batchSize must be an integer from 1 to 1000000, got 0/],
    [{ ...tiny, model: { ...tiny.model, hidden: [8, -1] } }, /model\.hidden\[1\]/],
    [{ ...tiny, scaler: { type: "dynamic", backoffFactor: 1.5 } }, /scaler\.backoffFactor must be in \(0, 1\), got 1\.5/],
    [{ ...tiny, data: { ...tiny.data, inputs: 3 } }, /data\.inputs/],
    ["{ not json", /not valid JSON/],
  ];
  for (const [config, msg] of cases) {
    const r = mplab("train", configFile("bad.mplab.json", config), "--backend", "cpu", "-q");
    assert.equal(r.code, 1, `${JSON.stringify(config)}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.match(r.stderr, /^mplab train: .*bad\.mplab\.json/);
    assert.equal(r.stdout, "");
  }
  const missing = mplab("train", join(dir, "nope.mplab.json"));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*nope\.mplab\.json: no such file/);
});

test("--help, usage errors", () => {
  const top = mplab("--help");
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^ +train +/m);
  assert.match(top.stdout, /^ +demo +/m);
  const t = mplab("train", "--help");
  assert.equal(t.code, 0);
  assert.match(t.stdout, /--backend auto\|cpu\|wasm\|webgpu/);
  assert.match(t.stdout, /--out FILE/);
  assert.equal(mplab("demo", "--help").code, 0);
  const none = mplab();
  assert.equal(none.code, 2);
  const unknown = mplab("frobnicate");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const flag = mplab("train", "x.json", "--fast");
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--fast/);
  const backend = mplab("train", "x.json", "--backend", "tpu");
  assert.equal(backend.code, 2);
  assert.match(backend.stderr, /--backend must be one of auto, cpu, wasm, webgpu, got "tpu"/);
  assert.equal(mplab("train").code, 2);
});
