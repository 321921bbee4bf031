// Node-only: part of the mplab command line.
// `mplab demo`: the story of loss scaling in seconds. The bundled example
// has small targets, so its gradients are small: trained in fp32 it learns; in
// mixed fp16 without a scaler most gradient values underflow to zero at the fp16
// casts and it learns worse; with a dynamic scaler it matches fp32 again; bf16
// (fp32's exponent range) needs no scaler.
import { parseArgs } from "node:util";
import example from "../../examples/underflow.mplab.json";
import type { RunResult } from "../train/runResult.js";
import { UsageError, type Command } from "./command.js";
import { fmtMs, fmtNum, fmtPct, fmtScaleRange, keyValues, table } from "./format.js";
import { gradUnderflowShare } from "./summary.js";
import { describeError, parseBackend, runWithProgress } from "./train.js";

const usage = `Usage: mplab demo [options]

Trains the bundled example (examples/underflow.mplab.json: targets scaled by a small
factor, so fp16 gradients underflow) in fp32, in mixed fp16 without loss scaling, in
mixed fp16 with a dynamic loss scaler (PyTorch's rule), and in mixed bf16 without
one; prints them side by side.

Options:
  --backend auto|cpu|wasm|webgpu
                              where to run (default auto: WebGPU on a GPU, else wasm;
                              cpu is the reference backend, the same numbers everywhere)
  --steps N                   steps per run (default: the example's)
  --json                      print the comparison as JSON
  -q, --quiet                 no progress on stderr
  -h, --help                  this text`;

interface Variant {
  label: string;
  precision: "fp32" | "mixed-fp16" | "mixed-bf16";
  scaler: { type: "none" } | { type: "dynamic"; preset: "pytorch"; growthInterval?: number };
}

/** Mean of the last 10% of the step losses: one batch's loss is noisy. */
export function tailLoss(r: RunResult): number | null {
  const ok = r.losses.filter(Number.isFinite);
  if (!ok.length) return null;
  const tail = ok.slice(-Math.max(1, Math.floor(ok.length / 10)));
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

export interface DemoRow {
  label: string;
  precision: string;
  scaler: string;
  finalLoss: number | null;
  tailLoss: number | null;
  skippedSteps: number;
  gradUnderflow: number;
  scaleMin: number | null;
  scaleMax: number | null;
  ms: number;
}

function row(label: string, r: RunResult): DemoRow {
  return {
    label,
    precision: r.precision,
    scaler: r.config.scaler.type === "dynamic" ? `dynamic (${r.config.scaler.preset})` : r.config.scaler.type,
    finalLoss: r.finalLoss,
    tailLoss: tailLoss(r),
    skippedSteps: r.skippedSteps,
    gradUnderflow: gradUnderflowShare(r),
    scaleMin: r.scales.length ? Math.min(...r.scales) : null,
    scaleMax: r.scales.length ? Math.max(...r.scales) : null,
    ms: r.timings.totalMs,
  };
}

/** A sentence per claim, computed from the numbers (never asserted blindly). */
function story(fp32: DemoRow, none: DemoRow, scaled: DemoRow, bf16: DemoRow): string {
  const ratio = (a: DemoRow) => (a.tailLoss !== null && fp32.tailLoss ? (a.tailLoss / fp32.tailLoss).toPrecision(2) : "-");
  const skipped = scaled.skippedSteps ? `, ${scaled.skippedSteps} overflowing step(s) were skipped while the scale settled` : "";
  const lines = [
    `Without loss scaling, ${fmtPct(none.gradUnderflow)} of the fp16 gradient values underflowed to zero;` +
      ` its loss ends at ${ratio(none)}x fp32's.`,
    `With a ${scaled.scaler} loss scaler (scale ${fmtScaleRange([scaled.scaleMin ?? 1, scaled.scaleMax ?? 1])}), ${fmtPct(scaled.gradUnderflow)}` +
      ` underflowed${skipped}, and the loss ends at ${ratio(scaled)}x fp32's.`,
    `Mixed bf16 keeps fp32's exponent range: without a scaler ${fmtPct(bf16.gradUnderflow)} underflowed` +
      ` and the loss ends at ${ratio(bf16)}x fp32's.`,
  ];
  return lines.join("\n");
}

function modelText(): string {
  const m = example.model as { inputs: number; hidden: number[]; outputs: number; activation: string };
  if (m.hidden.length === 0) return `linear ${m.inputs} -> ${m.outputs} (an MLP without hidden layers)`;
  return `MLP ${[m.inputs, ...m.hidden, m.outputs].join(" -> ")}, ${m.activation}`;
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: "string" },
      steps: { type: "string" },
      json: { type: "boolean", default: false },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const backend = parseBackend(values.backend, "auto");
  const steps = values.steps === undefined ? example.steps : Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1) throw new UsageError(`--steps must be a positive integer, got "${values.steps}"`);
  const variants: Variant[] = [
    { label: "fp32", precision: "fp32", scaler: { type: "none" } },
    { label: "fp16, no scaler", precision: "mixed-fp16", scaler: { type: "none" } },
    { label: "fp16, dynamic scaler", precision: "mixed-fp16", scaler: example.scaler as Variant["scaler"] },
    // bf16 keeps fp32's exponent range: the usual advice is that it needs no scaler
    { label: "bf16, no scaler", precision: "mixed-bf16", scaler: { type: "none" } },
  ];
  const rows: DemoRow[] = [];
  for (const v of variants) {
    const config = { ...example, $schema: undefined, name: `${example.name}: ${v.label}`, precision: v.precision, scaler: v.scaler, steps };
    try {
      rows.push(row(v.label, await runWithProgress(config, backend, v.label.padEnd(20), values.quiet, 1)));
    } catch (e) {
      console.error(`mplab demo: ${describeError(e, "examples/underflow.mplab.json")}`);
      return 1;
    }
  }
  if (values.json) {
    console.log(JSON.stringify({ example: example.name, steps, runs: rows }, null, 2));
    return 0;
  }
  const [fp32, none, scaled, bf16] = rows;
  const d = example.data;
  console.log(`Mixed Precision Lab demo: ${example.name} (examples/underflow.mplab.json)`);
  console.log(keyValues([
    ["model", modelText()],
    ["data", `teacher network, ${d.samples} samples, targets scaled by ${d.targetScale.toExponential()} (small gradients)`],
    ["training", `${steps} steps, batch ${example.batchSize}, ${example.optimizer.type} lr ${example.optimizer.lr}, momentum ${example.optimizer.momentum}`],
  ]));
  console.log("");
  const cols = (f: (r: DemoRow) => string) => rows.map(f);
  console.log(table([
    ["precision", ...cols((r) => r.precision)],
    ["loss scaler", ...cols((r) => r.scaler)],
    ["loss (mean of last 10%)", ...cols((r) => fmtNum(r.tailLoss))],
    ["final loss", ...cols((r) => fmtNum(r.finalLoss))],
    ["skipped steps", ...cols((r) => String(r.skippedSteps))],
    ["gradients lost to underflow", ...cols((r) => fmtPct(r.gradUnderflow))],
    ["scale range", ...cols((r) => (r.scaleMin === null ? "-" : fmtScaleRange([r.scaleMin, r.scaleMax ?? r.scaleMin])))],
    ["time", ...cols((r) => fmtMs(r.ms))],
  ]));
  console.log("");
  console.log(story(fp32, none, scaled, bf16));
  console.log(`\nRun one yourself: mplab train examples/underflow.mplab.json`);
  return 0;
}

export const demoCommand: Command = { name: "demo", summary: "fp32 vs fp16 without and with loss scaling, side by side", usage, run };
