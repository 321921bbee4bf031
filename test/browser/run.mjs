// Browser tests: the notebook renderer and the engine dashboard in headless Debian
// chromium (playwright-core), served with the engine webview's strict CSP.
// Screenshots of every view go to test-output/browser/ (git-ignored).
// Last line: "N passed, N failed"; exit code 1 on any failure.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { chartPixels, decode, expectedSummaryParts, readView } from "./checks.mjs";
import { startServer } from "./server.mjs";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
const OUT = join(ROOT, "test-output");
const SHOTS = join(OUT, "browser");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
mkdirSync(SHOTS, { recursive: true });

let passed = 0, failed = 0, skipped = 0;
function skip(name, why) {
  skipped++;
  console.log(`skip ${name}: ${why}`);
}
async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n     ")}`);
  }
}
function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
}
const fixture = (name) => JSON.parse(readFileSync(join(OUT, "fixtures", `${name}.json`), "utf8"), (_k, v) => decode(v));

// A crash outside a test (no chromium, a broken build) still ends with the summary line.
const summary = () => console.log(`browser: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.on("uncaughtException", (e) => {
  failed++;
  console.log(`FAIL browser suite setup: ${e?.stack ?? e}`);
  if (!existsSync(CHROMIUM)) console.log(`     ${CHROMIUM} is missing: install Debian's chromium package (or set CHROMIUM=/path/to/chromium)`);
  summary();
  process.exit(1);
});
process.on("unhandledRejection", (e) => process.emit("uncaughtException", e));

// ---- setup: bundles, fixtures, server, browser --------------------------------------
// the renderer is tested as shipped (dist/); rebuild it when a source is newer
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
const bundle = join(ROOT, "dist/webview/renderer.js");
if (!existsSync(bundle) || Math.max(newest(join(ROOT, "webview")), newest(join(ROOT, "engine"))) > statSync(bundle).mtimeMs) sh(process.execPath, ["scripts/build.mjs"]);
sh(process.execPath, ["--import", "./test/setup/register.mjs", "test/browser/fixtures/make.ts", join(OUT, "fixtures")]);
await build({
  entryPoints: [join(ROOT, "test/browser/dashboardPage.ts")], outfile: join(OUT, "bundles/dashboardPage.js"),
  bundle: true, format: "iife", platform: "browser", target: "es2022", loader: { ".wgsl": "text" }, logLevel: "warning",
  external: ["node:*"], // engine/data/csv.ts reads files in Node only
});
const server = await startServer(ROOT);

async function launch(webgpu) {
  const profile = mkdtempSync(join(tmpdir(), "mplab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, ...(webgpu ? ["--enable-unsafe-webgpu"] : [])],
    viewport: { width: 1100, height: 900 },
  });
  return { context, close: async () => (await context.close(), rmSync(profile, { recursive: true, force: true })) };
}

const RUN_MIME = "application/vnd.mplab.run+json";
const REPORT_MIME = "application/vnd.mplab.report+json";
const COMPARE_MIME = "application/vnd.mplab.compare+json";

