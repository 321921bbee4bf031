// Export to PyTorch: a self-contained training script that reproduces a run under
// torch: the same data, batch order and initial weights (ported from our generators,
// shuffle and init: pythonData.ts), torch.autocast as the policy, the loss scaler with
// the run's rule (pythonScaler.ts), ready for `torchrun` (each rank takes its share of
// every global batch; the loss is normalised by the global batch and the gradients
// summed, so every rank's fp16 gradients are the one-process ones). It prints per step
// what our run reports (loss, scale, skipped) and writes them with --trace FILE;
// --compare RUN.json checks them against one of our runs (a RunResult or a trace); a
// script exported from a finished run carries that run's trace (--check).
import type { TrainConfig, TrainConfigInput } from "../config/schema.js";
import { layerShapes } from "../model/mlp.js";
import type { RunResult } from "../train/runResult.js";
import { exportSourceOf } from "./configOf.js";
import { jsonText } from "./jsonText.js";
import { arraysValues, DATA_FILE_SUFFIX, dataSection, initSection, MAX_INLINE_VALUES, rngSection } from "./pythonData.js";
import { py, pyFloat, pyInt, pyStr, PYTHON_HEADER } from "./pythonLiteral.js";
import { normalizeSection } from "./pythonNormalize.js";
import { scalerSection } from "./pythonScaler.js";
import { scalerLabel } from "./scalerDefaults.js";

export interface PyTorchExportOptions {
  /** the script's file name (no folder), which names its data file where one is needed (default "train_mplab.py") */
  scriptName?: string;
}

/** The data file's name from the script's: a plain file name, nothing that reaches another folder. */
function dataFileName(scriptName: string): string {
  if (typeof scriptName !== "string" || !scriptName || /[/\\\0]/.test(scriptName) || scriptName === "." || scriptName === "..")
    throw new Error(`exportPyTorch: scriptName must be a file name without a folder, got ${JSON.stringify(scriptName)}`);
  return scriptName.replace(/\.py$/, "") + DATA_FILE_SUFFIX;
}

/** The script, and the files to save beside it (inline data too large to embed). */
export interface PyTorchExport {
  script: string;
  files: { name: string; content: string }[];
}

/** Our activations (engine/ops/activation/math.ts): in fp64 from the pre-activation, rounded once to its dtype. */
const activationSection: string[] = [
  "GELU_C = math.sqrt(2 / math.pi)",
  "",
  "",
  "def activate(kind, x):",
  '    if kind == "relu":',
  "        return torch.where(x > 0, x, torch.zeros_like(x))",
  '    if kind == "tanh":',
  "        return torch.tanh(x)",
  '    if kind == "sigmoid":',
  "        return 1 / (1 + torch.exp(-x))",
  "    return 0.5 * x * (1 + torch.tanh(GELU_C * (x + 0.044715 * x * x * x)))  # gelu, the tanh form",
  "",
  "",
  "def activate_grad(kind, x):",
  '    if kind == "relu":',
  "        return (x > 0).to(x.dtype)",
  '    if kind == "tanh":',
  "        t = torch.tanh(x)",
  "        return 1 - t * t",
  '    if kind == "sigmoid":',
  "        s = 1 / (1 + torch.exp(-x))",
  "        return s * (1 - s)",
  "    u = GELU_C * (x + 0.044715 * x * x * x)",
  "    t = torch.tanh(u)",
  "    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x)",
  "",
  "",
  "class OurActivation(torch.autograd.Function):",
  "    # as our engine computes it: f and f' in fp64 from the (16-bit) pre-activation, each rounded once",
  "    # to its dtype (torch's own 16-bit kernels compute in fp32 and take f' from the rounded output)",
  "    @staticmethod",
  "    def forward(ctx, z, kind):",
  "        ctx.save_for_backward(z)",
  "        ctx.kind = kind",
  "        return activate(kind, z.double()).to(z.dtype)",
  "",
  "    @staticmethod",
  "    def backward(ctx, g):",
  "        (z,) = ctx.saved_tensors",
  "        return (g.double() * activate_grad(ctx.kind, z.double())).to(g.dtype), None",
  "",
  "",
  "class Activation(nn.Module):",
  "    def __init__(self, kind):",
  "        super().__init__()",
  "        self.kind = kind",
  "",
  "    def forward(self, z):",
  "        return OurActivation.apply(z, self.kind)",
];

