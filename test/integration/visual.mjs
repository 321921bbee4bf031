// Black-box UI check of what a person sees in the real VS Code (code-server 1.139.1 +
// headless Chromium, see harness.mjs): the New Notebook starter is run with "Notebook:
// Run All", our notebook renderer must draw the run summary and a non-blank chart inside
// the notebook's output webview, and "Mixed Precision: Show Engine" must show the backend
// and that run on the dashboard. Screenshots go to test-output/visual-*.png.
// Drives only the workbench UI (keyboard, DOM); no test code runs in the extension host.
// Prints a last line "N passed, N failed".
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, CODE_SERVER, NODE24, codeServerInstalled, freePort, waitHealthy } from "./harness.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const outDir = join(root, "test-output");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT_MS = Number(process.env.MPLAB_VISUAL_TIMEOUT_MS ?? 300_000);
let passed = 0, failed = 0;
let serverPid = 0, tmpDir = ""; // cleaned up by the hard timeout too

function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  console.log(`  ${ok ? "ok  " : "FAIL"} visual › ${name}${detail ? ` (${detail})` : ""}`);
}

/** Polls fn until it returns a truthy value; null after ms. */
async function until(fn, ms, every = 500) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // a frame went away while we looked: look again
    }
    await sleep(every);
  }
  return null;
}

/** Runs a command through the command palette (F1), retrying while the workbench warms up. */
async function runCommand(page, title) {
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.keyboard.press("Escape");
    await page.locator(".monaco-workbench .part.statusbar").click({ timeout: 5000 }).catch(() => {}); // focus the workbench
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    if (!(await input.isVisible({ timeout: 5000 }).catch(() => false))) continue;
    await input.fill(`>${title}`);
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
    if (await row.isVisible({ timeout: 10_000 }).catch(() => false)) {
      await input.press("Enter");
      return true;
    }
  }
  await page.screenshot({ path: join(outDir, "visual-failed-command.png") }).catch(() => {});
  return false;
}

/** The frame (of any depth) whose document matches selector. */
async function frameWith(page, selector) {
  for (const f of page.frames()) {
    if (await f.locator(selector).count().catch(() => 0)) return f;
  }
  return null;
}

/** How many pixels of the largest canvas differ from its corner pixel (0: blank). */
function canvasInk(frame) {
  return frame.evaluate(() => {
    const canvases = [...document.querySelectorAll("canvas")].filter((c) => c.width > 0 && c.height > 0);
    if (canvases.length === 0) return { canvases: 0, ink: 0, size: "" };
    const c = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
    const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2] || px[i + 3] !== px[3]) ink++;
    }
    return { canvases: canvases.length, ink, size: `${c.width}x${c.height}` };
  });
}