async function checkRunView(page, root, r, { live = false } = {}) {
  const v = await page.evaluate(readView, root);
  assert.deepEqual(v.cspViolations, [], "CSP violations");
  assert.deepEqual(v.pageErrors, [], "page errors");
  if (!live) for (const part of expectedSummaryParts(r)) assert.ok(v.summary.includes(part), `summary ${JSON.stringify(v.summary)} lacks ${JSON.stringify(part)}`);
  // one marker per overflow step, inside the plot
  assert.deepEqual(v.markers.map((m) => m.step), r.overflowSteps, "one marker per overflow step");
  for (const m of v.markers) {
    const cx = m.box.x + m.box.width / 2;
    assert.ok(cx >= v.over.x - 1 && cx <= v.over.x + v.over.width + 1, `marker of step ${m.step} outside the plot`);
  }
  if (live) return v;
  // the table holds the fixture's numbers
  assert.equal(v.cells.length, r.layers.length * 4, "a row per layer and tensor");
  for (const c of v.cells) {
    const t = r.layers.find((l) => l.layer === c.layer).tensors[c.role];
    for (const [field, cell] of Object.entries(c.fields)) {
      const want = t[field];
      if (want === null) { assert.equal(cell.value, "null"); continue; }
      assert.equal(Number(cell.value), want, `layer ${c.layer} ${c.role} ${field}`);
      const shown = parseFloat(cell.text) / (cell.text.endsWith("%") ? 100 : 1);
      if (want === 0) assert.equal(shown, 0);
      else assert.ok(Math.abs(shown - want) <= 5.1e-3 * Math.abs(want), `layer ${c.layer} ${c.role} ${field}: shows ${cell.text}, fixture ${want}`);
    }
  }
  // histograms: every tensor, its nonzero bins, the three fp16 lines
  assert.equal(v.hists.length, r.layers.length * 4);
  for (const hgm of v.hists) {
    const [, layer, ...role] = hgm.title.split(" ");
    const key = { weights: "weights", activations: "activations", "activation gradients": "activationGrads", "weight gradients": "weightGrads" }[role.join(" ")];
    const hist = r.layers.find((l) => l.layer === Number(layer)).tensors[key].histogram;
    const want = hist.counts.map((c, i) => [hist.minExp + i, c]).filter(([, c]) => c > 0);
    assert.deepEqual(hgm.bars, want, `histogram ${hgm.title}`);
    assert.equal(hgm.lines, 4, "fp16 lines 2^-24, 2^-14, 65504 and the base line");
  }
  for (const [k, bytes] of Object.entries(v.memory)) assert.equal(bytes, r.memory[k], `memory ${k}`);
  assert.equal(Object.keys(v.memory).length, 5);
  assert.equal(v.nonFinite, r.firstNonFinite.length ? String(r.firstNonFinite[0].step) : null, "first non-finite step");
  // the numbers table (for people who cannot see the charts) holds the fixture's values
  assert.ok(v.numbersRows > 0 && v.numbersRows <= 200 + r.overflowSteps.length + 1, `${v.numbersRows} rows`);
  const overflow = new Set(r.overflowSteps);
  for (const [step, loss, scale, , skippedText] of v.numbers) {
    const want = r.losses[step];
    if (Number.isFinite(want)) assert.ok(Math.abs(parseFloat(loss) - want) <= 5.1e-3 * Math.abs(want), `numbers table step ${step}: loss ${loss} vs ${want}`);
    assert.equal(scale, Number.isInteger(Math.log2(r.scales[step])) ? `2^${Math.log2(r.scales[step])}` : scale, `numbers table step ${step}: scale`);
    assert.equal(skippedText !== "", overflow.has(step), `numbers table step ${step}: skipped`);
  }
  for (const s of r.overflowSteps.slice(0, 200)) assert.ok(v.numbers.some(([st]) => st === s), `overflow step ${s} is in the numbers table`);
  assert.match(v.chartLabels.scale, new RegExp(`${r.steps} steps.*${r.overflowSteps.length ? `${r.overflowSteps.length} overflow steps marked` : ""}`));
  return v;
}

async function checkChartsDrawn(page, colors = { loss: "blue", scale: "purple", gradNorm: "green" }, r = null) {
  const px = await page.evaluate(chartPixels);
  const key = { loss: "losses", scale: "scales", gradNorm: "gradNorms" };
  for (const [id, color] of Object.entries(colors)) {
    if (r && !r[key[id]].some((v) => Number.isFinite(v) && v > 0)) {
      // nothing a log axis can draw (every gradient norm of an all-overflow run is Inf): say so
      const text = await page.evaluate((c) => document.querySelector(`[data-chart="${c}"] .mpl-chart-empty`)?.textContent, id);
      assert.equal(text, "no finite values to draw", `${id} chart of a run without finite values`);
      continue;
    }
    assert.ok(px[id]?.canvas, `${id} chart has a canvas`);
    // a drawn line leaves at least a few dozen pixels of its colour; a blank chart none
    assert.ok(px[id].counts[color] >= 40, `${id} chart: ${px[id].counts[color]} ${color} pixels`);
  }
  return px;
}

