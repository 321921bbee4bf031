// Node-only: the GEMM helper on a worker thread. The worker instantiates the same
// compiled kernels over the same shared memory and waits on a control word there:
// ctl[0] = 1 starts gemm(ctl[2..17]) (16 parameters), the worker sets ctl[1] = 1 when done
// and the f64 at byte 80 to how long it ran, ctl[18] = 1 if the kernel trapped.
// Both sides spin on the word for a short while before they sleep (Atomics.wait): a
// training step's GEMMs come a few hundred microseconds apart, and waking a sleeping
// thread costs 30-50 us here, as much as a small GEMM's half (measured: 256x16x256 took
// 0.039 ms on one thread, 0.069 ms split with sleeps).
// Importing this module registers the helper (as the CLI does).
import { Worker } from "node:worker_threads";
import { registerGemmHelper, type GemmHelper } from "./gemmHelper.js";
import { WORKER_CONTROL } from "./wasmHeap.js";

/** how long a thread spins for the other's word before it sleeps */
const SPIN_MS = 2;

/**
 * Until ctl[i] != v: spins up to spinMs, then sleeps. Both threads run this one function
 * (the worker from its source text, so it names nothing outside its parameters).
 */
function until(ctl: Int32Array, i: number, v: number, spinMs: number): void {
  for (let t = performance.now(), n = 0; Atomics.load(ctl, i) === v; n++) {
    if ((n & 255) === 255 && performance.now() - t > spinMs) Atomics.wait(ctl, i, v);
  }
}

const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const ctl = new Int32Array(memory.buffer, control, 20);
const ms = new Float64Array(memory.buffer, control + 80, 1); // how long the last gemm ran
${until.toString()}
WebAssembly.instantiate(module, { env: { memory }, math: { tanh: Math.tanh, exp: Math.exp } }).then((instance) => {
  const gemm = instance.exports.gemm;
  Atomics.store(ctl, 19, 1); // ready
  Atomics.notify(ctl, 19);
  for (;;) {
    until(ctl, 0, 0, ${SPIN_MS});
    if (Atomics.load(ctl, 0) < 0) return;
    const t0 = performance.now();
    try {
      gemm(...Array.from(ctl.subarray(2, 18)));
    } catch {
      Atomics.store(ctl, 18, 1); // a trap: the waiting thread throws
    }
    ms[0] = performance.now() - t0;
    Atomics.store(ctl, 0, 0);
    Atomics.store(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
});`;

registerGemmHelper((module, heap): GemmHelper => {
  const ctl = new Int32Array(heap.memory.buffer, WORKER_CONTROL, 20);
  const ms = new Float64Array(heap.memory.buffer, WORKER_CONTROL + 80, 1);
  ctl.fill(0);
  const worker = new Worker(workerSource, { eval: true, workerData: { module, memory: heap.memory, control: WORKER_CONTROL } });
  worker.unref();
  Atomics.wait(ctl, 19, 0, 10000); // until it instantiated (or 10 s)
  if (Atomics.load(ctl, 19) !== 1) {
    void worker.terminate();
    throw new Error("the GEMM worker thread did not start");
  }
  return {
    start(args) {
      ctl.set(args, 2);
      Atomics.store(ctl, 1, 0);
      Atomics.store(ctl, 0, 1);
      Atomics.notify(ctl, 0);
    },
    wait() {
      until(ctl, 1, 0, SPIN_MS);
      if (Atomics.exchange(ctl, 18, 0)) throw new Error("wasm backend: the GEMM worker thread trapped");
      return ms[0];
    },
    destroy() {
      Atomics.store(ctl, 0, -1);
      Atomics.notify(ctl, 0);
      void worker.terminate();
    },
  };
});
