// Validation with errors a person can act on: each names the field (as a JSON
// path) and what is allowed, e.g. "batchSize must be a positive integer, got 0".
import type { z } from "zod";
import { normalizeMethods } from "../data/normalize.js";
import { fp8RecipeSchema, trainConfigSchema, type TrainConfig } from "./schema.js";

export class ConfigError extends Error {
  constructor(readonly problems: { path: string; message: string }[]) {
    super(problems.map((p) => p.message).join("\n"));
    this.name = "ConfigError";
  }
}

function describe(v: unknown): string {
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (v === undefined) return "nothing";
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? s.slice(0, 57) + "..." : s;
  } catch {
    return String(v);
  }
}

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const k of path) out += typeof k === "number" ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** zod issues -> ConfigError; messages start with the field path. */
export function toConfigError(err: z.ZodError, prefix = ""): ConfigError {
  return new ConfigError(
    err.issues.map((i) => {
      const path = pathOf(prefix, i.path);
      const key = [...i.path].reverse().find((k) => typeof k === "string");
      const last = key === undefined ? "" : String(key);
      // our messages start with the field's own name ("hidden[i]" for array items); the path replaces it
      let msg = i.message;
      if (last && msg.startsWith(last + " ")) msg = msg.slice(last.length + 1);
      else if (last && msg.startsWith(last + "[i] ")) msg = msg.slice(last.length + 4);
      else if (i.code === "invalid_type" && i.input === undefined) msg = "is required";
      const got = i.code === "unrecognized_keys" ? "" : `, got ${describe(i.input)}`;
      return { path, message: `${path || "config"} ${msg}${got}` };
    }),
  );
}

export function parseSpec<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.infer<S> {
  const r = schema.safeParse(input, { reportInput: true });
  if (!r.success) throw toConfigError(r.error, prefix);
  return r.data;
}

/** batchSize above the number of samples: refused, with both numbers. */
export function batchSizeProblems(batchSize: number, samples: number): { path: string; message: string }[] {
  return batchSize > samples
    ? [{ path: "batchSize", message: `batchSize is ${batchSize} but the data has only ${samples} samples: a batch would repeat rows; use batchSize <= ${samples}` }]
    : [];
}

/** Validates a train() argument or *.mplab.json content; throws ConfigError before any work. */
export function parseTrainConfig(input: unknown): TrainConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new ConfigError([{ path: "", message: "config must be an object" }]);
  const config = parseSpec(trainConfigSchema, input, "");
  const problems: { path: string; message: string }[] = [];
  // fp8: the per-tensor scales cover the gradients, so no loss scaler unless one is asked for
  if (config.precision === "mixed-fp8") {
    if (!("scaler" in input)) config.scaler = { type: "none" };
    config.fp8 ??= fp8RecipeSchema.parse({});
  } else if (config.fp8) problems.push({ path: "fp8", message: `fp8 is used only with precision "mixed-fp8", got precision "${config.precision}"` });
  const m = config.model;
  if (m.weights) {
    const widths = [m.inputs, ...m.hidden, m.outputs];
    if (m.weights.length !== widths.length - 1) problems.push({ path: "model.weights", message: `model.weights has ${m.weights.length} layers, the model has ${widths.length - 1}` });
    else m.weights.forEach((l, i) => {
      if (l.weight.length !== widths[i + 1] * widths[i] || l.bias.length !== widths[i + 1])
        problems.push({ path: `model.weights[${i}]`, message: `model.weights[${i}] must have ${widths[i + 1]}x${widths[i]} weights and ${widths[i + 1]} biases` });
      if (![...l.weight, ...l.bias].every(Number.isFinite)) problems.push({ path: `model.weights[${i}]`, message: `model.weights[${i}] has a non-finite value` });
    });
  }
  const d = config.data;
  if (d.type === "teacher" || d.type === "sine") {
    if (d.inputs !== m.inputs) problems.push({ path: "data.inputs", message: `data.inputs is ${d.inputs} but model.inputs is ${m.inputs}: they must match` });
    if (d.outputs !== m.outputs) problems.push({ path: "data.outputs", message: `data.outputs is ${d.outputs} but model.outputs is ${m.outputs}: they must match` });
  }
  // a csv file's rows are known only once read: train() checks those (checkBatchSize)
  const samples = d.type === "arrays" ? d.xs.length : d.type === "csv" ? null : d.samples;
  if (samples !== null) problems.push(...batchSizeProblems(config.batchSize, samples));
  if (m.normalization) {
    const n = m.normalization, want = normalizeMethods(d);
    for (const [side, width] of [["inputs", m.inputs], ["targets", m.outputs]] as const) {
      const s = n[side];
      if (s.shift.length !== width || s.scale.length !== width)
        problems.push({ path: `model.normalization.${side}`, message: `model.normalization.${side} must have ${width} shifts and ${width} scales (one per ${side === "inputs" ? "input" : "target"} column), got ${s.shift.length} and ${s.scale.length}` });
      if (s.method !== want[side])
        problems.push({ path: "data.normalize", message: `data.normalize asks for "${want[side]}" ${side}, but the model was trained on "${s.method}" ${side} (model.normalization): a trained model keeps its statistics, so set data.normalize to the model's methods, or drop model.normalization to start over` });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
