// Checks that an output is a run we can draw, before drawing it: a notebook file can
// hold anything, and a clear message beats a half-drawn chart.
import type { RunResult } from "../../engine/train/runResult.js";

/**
 * Undoes the JSON encoding of non-finite numbers: the engine's protocol writes them as
 * the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers).
 */
export function decodeRunJson(x: unknown): unknown {
  if (x === "NaN") return NaN;
  if (x === "Infinity") return Infinity;
  if (x === "-Infinity") return -Infinity;
  if (Array.isArray(x)) return x.map(decodeRunJson);
  if (x && typeof x === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = decodeRunJson(v);
    return out;
  }
  return x;
}

export function validateRun(x: unknown, where: string): RunResult {
  const r = x as Partial<RunResult> | null;
  const fail = (what: string) => {
    throw new Error(`${where}: ${what}`);
  };
  if (!r || typeof r !== "object") fail("expected a run object");
  if (r!.kind !== "mplab.run") fail(`kind must be "mplab.run", got ${JSON.stringify(r!.kind)}`);
  for (const k of ["losses", "scales", "gradNorms", "overflowSteps", "layers", "firstNonFinite"] as const)
    if (!Array.isArray(r![k])) fail(`${k} must be an array`);
  if (typeof r!.steps !== "number") fail("steps must be a number");
  if (!r!.backend || typeof r!.backend !== "object") fail("backend is missing");
  return r as RunResult;
}

export function validateComparison(x: unknown): { runs: RunResult[] } {
  const runs = Array.isArray(x) ? x : (x as { runs?: unknown })?.runs;
  if (!Array.isArray(runs) || runs.length < 1) throw new Error('a comparison needs "runs": an array of runs');
  return { runs: runs.map((r, i) => validateRun(r, `runs[${i}]`)) };
}