async function main() {
  if (!codeServerInstalled()) {
    check("code-server is installed (run scripts/setup-vscode-test.sh)", false);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  const { chromium } = await import("playwright-core");
  const tmp = mkdtempSync(join(tmpdir(), "mplab-visual-"));
  tmpDir = tmp;
  const userData = join(tmp, "user-data");
  const workspace = join(tmp, "workspace");
  const serverTmp = join(tmp, "tmp");
  for (const d of [join(userData, "User"), join(tmp, "extensions"), workspace, serverTmp]) mkdirSync(d, { recursive: true });
  writeFileSync(join(workspace, "README.md"), "visual check workspace\n");
  writeFileSync(join(userData, "User", "settings.json"), JSON.stringify({
    "security.workspace.trust.startupPrompt": "never",
    "workbench.startupEditor": "none",
    "workbench.colorTheme": "Default Dark Modern",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "notebook.confirmDeleteRunningCell": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden", // the Chat view: room for the notebook
    "chat.disableAIFeatures": true,
  }, null, 2));
  const port = await freePort();
  const serverLog = join(tmp, "code-server.log");
  const logFd = openSync(serverLog, "a");
  const server = spawn(NODE24, [
    CODE_SERVER, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`,
    "--disable-telemetry", "--disable-update-check", "--disable-getting-started-override", "--ignore-last-opened",
    "--user-data-dir", userData, "--extensions-dir", join(tmp, "extensions"), "--disable-workspace-trust",
    "--vscode-option", "enable-smoke-test-driver", // else the workbench ignores the payload (extensionDevelopmentPath)
  ], { detached: true, stdio: ["ignore", logFd, logFd], env: { ...process.env, TMPDIR: serverTmp } });
  closeSync(logFd);
  serverPid = server.pid;
  let serverExited = false;
  server.on("exit", () => { serverExited = true; });
  let browser;
  const csp = [];
  const errors = [];
  try {
    await waitHealthy(port, Date.now() + 60_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-unsafe-webgpu"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
      if (m.type() === "error" && /mplab|renderer|Mixed Precision/i.test(m.text())) errors.push(m.text());
      if (process.env.MPLAB_TEST_VERBOSE === "1") console.log(`[browser ${m.type()}] ${m.text()}`);
    });
    // the extension, loaded as in "Run Extension" (development path), no tests
    const payload = [["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${port}${root}`], ["skipWelcome", "true"]];
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 120_000 });

    check("New Notebook command runs", await runCommand(page, "Mixed Precision: New Notebook"));
    const cells = page.locator(".notebook-editor .code-cell-row");
    const opened = await until(async () => (await cells.count()) >= 3, 60_000);
    check("the starter notebook opens with its code cells", !!opened, `${await cells.count()} code cells`);

    // Run All; a kernel picker may come first (then Run All again, as the notes say)
    const summarySel = ".mpl-summary";
    let summaryFrame = null;
    for (let attempt = 0; attempt < 3 && !summaryFrame; attempt++) {
      await runCommand(page, "Notebook: Run All");
      const picker = page.locator(".quick-input-list .monaco-list-row", { hasText: "Mixed Precision" }).first();
      if (await picker.isVisible({ timeout: 3000 }).catch(() => false)) {
        await picker.click();
        await sleep(1000);
        continue;
      }
      summaryFrame = await until(async () => {
        const f = await frameWith(page, summarySel);
        return f && /final loss/.test(await f.locator(summarySel).first().textContent()) ? f : null;
      }, 150_000, 1000);
    }
    await page.screenshot({ path: join(outDir, "visual-notebook.png") });
    const summary = summaryFrame ? (await summaryFrame.locator(summarySel).first().textContent()).trim() : "";
    check("the renderer draws the run summary in the output webview", /^mixed-fp16 on .+: \d+ of 100 steps skipped; .*final loss [\d.e+-]+\.$/.test(summary), summary || "no frame with .mpl-summary");
    // the notebook's list draws only the cells in view: scroll to the end, then back to the output
    const notebookBox = await page.locator(".notebook-editor .monaco-list").first().boundingBox();
    const wheel = async (dy, times) => {
      await page.mouse.move(notebookBox.x + notebookBox.width / 2, notebookBox.y + notebookBox.height / 2);
      for (let i = 0; i < times; i++) { await page.mouse.wheel(0, dy); await sleep(100); }
    };
    // read the execution counts while scrolling down (cell 3 is below a tall output)
    const seen = new Set();
    for (let i = 0; i < 60 && !seen.has("[3]"); i++) {
      for (const c of await page.locator(".notebook-editor .code-cell-row .execution-count-label").allTextContents().catch(() => [])) if (c.trim()) seen.add(c.trim());
      if (!seen.has("[3]")) await wheel(1000, 1);
      if (i === 40) await sleep(20_000); // the predict cell may still be queued
    }
    const counts = [...seen].sort();
    await page.screenshot({ path: join(outDir, "visual-notebook-end.png") });
    check("all code cells finished, in order", counts.map((c) => c.trim()).join(" ") === "[1] [2] [3]", counts.join(" "));
    if (summaryFrame) {
      const ink = await until(async () => { const r = await canvasInk(summaryFrame); return r.ink > 200 ? r : null; }, 20_000);
      const r = ink ?? await canvasInk(summaryFrame);
      check("a chart canvas in the output is drawn (not blank)", r.ink > 200, `${r.canvases} canvases, largest ${r.size}, ${r.ink} inked pixels`);
      await wheel(-3000, 30); // back to the top: small corrections from there are exact
      // bring the train cell's output to the top of the notebook
      for (let i = 0; i < 10; i++) {
        const f = await frameWith(page, summarySel);
        const b = f && await f.locator(summarySel).first().boundingBox();
        if (!b) break;
        const dy = b.y - notebookBox.y - 100;
        if (Math.abs(dy) < 30) break;
        await wheel(Math.round(Math.max(-1000, Math.min(1000, dy / 2))), 1); // halves: the wheel-to-pixel ratio is not 1
        await sleep(400);
      }
      await sleep(500);
      await page.screenshot({ path: join(outDir, "visual-notebook-output.png") });
      const colors = await summaryFrame.evaluate(() => {
        const s = getComputedStyle(document.querySelector(".mpl-summary"));
        return { color: s.color, bg: getComputedStyle(document.body).backgroundColor };
      });
      check("the summary text is light on the dark theme", /rgb\((\d+), (\d+), (\d+)\)/.test(colors.color) && colors.color.match(/\d+/g).slice(0, 3).every((n) => Number(n) > 150), JSON.stringify(colors));
    } else {
      check("a chart canvas in the output is drawn (not blank)", false, "no renderer frame");
    }

    // the engine panel's dashboard: backend and the run just made
    check("Show Engine command runs", await runCommand(page, "Mixed Precision: Show Engine"));
    const dash = await until(async () => {
      const f = await frameWith(page, ".mpl-dash-header");
      if (!f) return null;
      const text = await f.locator("body").innerText();
      return /cpu|wasm|webgpu/i.test(text) && /completed/i.test(text) ? f : null;
    }, 60_000, 1000);
    await sleep(1000);
    await page.screenshot({ path: join(outDir, "visual-engine.png") });
    const dashText = dash ? await dash.locator("body").innerText() : "";
    check("the dashboard shows the backend", dash !== null && /Engine\s*(cpu|wasm|webgpu)/i.test(dashText.replace(/\n/g, " ")), dashText.split("\n").slice(0, 2).join(" | "));
    check("the dashboard lists the notebook run as completed", /completed/i.test(dashText) && /100/.test(dashText), dashText.split("\n").filter((l) => /completed/i.test(l)).join(" | ") || "no completed run");
    check("no Content Security Policy violations", csp.length === 0, [...new Set(csp)].slice(0, 3).join(" / "));
    check("no renderer errors in the console", errors.length === 0, errors.slice(0, 3).join(" / "));
  } catch (e) {
    check("the visual check ran to the end", false, String(e?.stack ?? e).split("\n").slice(0, 3).join(" "));
  } finally {
    if (failed > 0 || serverExited) {
      const text = readFileSync(serverLog, "utf8").split("\n").filter((l) => !/ENOTFOUND|getaddrinfo|EAI_AGAIN/.test(l));
      console.log(`visual: code-server log (last lines):\n${text.slice(-20).join("\n")}`);
    }
    await browser?.close().catch(() => {});
    try { process.kill(-server.pid, "SIGTERM"); } catch { /* gone */ }
    for (let i = 0; i < 20 && !serverExited; i++) await sleep(100);
    try { process.kill(-server.pid, "SIGKILL"); } catch { /* gone */ }
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

const started = Date.now();
const hard = setTimeout(() => { try { process.kill(-serverPid, "SIGKILL"); } catch { /* gone */ } if (tmpDir) rmSync(tmpDir, { recursive: true, force: true }); check(`finished within ${TIMEOUT_MS} ms`, false); console.log(`${passed} passed, ${failed} failed`); process.exit(1); }, TIMEOUT_MS);
await main();
clearTimeout(hard);
console.log(`visual: wall time ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-output/visual-*.png`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