// ---- the renderer ---------------------------------------------------------------------
const browser = await launch(false);
const page = await browser.context.newPage();
page.on("console", (m) => m.type() === "error" && console.log(`     [page] ${m.text()}`));
await page.goto(`${server.url}/pages/renderer.html`);
await page.waitForFunction(() => window.ready === true);

for (const name of ["fp32", "overflow", "static", "underflow", "cancelled", "long"]) {
  await test(`renderer: ${name} run`, async () => {
    const r = fixture(name);
    const ms = await page.evaluate(([n, m]) => window.renderOutput([n], m, "o1"), [name, RUN_MIME]);
    console.log(`     (${r.steps} steps rendered in ${Math.round(ms)} ms, fetch and parse included)`);
    await checkRunView(page, "#o1", r);
    const px = await checkChartsDrawn(page, undefined, r);
    // long runs are downsampled to about two points per pixel column
    for (const id of ["loss", "scale", "gradNorm"]) if (px[id].canvas) assert.ok(px[id].points <= Math.min(r.steps, 2 * px[id].cssWidth + 2), `${id}: ${px[id].points} points`);
    await page.screenshot({ path: join(SHOTS, `renderer-${name}.png`), fullPage: true });
  });
}

await test("renderer: more than 2000 overflow steps merge per pixel column, every step counted", async () => {
  const r = fixture("long");
  const many = { ...r, overflowSteps: Array.from({ length: 10_000 }, (_, i) => i * 10) };
  await page.evaluate(([j, m]) => window.renderJson(j, m, "many"), [many, RUN_MIME]);
  const m = await page.evaluate(() => {
    const c = document.querySelector('#many [data-chart="scale"]');
    const ms = [...c.querySelectorAll(".mpl-overflow-marker")];
    return { merged: c.dataset.markersMerged, drawn: ms.length, counted: ms.reduce((a, e) => a + Number(e.dataset.count), 0), width: c.querySelector(".u-over").clientWidth };
  });
  assert.equal(m.merged, "true");
  assert.equal(m.counted, 10_000, "every overflow step is in some marker's count");
  assert.ok(m.drawn <= m.width + 1, `${m.drawn} markers for ${m.width} pixel columns`);
});

await test("renderer: live output updated chunk by chunk", async () => {
  const r = fixture("overflow");
  const live = (n) => ({
    kind: "mplab.live", name: r.name, step: n, totalSteps: r.steps, elapsedMs: n,
    losses: r.losses.slice(0, n), scales: r.scales.slice(0, n), gradNorms: r.gradNorms.slice(0, n),
    overflowSteps: r.overflowSteps.filter((s) => s < n),
  });
  for (const n of [10, 100, 300]) await page.evaluate(([j]) => window.renderLive(j, "live1"), [live(n)]);
  const v = await checkRunView(page, "#live1", r, { live: true });
  assert.match(v.summary, /^step 300 of 300/);
  assert.equal(await page.evaluate(() => document.querySelectorAll("#live1 .mpl-run").length), 1, "one view, updated in place");
  await checkChartsDrawn(page);
  await page.screenshot({ path: join(SHOTS, "renderer-live.png"), fullPage: true });
});

await test("renderer: precision report", async () => {
  await page.evaluate(([m]) => window.renderOutput(["underflow"], m, "o2"), [REPORT_MIME]);
  await checkRunView(page, "#o2", fixture("underflow"));
  await page.screenshot({ path: join(SHOTS, "renderer-report.png"), fullPage: true });
});

await test("renderer: a bare precision report (layers, memory, first non-finite)", async () => {
  const r = fixture("overflow");
  const report = { kind: "mplab.report", name: r.name, precision: r.precision, layers: r.layers, memory: r.memory, firstNonFinite: r.firstNonFinite, scale: 2 ** 18 };
  await page.evaluate(([j, m]) => window.renderJson(j, m, "rep"), [report, REPORT_MIME]);
  const v = await page.evaluate(readView, "#rep");
  assert.equal(v.cells.length, r.layers.length * 4);
  for (const c of v.cells) assert.equal(Number(c.fields.underflow.value), r.layers.find((l) => l.layer === c.layer).tensors[c.role].underflow);
  assert.equal(v.hists.length, r.layers.length * 4);
  assert.equal(v.hists.filter((x) => x.ghost).length, r.layers.length * 2, "gradients show where the scale moved them");
  assert.equal(v.nonFinite, String(r.firstNonFinite[0].step));
  assert.deepEqual(v.memory, Object.fromEntries(Object.entries(r.memory).filter(([k]) => k !== "totalBytes")));
  assert.deepEqual(v.cspViolations, []);
});

