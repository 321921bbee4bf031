// The notebook renderer (dist/webview/renderer.js) on the engine's fixtures, in a page that
// plays VS Code's part under the webview CSP.
import assert from "node:assert/strict";
import { join } from "node:path";
import { chartPixels } from "./checks.mjs";
import { checkChartsDrawn, checkRunView, fixture, RUN_MIME, SHOTS, test } from "./harness.mjs";

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

  // reports, comparisons, sweeps and live runs: test/browser/pipelineTests.mjs, on the engine's real outputs

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
    const text = await page.evaluate(async () => {
      const el = document.createElement("div");
      document.getElementById("out").replaceChildren(el);
      const { activate } = await import("/dist/webview/renderer.js");
      activate().renderOutputItem({ id: "bad", mime: "application/vnd.mplab.run+json", json: () => ({ kind: "other" }), text: () => "" }, el);
      return el.textContent;
    });
    assert.match(text, /^Mixed Precision Lab could not draw this output: run result: kind: /);
  });
  await page.close();
}
