// Black-box UI check of what a person sees in the real VS Code (code-server 1.139.1 +
// headless Chromium, see harness.mjs): the New Notebook starter is run with "Notebook:
// Run All", our notebook renderer must draw the run summary and a non-blank chart inside
// the notebook's output webview, and "Mixed Precision: Show Engine" must show the backend
// and that run on the dashboard. Then a notebook with train, inspect, compare and sweep
// cells and the five example notebooks are opened and run: the text inside the output
// webviews must hold one drawn view per output the saved notebook has, and no "could not
// draw". Screenshots go to test-output/visual-*.png.
// The extension is the packaged .vsix when MPLAB_TEST_VSIX names one (unpacked: its
// extension/ folder, what an install puts on disk, loaded as a development extension;
// code-server --install-extension installed it here but the workbench did not list its
// commands), else this folder or MPLAB_TEST_EXTENSION_PATH.
// Drives only the workbench UI (keyboard, DOM); no test code runs in the extension host.
// Each palette command waits for the palette's own answer (its input shown, the command
// listed, the palette closed) rather than retrying blind. Prints a last line "N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, CODE_SERVER, NODE24, codeServerInstalled, freePort, waitHealthy } from "./harness.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const outDir = join(root, "test-output");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT_MS = Number(process.env.MPLAB_VISUAL_TIMEOUT_MS ?? 840_000);
const EXAMPLES = ["01-walkthrough.mpnb", "02-underflow.mpnb", "03-scaler-presets.mpnb", "04-master-weights.mpnb", "05-fp8.mpnb"];
const INSPECTION_CELLS = [
  'base = { model: mlp({ inputs: 8, hidden: [16, 16], outputs: 1, seed: 1 }), data: datasets.teacher({ inputs: 8, outputs: 1, samples: 512, seed: 2 }), steps: 100, batchSize: 32 }\n"ok"',
  'a = await train({ ...base, name: "a", precision: "fp32" })',
  'b = await train({ ...base, name: "b", precision: "mixed-fp16", scaler: dynamicScaler({ preset: "pytorch", initScale: 2 ** 24 }) })',
  "await inspect(b)",
  "await compare(a, b)",
  'await sweep(base, { scaler: [staticScaler(1), dynamicScaler({ preset: "pytorch" })], precision: ["mixed-fp16"] })',
];
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

/** Focuses the workbench and opens the quick input with `key`; resolves to its input once it is shown. */
async function openQuickInput(page, key) {
  const input = page.locator(".quick-input-widget input");
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Escape");
    await page.locator(".monaco-workbench .part.statusbar").click({ timeout: 5000 }).catch(() => {}); // focus the workbench
    await page.keyboard.press(key);
    if (await input.waitFor({ state: "visible", timeout: 10_000 }).then(() => true, () => false)) return input;
  }
  return null;
}

/**
 * Opens the quick input with `key`, types `query` and waits for the list's answer: the
 * entry `label` listed (then it is clicked and the widget must close), or a list without
 * it. The palette reads the commands when it opens, so while the workbench still
 * registers the extension's commands the answer is "not listed": it is closed and asked
 * again, until `ms` have passed.
 */
async function pick(page, key, query, label, ms = 90_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const input = await openQuickInput(page, key);
    if (!input) continue;
    await input.fill(query);
    const answer = await page.waitForFunction(
      (want) => {
        const rows = [...document.querySelectorAll(".quick-input-widget .quick-input-list .monaco-list-row")];
        const labels = rows.map((r) => (r.querySelector(".label-name")?.textContent ?? r.textContent).trim());
        if (labels.some((l) => l === want || l.startsWith(want))) return "listed";
        const message = document.querySelector(".quick-input-widget .quick-input-message")?.textContent ?? "";
        // the palette has answered (rows, or "no matching") and ours is not among them
        return rows.length > 0 || /No matching|No results/i.test(message) ? "not listed" : null;
      },
      label, { timeout: 15_000, polling: 200 },
    ).then((h) => h.jsonValue(), () => "no answer");
    if (answer === "listed") {
      // the filter may still be settling: the listed row itself, not the first one
      await page.locator(".quick-input-widget .quick-input-list .monaco-list-row", { hasText: label }).first().click();
      return page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: 10_000 }).then(() => true, () => false);
    }
    await page.keyboard.press("Escape");
    await sleep(2000);
  }
  return false;
}

/** Runs a command through the command palette (F1) and waits for the palette's answer. */
async function runCommand(page, title) {
  const ok = await pick(page, "F1", `>${title}`, title);
  if (!ok) await page.screenshot({ path: join(outDir, "visual-failed-command.png") }).catch(() => {});
  return ok;
}

/**
 * Opens a workspace file as a user does: a click on it in the Explorer, else Go to File
 * (Ctrl+P); resolves once its editor tab is the active one.
 */
