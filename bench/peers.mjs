// The bench's peers: TF.js (its matmul NN and NT, and the reference MLP step) and PyTorch
// on the CPU (bench/torch_peer.py in a persistent process, so its runs interleave with
// ours). Which python: $MPLAB_TORCH_PYTHON, else $MPLAB_PYTHON, else the venv that
// scripts/setup-python-peers.sh makes (${MPLAB_CACHE:-~/.cache/mplab}/venv), else python3;
// the first that imports torch.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** One tf.matMul of [M,K]·[K,N] (NN) or [M,K]·[N,K]^T (NT): a timer over prepared tensors. */
export function tfMatmulOp(tf, M, N, K, transposeB) {
  const a = tf.randomUniform([M, K], -1, 1, "float32", 1), b = tf.randomUniform(transposeB ? [N, K] : [K, N], -1, 1, "float32", 2);
  let last = null;
  const kept = [];
  return {
    op: () => { last = tf.matMul(a, b, false, transposeB); kept.push(last); },
    wait: async () => { await last.data(); for (const t of kept.splice(0)) t.dispose(); },
    dispose: () => { a.dispose(); b.dispose(); },
  };
}

/** The reference MLP's step in TF.js on one fixed batch; returns run(steps) -> steps/s. */
export function tfMlp(tf, widths = [64, 256, 256, 16], batch = 256) {
  const vars = [];
  for (let l = 0; l < widths.length - 1; l++) {
    vars.push(tf.variable(tf.randomNormal([widths[l], widths[l + 1]], 0, Math.sqrt(2 / widths[l]), "float32", 1 + l)));
    vars.push(tf.variable(tf.zeros([widths[l + 1]])));
  }
  const X = tf.randomNormal([batch, widths[0]], 0, 1, "float32", 7), Y = tf.randomNormal([batch, widths.at(-1)], 0, 1, "float32", 8);
  const opt = tf.train.sgd(0.01);
  const step = () => opt.minimize(() => {
    let h = X;
    for (let l = 0; l < widths.length - 1; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
      if (l < widths.length - 2) h = tf.relu(h);
    }
    return tf.losses.meanSquaredError(Y, h);
  });
  return {
    async run(steps) {
      const s = performance.now();
      for (let i = 0; i < steps; i++) step();
      await vars.at(-1).data();
      return steps / ((performance.now() - s) / 1000);
    },
    dispose() { for (const v of vars) v.dispose(); X.dispose(); Y.dispose(); opt.dispose(); },
  };
}

function findTorchPython() {
  const tried = [];
  for (const py of [process.env.MPLAB_TORCH_PYTHON, process.env.MPLAB_PYTHON, join(process.env.MPLAB_CACHE ?? join(homedir(), ".cache", "mplab"), "venv", "bin", "python"), "python3"].filter(Boolean)) {
    if (py.includes("/") && !existsSync(py)) { tried.push(`${py} (missing)`); continue; }
    const r = spawnSync(py, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8", timeout: 60000 });
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
    tried.push(`${py} (no torch)`);
  }
  return { missing: `no python with torch: tried ${tried.join(", ")}; run scripts/setup-python-peers.sh or set MPLAB_TORCH_PYTHON` };
}

/** A PyTorch process answering {precision, threads, steps, batch?, widths?} with steps/s; or why there is none. */
export async function startTorch() {
  const found = findTorchPython();
  if (found.missing) return { missing: found.missing };
  const child = spawn(found.python, [join(here, "torch_peer.py")], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  lines.on("line", (l) => queue.shift()?.(JSON.parse(l)));
  const next = () => new Promise((ok) => queue.push(ok));
  const hello = await next();
  return {
    python: found.python,
    version: hello.torch,
    async steps(req) {
      const answer = next();
      child.stdin.write(JSON.stringify(req) + "\n");
      return (await answer).stepsPerSecond;
    },
    close() { child.stdin.end(); child.kill(); },
  };
}
