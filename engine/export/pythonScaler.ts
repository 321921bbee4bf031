// make_scaler() of the exported script: torch.amp.GradScaler where it is the rule (the
// pytorch preset, and the presets whose rule is GradScaler's plus a clamp), else a small
// Python class with the run's rule ported line by line from updateScaler
// (engine/scaler/lossScaler.ts): the deepspeed preset (both ZeRO-stage rules, hysteresis,
// the error at the floor), and every preset in pure fp16 (GradScaler refuses fp16
// gradients). Both expose get_scale(), scale(loss), step(opt) (skipped when a gradient
// is non-finite) and update(). Every number enters through pythonLiteral.ts.
import type { ScalerSpec, TrainConfig } from "../config/schema.js";
import { DEEPSPEED_MIN_SCALE_ERROR } from "../scaler/lossScaler.js";
import { pyBool, pyFloat, pyInt, pyStr } from "./pythonLiteral.js";
import { resolveScaler, type ResolvedScaler } from "./scalerDefaults.js";

export function scalerSection(spec: ScalerSpec, precision: TrainConfig["precision"]): string[] {
  const r = resolveScaler(spec);
  if (spec.type === "dynamic" && (r.preset === "deepspeed" || precision === "fp16")) return ruleClass(r);
  if (precision === "fp16") return ruleClass(r); // static / none in pure fp16
  return gradScaler(spec, r);
}

/** The update() body of each rule, as updateScaler runs it. */
function updateBody(r: ResolvedScaler): string[] {
  if (r.kind !== "dynamic") return ["        pass  # a fixed scale"];
  const I = "        ";
  switch (r.preset) {
    case "pytorch":
      return [
        "        # torch.amp.GradScaler: fp32 scale, growth only if finite",
        "        if overflow:",
        "            self.s = f32(self.s * self.backoff)",
        ...(r.minScale > 0 ? ["            self.s = max(self.min_scale, self.s)  # minScale: a user option"] : []),
        "            self.counter = 0",
        "        else:",
        "            t = self.counter + 1",
        "            if t == self.interval:",
        "                n = min(self.max_scale, f32(self.s * self.growth))",
        "                if math.isfinite(n):",
        "                    self.s = n",
        "                self.counter = 0",
        "            else:",
        "                self.counter = t",
      ];
    case "apex":
      return [
        "        # Apex amp: fp64 scale; the window check also runs after an overflow",
        "        if overflow:",
        `            self.s = ${r.minScale > 0 ? "max(self.min_scale, self.s * self.backoff)" : "self.s * self.backoff"}`,
        "            self.counter = 0",
        "        else:",
        "            self.counter += 1",
        "        if self.counter == self.interval:",
        "            self.s = min(self.max_scale, self.s * self.growth)",
        "            self.counter = 0",
      ];
    case "keras":
      return [
        "        # Keras LossScaleOptimizer: fp32 scale, no finite check on growth",
        "        if overflow:",
        "            self.s = f32(self.s * self.backoff)",
        ...(r.minScale > 0 ? ["            self.s = max(self.min_scale, self.s)  # minScale: a user option"] : []),
        "            self.counter = 0",
        "        elif self.counter == self.interval - 1:",
        "            self.s = min(self.max_scale, f32(self.s * self.growth))",
        "            self.counter = 0",
        "        else:",
        "            self.counter += 1",
      ];
    case "jmp":
      return [
        "        # jmp DynamicLossScale: fp32 scale, floor, growth only if finite",
        "        if overflow:",
        "            self.s = max(self.min_scale, f32(self.s * self.backoff))",
        "            self.counter = 0",
        "        else:",
        "            if self.counter == self.interval - 1:",
        "                n = min(self.max_scale, f32(self.s * self.growth))",
        "                if math.isfinite(n):",
        "                    self.s = n",
        "            self.counter = (self.counter + 1) % self.interval",
      ];
    default:
      if (r.zeroStage === 0) {
        return [
          "        # DeepSpeed ZeRO stage 0, FP16_Optimizer._update_scale: no hysteresis, the floor clamps",
          "        if overflow:",
          "            self.s = max(self.s * self.backoff, self.min_scale)",
          "            self.last_overflow = self.it",
          "        else:",
          "            stable = self.it - self.last_overflow - 1  # W+1 clean steps before a growth (DeepSpeed >= 0.17.1)",
          "            if stable > 0 and stable % self.interval == 0:",
          "                self.s = min(self.max_scale, self.s * self.growth)",
          "        self.it += 1",
        ];
      }
      return [
        `        # DeepSpeed ZeRO stage ${pyInt(r.zeroStage)}, DynamicLossScaler.update_scale (consecutive_hysteresis ${pyBool(r.consecutiveHysteresis)})`,
        "        if overflow:",
        "            if self.hysteresis == 1 or self.h_left == 1:",
        "                if self.s == self.min_scale:",
        `                    raise RuntimeError(${pyStr(DEEPSPEED_MIN_SCALE_ERROR + ". Exiting run.")})`,
        "                self.s = max(self.s * self.backoff, self.min_scale)",
        "            else:",
        "                self.h_left -= 1  # absorbed: the scale stays, the step is still skipped",
        "            self.last_overflow = self.it",
        "        else:",
        ...(r.consecutiveHysteresis ? [`${I}    self.h_left = self.hysteresis  # any clean step restores it`] : []),
        "            stable = self.it - self.last_overflow - 1  # W+1 clean steps before a growth (DeepSpeed >= 0.17.1)",
        "            if stable > 0 and stable % self.interval == 0:",
        ...(r.consecutiveHysteresis ? [] : [`${I}        self.h_left = self.hysteresis  # restored only by a growth`]),
        "                self.s = min(self.max_scale, self.s * self.growth)",
        "        self.it += 1",
      ];
  }
}

