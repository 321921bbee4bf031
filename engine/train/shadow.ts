// The fp32 shadow (train({ ..., shadow: true })): an fp32 copy of the run, on a
// backend of its own (so its step state and statistics stay apart), starts from
// the same initial weights and takes the same batches in lockstep, with no loss
// scale. It trains on its own fp32 trajectory; at every observed step the mixed-
// precision tensors are compared with it: the relative L2 error
//     ||mixed - fp32|| / ||fp32||       (fp64 sums; 0 when both are zero)
// of each layer's pre-activations z, of the gradient at z (the mixed one divided by
// the step's loss scale), of the unscaled fp32 weight gradients, and of the output.
// So the errors include both one step's rounding and how far the trajectories
// drifted apart (skipped steps, lost updates). Non-finite mixed values give Infinity;
// the per-layer means are over the finite steps.
// run.ts creates a Shadow only when config.shadow is set: nothing here runs otherwise.
import type { Backend } from "../backend/backend.js";
import { selectBackend } from "../backend/select.js";
import type { LayerWeights, TrainConfig } from "../config/schema.js";
import type { Dataset } from "../data/datasets.js";
import { initialScalerState, ruleFromSpec } from "../scaler/lossScaler.js";
import { policyFor } from "./policy.js";
import type { ShadowReport } from "./runResult.js";
import { StepObserver } from "./stepObserver.js";
import { TrainStep } from "./trainStep.js";

export function relativeError(mixed: Float32Array, ref: Float32Array, scale = 1): number {
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = mixed[i] / scale - ref[i];
    num += d * d;
    den += ref[i] * ref[i];
  }
  if (!Number.isFinite(num)) return Infinity;
  if (den === 0) return num === 0 ? 0 : Infinity;
  return Math.sqrt(num / den);
}

const meanFinite = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Infinity;
};

export class Shadow {
  private readonly steps: number[] = [];
  private readonly output: number[] = [];
  private readonly act: number[][];
  private readonly actGrad: number[][];
  private readonly grad: number[][];

  private constructor(
    private readonly backend: Backend,
    private readonly owned: boolean,
    private readonly ts: TrainStep,
    private readonly observer: StepObserver,
  ) {
    const L = ts.net.layers.length;
    this.act = Array.from({ length: L }, () => []);
    this.actGrad = Array.from({ length: L }, () => []);
    this.grad = Array.from({ length: L }, () => []);
  }

  /** An fp32 copy of `config` on a fresh backend of the same kind as `main`. */
  static async create(main: Backend, config: TrainConfig, data: Dataset, weights: LayerWeights[], maxChunk: number): Promise<Shadow> {
    const { backend, owned } = await selectBackend(main.info.name);
    const cfg: TrainConfig = { ...config, precision: "fp32", scaler: { type: "none" }, shadow: false };
    const rule = ruleFromSpec(cfg.scaler);
    const ts = new TrainStep(backend, cfg, policyFor("fp32"), data, weights, maxChunk);
    const observer = new StepObserver(backend, ts.net);
    backend.initStepState(rule, initialScalerState(rule), 0);
    observer.reset();
    return new Shadow(backend, owned, ts, observer);
  }

  /** The same sample indices the main run just wrote for this chunk. */
  writeBatch(indices: Float32Array): void {
    this.backend.write(this.ts.idx, indices);
  }

  /**
   * Runs the shadow's step; at observed steps compares with the main run's tensors
   * (`scale`: the loss scale the main step used, read before it ran).
   */
  async step(step: number, chunkStep: number, observe: boolean, main: TrainStep, scale: number): Promise<void> {
    this.ts.run(step, chunkStep, observe ? this.observer : null);
    if (!observe) return;
    await this.backend.flush(); // the shadow's step log is not needed
    const mb = main.backend, sb = this.backend;
    const mainLayers = main.net.layers, refLayers = this.ts.net.layers;
    this.steps.push(step);
    for (let l = 0; l < mainLayers.length; l++) {
      const m = mainLayers[l], r = refLayers[l];
      this.act[l].push(relativeError(await mb.read(m.z), await sb.read(r.z)));
      this.actGrad[l].push(relativeError(await mb.read(m.dz), await sb.read(r.dz), scale));
      this.grad[l].push(relativeError(await mb.read(m.gw32), await sb.read(r.gw32)));
    }
    this.output.push(relativeError(await mb.read(main.net.output), await sb.read(this.ts.net.output)));
  }

  /** The report, for the steps the main run kept (`runSteps`). */
  async report(runSteps: number): Promise<ShadowReport> {
    const keep = this.steps.filter((s) => s < runSteps).length;
    const cut = (xs: number[]) => xs.slice(0, keep);
    const reference = await this.observer.read();
    return {
      steps: cut(this.steps),
      outputError: cut(this.output),
      layers: this.act.map((_, l) => ({
        layer: l + 1,
        activationError: meanFinite(cut(this.act[l])),
        activationGradError: meanFinite(cut(this.actGrad[l])),
        gradientError: meanFinite(cut(this.grad[l])),
        activationErrors: cut(this.act[l]),
        activationGradErrors: cut(this.actGrad[l]),
        gradientErrors: cut(this.grad[l]),
      })),
      reference,
    };
  }

  dispose(): void {
    this.ts.dispose();
    if (this.owned) this.backend.destroy();
  }
}