await test("renderer: comparison of two runs", async () => {
  const a = fixture("overflow"), b = fixture("cancelled");
  await page.evaluate(([m]) => window.renderOutput(["overflow", "cancelled"], m, "o3"), [COMPARE_MIME]);
  const v = await page.evaluate(readView, "#o3");
  assert.deepEqual(v.markers.filter((m) => m.series === 0).map((m) => m.step), a.overflowSteps);
  assert.deepEqual(v.markers.filter((m) => m.series === 1).map((m) => m.step), b.overflowSteps);
  await checkChartsDrawn(page, { loss: "orange", scale: "blue" });
  await page.screenshot({ path: join(SHOTS, "renderer-compare.png"), fullPage: true });
});

for (const theme of ["vscode-light", "vscode-high-contrast"]) {
  await test(`renderer: follows the ${theme} theme`, async () => {
    await page.evaluate(([m]) => window.renderOutput(["overflow"], m, "o4"), [RUN_MIME]);
    await page.evaluate((t) => (document.body.className = t), theme);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await checkChartsDrawn(page); // colours read from the new theme's variables
    await page.screenshot({ path: join(SHOTS, `renderer-overflow-${theme}.png`), fullPage: true });
  });
}
await page.evaluate(() => (document.body.className = "vscode-dark"));

await test("renderer: resizes with the editor", async () => {
  await page.evaluate(([m]) => window.renderOutput(["overflow"], m, "o5"), [RUN_MIME]);
  const before = (await page.evaluate(chartPixels)).loss.cssWidth;
  await page.setViewportSize({ width: 560, height: 900 });
  await page.waitForFunction((w) => {
    const c = document.querySelector('[data-chart="loss"] canvas');
    return c && c.getBoundingClientRect().width < w - 50;
  }, before);
  await checkChartsDrawn(page);
  const v = await checkRunView(page, "#o5", fixture("overflow"));
  assert.ok(v.markers.length > 0);
  await page.screenshot({ path: join(SHOTS, "renderer-narrow.png"), fullPage: true });
  await page.setViewportSize({ width: 1100, height: 900 });
});

await test("renderer: a broken output gets a clear message", async () => {
  await page.evaluate(() => window.renderOutput(["fp32"], "application/vnd.mplab.compare+json", "o6").catch(String));
  // a comparison of one run still draws; a run with a wrong kind does not
  const text = await page.evaluate(async () => {
    const el = document.createElement("div");
    document.getElementById("out").replaceChildren(el);
    const { activate } = await import("/dist/webview/renderer.js");
    activate().renderOutputItem({ id: "bad", mime: "application/vnd.mplab.run+json", json: () => ({ kind: "other" }), text: () => "" }, el);
    return el.textContent;
  });
  assert.match(text, /kind must be "mplab.run"/);
});

// ---- the dashboard, fed with fixtures -------------------------------------------------------
const dash = await browser.context.newPage();
dash.on("console", (m) => m.type() === "error" && console.log(`     [dashboard] ${m.text()}`));
await dash.goto(`${server.url}/pages/dashboard.html`);
await dash.waitForFunction(() => window.ready === true);
const overflowRun = fixture("overflow");

await test("dashboard: backend and adapter", async () => {
  await dash.evaluate(() => window.mpl.dashboard.setBackend({ name: "webgpu", adapter: "SwiftShader (fallback adapter)", fp16: "emulated", note: "no shader-f16: fp16 packed in u32" }));
  const head = await dash.evaluate(() => {
    const h = document.querySelector(".mpl-dash-header");
    return { backend: h.dataset.backend, fp16: h.dataset.fp16, text: h.textContent };
  });
  assert.equal(head.backend, "webgpu");
  assert.equal(head.fp16, "emulated");
  assert.match(head.text, /fp16 emulated/);
  assert.match(head.text, /SwiftShader/);
});

