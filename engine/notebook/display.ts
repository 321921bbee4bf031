// Node-only: formats values with node:util, in the kernel process.
// How a cell's value is shown: a MIME bundle (nbformat's "data"). Engine results get
// their renderer's MIME type; everything else is text, formatted like Node's REPL.
import { inspect } from "node:util";
import { COMPARISON_MIME } from "../inspect/compare.js";
import { PRECISION_REPORT_MIME } from "../inspect/report.js";
import { SWEEP_MIME } from "../inspect/sweep.js";
import { RUN_RESULT_MIME } from "../train/runResult.js";

/** Plain-data results the renderer draws, by their `kind` field. */
const RENDERED_KINDS: Record<string, string> = {
  "mplab.run": RUN_RESULT_MIME,
  "mplab.report": PRECISION_REPORT_MIME,
  "mplab.compare": COMPARISON_MIME,
  "mplab.sweep": SWEEP_MIME,
};

export type MimeBundle = Record<string, unknown>;

/** The MIME bundle for a value, or null for undefined (nothing is shown). */
export function toMimeBundle(value: unknown): MimeBundle | null {
  if (value === undefined) return null;
  const kind = typeof value === "object" && value !== null ? (value as { kind?: unknown }).kind : undefined;
  if (typeof kind === "string" && RENDERED_KINDS[kind]) {
    return { [RENDERED_KINDS[kind]]: value, "text/plain": summarize(value as Record<string, unknown>) };
  }
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 50 }) };
}

/** The text fallback of rendered results (what a plain-text viewer shows). */
function summarize(v: Record<string, unknown>): string {
  if (v.kind === "mplab.run") {
    const r = v as { name?: string; status: string; steps: number; finalLoss: number | null; skippedSteps: number; precision: string; backend: { name: string; fp16: string } };
    return `RunResult${r.name ? ` "${r.name}"` : ""}: ${r.status}, ${r.steps} steps, final loss ${r.finalLoss}, ${r.skippedSteps} skipped (${r.precision} on ${r.backend.name}, fp16 ${r.backend.fp16})`;
  }
  return `${String(v.kind)} (open in VS Code to see the chart)`;
}
