// Browser tests: the notebook renderer and the engine dashboard in headless Debian
// chromium (playwright-core), served with the engine webview's strict CSP.
// Screenshots of every view go to test-output/browser/ (git-ignored).
// Last line: "N passed, N failed[, N skipped]"; exit code 1 on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { watPlugin } from "../../scripts/wat.mjs";
import { dashboardTests } from "./dashboardTests.mjs";
import { engineTests } from "./engineTests.mjs";
import { CHROMIUM, launch, OUT, ROOT, summary, tally } from "./harness.mjs";
import { pipelineTests } from "./pipelineTests.mjs";
import { rendererTests } from "./rendererTests.mjs";
import { startServer } from "./server.mjs";

// A crash outside a test (no chromium, a broken build) still ends with the summary line.
process.on("uncaughtException", (e) => {
  tally.failed++;
  console.log(`FAIL browser suite setup: ${e?.stack ?? e}`);
  if (!existsSync(CHROMIUM)) console.log(`     ${CHROMIUM} is missing: install Debian's chromium package (or set CHROMIUM=/path/to/chromium)`);
  summary();
  process.exit(1);
});
process.on("unhandledRejection", (e) => process.emit("uncaughtException", e));

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
}

// ---- setup: bundles, fixtures, server ---------------------------------------------------
// the renderer is tested as shipped (dist/); rebuild it when a source is newer
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
const bundle = join(ROOT, "dist/webview/renderer.js");
if (!existsSync(bundle) || Math.max(newest(join(ROOT, "webview")), newest(join(ROOT, "engine"))) > statSync(bundle).mtimeMs) sh(process.execPath, ["scripts/build.mjs"]);
sh(process.execPath, ["--import", "./test/setup/register.mjs", "test/browser/fixtures/make.ts", join(OUT, "fixtures")]);
sh(process.execPath, ["--import", "./test/setup/register.mjs", "test/browser/fixtures/pipeline.ts", join(OUT, "pipeline")]);
await build({
  entryPoints: [join(ROOT, "test/browser/dashboardPage.ts")], outfile: join(OUT, "bundles/dashboardPage.js"),
  bundle: true, format: "iife", platform: "browser", target: "es2022", loader: { ".wgsl": "text" }, plugins: [watPlugin], logLevel: "warning",
  external: ["node:*"], // engine/data/csv.ts reads files in Node only
});
const server = await startServer(ROOT);

// `node test/browser/run.mjs renderer` runs only the renderer and pipeline suites
const only = process.argv[2];
const browser = await launch(false);
await rendererTests(browser.context, server);
await pipelineTests(browser.context, server);
if (only !== "renderer") await dashboardTests(browser.context, server);
await browser.close();
if (only !== "renderer") {
  await engineTests(server, false);
  await engineTests(server, true);
}

await server.close();
summary();
process.exit(tally.failed ? 1 : 0);