function ruleClass(r: ResolvedScaler): string[] {
  let init = r.initScale;
  if (r.kind === "dynamic" && r.preset === "apex") init = Math.min(r.maxScale, init); // S = min(max, init)
  const fp32Scale = r.kind === "dynamic" && (r.preset === "pytorch" || r.preset === "keras" || r.preset === "jmp");
  const label = r.kind === "dynamic" ? `the ${r.preset} preset's rule` : r.kind === "static" ? `a static scale of ${pyFloat(r.initScale, "scaler.scale")}` : "no loss scale";
  return [
    "class RuleScaler:",
    `    # ${label}, as Mixed Precision Lab runs it (engine/scaler/lossScaler.ts); used like GradScaler`,
    "    def __init__(self):",
    `        self.s = ${fp32Scale ? `f32(${pyFloat(init, "scaler.initScale")})` : pyFloat(init, "scaler.initScale")}`,
    `        self.growth, self.backoff, self.interval = ${pyFloat(r.growthFactor, "scaler.growthFactor")}, ${pyFloat(r.backoffFactor, "scaler.backoffFactor")}, ${pyInt(r.growthInterval, "scaler.growthInterval")}`,
    `        self.hysteresis, self.min_scale, self.max_scale = ${pyInt(r.hysteresis, "scaler.hysteresis")}, ${pyFloat(r.minScale, "scaler.minScale")}, ${pyFloat(r.maxScale, "scaler.maxScale", { nonFinite: true })}`,
    "        self.counter, self.h_left, self.it, self.last_overflow = 0, self.hysteresis, 0, -1",
    "        self.found_inf = False",
    "",
    "    def get_scale(self):",
    "        return self.s",
    "",
    "    def scale(self, loss):",
    "        return loss * self.s",
    "",
    "    def step(self, opt):",
    "        grads = [p.grad for g in opt.param_groups for p in g['params'] if p.grad is not None]",
    "        self.found_inf = not all(bool(torch.isfinite(g).all()) for g in grads)",
    "        if self.found_inf:",
    "            return  # skipped",
    "        for g in grads:",
    "            g.div_(self.s)",
    "        opt.step()",
    "",
    "    def update(self):",
    "        overflow = self.found_inf",
    ...updateBody(r),
    "",
    "",
    "def make_scaler(device):",
    "    return RuleScaler()",
  ];
}

function gradScaler(spec: ScalerSpec, r: ResolvedScaler): string[] {
  const L: string[] = ["def make_scaler(device):"];
  if (spec.type === "none" || spec.type === "static") {
    L.push(
      `    # ${spec.type === "none" ? "no loss scale" : `a static scale of ${pyFloat(r.initScale, "scaler.scale")}`}: GradScaler still skips non-finite steps;`,
      "    # update() below puts the scale back after every step (GradScaler itself always backs off)",
      `    s = torch.amp.GradScaler(device.type, init_scale=${pyFloat(r.initScale, "scaler.scale")})`,
      "    plain_update = s.update",
      `    s.update = lambda: plain_update(new_scale=${pyFloat(r.initScale, "scaler.scale")})`,
      "    return s",
    );
    return L;
  }
  const init = r.preset === "apex" ? Math.min(r.initScale, r.maxScale) : r.initScale; // Apex starts at min(max_loss_scale, init)
  L.push(
    `    # the ${r.preset} preset: growth x${pyFloat(r.growthFactor)} after ${pyInt(r.growthInterval)} clean steps, backoff x${pyFloat(r.backoffFactor)} on overflow`,
    `    s = torch.amp.GradScaler(device.type, init_scale=${pyFloat(init, "scaler.initScale")}, growth_factor=${pyFloat(r.growthFactor, "scaler.growthFactor")}, backoff_factor=${pyFloat(r.backoffFactor, "scaler.backoffFactor")}, growth_interval=${pyInt(r.growthInterval, "scaler.growthInterval")})`,
  );
  if (r.minScale > 0 || Number.isFinite(r.maxScale)) {
    L.push(
      `    # GradScaler has no ${r.minScale > 0 ? "floor" : ""}${r.minScale > 0 && Number.isFinite(r.maxScale) ? " or " : ""}${Number.isFinite(r.maxScale) ? "ceiling" : ""}: clamp after each update, as the ${r.preset} rule does`,
      "    plain_update = s.update",
      "",
      "    def update():",
      "        plain_update()",
      `        clamped = min(max(s.get_scale(), ${pyFloat(r.minScale, "scaler.minScale")}), ${pyFloat(r.maxScale, "scaler.maxScale", { nonFinite: true })})`,
      "        if clamped != s.get_scale():",
      "            plain_update(new_scale=float(clamped))",
      "",
      "    s.update = update",
    );
  }
  L.push("    return s");
  return L;
}
