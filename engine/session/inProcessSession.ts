// An EngineSession that runs the engine in this process: the CLI, Node scripts and the
// unit tests use it; the VS Code engine page wraps the same calls behind the protocol.
import type { Backend } from "../backend/backend.js";
import type { TrainConfigInput } from "../config/schema.js";
import { createCpuBackend } from "../backend/cpu/cpuBackend.js";
import { predict, train } from "../index.js";
import type { EngineSession, SessionTrainOptions } from "./engineSession.js";
import { createSerialQueue } from "./serialQueue.js";
import type { RunResult, TrainedModel } from "../train/runResult.js";

export interface InProcessSessionOptions {
  /** makes the backend on first use; the CPU reference backend by default */
  createBackend?: () => Backend | Promise<Backend>;
}

export function createInProcessSession(options: InProcessSessionOptions = {}): EngineSession {
  let backend: Promise<Backend> | undefined;
  let disposed = false;
  // dispose() cancels the runs still going (a cell may not have awaited its train())
  // and destroys the backend only after they have stopped
  const stop = new AbortController();
  let last: Promise<unknown> = Promise.resolve();
  const queue = createSerialQueue(); // one run at a time on the backend
  const getBackend = (): Promise<Backend> => {
    if (disposed) return Promise.reject(new Error("this engine session was disposed"));
    backend ??= Promise.resolve((options.createBackend ?? (() => createCpuBackend()))());
    return backend;
  };
  return {
    async backend() {
      return (await getBackend()).info;
    },
    async train(config: TrainConfigInput, o: SessionTrainOptions = {}): Promise<RunResult> {
      const b = await getBackend();
      const withChunk = o.chunkSize !== undefined && config.chunkSize === undefined ? { ...config, chunkSize: o.chunkSize } : config;
      const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
      const run = queue.run(() => train(withChunk, { backend: b, signal, onProgress: o.onProgress, memoryBudgetMiB: o.memoryBudgetMiB }));
      last = run.catch(() => {});
      return run;
    },
    async predict(model: TrainedModel, inputs: number[][]): Promise<number[][]> {
      const b = await getBackend();
      return queue.run(() => predict(model, inputs, { backend: b }));
    },
    dispose() {
      disposed = true;
      stop.abort();
      const b = backend;
      void last.then(() => b?.then((x) => x.destroy())).catch(() => {});
    },
  };
}