async function openFile(page, name) {
  const active = () => page.locator(".tab.active", { hasText: name }).waitFor({ timeout: 30_000 }).then(() => true, () => false);
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).first();
  if (await row.isVisible().catch(() => false)) {
    await row.click();
    if (await active()) return true;
  }
  return (await pick(page, "Control+P", name, name)) && (await active());
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


const VIEW_OF = {
  "application/vnd.mplab.run+json": "mpl-run",
  "application/vnd.mplab.report+json": "mpl-report",
  "application/vnd.mplab.compare+json": "mpl-compare",
  "application/vnd.mplab.sweep+json": "mpl-sweep",
};

/** The views a saved notebook's outputs should draw, counted by kind. */
function expectedViews(nb) {
  const want = {};
  for (const c of nb.cells) for (const o of c.outputs ?? []) {
    const mime = Object.keys(o.data ?? {}).find((m) => VIEW_OF[m]);
    if (mime) want[VIEW_OF[mime]] = (want[VIEW_OF[mime]] ?? 0) + 1;
  }
  return want;
}

/** In an output webview: every view our renderer drew (by output id) and any "could not draw" text. */
function readOutputs() {
  const views = [...document.querySelectorAll(".mpl-root")].filter((e) => !e.parentElement?.closest(".mpl-root")).map((e) => ({
    id: e.parentElement?.closest("[id]")?.id ?? "",
    kind: [...e.classList].find((c) => /^mpl-(run|report|compare|sweep|error)$/.test(c)) ?? "",
    text: e.textContent.replace(/\s+/g, " ").slice(0, 240),
  }));
  const body = document.body?.innerText ?? "";
  return { views, couldNotDraw: body.includes("could not draw") ? body.slice(body.indexOf("could not draw") - 40, body.indexOf("could not draw") + 200) : null };
}

/**
 * Opens a workspace notebook, runs it (Run All), waits until VS Code's own save of it holds
 * every cell's execution, then scrolls through it reading the text inside the output
 * webviews: one drawn view per output of ours, none that says "could not draw".
 */
