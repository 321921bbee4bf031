// Runs the built CLI (dist/mplab.mjs) as users run it. `npm test` builds first; a lone
// unit run builds it when it is missing or older than `mplab run`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export const CLI = "dist/mplab.mjs";

export function ensureCli(): void {
  if (existsSync(CLI) && readFileSync(CLI, "utf8").includes("Usage: mplab run NOTEBOOK.mpnb")) return;
  assert.equal(spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" }).status, 0, "the build failed");
}

export function mplab(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
