// The engine dashboard fed with fixtures through the Dashboard interface, as the engine
// page feeds it: live progress, cancel and restart, the runs list, show and compare.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readView } from "./checks.mjs";
import { checkChartsDrawn, checkRunView, fixture, SHOTS, test } from "./harness.mjs";

export async function dashboardTests(context, server) {
  const dash = await context.newPage();
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
  await dash.close();
}
