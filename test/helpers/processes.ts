// Whether a process still runs, by pid (Linux /proc, where the signal tests run): a
// zombie (ended, not yet reaped by its new parent) counts as gone. Waits poll with
// generous limits: no test depends on how fast a loaded machine is.
import { readdirSync, readFileSync } from "node:fs";

/** The process's state letter from /proc (R, S, Z...), or null when there is no such process. */
function state(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return null;
  }
}

export function running(pid: number): boolean {
  const s = state(pid);
  return s !== null && s !== "Z" && s !== "X";
}

/** The pids whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Resolves true once `pid` is gone, false if it still runs after `limitMs`. */
export async function waitGone(pid: number, limitMs = 60_000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (!running(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !running(pid);
}
