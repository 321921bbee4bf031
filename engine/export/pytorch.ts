// Export to PyTorch: a self-contained training script with torch.autocast and
// torch.amp.GradScaler set as the run was (model, initial weights, optimizer,
// scaler, data generation, batch order, steps), ready for `torchrun` (DDP when
// WORLD_SIZE > 1). The text is built here; pythonData.ts writes the data part.
import type { ScalerSpec, TrainConfig, TrainConfigInput } from "../config/schema.js";
import { initWeights, layerShapes, parameterCount } from "../model/mlp.js";
import type { RunResult } from "../train/runResult.js";
import { configOf } from "./configOf.js";
import { dataSection, py, pyFloat } from "./pythonData.js";
import { resolveScaler, scalerLabel } from "./scalerDefaults.js";

export interface PyTorchExportOptions {
  /** embed the initial weights when the model has at most this many parameters (default 20000) */
  maxEmbeddedParams?: number;
}

const ACT: Record<string, string> = { relu: "nn.ReLU()", gelu: "nn.GELU()", tanh: "nn.Tanh()", sigmoid: "nn.Sigmoid()" };

export function exportPyTorch(x: TrainConfigInput | TrainConfig | RunResult, opts: PyTorchExportOptions = {}): string {
  const c = configOf(x, "exportPyTorch");
  if (c.precision === "mixed-fp8") throw new Error("exportPyTorch: a mixed-fp8 run is exported by exportPyTorchFp8 (torch float8 casts, the same scales)");
  const run = (x as RunResult).kind === "mplab.run" ? (x as RunResult) : null;
  const shapes = layerShapes(c.model);
  const embed = parameterCount(c.model) <= (opts.maxEmbeddedParams ?? 20000);
  const o = c.optimizer;
  const L: string[] = [];
  const add = (...lines: string[]) => L.push(...lines);

  add(
    "#!/usr/bin/env python3",
    `# Exported by Mixed Precision Lab${run?.name ?? c.name ? ` from "${(run?.name ?? c.name)!.replace(/[\r\n]/g, " ")}"` : ""}: precision ${c.precision}, scaler ${scalerLabel(c.scaler)}, ${c.steps} steps.`,
    "#   python3 this_script.py                      (one process)",
    "#   torchrun --nproc_per_node=N this_script.py  (DDP: each rank takes 1/N of every batch; the global batch stays the run's)",
    "# Needs torch >= 2.3 (torch.amp.GradScaler(device)) and numpy.",
    "# The data comes from the same formulas as Mixed Precision Lab's generators, drawn with numpy's",
    "# RNG instead of ours: the numbers (and so the losses) are not bit-identical, the workload is the same.",
    "import contextlib",
    "import math",
    "import os",
    "",
    "import numpy as np",
    "import torch",
    "import torch.distributed as dist",
    "import torch.nn as nn",
    "import torch.nn.functional as F",
    "from torch.nn.parallel import DistributedDataParallel as DDP",
    "",
    `PRECISION = ${py(c.precision)}`,
    `STEPS = ${c.steps}`,
    `BATCH_SIZE = ${c.batchSize}  # global rows per micro-batch`,
    `ACCUMULATION_STEPS = ${c.accumulationSteps}`,
    `SHUFFLE_SEED = ${c.seed}`,
    `LOG_EVERY = ${Math.max(1, Math.floor(c.steps / 10))}`,
    "",
  );
  L.push(...dataSection(c.data));
  add(
    "",
    "",
    "def make_model():",
    "    # our MLP: Linear layers with the activation between them, none after the last",
  );
  if (!embed) add(`    torch.manual_seed(${c.model.seed})`);
  add("    layers = []");
  shapes.forEach((s) => {
    add(`    layers.append(nn.Linear(${s.inputs}, ${s.outputs}))`);
    if (s.activation !== "linear") add(`    layers.append(${ACT[s.activation]})`);
  });
  add("    model = nn.Sequential(*layers)");
  if (embed) {
    const w = initWeights(c.model);
    add(
      c.model.weights ? "    # the run's initial weights (given in its config)" : `    # the run's initial weights (our seeded init, seed ${c.model.seed}: uniform in ±1/sqrt(fan_in), like nn.Linear's default)`,
      `    init = ${py(w.map((l) => [l.weight, l.bias]))}`,
      "    linears = [m for m in model if isinstance(m, nn.Linear)]",
      "    with torch.no_grad():",
      "        for lin, (w, b) in zip(linears, init):",
      "            lin.weight.copy_(torch.tensor(w, dtype=torch.float32).view_as(lin.weight))",
      "            lin.bias.copy_(torch.tensor(b, dtype=torch.float32))",
    );
  } else {
    add("    # the model is too large to embed its initial weights: nn.Linear's default init draws from the same", "    # distribution as ours (uniform in ±1/sqrt(fan_in)), not the same numbers");
  }
  add("    return model", "", "");
  L.push(...scalerSection(c.scaler, c.precision));
  add(
    "",
    "",
    "def main():",
    '    world = int(os.environ.get("WORLD_SIZE", "1"))',
    '    rank = int(os.environ.get("RANK", "0"))',
    '    local_rank = int(os.environ.get("LOCAL_RANK", "0"))',
    "    cuda = torch.cuda.is_available()",
    "    if world > 1:",
    '        dist.init_process_group("nccl" if cuda else "gloo")',
    '    device = torch.device(f"cuda:{local_rank}" if cuda else "cpu")',
    "    if cuda:",
    "        torch.cuda.set_device(device)",
    "    x, y = make_data()",
    "    model = make_model().to(device)",
  );
  if (c.precision === "fp16") add("    model.half()  # pure fp16: weights, gradients and updates in fp16, no master copy");
  add(
    "    if world > 1:",
    "        model = DDP(model, device_ids=[local_rank] if cuda else None)",
    o.type === "adam"
      ? `    opt = torch.optim.AdamW(model.parameters(), lr=${py(o.lr)}, betas=(${py(o.beta1)}, ${py(o.beta2)}), eps=${py(o.eps)}, weight_decay=${py(o.weightDecay)})  # our adam: decoupled weight decay`
      : `    opt = torch.optim.SGD(model.parameters(), lr=${py(o.lr)}, momentum=${py(o.momentum)}, weight_decay=${py(o.weightDecay)})`,
  );
  if (c.precision === "fp16" && o.type === "adam") add("    # note: torch keeps Adam's moments in the parameters' dtype (fp16 here); our engine keeps them in fp32");
  const amp = c.precision === "mixed-fp16" ? "torch.float16" : c.precision === "mixed-bf16" ? "torch.bfloat16" : null;
  add(
    `    amp_dtype = ${amp ?? "None"}  # torch.autocast: linear layers in this dtype, mse_loss in fp32`,
    "    scaler = make_scaler(device)",
    "    order = np.random.default_rng(SHUFFLE_SEED)  # a fresh shuffle each epoch, as in our runs (different RNG)",
    "    perm, pos = order.permutation(len(x)), 0",
    "    skipped = 0",
    "    for step in range(STEPS):",
    "        opt.zero_grad(set_to_none=True)",
    "        loss_sum = 0.0",
    "        for micro in range(ACCUMULATION_STEPS):",
    "            rows = []",
    "            while len(rows) < BATCH_SIZE:",
    "                if pos == len(perm):",
    "                    perm, pos = order.permutation(len(x)), 0",
    "                take = min(BATCH_SIZE - len(rows), len(perm) - pos)",
    "                rows.extend(perm[pos:pos + take])",
    "                pos += take",
    "            rows = np.asarray(rows)[rank::world]  # this rank's share of the global batch",
    "            xb = torch.as_tensor(x[rows], device=device)",
    "            yb = torch.as_tensor(y[rows], device=device)",
  );
  if (c.precision === "fp16") add("            xb = xb.half()");
  add(
    "            last = micro == ACCUMULATION_STEPS - 1",
    "            sync = model.no_sync() if world > 1 and not last else contextlib.nullcontext()",
    "            with sync:",
    "                with torch.autocast(device_type=device.type, dtype=amp_dtype or torch.float32, enabled=amp_dtype is not None):",
    "                    out = model(xb)",
    "                loss = F.mse_loss(out.float(), yb) / ACCUMULATION_STEPS  # MSE in fp32",
    "                scaler.scale(loss).backward()",
    "            loss_sum += loss.item()",
    "        finite = all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)",
    "        skipped += 0 if finite else 1",
    "        scale = scaler.get_scale()",
    "        scaler.step(opt)  # skipped when a gradient is NaN/Inf",
    "        scaler.update()",
    "        if rank == 0 and (step % LOG_EVERY == 0 or step == STEPS - 1):",
    '            print(f"step {step}: loss {loss_sum:.6g}, scale {scale:g}" + ("" if finite else " (skipped: non-finite gradients)"))',
    "    if rank == 0:",
    '        print(f"final loss {loss_sum:.6g}, {skipped} of {STEPS} steps skipped")',
    "    if world > 1:",
    "        dist.destroy_process_group()",
    "",
    "",
    'if __name__ == "__main__":',
    "    main()",
    "",
  );
  return L.join("\n");
}

