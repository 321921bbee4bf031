// Runs every test suite and prints one closing line: "N passed, N failed".
//   node scripts/test.mjs            unit + browser + integration
//   node scripts/test.mjs unit       only the node:test unit suites (test/**/*.test.ts)
// Suites whose runner does not exist yet are reported as skipped, not passed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePrerequisites } from "./prerequisites.mjs";

const only = process.argv[2];
// the browser and VS Code suites need system packages and an offline VS Code: brought in
// first (or a clear stop with the command to run), never discovered as skipped tests
if (only !== "unit" && !ensurePrerequisites()) process.exit(1);
const ENV = { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? mkdtempSync(join(tmpdir(), "xdg-")) };
// SwiftShader Vulkan from Debian's chromium package: the WebGPU tests' adapter here.
const swiftshader = "/usr/lib/chromium/vk_swiftshader_icd.json";
if (!ENV.VK_ICD_FILENAMES && existsSync(swiftshader)) ENV.VK_ICD_FILENAMES = swiftshader;

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === "integration" || name === "browser" || name === "fixtures") continue;
      out.push(...findTests(p));
    } else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out.sort();
}

let passed = 0, failed = 0, skipped = 0;

function unit() {
  const files = findTests("test");
  const tap = join(mkdtempSync(join(tmpdir(), "mplab-test-")), "unit.tap");
  const r = spawnSync(process.execPath, [
    "--import", "./test/setup/register.mjs", "--test", "--test-concurrency=2",
    "--test-reporter=spec", "--test-reporter-destination=stdout",
    "--test-reporter=tap", `--test-reporter-destination=${tap}`,
    ...files,
  ], { stdio: "inherit", env: ENV });
  const text = existsSync(tap) ? readFileSync(tap, "utf8") : "";
  const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)$`, "m")) ?? [])[1] ?? 0);
  passed += num("pass"); failed += num("fail") + num("cancelled"); skipped += num("skipped") + num("todo");
  if (r.status !== 0 && num("fail") + num("cancelled") === 0) failed += 1; // crashed before reporting
  console.log(`unit: ${num("pass")} passed, ${num("fail") + num("cancelled")} failed`);
}

// Other runners print their own "N passed, N failed" line last.
function suite(name, script) {
  if (!existsSync(script)) { console.log(`${name}: no runner yet (${script})`); return; }
  const r = spawnSync(process.execPath, [script], { encoding: "utf8", env: ENV, stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 28 });
  process.stdout.write(r.stdout ?? "");
  const m = [...(r.stdout ?? "").matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)].pop();
  if (!m) { failed += 1; console.log(`${name}: runner exited ${r.status} without a summary line`); return; }
  passed += Number(m[1]); failed += Number(m[2]); skipped += Number(m[3] ?? 0);
  if (r.status !== 0 && Number(m[2]) === 0) failed += 1;
}

if (!only || only === "unit") unit();
if (!only || only === "browser") suite("browser", "test/browser/run.mjs");
if (!only || only === "integration") suite("integration", "test/integration/run.mjs");

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