await test("dashboard: live run, cancel button", async () => {
  await dash.evaluate((r) => window.mpl.replay(r, "r1", 25, false), overflowRun);
  const v = await checkRunView(dash, "[data-view]", overflowRun, { live: true });
  assert.match(v.summary, /step 300 of 300/);
  await dash.waitForFunction(() => /r1.*running\s*300 \/ 300/s.test(document.querySelector("vscode-data-grid").textContent), null, { timeout: 5000 });
  await checkChartsDrawn(dash);
  await dash.screenshot({ path: join(SHOTS, "dashboard-live.png"), fullPage: true });
  await dash.click('vscode-button[data-action="cancel"]');
  assert.deepEqual(await dash.evaluate(() => window.actionsLog), ["cancel r1"]);
});

await test("dashboard: finished run shows everything", async () => {
  await dash.evaluate((r) => window.mpl.dashboard.runFinished("r1", r), overflowRun);
  await checkRunView(dash, "[data-view]", overflowRun);
  assert.equal(await dash.evaluate(() => document.querySelector('vscode-button[data-action="cancel"]').hasAttribute("disabled")), true, "cancel disabled when idle");
  await dash.click('vscode-button[data-action="restart"]');
  assert.deepEqual(await dash.evaluate(() => window.actionsLog), ["cancel r1", "restart"]);
});

await test("dashboard: runs list, show one, compare two", async () => {
  const under = fixture("underflow");
  await dash.evaluate((r) => window.mpl.replay(r, "r2", 100), under);
  await checkRunView(dash, "[data-view]", under);
  // the grid renders its cells asynchronously
  await dash.waitForFunction(() => [...document.querySelectorAll("vscode-data-grid-row")].map((r) => r.textContent).join("").includes("r2"));
  const rows = await dash.evaluate(() => [...document.querySelectorAll("vscode-data-grid-row")].map((r) => r.textContent.trim()));
  assert.equal(rows.length, 3, `header + 2 runs: ${JSON.stringify(rows)}`);
  const o = overflowRun;
  assert.ok(rows[1].replace(/\s+/g, " ").startsWith(`r1 ${o.name} completed ${o.steps} / ${o.config.steps} ${o.skippedSteps} `), rows[1]);
  // pick r1 in "show", then r2 in "compare with", with the mouse
  await dash.click('vscode-dropdown[data-dropdown="show run"]');
  await dash.click('vscode-dropdown[data-dropdown="show run"] vscode-option[value="r1"]');
  await dash.waitForFunction(() => document.querySelector("[data-view]").dataset.view === "r1");
  await checkRunView(dash, "[data-view]", overflowRun);
  await dash.click('vscode-dropdown[data-dropdown="compare with"]');
  await dash.click('vscode-dropdown[data-dropdown="compare with"] vscode-option[value="r2"]');
  await dash.waitForFunction(() => document.querySelector("[data-view]").dataset.view === "compare r1 r2");
  const v = await dash.evaluate(readView, "[data-view]");
  assert.deepEqual(v.markers.filter((m) => m.series === 0).map((m) => m.step), overflowRun.overflowSteps);
  assert.deepEqual(v.cspViolations, []);
  assert.deepEqual(v.pageErrors, []);
  await dash.screenshot({ path: join(SHOTS, "dashboard-compare.png"), fullPage: true });
  for (const theme of ["vscode-light", "vscode-high-contrast"]) {
    await dash.evaluate((t) => (document.body.className = t), theme);
    await dash.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await checkChartsDrawn(dash, { loss: "blue", scale: "orange" });
    await dash.screenshot({ path: join(SHOTS, `dashboard-compare-${theme}.png`), fullPage: true });
  }
  await dash.evaluate(() => (document.body.className = "vscode-dark"));
});

await test("dashboard: a failed run says why", async () => {
  await dash.evaluate(() => { window.mpl.dashboard.runStarted("r3", "doomed", 10); window.mpl.dashboard.runFailed("r3", "batchSize must be a positive integer"); });
  const text = await dash.evaluate(() => document.querySelector("[data-status]").textContent);
  assert.match(text, /doomed failed: batchSize must be a positive integer/);
});
await browser.close();

