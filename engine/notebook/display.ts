// Node-only: formats values with node:util, in the kernel process.
// How a cell's value is shown: a MIME bundle (nbformat's "data"). Engine results get
// their payload's MIME type, encoded with the one NaN/±Infinity codec (so `mplab run`
// and VS Code both save NaN and Infinity apart); everything else is text, formatted
// like Node's REPL.
import { inspect } from "node:util";
import { COMPARISON_MIME } from "../inspect/comparison.js";
import { PRECISION_REPORT_MIME } from "../inspect/report.js";
import { SWEEP_MIME } from "../inspect/sweepResult.js";
import { encodeNonFinite } from "../payload/nonFinite.js";
import { LIVE_RUN_MIME, RUN_RESULT_MIME } from "../train/runResult.js";

/** Plain-data results the renderer draws, by their `kind` field. */
const RENDERED_KINDS: Record<string, string> = {
  "mplab.run": RUN_RESULT_MIME,
  "mplab.live": LIVE_RUN_MIME,
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
    return { [RENDERED_KINDS[kind]]: encodeNonFinite(value), "text/plain": summarize(value as Record<string, unknown>) };
  }
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": inspect(value, { colors: false, depth: 4, maxArrayLength: 50 }) };
}

const fmt = (x: unknown) => (typeof x === "number" ? String(Number(x.toPrecision(4))) : "-");

/** The text fallback of rendered results (what a plain-text viewer or a screen reader without the renderer gets). */
function summarize(v: Record<string, unknown>): string {
  switch (v.kind) {
    case "mplab.run": {
      const r = v as { name?: string; status: string; steps: number; finalLoss: number | null; skippedSteps: number; precision: string; backend: { name: string; fp16: string } };
      return `RunResult${r.name ? ` "${r.name}"` : ""}: ${r.status}, ${r.steps} steps, final loss ${r.finalLoss}, ${r.skippedSteps} skipped (${r.precision} on ${r.backend.name}, fp16 ${r.backend.fp16})`;
    }
    case "mplab.live": {
      const l = v as { name: string; step: number; totalSteps: number; losses: number[]; overflowSteps: number[] };
      return `${l.name}: step ${l.step}/${l.totalSteps}, loss ${fmt(l.losses[l.losses.length - 1])}, ${l.overflowSteps.length} overflow steps skipped`;
    }
    case "mplab.report": {
      const r = v as { name?: string; precision: string; findings: string[] };
      return [`Precision report${r.name ? ` of ${r.name}` : ""} (${r.precision})`, ...r.findings.map((f) => `- ${f}`)].join("\n");
    }
    case "mplab.compare": {
      const c = v as { runs: { label: string; finalLoss: number | null; skippedSteps: number }[] };
      return [`Comparison of ${c.runs.length} runs`, ...c.runs.map((r) => `- ${r.label}: final loss ${fmt(r.finalLoss)}, ${r.skippedSteps} skipped`)].join("\n");
    }
    case "mplab.sweep": {
      const s = v as { ranked: { rank: number | null; label: string; finalLoss: number | null }[]; recommendation: { label: string; reason: string } | null };
      return [
        `Sweep of ${s.ranked.length} configurations${s.recommendation ? `; recommended: ${s.recommendation.label} (${s.recommendation.reason})` : ""}`,
        ...s.ranked.map((e) => `${e.rank ?? "-"}. ${e.label}: final loss ${fmt(e.finalLoss)}`),
      ].join("\n");
    }
  }
  return `${String(v.kind)} (open in VS Code to see the chart)`;
}
