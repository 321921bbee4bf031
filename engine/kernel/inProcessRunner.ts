// Node-only: runs cells on a NotebookKernel in this process, behind the CellRunner
// interface of the kernel process (kernelClient.ts). For tests and scripts that need
// the cell's real values; it cannot stop a synchronous loop or survive a crash.
import { toMimeBundle } from "../notebook/display.js";
import type { NotebookKernel } from "../notebook/kernel.js";
import type { CellRunner, RunCellOptions } from "./kernelClient.js";
import type { CellOutcome } from "./kernelProtocol.js";

export function inProcessRunner(kernel: NotebookKernel, signal?: AbortSignal): CellRunner {
  return {
    async execute(code: string, o: RunCellOptions): Promise<CellOutcome> {
      const r = await kernel.execute(code, {
        name: o.name,
        signal,
        stdout: o.stdout,
        stderr: o.stderr,
        display: (v) => {
          const b = toMimeBundle(v);
          if (b) o.display?.(b);
        },
        progress: o.progress,
      });
      return r.status === "ok" ? { status: "ok", bundle: toMimeBundle(r.value) } : r;
    },
  };
}