// ---- the dashboard with the real engine: CPU fallback (no adapter) and WebGPU (SwiftShader) ---
const ENGINE_RUN = {
  name: "engine run", model: { inputs: 8, hidden: [16, 16], outputs: 1, seed: 1 },
  data: { type: "teacher", inputs: 8, outputs: 1, samples: 512 }, precision: "mixed-fp16",
  scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 24, growthInterval: 25 }, steps: 120, batchSize: 32,
};
const hasWebGpuBackend = existsSync(join(ROOT, "engine/backend/webgpu/register.ts"));

async function engineTests(webgpu) {
  const tag = webgpu ? "webgpu" : "cpu fallback";
  const b = await launch(webgpu);
  try {
    const pg = await b.context.newPage();
    pg.on("console", (m) => m.type() === "error" && console.log(`     [engine ${tag}] ${m.text()}`));
    await pg.goto(`${server.url}/pages/dashboard.html`);
    await pg.waitForFunction(() => window.ready === true);
    const adapter = await pg.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
    const info = await pg.evaluate(() => window.mpl.backendInfo());
    const expectWebGpu = webgpu && hasWebGpuBackend;
    await test(`engine (${tag}): backend chosen and shown`, async () => {
      assert.equal(adapter, webgpu, `requestAdapter() ${webgpu ? "gives" : "does not give"} an adapter`);
      assert.equal(info.name, expectWebGpu ? "webgpu" : "cpu", JSON.stringify(info));
      if (expectWebGpu) assert.equal(info.fp16, "emulated", "SwiftShader has no shader-f16");
      else assert.ok(info.note, "the CPU fallback says why");
      const shown = await pg.evaluate(() => document.querySelector(".mpl-dash-header").dataset.backend);
      assert.equal(shown, info.name);
    });
    if (webgpu && !hasWebGpuBackend) skip(`engine (webgpu): training on WebGPU`, "engine/backend/webgpu is not in this tree yet (the CPU fallback ran instead)");
    await test(`engine (${tag}): a real run, live then finished`, async () => {
      const r = await pg.evaluate((c) => window.mpl.trainReal(c, "e1"), webgpu ? { ...ENGINE_RUN, steps: 40 } : ENGINE_RUN);
      assert.equal(typeof r, "object", String(r));
      assert.equal(r.status, "completed");
      assert.equal(r.backend.name, info.name);
      await checkRunView(pg, "[data-view]", r);
      await checkChartsDrawn(pg, undefined, r);
      await pg.screenshot({ path: join(SHOTS, `dashboard-engine-${webgpu ? "webgpu" : "cpu"}.png`), fullPage: true });
    });
    await test(`engine (${tag}): the cancel button stops a run`, async () => {
      await pg.evaluate((c) => { window.pending = window.mpl.trainReal(c, "e2"); }, { ...ENGINE_RUN, name: "to cancel", steps: 100000, chunkSize: 5 });
      await pg.waitForFunction(() => Number(document.querySelector("[data-view] .mpl-run")?.dataset.step ?? 0) > 0);
      await checkRunView(pg, "[data-view]", { overflowSteps: [] }, { live: true }).catch(() => {}); // live view only
      await pg.click('vscode-button[data-action="cancel"]');
      const r = await pg.evaluate(() => window.pending);
      assert.equal(r.status, "cancelled");
      assert.ok(r.steps > 0 && r.steps < 100000, `stopped after ${r.steps} steps`);
      const status = await pg.evaluate(() => document.querySelector("[data-status]").textContent);
      assert.match(status, /to cancel: cancelled after \d+ steps/);
      await checkRunView(pg, "[data-view]", r);
      await pg.screenshot({ path: join(SHOTS, `dashboard-engine-${webgpu ? "webgpu" : "cpu"}-cancelled.png`), fullPage: true });
    });
  } finally {
    await b.close();
  }
}
await engineTests(false);
await engineTests(true);

await server.close();
summary();
process.exit(failed ? 1 : 0);
