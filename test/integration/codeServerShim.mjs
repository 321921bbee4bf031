#!/usr/bin/env node
// Stands in for the VS Code executable that @vscode/test-electron's runTests launches:
// reads the arguments runTests passes (--extensionDevelopmentPath=, --extensionTestsPath=,
// the workspace folder) and runs the tests in code-server + headless Chromium instead.
// runTests always passes --disable-workspace-trust; MPLAB_TRUST_WORKSPACE=0 asks for a
// restricted window instead (the restricted-mode suite).
import { resolve } from "node:path";
import { runInCodeServer } from "./harness.mjs";

const args = process.argv.slice(2);
const value = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const extensionDevelopmentPath = value("extensionDevelopmentPath");
const extensionTestsPath = value("extensionTestsPath");
const workspace = args.find((a) => !a.startsWith("--"));
if (!extensionDevelopmentPath || !extensionTestsPath || !workspace) {
  console.error(`codeServerShim: expected --extensionDevelopmentPath=, --extensionTestsPath= and a workspace folder, got: ${args.join(" ")}`);
  process.exit(2);
}
const code = await runInCodeServer({
  extensionDevelopmentPath: resolve(extensionDevelopmentPath),
  extensionTestsPath: resolve(extensionTestsPath),
  workspace: resolve(workspace),
  trustWorkspace: process.env.MPLAB_TRUST_WORKSPACE !== "0",
  timeoutMs: Number(process.env.MPLAB_TEST_TIMEOUT_MS ?? 900_000), // the trusted suite is several minutes on a loaded 2-core machine
});
process.exit(code);
