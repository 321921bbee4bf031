// The live output of a cell whose train() is running: the RunProgress events of the
// run gathered into one LiveRun (the series so far), which the kernel's host re-sends
// as the cell's live output at the live-update interval. A new run (its step count
// restarts) starts a new series.
import type { LiveRun, RunProgress } from "../train/runResult.js";
import { toMimeBundle, type MimeBundle } from "./display.js";

export class LiveRunOutput {
  private run: LiveRun | null = null;
  private runs = 0;

  /** Adds one progress event; false when it began another run (the caller may start a new output). */
  add(p: RunProgress): boolean {
    const fresh = !this.run || p.step <= this.run.step || p.totalSteps !== this.run.totalSteps;
    if (fresh) {
      this.runs++;
      this.run = { kind: "mplab.live", version: 1, name: `training run ${this.runs}`, step: 0, totalSteps: p.totalSteps, losses: [], scales: [], gradNorms: [], overflowSteps: [], elapsedMs: 0 };
    }
    const r = this.run!;
    r.step = p.step;
    r.elapsedMs = p.elapsedMs;
    r.losses.push(...p.losses);
    r.scales.push(...p.scales);
    r.gradNorms.push(...p.gradNorms);
    r.overflowSteps.push(...p.overflowSteps);
    return !fresh || this.runs === 1;
  }

  /** The run so far (null before the first event). */
  get current(): LiveRun | null {
    return this.run;
  }

  /** The run so far as a MIME bundle (live MIME + a text line), or null before the first event. */
  bundle(): MimeBundle | null {
    return this.run ? toMimeBundle(this.run) : null;
  }
}
