// Progress of a run on stderr: a bar redrawn in place on a terminal, otherwise a
// few plain lines (logs and pipes should not fill with carriage returns).
import type { RunProgress } from "../train/runResult.js";
import { bar, fmtNum, fmtScale } from "./format.js";

export interface ProgressReporter {
  onProgress(p: RunProgress): void;
  /** ends the bar's line (call before printing anything else) */
  done(): void;
}

/** `lines`: how many plain lines a run prints when stderr is not a terminal (the last at the end). */
export function progressReporter(out: NodeJS.WriteStream, label: string, lines = 10): ProgressReporter {
  const tty = out.isTTY === true;
  let skipped = 0;
  let lastPart = -1;
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
      const part = Math.floor((p.step / p.totalSteps) * lines);
      if (part > lastPart && (part > 0 || lines > 1)) {
        lastPart = part;
        out.write(`${text}\n`);
      }
    },
    done() {
      if (drawn) out.write("\n");
      drawn = false;
    },
  };
}
