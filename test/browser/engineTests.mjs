// The dashboard page with the real engine training a small model, as the engine page
// runs it: without an adapter (auto takes the wasm backend) and with SwiftShader's adapter,
// where auto also takes wasm (a software adapter) and ?backend=webgpu trains on WebGPU.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkChartsDrawn, checkRunView, launch, ROOT, SHOTS, skip, test } from "./harness.mjs";

const ENGINE_RUN = {
  name: "engine run", model: { inputs: 8, hidden: [16, 16], outputs: 1, seed: 1 },
  data: { type: "teacher", inputs: 8, outputs: 1, samples: 512 }, precision: "mixed-fp16",
  scaler: { type: "dynamic", preset: "pytorch", initScale: 2 ** 24, growthInterval: 25 }, steps: 120, batchSize: 32,
};
const hasWebGpuBackend = existsSync(join(ROOT, "engine/backend/webgpu/register.ts"));

export async function engineTests(server, webgpu) {
  const tag = webgpu ? "webgpu" : "no adapter: wasm";
  const b = await launch(webgpu);
  try {
    const pg = await b.context.newPage();
    pg.on("console", (m) => m.type() === "error" && console.log(`     [engine ${tag}] ${m.text()}`));
    if (webgpu) {
      await test("engine (software adapter): auto takes the wasm backend and says why", async () => {
        const auto = await b.context.newPage();
        await auto.goto(`${server.url}/pages/dashboard.html`);
        await auto.waitForFunction(() => window.ready === true);
        const i = await auto.evaluate(() => window.mpl.backendInfo());
        assert.equal(i.name, "wasm", JSON.stringify(i));
        assert.match(i.note, /software fallback .*slower than WebAssembly SIMD; choose mplab\.engine\.backend "webgpu"/);
        await auto.close();
      });
    }
    await pg.goto(`${server.url}/pages/dashboard.html${webgpu ? "?backend=webgpu" : ""}`);
    await pg.waitForFunction(() => window.ready === true);
    const adapter = await pg.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
    const info = await pg.evaluate(() => window.mpl.backendInfo());
    const expectWebGpu = webgpu && hasWebGpuBackend;
    await test(`engine (${tag}): backend chosen and shown`, async () => {
      assert.equal(adapter, webgpu, `requestAdapter() ${webgpu ? "gives" : "does not give"} an adapter`);
      assert.equal(info.name, expectWebGpu ? "webgpu" : "wasm", JSON.stringify(info));
      if (expectWebGpu) assert.equal(info.fp16, "emulated", "SwiftShader has no shader-f16");
      else assert.match(info.note, /^auto: (this webview has no navigator\.gpu|WebGPU unavailable: .*no WebGPU adapter)/, "auto says why it took wasm");
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
      await pg.screenshot({ path: join(SHOTS, `dashboard-engine-${webgpu ? "webgpu" : "wasm"}.png`), fullPage: true });
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
      await pg.screenshot({ path: join(SHOTS, `dashboard-engine-${webgpu ? "webgpu" : "wasm"}-cancelled.png`), fullPage: true });
    });
  } finally {
    await b.close();
  }
}
