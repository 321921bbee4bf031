// Shared by the browser suites: the tally, test() and skip(), launching chromium, the
// fixtures, and the checks of a drawn run against its RunResult.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { chartPixels, decode, expectedSummaryParts, readView } from "./checks.mjs";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
export const OUT = join(ROOT, "test-output");
export const SHOTS = join(OUT, "browser");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
mkdirSync(SHOTS, { recursive: true });

export const RUN_MIME = "application/vnd.mplab.run+json";
export const REPORT_MIME = "application/vnd.mplab.report+json";
export const COMPARE_MIME = "application/vnd.mplab.compare+json";

export const tally = { passed: 0, failed: 0, skipped: 0 };
export function skip(name, why) {
  tally.skipped++;
  console.log(`skip ${name}: ${why}`);
}
export async function test(name, fn) {
  try {
    await fn();
    tally.passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    tally.failed++;
    console.log(`FAIL ${name}\n     ${String(e?.stack ?? e).split("\n").slice(0, 6).join("\n     ")}`);
  }
}
export const summary = () => console.log(`browser: ${tally.passed} passed, ${tally.failed} failed${tally.skipped ? `, ${tally.skipped} skipped` : ""}`);

export const fixture = (name) => JSON.parse(readFileSync(join(OUT, "fixtures", `${name}.json`), "utf8"), (_k, v) => decode(v));

/** Headless chromium with a fresh profile; WebGPU (SwiftShader) only with the flag. */
export async function launch(webgpu) {
  const profile = mkdtempSync(join(tmpdir(), "mplab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...FLAGS, ...(webgpu ? ["--enable-unsafe-webgpu"] : [])],
    viewport: { width: 1100, height: 900 },
  });
  return { context, close: async () => (await context.close(), rmSync(profile, { recursive: true, force: true })) };
}

/** The drawn run equals the RunResult: summary, markers, table, histograms, memory, numbers. */
export async function checkRunView(page, root, r, { live = false } = {}) {
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

/** Each chart's canvas has pixels of its series colour (or says it has nothing finite to draw). */
export async function checkChartsDrawn(page, colors = { loss: "blue", scale: "purple", gradNorm: "green" }, r = null) {
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
