// A run.json as `mplab train --json` writes it (NaN and Infinity in the one codec) is
// what the exporters take and what the exported script's --compare reads: a run whose
// overflow steps have a non-finite gradient norm exports, and the script reads the tags
// back as Python's nan and +-inf (torch stubbed out: load_run needs only json and math).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { exportPyTorch } from "../../../engine/export/pytorch.js";
import { ensureCli, mplab } from "../../helpers/mplabCli.js";
import { peerPythonPath } from "../../helpers/pythonPeers.js";

const PYTHON = existsSync(peerPythonPath()) ? peerPythonPath() : "python3";
const dir = mkdtempSync(join(tmpdir(), "mplab-runjson-"));
before(ensureCli);

test("mplab train --json -> exportPyTorch -> the script's load_run: non-finite gradient norms and losses survive", () => {
  const config = join(dir, "overflow.mplab.json");
  writeFileSync(config, JSON.stringify({ model: { inputs: 2, hidden: [4], outputs: 1, seed: 1 }, data: { type: "teacher", inputs: 2, outputs: 1, samples: 16 }, steps: 4, batchSize: 4, scaler: { type: "static", scale: 2 ** 40 } }));
  const r = mplab("train", config, "--backend", "cpu", "--json", "-q");
  assert.equal(r.code, 0, r.stderr);
  // every step overflows: its gradient norm is not finite, written in the codec (null before)
  assert.match(r.stdout, /"gradNorms": \[\s*\{\s*"\$nonFinite": "NaN"/);
  const run = JSON.parse(r.stdout);
  run.losses[1] = { $nonFinite: "Infinity" }; // as a diverged run would hold it
  run.losses[2] = { $nonFinite: "-Infinity" };
  const runFile = join(dir, "run.json");
  writeFileSync(runFile, JSON.stringify(run));
  const script = join(dir, "train_mplab.py");
  writeFileSync(script, exportPyTorch(run));
  const code = [
    "import json, math, sys, types",
    "for m in ['torch', 'torch.distributed', 'torch.nn', 'torch.nn.functional', 'numpy']:",
    "    sys.modules[m] = types.ModuleType(m)",
    "sys.modules['torch'].autograd = types.SimpleNamespace(Function=object)",
    "sys.modules['torch.nn'].Module = object",
    `ns = {'__name__': 'exported'}`,
    `exec(open(${JSON.stringify(script)}).read(), ns)`,
    `d = ns['load_run'](${JSON.stringify(runFile)})`,
    "print(json.dumps([repr(d['gradNorms'][0]), repr(d['losses'][1]), repr(d['losses'][2]), d['overflowSteps'], repr(ns['RUN_TRACE']['losses'][1])]))",
  ].join("\n");
  const p = spawnSync(PYTHON, ["-c", code], { encoding: "utf8" });
  assert.equal(p.status, 0, p.stderr);
  assert.deepEqual(JSON.parse(p.stdout), ["nan", "inf", "-inf", [0, 1, 2, 3], "inf"]);
});
