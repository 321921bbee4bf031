// Why bf16 (its 8-bit exponent, fp32's range) would help where fp16 cannot, one reason
// per kind of evidence: several tensors with the same problem fold into one reason that
// names their layers and the worst case.
//  - weights / activations beyond 65504 or below 2^-24: no loss scale applies to them
//  - a gradient whose core window is empty: no single scale keeps it in fp16
//  - the data beyond 65504 (the data finding's own reason; then the activations it
//    makes overflow are its consequences, not reasons of their own)
import { F16_MAX } from "../numerics/float16.js";
import { DATA_BF16 } from "./dataFindings.js";
import { fmtPow2, isEmpty } from "./fp16Range.js";
import { ROLE_WORDS } from "./findings.js";
import type { ScaleWindow, TensorReport } from "./report.js";

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
const num = (x: number | null) => (x === null ? "-" : x.toPrecision(3));
const and = (xs: (string | number)[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}` : String(xs[0]));

export interface Bf16Inputs {
  tensors: TensorReport[];
  /** the intersection of the gradients' core windows */
  core: ScaleWindow | null;
  coreShare: number;
  /** share of weights/activations outside fp16 from which bf16 is advised */
  unscaledLimit: number;
  /** the data overflows fp16 and bf16 holds it */
  dataOverflows: boolean;
  dataBf16Holds: boolean;
}

export function bf16Reasons(x: Bf16Inputs): string[] {
  const over: TensorReport[] = [], under: TensorReport[] = [], span: TensorReport[] = [];
  for (const t of x.tensors) {
    // an Inf that came in from the layer below (or the data) is that one's consequence, said there
    const inherited = t.nonFiniteFrom === "input" && t.overflow === 0;
    if (!t.scaled && !t.fitsFp16 && !inherited && t.largest !== null && (t.largest >= F16_MAX || t.overflow > 0)) over.push(t);
    else if (!t.scaled && t.underflow >= x.unscaledLimit) under.push(t);
    else if (t.coreWindow && isEmpty(t.coreWindow)) span.push(t);
  }
  const why: string[] = [];
  if (x.dataOverflows && x.dataBf16Holds) why.push(DATA_BF16);
  const what = (t: TensorReport) => `layer ${t.layer} ${ROLE_WORDS[t.role]}`;
  const which = (ts: TensorReport[]) => {
    const roles = [...new Set(ts.map((t) => ROLE_WORDS[t.role]))];
    return `${and(roles)} of layers ${and([...new Set(ts.map((t) => t.layer))])}`;
  };
  // activations made too large by the data are the data's consequence (said with it)
  if (over.length && !x.dataOverflows) {
    const top = over.reduce((a, b) => ((b.largest ?? 0) > (a.largest ?? 0) ? b : a));
    why.push(over.length === 1
      ? `${what(top)} reach ${num(top.largest)}, beyond fp16's 65504, and no loss scale applies to them`
      : `${which(over)} reach up to ${num(top.largest)} (${what(top)}), beyond fp16's 65504, and no loss scale applies to them`);
  }
  if (under.length) {
    const top = under.reduce((a, b) => (b.underflow > a.underflow ? b : a));
    why.push(under.length === 1
      ? `${pct(top.underflow)} of ${what(top)} are below fp16's 2^-24, and no loss scale applies to them`
      : `up to ${pct(top.underflow)} of the ${which(under)} (${what(top)}) are below fp16's 2^-24, and no loss scale applies to them`);
  }
  if (span.length) {
    const t = span[0];
    if (span.length === 1)
      why.push(`${what(t)} span ${num(t.smallest)} to ${num(t.largest)}: keeping all but ${pct(x.coreShare)} of the smallest needs a scale >= ${fmtPow2(t.coreWindow!.min)}, the largest <= ${fmtPow2(t.coreWindow!.max)}`);
    else {
      const lo = Math.max(...span.map((s) => s.coreWindow!.min)), hi = Math.min(...span.map((s) => s.coreWindow!.max));
      why.push(`the ${which(span)} each span more than one loss scale keeps in fp16: keeping all but ${pct(x.coreShare)} of their smallest values needs a scale >= ${fmtPow2(lo)}, their largest <= ${fmtPow2(hi)}`);
    }
  }
  if (x.core && isEmpty(x.core) && !span.length)
    why.push(`no single scale covers all gradients: keeping all but ${pct(x.coreShare)} of the smallest needs >= ${fmtPow2(x.core.min)}, the largest <= ${fmtPow2(x.core.max)}`);
  return why;
}
