// Problems for a config (and the last run of it), and the last run's overflow
// events: plain data with JSON paths and quick fixes. The editor maps paths to
// ranges with jsonLocate.ts and fixes to edits with applyJsonFix.
import type { TrainConfig } from "../config/schema.js";
import { ConfigError, parseTrainConfig } from "../config/validate.js";
import { F16_MAX } from "../numerics/float16.js";
import type { RunResult } from "../train/runResult.js";
import { underflowShare } from "./compare.js";
import { fmtPow2, pow2Floor } from "./fp16Range.js";
import { inspect, SIGNIFICANT } from "./inspect.js";
import { parsePath, type JsonPath } from "./jsonLocate.js";

export interface ConfigFix {
  title: string;
  path: JsonPath;
  value: unknown;
}

export interface ConfigDiagnostic {
  path: JsonPath;
  severity: "error" | "warning" | "information";
  message: string;
  fix?: ConfigFix;
}

/** Validation errors, then precision warnings (the last run's statistics sharpen them). */
export function configDiagnostics(input: unknown, lastRun?: RunResult | null): ConfigDiagnostic[] {
  let config: TrainConfig;
  try {
    config = parseTrainConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => ({ path: parsePath(p.path), severity: "error" as const, message: p.message }));
    throw e;
  }
  const out: ConfigDiagnostic[] = [];
  const s = config.scaler;
  if (s.type === "dynamic" && s.initScale !== undefined && !Number.isInteger(Math.log2(s.initScale))) {
    const p2 = 2 ** Math.round(Math.log2(s.initScale));
    out.push({
      path: ["scaler", "initScale"],
      severity: "warning",
      message: `scaler.initScale ${s.initScale} is not a power of two: scaling by it rounds every gradient (a power of two only shifts the exponent)`,
      fix: { title: `Use ${fmtPow2(p2)}`, path: ["scaler", "initScale"], value: p2 },
    });
  }
  if (!lastRun || lastRun.kind !== "mplab.run") return out;
  const report = inspect(lastRun);
  // the data first, as in the report: its finding, and the fix for raw data
  const data = report.data ?? [];
  if (data.length) {
    const first = report.findings[0] ?? "";
    const raw = config.data.normalize === undefined;
    out.push({
      path: ["data"],
      severity: data.some((d) => d.problem !== "large") ? "warning" : "information",
      message: first,
      ...(raw ? { fix: { title: 'Normalise inputs and targets (data.normalize: "standard")', path: ["data", "normalize"], value: "standard" } } : {}),
    });
  }
  if (s.type === "static" && config.precision !== "mixed-bf16") {
    const largest = Math.max(0, ...report.tensors.filter((t) => t.scaled && t.largest !== null).map((t) => t.largest!));
    // the statistics hold finite values only: where the last run overflowed, the smallest
    // scale it overflowed at is the sharper evidence (this scale overflows there too)
    const overflowedAt = lastRun.precision === "mixed-bf16" ? Infinity : Math.min(Infinity, ...lastRun.overflowSteps.map((k) => lastRun.scales[k] ?? Infinity));
    const byStats = largest * s.scale >= F16_MAX;
    if (byStats || s.scale >= overflowedAt) {
      const fits = report.scaleWindow?.max ?? pow2Floor(F16_MAX / (report.headroom * largest));
      const safe = Math.min(fits, pow2Floor(overflowedAt / 2));
      // every step overflowed: no finite gradient says how far down to go; a dynamic scaler finds out
      const blind = lastRun.steps > 0 && lastRun.skippedSteps === lastRun.steps;
      out.push({
        path: ["scaler", "scale"],
        severity: "warning",
        message: byStats
          ? `static scale ${s.scale} × the last run's largest gradient ${largest.toPrecision(3)} = ${(s.scale * largest).toPrecision(3)} overflows fp16 (max 65504): those steps are skipped`
          : `static scale ${s.scale} overflows fp16: the last run's gradients overflowed at scale ${overflowedAt} (${lastRun.skippedSteps} of ${lastRun.steps} steps skipped)`,
        fix: blind
          ? { title: "Use dynamic scaling (the pytorch preset backs off from 2^16 on overflow)", path: ["scaler"], value: { type: "dynamic", preset: "pytorch" } }
          : { title: `Use a static scale of ${fmtPow2(safe)}`, path: ["scaler", "scale"], value: safe },
      });
    }
  }
  const fp16 = config.precision === "fp16" || config.precision === "mixed-fp16";
  if (fp16 && s.type === "none") {
    const share = Math.max(underflowShare(lastRun, "activationGrads"), underflowShare(lastRun, "weightGrads"));
    if (lastRun.precision !== "fp32" && lastRun.precision !== "mixed-bf16" && share >= SIGNIFICANT)
      out.push({
        path: ["scaler"],
        severity: "warning",
        message: `${config.precision} without a loss scaler: in the last run ${(100 * share).toPrecision(3)}% of gradient values underflowed to zero`,
        fix: { title: `Add the recommended scaler (${JSON.stringify(report.recommendation.spec)})`, path: ["scaler"], value: report.recommendation.spec },
      });
  }
  return out;
}

export interface RunEvent {
  /** 0-based step; for a summary of the calibration steps, the first of them */
  step: number;
  severity: "warning" | "information";
  message: string;
}

/**
 * The run's overflow events, calmly: the leading run of skipped steps (the scale
 * calibrating from its initial value) as one line, then each later one, up to `max`.
 */
export function runDiagnostics(run: RunResult, max = 20): RunEvent[] {
  const out: RunEvent[] = [];
  const firstOf = (step: number) => {
    const e = run.firstNonFinite.find((f) => f.step === step);
    return e ? `layer ${e.layer} ${e.tensor}` : "a gradient";
  };
  // skipped for a cause no loss scale reaches (the data, the forward pass): one event that names it,
  // not a "calibration" and a list of steps
  const cause = run.skippedSteps > 0 ? inspect(run).rootCause : null;
  if (cause && cause.kind !== "scale") {
    out.push({ step: run.overflowSteps[0], severity: "warning", message: `${run.skippedSteps} of ${run.steps} steps skipped, the first at step ${run.overflowSteps[0]}: ${cause.finding}` });
    if (run.status === "error" && run.error) out.push({ step: run.steps - 1, severity: "warning", message: run.error });
    return out;
  }
  let lead = 0;
  while (lead < run.overflowSteps.length && run.overflowSteps[lead] === lead) lead++;
  // only a scale that moved was calibrating (a static one skips every step the same way)
  if (lead > 1 && run.scales[0] === (run.scales[lead] ?? run.scales[lead - 1])) lead = 0;
  if (lead > 1) out.push({ step: 0, severity: "information", message: `steps 0-${lead - 1} skipped while the loss scale calibrated (from ${run.scales[0]} to ${run.scales[lead] ?? run.scales[lead - 1]}); first non-finite: ${firstOf(0)}` });
  else lead = 0;
  const rest = run.overflowSteps.slice(lead);
  for (const step of rest.slice(0, max))
    out.push({ step, severity: "warning", message: `step ${step} skipped: non-finite ${firstOf(step)} at scale ${run.scales[step]}` });
  if (rest.length > max) out.push({ step: rest[max], severity: "warning", message: `${rest.length - max} more steps skipped (${rest.length} after calibration in all)` });
  if (run.status === "error" && run.error) out.push({ step: run.steps - 1, severity: "warning", message: run.error });
  return out;
}
