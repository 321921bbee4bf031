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
  // hostile sizes: what cannot be drawn as it is says what is wrong, never overflows the stack
  await test("renderer: a histogram with 1,000,000 bins is drawn as fp32's 277 exponents, with a note", async () => {
    const r = fixture("overflow");
    const counts = new Array(1_000_000).fill(0);
    counts[10] = 5; // exponent -590: below fp32's range, added to the first bin
    counts[500] = 3; // exponent -100
    counts[999_999] = 7; // exponent 999,399: added to the last bin
    r.layers[0].tensors.weightGrads.histogram = { minExp: -600, counts };
    await page.evaluate(([j, m]) => window.renderJson(j, m, "bins"), [r, RUN_MIME]);
    const v = await page.evaluate(() => {
      const fig = document.querySelector('#bins [data-hist="layer 1 weight gradients"]');
      const bars = [...fig.querySelectorAll(".mpl-hist-bar")];
      return { text: document.getElementById("bins").textContent, note: fig.querySelector("[data-note]")?.textContent, bars: bars.map((b) => [Number(b.dataset.exp), Number(b.dataset.count)]) };
    });
    assert.doesNotMatch(v.text, /could not draw|Maximum call stack/);
    assert.equal(v.note, "histogram with 1,000,000 bins: drawn as 277, the counts outside 2^-149..2^127 (fp32's range) added to the end bins");
    assert.deepEqual(v.bars, [[-149, 5], [-100, 3], [127, 7]]);
    assert.deepEqual(await page.evaluate(() => window.pageErrors), []);
    await page.screenshot({ path: join(SHOTS, "renderer-million-bins.png"), fullPage: true });
  });

  await test("renderer: a key nested 200,000 deep in a saved output: 'nesting deeper than 1,000 levels', no stack overflow", async () => {
    const depth = 200_000;
    const deep = '{"kind":"mplab.run","x":' + '{"a":'.repeat(depth) + "1" + "}".repeat(depth) + "}";
    for (const [mime, what] of [[RUN_MIME, "run result"], ["application/vnd.mplab.live+json", "live run"]]) {
      await page.evaluate(([t, m]) => window.renderText(t, m, "deep"), [deep, mime]);
      const text = await page.evaluate(() => document.getElementById("deep").textContent);
      assert.equal(text, `Mixed Precision Lab could not draw this output: ${what}: nesting deeper than 1,000 levels`);
    }
  });

  await test("renderer: a run with 1,000 layers draws the first 64 in the table and the histograms, saying so", async () => {
    const r = fixture("overflow");
    r.layers = Array.from({ length: 1000 }, (_, i) => ({ ...r.layers[0], layer: i + 1, name: `layer ${i + 1}` }));
    await page.evaluate(([j, m]) => window.renderJson(j, m, "layers"), [r, RUN_MIME]);
    const v = await page.evaluate(() => ({
      notes: [...document.querySelectorAll("#layers [data-note]")].map((e) => e.textContent),
      rows: document.querySelectorAll("#layers .mpl-precision-table tbody tr").length,
      hists: document.querySelectorAll("#layers [data-hist]").length,
      text: document.getElementById("layers").textContent,
    }));
    assert.doesNotMatch(v.text, /could not draw/);
    assert.deepEqual(v.notes, ["a run with 1,000 layers: the first 64 drawn", "a run with 1,000 layers: the first 64 drawn"]);
    assert.equal(v.rows, 64 * 4);
    assert.equal(v.hists, 64 * 4);
  });
  await page.close();
}
