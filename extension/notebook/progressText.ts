// The live line under a cell while train() runs (plain text, so it shows without the
// renderer): where the run is, the latest loss and scale, overflow so far, and a
// small sparkline of the loss.
import type { RunProgress } from "../../engine/index.js";

const BARS = "▁▂▃▄▅▆▇█";

/** A sparkline of up to `width` points (log scale: losses span decades). */
export function sparkline(values: number[], width = 32): string {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return "";
  const step = Math.max(1, Math.ceil(values.length / width));
  const pts: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    const chunk = values.slice(i, i + step).filter((v) => Number.isFinite(v) && v > 0);
    if (chunk.length) pts.push(Math.log10(chunk.reduce((a, b) => a + b, 0) / chunk.length));
  }
  const lo = Math.min(...pts), hi = Math.max(...pts);
  return pts.map((v) => BARS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join("");
}

export function formatProgress(p: RunProgress, totals: { losses: number[]; scales: number[]; overflow: number }): string {
  const loss = p.losses[p.losses.length - 1];
  const scale = p.scales[p.scales.length - 1];
  const parts = [
    `training: step ${p.step}/${p.totalSteps}`,
    `loss ${loss === undefined ? "-" : loss.toPrecision(4)}`,
    `scale ${scale === undefined ? "-" : scale}`,
    `${totals.overflow} overflow step${totals.overflow === 1 ? "" : "s"} skipped`,
    `${(p.elapsedMs / 1000).toFixed(1)} s`,
  ];
  return `${parts.join(" · ")}\n${sparkline(totals.losses)}`;
}