/** The script text; throws if the run's data would need a file beside it (use exportPyTorchFiles). */
export function exportPyTorch(x: TrainConfigInput | TrainConfig | RunResult, opts: PyTorchExportOptions = {}): string {
  const out = exportPyTorchFiles(x, opts);
  if (out.files.length) throw new Error(`exportPyTorch: the data has more than ${MAX_INLINE_VALUES} values, which go to ${out.files[0].name} beside the script: use exportPyTorchFiles`);
  return out.script;
}

export function exportPyTorchFiles(x: TrainConfigInput | TrainConfig | RunResult, opts: PyTorchExportOptions = {}): PyTorchExport {
  const { config: c, run } = exportSourceOf(x, "exportPyTorch");
  if (c.precision === "mixed-fp8") throw new Error("exportPyTorch: a mixed-fp8 run is exported by exportPyTorchFp8 (torch float8 casts, the same scales)");
  const shapes = layerShapes(c.model);
  const o = c.optimizer;
  const files: PyTorchExport["files"] = [];
  let dataFile: string | null = null;
  if (c.data.type === "arrays" && arraysValues(c.data) > MAX_INLINE_VALUES) {
    dataFile = dataFileName(opts.scriptName ?? "train_mplab.py");
    files.push({ name: dataFile, content: jsonText({ xs: c.data.xs, ys: c.data.ys }, "the data file") });
  }
  const L: string[] = [];
  const add = (...lines: string[]) => L.push(...lines);
  const name = run?.name ?? c.name;
  add(
    ...PYTHON_HEADER,
    `# Exported by Mixed Precision Lab (the run's name: RUN_NAME below): precision ${c.precision}, scaler ${scalerLabel(c.scaler)}, ${pyInt(c.steps)} steps.`,
    "#   python3 this_script.py [--trace trace.json] [--compare run.json]   (one process)",
    "#   torchrun --nproc_per_node=N this_script.py [...]                  (N ranks, gloo on CPU, nccl on GPUs: each takes 1/N of every batch)",
    "# The data, the batch order and the initial weights are the run's (our generators, shuffle and",
    "# init, ported to Python): per step it prints the loss, the scale and whether the step was skipped.",
    run ? "# --check compares them with the run this was exported from (its trace is at the end of this file)." : "# --compare RUN.json compares them with `mplab train CONFIG --json > RUN.json` (or a --trace file).",
    "# Needs torch >= 2.3 (torch.amp.GradScaler(device)) and numpy.",
    "import argparse",
    "import json",
    "import math",
    "import os",
    "import sys",
    "",
    "import numpy as np",
    "import torch",
    "import torch.distributed as dist",
    "import torch.nn as nn",
    "import torch.nn.functional as F",
    "",
    `RUN_NAME = ${name === undefined ? "None" : pyStr(name, "the run's name")}`,
    `PRECISION = ${pyStr(c.precision, "precision")}`,
    `STEPS = ${pyInt(c.steps, "steps")}`,
    `BATCH_SIZE = ${pyInt(c.batchSize, "batchSize")}  # global rows per micro-batch`,
    `ACCUMULATION_STEPS = ${pyInt(c.accumulationSteps, "accumulationSteps")}`,
    `OUTPUTS = ${pyInt(c.model.outputs, "model.outputs")}`,
    `SHUFFLE_SEED = ${pyInt(c.seed, "seed")}`,
    "",
    "",
  );
  add(...rngSection, "", "", ...dataSection(c.data, dataFile), "", "", ...normalizeSection(c, run?.model.normalization), "", "", ...initSection(c.model, shapes), "", "");
  add(...activationSection, "", "");
  add(
    "def make_model():",
    "    # our MLP: Linear layers with the activation between them, none after the last",
    "    layers = []",
  );
  shapes.forEach((s) => {
    add(`    layers.append(nn.Linear(${pyInt(s.inputs)}, ${pyInt(s.outputs)}))`);
    if (s.activation !== "linear") add(`    layers.append(Activation(${pyStr(s.activation)}))`);
  });
  add(
    "    model = nn.Sequential(*layers)",
    "    linears = [m for m in model if isinstance(m, nn.Linear)]",
    "    with torch.no_grad():",
    "        for lin, (w, b) in zip(linears, init_weights()):",
    "            lin.weight.copy_(torch.tensor(w, dtype=torch.float32).view_as(lin.weight))",
    "            lin.bias.copy_(torch.tensor(b, dtype=torch.float32))",
    "    return model",
    "",
    "",
  );
  add(...scalerSection(c.scaler, c.precision), "", "");
  const amp = c.precision === "mixed-fp16" ? "torch.float16" : c.precision === "mixed-bf16" ? "torch.bfloat16" : null;
  add(
    "def train(world, rank):",
    "    x, y = make_data()",
    `    if x.shape[1] != ${pyInt(c.model.inputs, "model.inputs")} or y.shape[1] != OUTPUTS:`,
    `        raise SystemExit(f"make_data() gave {x.shape[1]} input and {y.shape[1]} target columns; the model has {${pyInt(c.model.inputs)}} and {OUTPUTS}")`,
    "    x, y = normalize_data(x, y)",
    "    if BATCH_SIZE % world:",
    '        raise SystemExit(f"BATCH_SIZE {BATCH_SIZE} is not a multiple of the {world} ranks")',
    '    local_rank = int(os.environ.get("LOCAL_RANK", "0"))',
    '    device = torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")  # per-step equality with our run: checked on CPU',
    "    model = make_model().to(device)",
  );
  if (c.precision === "fp16") add("    model.half()  # pure fp16: weights, gradients and updates in fp16, no master copy");
  add(
    o.type === "adam"
      ? `    opt = torch.optim.AdamW(model.parameters(), lr=${pyFloat(o.lr, "optimizer.lr")}, betas=(${pyFloat(o.beta1, "optimizer.beta1")}, ${pyFloat(o.beta2, "optimizer.beta2")}), eps=${pyFloat(o.eps, "optimizer.eps")}, weight_decay=${pyFloat(o.weightDecay, "optimizer.weightDecay")})  # our adam: decoupled weight decay`
      : `    opt = torch.optim.SGD(model.parameters(), lr=${pyFloat(o.lr, "optimizer.lr")}, momentum=${pyFloat(o.momentum, "optimizer.momentum")}, weight_decay=${pyFloat(o.weightDecay, "optimizer.weightDecay")})`,
  );
  if (c.precision === "fp16" && o.type === "adam") add("    # note: torch keeps Adam's moments in the parameters' dtype (fp16 here); our engine keeps them in fp32");
  add(
    `    amp_dtype = ${amp ?? "None"}  # torch.autocast: linear layers in this dtype, the loss in fp32`,
    `    grad_max = ${c.precision === "mixed-fp16" ? "65520.0  # fp16: a gradient summed over the ranks at or above this is Inf in one process" : "math.inf"}`,
    "    scaler = make_scaler(device)",
    "    order = BatchOrder(len(x), SHUFFLE_SEED)",
    "    params = list(model.parameters())",
    "    trace = {\"losses\": [], \"scales\": [], \"skipped\": [], \"error\": None}",
    "    for step in range(STEPS):",
    "        scale = scaler.get_scale()",
    "        loss_sum = torch.zeros((), dtype=torch.float64, device=device)",
    "        acc = [None] * len(params)",
    "        overflow = False",
    "        for micro in range(ACCUMULATION_STEPS):",
    "            rows = order.next(BATCH_SIZE)[rank::world]  # this rank's share of the global batch",
    "            xb, yb = torch.as_tensor(x[rows], device=device), torch.as_tensor(y[rows], device=device)",
  );
  if (c.precision === "fp16") add("            xb = xb.half()");
  add(
    "            with torch.autocast(device_type=device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None):",
    "                out = model(xb)",
    "            # MSE in fp32, normalised by the global micro-batch (BATCH_SIZE rows on all ranks together)",
    "            loss = F.mse_loss(out.float(), yb, reduction=\"sum\") / (BATCH_SIZE * OUTPUTS) / ACCUMULATION_STEPS",
    "            for p in params:",
    "                p.grad = None",
    "            scaler.scale(loss).backward()",
    "            loss_sum += loss.detach().double()",
    "            for k, p in enumerate(params):",
    "                g = p.grad",
    "                if world > 1:",
    "                    dist.all_reduce(g)  # the sum over the ranks = the one-process gradient",
    "                if not bool(torch.isfinite(g).all()) or bool((g.abs() >= grad_max).any()):",
    "                    overflow = True",
    "                acc[k] = g if acc[k] is None else acc[k] + g  # micro-batches summed in fp32",
    "        for p, g in zip(params, acc):",
    "            p.grad = g",
    "        if overflow and all(bool(torch.isfinite(g).all()) for g in acc):",
    "            params[0].grad.view(-1)[0] = math.inf  # Inf in one process: let the scaler see it",
    "        if world > 1:",
    "            dist.all_reduce(loss_sum)",
    "        scaler.step(opt)  # skipped when a gradient is NaN/Inf",
    "        trace[\"losses\"].append(float(np.float32(loss_sum.item())))",
    "        trace[\"scales\"].append(float(scale))",
    "        trace[\"skipped\"].append(overflow)",
    "        if rank == 0:",
    '            print(f"step {step}: loss {trace[\'losses\'][-1]:.9g}, scale {scale:g}" + (", skipped (non-finite gradients)" if overflow else ""), flush=True)',
    "        try:",
    "            scaler.update()",
    "        except RuntimeError as e:  # DeepSpeed's error at its floor ends the run",
    '            trace["error"] = f"step {step}: {e}"',
    "            if rank == 0:",
    '                print(trace["error"], file=sys.stderr)',
    "            break",
    "    return trace",
    "",
    "",
    'NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}',
    "",
    "",
    "def load_run(path):",
    '    # a run of ours (mplab train --json) or a trace; NaN and +-Infinity in our codec: {"$nonFinite": "NaN" | "Infinity" | "-Infinity"}',
    "    with open(path) as f:",
    '        return json.load(f, object_hook=lambda d: NON_FINITE[d["$nonFinite"]] if list(d) == ["$nonFinite"] and d["$nonFinite"] in NON_FINITE else d)',
    "",
    "",
    "def compare(trace, ours, rtol):",
    "    # per step: the same skipped steps and scales, losses within rtol (relative)",
    '    skipped = ours.get("skipped")',
    "    if skipped is None:",
    '        over = set(ours["overflowSteps"])',
    '        skipped = [i in over for i in range(len(ours["losses"]))]',
    "    problems = []",
    '    if len(trace["losses"]) != len(ours["losses"]):',
    '        problems.append(f"{len(trace[\'losses\'])} steps here, {len(ours[\'losses\'])} in the run")',
    '    worst = 0.0',
    '    for i, (a, b) in enumerate(zip(trace["losses"], ours["losses"])):',
    "        rel = abs(a - b) / max(abs(b), 1e-30)",
    "        worst = max(worst, rel)",
    "        if rel > rtol:",
    '            problems.append(f"step {i}: loss {a:.9g} here, {b:.9g} in the run (relative {rel:.2e})")',
    '        if trace["scales"][i] != ours["scales"][i] or trace["skipped"][i] != skipped[i]:',
    '            problems.append(f"step {i}: scale {trace[\'scales\'][i]:g} skipped {trace[\'skipped\'][i]} here, scale {ours[\'scales\'][i]:g} skipped {skipped[i]} in the run")',
    '    print(f"compared {min(len(trace[\'losses\']), len(ours[\'losses\']))} steps: largest relative loss difference {worst:.2e}, " + (f"{len(problems)} problems" if problems else "the same skipped steps and scales"))',
    "    for p in problems[:20]:",
    '        print("  " + p)',
    "    return not problems",
    "",
    "",
    "def main():",
    '    ap = argparse.ArgumentParser(description="Mixed Precision Lab export" + (f" of {RUN_NAME!r}" if RUN_NAME is not None else ""))',
    '    ap.add_argument("--trace", help="write the per-step loss, scale and skipped flags to this JSON file")',
    '    ap.add_argument("--compare", help="a run of ours (mplab train --json) or a trace to compare with")',
    ...(run ? ['    ap.add_argument("--check", action="store_true", help="compare with the run this script was exported from")'] : []),
    '    ap.add_argument("--rtol", type=float, help="relative loss tolerance of --compare (default 1e-5; 2e-3 for 16-bit runs on several ranks)")',
    "    args = ap.parse_args()",
    '    world = int(os.environ.get("WORLD_SIZE", "1"))',
    '    rank = int(os.environ.get("RANK", "0"))',
    "    if world > 1:",
    '        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")',
    "    if torch.cuda.is_available():",
    '        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))',
    "    trace = train(world, rank)",
    "    ok = trace[\"error\"] is None",
    "    if rank == 0:",
    '        n, skipped = len(trace["losses"]), sum(trace["skipped"])',
    '        print(f"final loss {trace[\'losses\'][-1]:.9g}, {skipped} of {n} steps skipped" if n else "no steps")',
    "        if args.trace:",
    '            with open(args.trace, "w") as f:',
    "                json.dump(trace, f)",
    "        ours = None",
    "        if args.compare:",
    "            ours = load_run(args.compare)",
    ...(run ? ["        if args.check:", "            ours = RUN_TRACE"] : []),
    "        if ours is not None:",
    "            rtol = args.rtol",
    "            if rtol is None:",
    "                # on N ranks each rank's weight gradients are rounded to 16 bits before they are summed (one",
    "                # process rounds the full sum once): the same skipped steps and scales, losses within ~1e-4",
    "                # pure fp16: torch's optimizers update fp16 parameters in fp16 arithmetic, ours computes the",
    "                # update in fp32 and rounds it once: also ~1e-4",
    '                rtol = 2e-3 if (world > 1 and PRECISION != "fp32") or PRECISION == "fp16" else 1e-5',
    "            same = compare(trace, ours, rtol)",
    '            ok = same and (trace["error"] is None) == (ours.get("error") is None)',
    "    if world > 1:",
    "        # every rank reaches the teardown before any destroys its group (on a loaded CPU machine,",
    "        # gloo sometimes aborted rank 0 at exit with 'terminate called without an active exception';",
    "        # this barrier makes that rarer, it does not rule it out)",
    "        dist.barrier()",
    "        dist.destroy_process_group()",
    "    sys.exit(0 if ok else 1)",
    "",
    "",
  );
  if (run) {
    add(
      "# the run this script was exported from (Mixed Precision Lab; the backend it ran on: RUN_BACKEND)",
      `RUN_BACKEND = ${pyStr(run.backend.name, "the run's backend")}`,
      `RUN_TRACE = ${py({ losses: run.losses, scales: run.scales, overflowSteps: run.overflowSteps, error: run.error ?? null }, "the run's trace", { nonFinite: true })}`,
      "",
    );
  }
  add('if __name__ == "__main__":', "    main()", "");
  return { script: L.join("\n"), files };
}
