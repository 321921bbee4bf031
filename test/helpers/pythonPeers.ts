// The Python with torch and numpy that the export tests run scripts under: $MPLAB_PYTHON,
// else the venv scripts/setup-python-peers.sh makes (${MPLAB_CACHE:-~/.cache/mplab}/venv).
// Missing torch is a failure with the command that fixes it, never a skip.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const SETUP = "scripts/setup-python-peers.sh";

export function peerPythonPath(): string {
  if (process.env.MPLAB_PYTHON) return process.env.MPLAB_PYTHON;
  return join(process.env.MPLAB_CACHE ?? join(homedir(), ".cache", "mplab"), "venv", "bin", "python");
}

let checked: string | null = null;

/** The peer python; throws (failing the test) when it is missing or lacks torch/numpy. */
export function peerPython(): string {
  if (checked) return checked;
  const py = peerPythonPath();
  const how = `run ${SETUP} (it installs torch + numpy into that venv from the local pip index), or set MPLAB_PYTHON to a python that has them`;
  if (!existsSync(py)) throw new Error(`no Python for the PyTorch export tests at ${py}: ${how}`);
  const r = spawnSync(py, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${py} cannot import torch and numpy (${(r.stderr || "").trim().split("\n").pop()}): ${how}`);
  checked = py;
  return py;
}

export function runPython(args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string } = {}) {
  const r = spawnSync(peerPython(), args, { encoding: "utf8", cwd: opts.cwd, input: opts.input, timeout: opts.timeoutMs ?? 180_000, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