/** make_scaler(device): GradScaler with the run's numbers, or our rule in Python where GradScaler cannot follow. */
function scalerSection(spec: ScalerSpec, precision: TrainConfig["precision"]): string[] {
  const r = resolveScaler(spec);
  if (r.preset === "apex") r.initScale = Math.min(r.initScale, r.maxScale); // Apex starts at min(max_loss_scale, init)
  const L: string[] = [];
  if (precision === "fp16") {
    // GradScaler refuses fp16 gradients ("Attempting to unscale FP16 gradients"): scale by hand
    L.push(
      "class ManualScaler:",
      "    # pure fp16 parameters: torch.amp.GradScaler refuses to unscale fp16 gradients, so this does",
      "    # what it does by hand (scale the loss, unscale, skip non-finite steps) with the run's rule",
      "    def __init__(self):",
      `        self.scale_value = ${pyFloat(r.initScale)}`,
      `        self.dynamic = ${spec.type === "dynamic" ? "True" : "False"}`,
      `        self.growth, self.backoff, self.interval = ${pyFloat(r.growthFactor)}, ${pyFloat(r.backoffFactor)}, ${r.growthInterval}`,
      `        self.hysteresis, self.min_scale, self.max_scale = ${r.hysteresis}, ${pyFloat(r.minScale)}, ${pyFloat(r.maxScale)}`,
      "        self.tracker, self.h_left, self.found_inf = 0, self.hysteresis, False",
      "",
      "    def get_scale(self):",
      "        return self.scale_value",
      "",
      "    def scale(self, loss):",
      "        return loss * self.scale_value",
      "",
      "    def step(self, opt):",
      "        grads = [p.grad for g in opt.param_groups for p in g['params'] if p.grad is not None]",
      "        self.found_inf = not all(torch.isfinite(g).all() for g in grads)",
      "        if self.found_inf:",
      "            return",
      "        for g in grads:",
      "            g.div_(self.scale_value)",
      "        opt.step()",
      "",
      "    def update(self):",
      "        # growth after `interval` clean steps, backoff on overflow (after `hysteresis` overflows)",
      "        if not self.dynamic:",
      "            return",
      "        if self.found_inf:",
      "            self.tracker = 0",
      "            if self.h_left > 1:",
      "                self.h_left -= 1",
      "                return",
      "            self.scale_value = max(self.min_scale, self.scale_value * self.backoff)",
      "        else:",
      "            self.tracker += 1",
      "            if self.tracker == self.interval:",
      "                self.tracker, self.h_left = 0, self.hysteresis",
      "                grown = self.scale_value * self.growth",
      "                if math.isfinite(grown):",
      "                    self.scale_value = min(self.max_scale, grown)",
      "",
      "",
      "def make_scaler(device):",
      "    return ManualScaler()",
    );
    return L;
  }
  L.push("def make_scaler(device):");
  if (spec.type === "none" || spec.type === "static") {
    L.push(
      `    # ${spec.type === "none" ? "no loss scale" : `a static scale of ${r.initScale}`}: GradScaler still skips non-finite steps;`,
      "    # update() below puts the scale back after every step (GradScaler itself always backs off)",
      `    s = torch.amp.GradScaler(device.type, init_scale=${pyFloat(r.initScale)})`,
      "    plain_update = s.update",
      `    s.update = lambda: plain_update(new_scale=${pyFloat(r.initScale)})`,
      "    return s",
    );
    return L;
  }
  L.push(
    `    # the ${r.preset} preset: growth ×${r.growthFactor} after ${r.growthInterval} clean steps, backoff ×${r.backoffFactor} on overflow`,
    `    s = torch.amp.GradScaler(device.type, init_scale=${pyFloat(r.initScale)}, growth_factor=${pyFloat(r.growthFactor)}, backoff_factor=${pyFloat(r.backoffFactor)}, growth_interval=${r.growthInterval})`,
  );
  if (r.hysteresis > 1)
    L.push(`    # NOTE: DeepSpeed's hysteresis (${r.hysteresis}: the first ${r.hysteresis - 1} overflow(s) after a growth skip the step without backing off) has no GradScaler equivalent: here every overflow backs off`);
  if (r.preset === "deepspeed") L.push("    # DeepSpeed's window counts from the last overflow: GradScaler's growth tracker, reset on overflow, does the same");
  if (r.minScale > 0 || Number.isFinite(r.maxScale)) {
    L.push(
      `    # GradScaler has no ${r.minScale > 0 ? "floor" : ""}${r.minScale > 0 && Number.isFinite(r.maxScale) ? " or " : ""}${Number.isFinite(r.maxScale) ? "ceiling" : ""}: clamp after each update, as the ${r.preset} rule does`,
      "    plain_update = s.update",
      "",
      "    def update():",
      "        plain_update()",
      `        clamped = min(max(s.get_scale(), ${pyFloat(r.minScale)}), ${pyFloat(r.maxScale)})`,
      "        if clamped != s.get_scale():",
      "            plain_update(new_scale=float(clamped))",
      "",
      "    s.update = update",
    );
  }
  L.push("    return s");
  return L;
}
