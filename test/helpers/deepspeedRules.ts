// DeepSpeed 0.19.5, as stated in shared/notes/loss-scalers.md (read from DeepSpeed's
// source and checked there against the real library, which is not installable here):
// the ds_config checks of its parser, and its two loss-scaler rules configured from a
// ds_config. Written from the notes only, independently of engine/scaler, so tests can
// hold our exports and our deepspeed preset against it.

type Json = Record<string, any>;

/** The problems DeepSpeed 0.19's config parser raises for this ds_config (empty: accepted). */
export function dsConfigProblems(ds: Json): string[] {
  const out: string[] = [];
  const fp16 = ds.fp16 ?? {}, bf16 = ds.bf16 ?? {};
  if (fp16.enabled === true && bf16.enabled === true) out.push("fp16 and bf16 both enabled");
  const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  if (fp16.enabled === true) {
    const dynamic = (fp16.loss_scale ?? 0) === 0;
    if (fp16.initial_scale_power !== undefined && !isInt(fp16.initial_scale_power)) out.push("fp16.initial_scale_power must be an integer");
    if (dynamic) {
      const min = fp16.min_loss_scale ?? 1, win = fp16.loss_scale_window ?? 1000;
      if (!(typeof min === "number" && min > 0)) out.push("fp16.min_loss_scale must be > 0 when dynamic loss scaling is enabled");
      else if (!isInt(min)) out.push("fp16.min_loss_scale must be an integer");
      if (!(typeof win === "number" && win > 0)) out.push("fp16.loss_scale_window must be > 0 when dynamic loss scaling is enabled");
      else if (!isInt(win)) out.push("fp16.loss_scale_window must be an integer");
      if (fp16.hysteresis !== undefined && !(isInt(fp16.hysteresis) && fp16.hysteresis >= 1)) out.push("fp16.hysteresis must be a positive integer");
      if (fp16.consecutive_hysteresis !== undefined && typeof fp16.consecutive_hysteresis !== "boolean") out.push("fp16.consecutive_hysteresis must be a boolean");
    }
  }
  const stage = ds.zero_optimization?.stage ?? 0;
  if (![0, 1, 2, 3].includes(stage)) out.push("zero_optimization.stage must be 0..3");
  // DeepSpeed's batch assertion (one process): train_batch_size = micro batch x accumulation
  if (ds.train_batch_size !== ds.train_micro_batch_size_per_gpu * ds.gradient_accumulation_steps) out.push("train_batch_size != micro_batch_per_gpu * gradient_accumulation_steps * world_size");
  return out;
}

export interface DsScalerStep { scale: number; error: boolean }

/** DeepSpeed's scaler for a ds_config: the scale each step uses, and the error at the floor (stages 1-3). */
export function dsScalerFromConfig(ds: Json): (overflow: boolean) => DsScalerStep {
  const fp16 = ds.fp16;
  let S = 2 ** (fp16.initial_scale_power ?? 16);
  const window = fp16.loss_scale_window ?? 1000, minScale = fp16.min_loss_scale ?? 1;
  const hysteresis = fp16.hysteresis ?? 2, consecutive = fp16.consecutive_hysteresis ?? false;
  const stage = ds.zero_optimization?.stage ?? 0;
  let it = 0, lastOverflow = -1, curH = hysteresis, raised = false;
  return (overflow) => {
    const used = S;
    if (raised) return { scale: used, error: false };
    if (stage === 0) {
      // FP16_Optimizer._update_scale
      if (overflow) { S = Math.max(S / 2, minScale); lastOverflow = it; }
      else {
        const stable = it - lastOverflow - 1;
        if (stable > 0 && stable % window === 0) S = S * 2;
      }
      it += 1;
      return { scale: used, error: false };
    }
    // DynamicLossScaler.update_scale
    if (overflow) {
      if (hysteresis === 1 || curH === 1) {
        if (S === minScale) { raised = true; return { scale: used, error: true }; }
        S = Math.max(S / 2, minScale);
      } else curH -= 1;
      lastOverflow = it;
    } else {
      if (consecutive) curH = hysteresis;
      const stable = it - lastOverflow - 1;
      if (stable > 0 && stable % window === 0) {
        if (!consecutive) curH = hysteresis;
        S = S * 2;
      }
    }
    it += 1;
    return { scale: used, error: false };
  };
}
