// Node-only: part of the mplab command line.
// Dawn (the "webgpu" package) writes its own warnings to file descriptor 2 from native
// code, where no JavaScript can intercept them. So `mplab train` and `mplab demo`, which
// load Dawn in-process, run as a child of a thin `mplab` parent that reads the child's
// stderr through dawnLogFilter (engine/kernel/dawnLog.ts) and passes everything else on,
// with the exit status unchanged. A terminal stays a terminal for the progress bar.
// The child never outlives the parent: SIGTERM and SIGHUP are passed on, and the child
// watches its parent (engine/kernel/ownerWatch.ts), which may die by SIGKILL.
import { spawn } from "node:child_process";
import { dawnLogFilter } from "../kernel/dawnLog.js";
import { watchOwner } from "../kernel/ownerWatch.js";

const CHILD_ENV = "MPLAB_CLI_CHILD";
const PARENT_ENV = "MPLAB_CLI_PARENT";

/** In the child: end with the parent (it runs in a session of its own, so no terminal hang-up reaches it). */
export function followParent(): void {
  const parent = Number(process.env[PARENT_ENV]);
  if (process.env[CHILD_ENV] === "1" && Number.isInteger(parent) && parent > 0) watchOwner(parent);
}

/** In the child: stderr is the parent's pipe; report it as the terminal it stands for. */
export function adoptParentTerminal(): void {
  const cols = process.env.MPLAB_STDERR_COLUMNS;
  if (process.env[CHILD_ENV] === "1" && cols !== undefined) {
    Object.assign(process.stderr, { isTTY: true, columns: Number(cols) || 120 });
  }
}

/** Runs this CLI again as a child with stderr filtered; null when this is the child already. */
export function runFiltered(): Promise<number> | null {
  if (process.env[CHILD_ENV] === "1") return null;
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD_ENV]: "1", [PARENT_ENV]: String(process.pid) };
  if (process.stderr.isTTY) env.MPLAB_STDERR_COLUMNS = String(process.stderr.columns || 120);
  // its own process group: a terminal's Ctrl-C reaches only this parent, which passes it
  // on once (the child's first Ctrl-C cancels the run, a second would end it)
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: ["ignore", "inherit", "pipe"], env, detached: true });
  const filter = dawnLogFilter((t) => process.stderr.write(t));
  child.stderr!.setEncoding("utf8").on("data", (t: string) => filter.write(t));
  const ignore = () => child.kill("SIGINT");
  process.on("SIGINT", ignore);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  process.on("SIGHUP", () => child.kill("SIGHUP"));
  process.on("exit", () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      filter.end();
      process.removeListener("SIGINT", ignore);
      resolve(code ?? (signal === "SIGINT" ? 130 : 1));
    });
  });
}
