// Node-only: the GEMM helper on a worker thread. The worker instantiates the same
// compiled kernels over the same shared memory and waits on a control word there:
// ctl[0] = 1 starts gemm(ctl[2..17]), the worker sets ctl[1] = 1 when done, ctl[18] = 1
// if the kernel trapped (Atomics
// wait/notify both ways; the backend's thread waits while the helper finishes).
// Importing this module registers the helper (as the CLI does).
import { Worker } from "node:worker_threads";
import { registerGemmHelper, type GemmHelper } from "./gemmHelper.js";
import { WORKER_CONTROL } from "./wasmHeap.js";

const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const ctl = new Int32Array(memory.buffer, control, 20);
WebAssembly.instantiate(module, { env: { memory }, math: { tanh: Math.tanh, exp: Math.exp } }).then((instance) => {
  const gemm = instance.exports.gemm;
  Atomics.store(ctl, 19, 1); // ready
  Atomics.notify(ctl, 19);
  for (;;) {
    Atomics.wait(ctl, 0, 0);
    if (Atomics.load(ctl, 0) < 0) return;
    try {
      gemm(...Array.from(ctl.subarray(2, 17)));
    } catch {
      Atomics.store(ctl, 18, 1); // a trap: the waiting thread throws
    }
    Atomics.store(ctl, 0, 0);
    Atomics.store(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
});`;

registerGemmHelper((module, heap): GemmHelper => {
  const ctl = new Int32Array(heap.memory.buffer, WORKER_CONTROL, 20);
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
      Atomics.wait(ctl, 1, 0);
      if (Atomics.exchange(ctl, 18, 0)) throw new Error("wasm backend: the GEMM worker thread trapped");
    },
    destroy() {
      Atomics.store(ctl, 0, -1);
      Atomics.notify(ctl, 0);
      void worker.terminate();
    },
  };
});
