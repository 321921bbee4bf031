// Node-only: the kernel process ends when its owner does (engine/kernel/kernelMain.ts).
// Two ways an owner goes: it closes the IPC channel (the kernel's "disconnect" event,
// handled in kernelMain), or it dies, even by SIGKILL, and the channel's end is never
// read because a cell is in a synchronous loop (the main thread never returns to the
// event loop). For that, a small worker thread, which has an event loop of its own,
// checks every WATCH_INTERVAL_MS that the kernel's parent is still the owner that
// started it (a dead parent's children are re-parented to init or a subreaper), and
// ends the whole process with SIGKILL when it is not: nobody is left to report to.
// The owner passes its pid (--owner): the kernel may start after the owner has died.
import { Worker } from "node:worker_threads";

export const WATCH_INTERVAL_MS = 500;

// CommonJS source for an eval'd worker (the kernel is one bundled file); it names
// nothing outside workerData
const WATCH_SOURCE = `
const { workerData } = require("node:worker_threads");
const check = () => {
  if (process.ppid !== workerData.owner) process.kill(process.pid, "SIGKILL");
};
check();
setInterval(check, workerData.intervalMs);
`;

/** Starts the watch; it does not keep the kernel alive. Null where parents are not re-parented (Windows: the channel's end alone). */
export function watchOwner(owner: number, intervalMs = WATCH_INTERVAL_MS): Worker | null {
  if (process.platform === "win32") return null;
  if (process.ppid !== owner) process.kill(process.pid, "SIGKILL"); // the owner went before we started
  const worker = new Worker(WATCH_SOURCE, {
    eval: true,
    workerData: { owner, intervalMs },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  return worker;
}
