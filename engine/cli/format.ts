// Text formatting for the CLI: numbers, percentages, scales, aligned tables and a
// progress bar. No colours: output is often piped or logged.

/** A number in 4 significant digits, or scientific notation when very small/large. */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined) return "-";
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Inf" : "-Inf";
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

/** A share in [0, 1] as a percentage; tiny nonzero shares do not print as 0. */
export function fmtPct(f: number): string {
  if (!Number.isFinite(f)) return "-";
  if (f > 0 && f < 0.0005) return "<0.1%";
  return `${(f * 100).toFixed(1)}%`;
}

/** A loss scale: powers of two as 2^k (how scales are usually read), else a number. */
export function fmtScale(s: number): string {
  if (s > 0 && Number.isFinite(s)) {
    const k = Math.log2(s);
    if (Number.isInteger(k) && k !== 0 && Math.abs(k) < 1000) return `2^${k}`;
  }
  return fmtNum(s);
}

export function fmtScaleRange(scales: readonly number[]): string {
  if (scales.length === 0) return "-";
  let lo = Infinity, hi = -Infinity;
  for (const s of scales) {
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return lo === hi ? fmtScale(lo) : `${fmtScale(lo)} .. ${fmtScale(hi)}`;
}

/** Column-aligned text: the first column left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly string[])[], indent = "  "): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("   ").trimEnd())
    .join("\n");
}

/** "[#########...........]" for a fraction in [0, 1]. */
export function bar(fraction: number, width = 24): string {
  const f = Math.min(1, Math.max(0, fraction));
  const n = Math.round(f * width);
  return `[${"#".repeat(n)}${".".repeat(width - n)}]`;
}

export function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "key   value" lines, keys padded to one width. */
export function keyValues(rows: readonly (readonly [string, string])[], indent = "  "): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(w)}   ${v}`).join("\n");
}
