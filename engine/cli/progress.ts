// Progress of a run on stderr: a bar redrawn in place on a terminal, a plain line
// every 10% otherwise (logs and pipes should not fill with carriage returns).
import type { RunProgress } from "../train/runResult.js";
import { bar, fmtNum, fmtScale } from "./format.js";

export interface ProgressReporter {
  onProgress(p: RunProgress): void;
  /** ends the bar's line (call before printing anything else) */
  done(): void;
}

export function progressReporter(out: NodeJS.WriteStream, label: string): ProgressReporter {
  const tty = out.isTTY === true;
  let skipped = 0;
  let lastTenth = -1;
  let drawn = false;
  return {
    onProgress(p) {
      skipped += p.overflowSteps.length;
      const loss = p.losses.length ? p.losses[p.losses.length - 1] : NaN;
      const scale = p.scales.length ? p.scales[p.scales.length - 1] : NaN;
      const text = `${label} step ${p.step}/${p.totalSteps}  loss ${fmtNum(loss)}  scale ${fmtScale(scale)}  skipped ${skipped}`;
      if (tty) {
        const line = `${bar(p.step / p.totalSteps)} ${text}`;
        out.write(`\r${line.slice(0, (out.columns || 120) - 1)}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor((p.step / p.totalSteps) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`${text}\n`);
      }
    },
    done() {
      if (drawn) out.write("\n");
      drawn = false;
    },
  };
}
