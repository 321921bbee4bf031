// The integration suite: mocha tests inside a real VS Code extension host, launched by
// @vscode/test-electron's runTests. Here (no internet) "VS Code" is codeServerShim.mjs,
// code-server + headless Chromium; with MPLAB_VSCODE=desktop runTests downloads the
// pinned desktop VS Code instead (needs internet and a display or xvfb-run).
// Two windows: a trusted one (most tests) and a restricted one (workspace trust).
// Then visual.mjs, a black-box look at the workbench driven through its UI, on the
// packaged .vsix (built here with vsce, installed as a user installs it): the starter
// notebook, the engine dashboard, and a notebook with train, inspect, compare and sweep
// cells plus the five examples, every output drawn (MPLAB_TEST_ONLY=visual runs it alone;
// MPLAB_TEST_VISUAL=0 leaves it out). Its palette commands wait on the palette's own
// answer instead of retrying blind (the cause of its one failure when it was opt-in).
// Prints a last line "N passed, N failed".
import { runTests } from "@vscode/test-electron";
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { codeServerInstalled } from "./harness.mjs";
import { watPlugin } from "../../scripts/wat.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const desktop = process.env.MPLAB_VSCODE === "desktop";
const DESKTOP_VERSION = "1.139.1";
const started = Date.now();
let passed = 0, failed = 0, skipped = 0;

function done() {
  console.log(`integration: wall time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(failed ? 1 : 0);
}

if (!existsSync(join(root, "dist/extension.cjs"))) {
  console.log("integration: dist/extension.cjs is missing: run npm run build first");
  failed++;
  done();
}
if (!desktop && !codeServerInstalled()) {
  console.log("integration: installing code-server into the cache (once)");
  const r = spawnSync("bash", [join(root, "scripts/setup-vscode-test.sh")], { stdio: "inherit" });
  if (r.status !== 0 || !codeServerInstalled()) {
    console.log("integration: code-server could not be installed (see above)");
    failed++;
    done();
  }
}

// The mocha suite, bundled for the extension host (CommonJS, vscode external).
const testsPath = join(root, "dist/test/integration/suite/index.cjs");
await build({
  entryPoints: [join(root, "test/integration/suite/index.ts")],
  outfile: testsPath,
  bundle: true, platform: "node", format: "cjs", target: "es2022",
  external: ["vscode"], sourcemap: "inline", logLevel: "warning",
  // mocha's parallel mode (unused here) resolves worker files at run time
  logOverride: { "require-resolve-not-external": "silent", "empty-import-meta": "silent" },
  loader: { ".wgsl": "text" },
  plugins: [watPlugin], // the wasm backend's kernels (the suite imports engine code)
});

const launches = [
  { name: "trusted", trust: true },
  { name: "restricted", trust: false },
];
const only = process.env.MPLAB_TEST_ONLY; // "trusted" or "restricted": one window only
for (const launch of launches.filter((l) => !only || l.name === only)) {
  if (desktop && !launch.trust) {
    console.log(`integration: ${launch.name}: skipped (runTests always disables workspace trust in desktop VS Code)`);
    skipped++;
    continue;
  }
  const tmp = mkdtempSync(join(tmpdir(), `mplab-it-${launch.name}-`));
  const workspace = join(tmp, "workspace");
  cpSync(join(root, "test/integration/fixtures/workspace"), workspace, { recursive: true });
  const resultsFile = join(tmp, "results.json");
  const t0 = Date.now();
  let exit;
  try {
    exit = await runTests({
      ...(desktop ? { version: DESKTOP_VERSION } : { vscodeExecutablePath: join(root, "test/integration/codeServerShim.mjs") }),
      // MPLAB_TEST_EXTENSION_PATH: test another copy, e.g. the unzipped .vsix's extension/ folder
      extensionDevelopmentPath: process.env.MPLAB_TEST_EXTENSION_PATH ?? root,
      extensionTestsPath: testsPath,
      launchArgs: [workspace],
      extensionTestsEnv: { MPLAB_TEST_SUITE: launch.name, MPLAB_TEST_RESULTS: resultsFile, MPLAB_TRUST_WORKSPACE: launch.trust ? "1" : "0" },
    });
  } catch (e) {
    exit = e?.code ?? 1;
  }
  const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, "utf8")) : null;
  if (!results) {
    console.log(`integration: ${launch.name}: no results (VS Code exited ${exit})`);
    failed++;
  } else {
    for (const t of results.tests) console.log(`  ${t.state === "passed" ? "ok  " : "FAIL"} ${launch.name} › ${t.title}${t.error ? `\n       ${t.error.replace(/\n/g, "\n       ")}` : ""}`);
    for (const n of results.notes ?? []) console.log(`  note: ${n}`);
    passed += results.passed;
    failed += results.failed;
    if (exit !== 0 && results.failed === 0) {
      // e.g. a Content Security Policy violation seen by the harness (printed above)
      console.log(`integration: ${launch.name}: the tests passed but the window exited ${exit}`);
      failed++;
    }
  }
  console.log(`integration: ${launch.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  rmSync(tmp, { recursive: true, force: true });
}
if (!desktop && (only === "visual" || (!only && process.env.MPLAB_TEST_VISUAL !== "0"))) {
  // the .vsix as `npm run package` makes it (bundles from the build above)
  const vsix = join(root, "test-output", "mixed-precision-lab-test.vsix");
  const pkg = spawnSync(join(root, "node_modules/.bin/vsce"), ["package", "--no-dependencies", "--allow-missing-repository", "--no-rewrite-relative-links", "--out", vsix], { cwd: root, encoding: "utf8" });
  if (pkg.status !== 0) {
    console.log(`integration: visual: vsce package failed:\n${pkg.stdout}${pkg.stderr}`);
    failed++;
    done();
  }
  // its own code-server window, driven from outside; its last line is "N passed, N failed"
  const r = spawnSync(process.execPath, [join(root, "test/integration/visual.mjs")], { encoding: "utf8", maxBuffer: 16 << 20, env: { ...process.env, MPLAB_TEST_VSIX: vsix } });
  const lines = `${r.stdout ?? ""}${r.stderr ?? ""}`.trimEnd().split("\n");
  const last = /^(\d+) passed, (\d+) failed/.exec(lines.at(-1) ?? "");
  console.log(lines.slice(0, last ? -1 : undefined).join("\n"));
  if (last) { passed += Number(last[1]); failed += Number(last[2]); }
  else { console.log(`integration: visual: no result line (exit ${r.status})`); failed++; }
}
done();
