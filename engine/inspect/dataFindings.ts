// The data's part of the precision story (RunResult.data, made on the host by
// engine/data/prepare.ts): which input and target columns the policy's cast breaks.
// The format judged is the one the run casts its data to; an fp32 run is judged for
// fp16, like the rest of its report (advice for a mixed-fp16 run of the same model).
//  - overflow: an input value beyond the format's range is Inf after the cast, and so is
//    every activation it reaches: every step that reads it is skipped, at any loss scale.
//    A target beyond it cannot be reached by the output, stored in that format.
//  - underflow: nonzero values that become zero (from UNSCALED_LIMIT of a column on).
//  - flush (mixed-fp8): inputs share one fp8 scale; a small column beside a large one
//    flushes to zero in E4M3.
//  - large: a column far beyond unit scale (above 2^10: less than 2^6 of headroom under
//    fp16's 65504) that still fits: activations and gradients grow with it.
import type { Precision } from "../config/schema.js";
import type { DataColumn, DataReport } from "../data/dataReport.js";
import type { DataVerdict } from "./report.js";

/** Columns whose values reach beyond this (as the model sees them) are called unnormalised. */
export const LARGE_DATA = 2 ** 10;
/** Shares of a column lost to underflow or an fp8 flush from which it is a finding. */
export const DATA_LOSS_LIMIT = 1e-2;
/** useBf16's reason when the data overflows fp16 (the data finding itself says "or use bf16") */
export const DATA_BF16 = "data columns reach beyond fp16's 65504 (see the data finding), and bf16's range holds them";
/** Columns named in a finding before "and N more". */
const NAMED = 6;

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
const num = (x: number) => x.toPrecision(3);

export interface DataFindings {
  verdicts: DataVerdict[];
  /** the finding, first in the report (null: the data is fine for this policy) */
  finding: string | null;
  /** the data is lost at the cast (beyond the range, underflowed, flushed): the root cause */
  cause: boolean;
  /** some column is beyond the format's range: every gradient is shaped by it (not evidence of a scale) */
  breaksGradients: boolean;
  /** the cause, short (for the scaler's reason): "target column price is beyond fp16's range" */
  short: string;
  /** whether bf16 would hold every column that overflows here */
  bf16Holds: boolean;
}

export function dataFindings(data: DataReport | undefined, precision: Precision): DataFindings {
  const none: DataFindings = { verdicts: [], finding: null, cause: false, breaksGradients: false, short: "", bf16Holds: false };
  if (!data) return none;
  const format: "fp16" | "bf16" = precision === "mixed-bf16" || precision === "mixed-fp8" ? "bf16" : "fp16";
  const verdicts: DataVerdict[] = [];
  for (const side of ["inputs", "targets"] as const)
    for (const c of data[side]) {
      const s = c[format];
      const base = { side, name: c.name, min: c.min, max: c.max, largest: c.largest, format };
      if (s.overflow > 0) verdicts.push({ ...base, problem: "overflow", share: s.overflow });
      else if (s.underflow >= DATA_LOSS_LIMIT) verdicts.push({ ...base, problem: "underflow", share: s.underflow });
      else if (precision === "mixed-fp8" && side === "inputs" && c.e4m3Flushed >= DATA_LOSS_LIMIT) verdicts.push({ ...base, format: "e4m3", problem: "flush", share: c.e4m3Flushed });
      else if (c.largest > LARGE_DATA) verdicts.push({ ...base, problem: "large", share: 0 });
    }
  if (!verdicts.length) return none;
  const cause = verdicts.some((v) => v.problem === "overflow" || v.problem === "underflow" || v.problem === "flush");
  const bf16Holds = verdicts.every((v) => v.problem !== "overflow" || data[v.side].find((c) => c.name === v.name)!.bf16.overflow === 0);
  const over = verdicts.filter((v) => v.problem === "overflow");
  const short = over.length
    ? `${over.length === 1 ? `${over[0].side === "inputs" ? "input" : "target"} column ${over[0].name} is` : `${over.length} data columns are`} beyond ${format}'s range${precision === "fp32" ? " (for a mixed-fp16 run)" : ""}`
    : "";
  return { verdicts, finding: sentence(verdicts, data, precision, format, bf16Holds), cause, breaksGradients: over.length > 0, short, bf16Holds };
}