async function runNotebook(page, workspace, file, deadlineMs) {
  check(`${file}: opens`, await openFile(page, file));
  await page.locator(".notebook-editor:visible .code-cell-row").first().waitFor({ timeout: 30_000 }).catch(() => {});
  check(`${file}: Run All runs`, await runCommand(page, "Notebook: Run All"));
  const path = join(workspace, file);
  let last = "";
  const nb = await until(async () => {
    if (!(await runCommand(page, "File: Save"))) return null;
    const text = readFileSync(path, "utf8");
    const same = text === last;
    last = text;
    const nb = JSON.parse(text);
    const code = nb.cells.filter((c) => c.cell_type === "code");
    // while a notebook runs, its toolbar offers "Interrupt" where "Run All" was, and running cells spin
    const busy = await page.getByRole("button", { name: /^Interrupt/ }).filter({ visible: true }).count()
      + await page.locator(".notebook-editor:visible .codicon-modifier-spin, .notebook-editor:visible .codicon-notebook-state-pending").count();
    const failed = code.some((c) => (c.outputs ?? []).some((o) => o.output_type === "error"));
    // every notebook here ends with a cell whose value is shown: its execute_result says the run is over
    const ended = (code.at(-1).outputs ?? []).some((o) => o.output_type === "execute_result");
    return (same && busy === 0 && ended && code.every((c) => typeof c.execution_count === "number")) || failed ? nb : null;
  }, deadlineMs, 3000);
  const errors = (nb?.cells ?? []).flatMap((c, i) => (c.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `cell ${i + 1}: ${o.ename}: ${o.evalue}`));
  check(`${file}: every cell ran without an error`, nb !== null && errors.length === 0, nb ? errors.join(" / ") : "did not finish");
  if (!nb) return;
  const want = expectedViews(nb);
  // read the outputs as the notebook list brings them into view, top to bottom
  const list = page.locator(".notebook-editor:visible .monaco-list").first();
  const box = await list.boundingBox();
  // over the cells' left gutter, as a user scrolls past outputs (the outputs themselves must pass the wheel on too)
  const wheel = async (dy, x = box.x + 12) => { await page.mouse.move(x, box.y + box.height / 2); await page.mouse.wheel(0, dy); await sleep(150); };
  for (let i = 0; i < 20; i++) await wheel(-3000);
  const seen = new Map();
  const broken = [];
  const counts = () => { const n = {}; for (const v of seen.values()) n[v.kind] = (n[v.kind] ?? 0) + 1; return n; };
  const complete = () => Object.entries(want).every(([k, n]) => (counts()[k] ?? 0) >= n);
  const editor = await page.locator(".notebook-editor:visible").first().boundingBox();
  const inEditor = (b) => b && b.width > 0 && b.x < editor.x + editor.width && b.x + b.width > editor.x && b.y < editor.y + editor.height && b.y + b.height > editor.y;
  const collect = async () => {
    for (const f of page.frames()) {
      const el = await f.frameElement().catch(() => null);
      if (!el || !inEditor(await el.boundingBox().catch(() => null))) continue; // another editor's webview
      const r = await f.evaluate(readOutputs).catch(() => null);
      if (!r || (await f.locator(".mpl-dash-header").count().catch(() => 0))) continue; // not an output webview
      for (const v of r.views) if (v.id) seen.set(`${f.url()}#${v.id}`, v);
      if (r.couldNotDraw) broken.push(r.couldNotDraw);
    }
  };
  // cell by cell, as a keyboard user moves through the notebook: focusing a cell reveals it
  // and the output under it comes into view (then drawn); the wheel as a fallback
  await page.mouse.click(box.x + 12, box.y + 40);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < nb.cells.length * 2 + 2 && !complete(); i++) {
    await sleep(600); // outputs coming into view render after a moment
    await collect();
    await page.keyboard.press("ArrowDown");
  }
  for (let i = 0; i < 60 && !complete(); i++) {
    await collect();
    await sleep(300);
    await wheel(1200, i % 2 ? box.x + 12 : box.x + box.width / 2);
  }
  await page.screenshot({ path: join(outDir, `visual-${file.replace(/\.mpnb$/, "")}.png`) });
  const got = counts();
  check(`${file}: no output says "could not draw"`, broken.length === 0 && !got["mpl-error"], [...new Set(broken)].slice(0, 2).join(" / "));
  check(`${file}: every output is drawn (${Object.entries(want).map(([k, n]) => `${n} ${k.slice(4)}`).join(", ")})`, Object.entries(want).every(([k, n]) => got[k] === n), `drawn: ${JSON.stringify(got)}`);
  return [...seen.values()];
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
  // the inspections notebook (issue 9's): train, inspect, compare, sweep; and the examples
  writeFileSync(join(workspace, "inspections.mpnb"), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: INSPECTION_CELLS.map((source) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source })) }, null, 1));
  for (const f of EXAMPLES) cpSync(join(root, "examples", f), join(workspace, f));
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
    // the wasm backend: SwiftShader's WebGPU (a CPU emulation here) is what makes the run slow;
    // the renderer draws the same payloads either way (WebGPU in webviews: test/integration/suite)
    "mplab.engine.backend": "wasm",
  }, null, 2));
  // the packaged .vsix, unpacked: its extension/ folder is what VS Code installs
  const vsix = process.env.MPLAB_TEST_VSIX;
  let dev = process.env.MPLAB_TEST_EXTENSION_PATH ? resolve(process.env.MPLAB_TEST_EXTENSION_PATH) : root;
  if (vsix) {
    const r = spawnSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])", resolve(vsix), join(tmp, "vsix")], { encoding: "utf8" });
    dev = join(tmp, "vsix", "extension");
    check(`the packaged extension unpacks (${vsix})`, r.status === 0 && existsSync(join(dev, "package.json")), r.stderr.trim());
  }
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
    // the extension (the unpacked .vsix, or this folder) loaded as in "Run Extension"; no tests
    const payload = [["extensionDevelopmentPath", `vscode-remote://127.0.0.1:${port}${dev}`], ["skipWelcome", "true"]];
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
      return /cpu|webgpu|wasm/i.test(text) && /completed/i.test(text) ? f : null;
    }, 60_000, 1000);
    await sleep(1000);
    await page.screenshot({ path: join(outDir, "visual-engine.png") });
    const dashText = dash ? await dash.locator("body").innerText() : "";
    check("the dashboard shows the backend", dash !== null && /Engine\s*(cpu|webgpu|wasm)/i.test(dashText.replace(/\n/g, " ")), dashText.split("\n").slice(0, 2).join(" | "));
    check("the dashboard lists the notebook run as completed", /completed/i.test(dashText) && /100/.test(dashText), dashText.split("\n").filter((l) => /completed/i.test(l)).join(" | ") || "no completed run");
    // the inspections notebook and the five examples: every output drawn
    const views = await runNotebook(page, workspace, "inspections.mpnb", 180_000);
    if (views) {
      const text = views.map((v) => v.text).join(" | ");
      check("inspections.mpnb: the report, comparison and sweep say what they found", /Recommended scaler: dynamicScaler/.test(text) && /Comparing a vs b/.test(text) && /Recommended: mixed-fp16/.test(text), text.slice(0, 300));
    }
    for (const f of EXAMPLES) await runNotebook(page, workspace, f, 300_000);
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
