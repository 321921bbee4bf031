// The notebook renderer (dist/webview/renderer.js) on the engine's fixtures, in a page that
// plays VS Code's part under the webview CSP.
import assert from "node:assert/strict";
import { join } from "node:path";
import { chartPixels, readView } from "./checks.mjs";
import { checkChartsDrawn, checkRunView, COMPARE_MIME, fixture, REPORT_MIME, RUN_MIME, SHOTS, test } from "./harness.mjs";

export async function rendererTests(context, server) {
  const page = await context.newPage();
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
  await page.close();
}