function sentence(verdicts: DataVerdict[], data: DataReport, precision: Precision, format: "fp16" | "bf16", bf16Holds: boolean): string {
  const would = precision === "fp32";
  const max = format === "fp16" ? "65504" : "3.39e38";
  const normalised = data.normalize.inputs !== "none" || data.normalize.targets !== "none";
  const column = (v: DataVerdict) => data[v.side].find((c) => c.name === v.name) as DataColumn;
  const range = (v: DataVerdict, share: boolean) => {
    const asSeen = data.normalize[v.side] !== "none" ? `, ${num(column(v).largest)} as normalised` : "";
    return `${v.name} (${num(v.min)} to ${num(v.max)}${asSeen}${share && v.share ? `: ${pct(v.share)} of its values` : ""})`;
  };
  /** "input columns a (..), b (..) and c (..)", at most NAMED named */
  const named = (vs: DataVerdict[], share: boolean) => {
    const shown = vs.slice(0, NAMED).map((v) => range(v, share));
    const tail = vs.length > NAMED ? `, ${shown.pop()} and ${vs.length - NAMED} more` : shown.length > 1 ? ` and ${shown.pop()}` : "";
    return `${vs[0].side === "inputs" ? "input" : "target"} column${vs.length > 1 ? "s" : ""} ${shown.join(", ")}${tail}`;
  };
  const of = (problem: DataVerdict["problem"], side: "inputs" | "targets") => verdicts.filter((v) => v.problem === problem && v.side === side);
  const castTo = would ? "at the cast to fp16 (in a mixed-fp16 run)" : `at the cast to ${format}`;
  const parts: string[] = [];
  const say = (vs: DataVerdict[], what: (many: boolean) => string) => {
    if (vs.length) parts.push(`${cap(named(vs, true))} ${what(vs.length > 1)}`);
  };
  say(of("overflow", "inputs"), (many) => `${many ? "are" : "is"} beyond ${format}'s range (max ${max}): those values become Inf ${castTo}, and so does every activation they reach, at any loss scale`);
  say(of("overflow", "targets"), (many) => `${many ? "are" : "is"} beyond ${format}'s range (max ${max}): the output, stored in ${format}, cannot reach those values (it becomes Inf first)`);
  for (const side of ["inputs", "targets"] as const) say(of("underflow", side), () => `${would ? "would underflow" : "underflows"}: nonzero values below ${format}'s smallest subnormal become zero ${castTo}`);
  say(of("flush", "inputs"), () => "flushes to zero in fp8 E4M3: the inputs share one scale, set by their largest column");
  const large = [...of("large", "inputs"), ...of("large", "targets")];
  if (large.length) {
    const sides = (["inputs", "targets"] as const).map((side) => large.filter((v) => v.side === side)).filter((vs) => vs.length).map((vs) => named(vs, false));
    const top = Math.max(...large.map((v) => v.largest));
    const bits = format === "fp16" ? 11 : 8;
    parts.push(`${cap(sides.join(" and "))} ${large.length > 1 ? "are" : "is"} far from unit scale (beyond ${LARGE_DATA}): ${format} keeps ${bits} significant bits (steps of ${2 ** (Math.floor(Math.log2(top)) - bits + 1)} near ${num(top)}), and activations and gradients grow with the data`);
  }
  const cause = verdicts.some((v) => v.problem !== "large");
  const lead = cause ? `The data is the cause${would ? " (for a mixed-fp16 run)" : ""}` : "The data is unnormalised";
  const bf16 = format === "fp16" && bf16Holds && verdicts.some((v) => v.problem === "overflow") ? ', or use bf16 (precision "mixed-bf16"), whose range holds them' : "";
  // normalise the sides that are not; where a normalised side is still out of range, say so
  const raw = (["inputs", "targets"] as const).filter((side) => verdicts.some((v) => v.side === side) && data.normalize[side] === "none");
  const done = (["inputs", "targets"] as const).filter((side) => verdicts.some((v) => v.side === side) && data.normalize[side] !== "none");
  const keep = (side: "inputs" | "targets") => (raw.includes(side) ? "standard" : data.normalize[side]);
  // nothing normalised yet: both sides, the usual practice; else the side still raw
  const setting = !normalised ? '"standard"' : `{ "inputs": "${keep("inputs")}", "targets": "${keep("targets")}" }`;
  const words = !normalised || raw.length === 2 ? "inputs and targets" : raw[0];
  const fixes = [
    ...(raw.length ? [`normalise your ${words} (data.normalize: ${setting})${bf16}`] : []),
    ...(done.length ? [`the ${done.join(" and ")} are normalised (data.normalize) and still out of range: check these columns`] : []),
  ];
  const fix = fixes.join("; ");
  return `${lead}. ${parts.join(". ")}. Fix: ${fix}.`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
