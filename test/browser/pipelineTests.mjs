// The pipeline: the engine's real outputs (test/browser/fixtures/pipeline.ts: a
// notebook with train, inspect, compare and sweep cells, saved by `mplab run` and by the
// VS Code serializer, reopened as VS Code opens it), drawn by the shipped renderer. The
// DOM must show each view's content, checked against the engine's in-memory values:
// the layer rows hold the report's numbers, one legend entry per compared run, one row
// per sweep configuration, the live chart's points. A payload with a field dropped or
// renamed must be refused with a message that names the field.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chartPixels } from "./checks.mjs";
import { checkChartsDrawn, checkRunView, OUT, SHOTS, test } from "./harness.mjs";

const DIR = join(OUT, "pipeline");
const MIME = { run: "application/vnd.mplab.run+json", live: "application/vnd.mplab.live+json", report: "application/vnd.mplab.report+json", comparison: "application/vnd.mplab.compare+json", sweep: "application/vnd.mplab.sweep+json" };
const CELL = { a: 1, b: 2, report: 3, comparison: 4, sweep: 5, masterWeights: 6, bf16: 7, fp8Run: 8, fp8Report: 9 };
// the codec's tag, decoded here on its own (not with the engine's code)
const revive = (_k, v) => (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "$nonFinite" in v ? Number(v.$nonFinite) : v);
const read = (f) => JSON.parse(readFileSync(join(DIR, f), "utf8"));
const ROLE = { weights: "weights", activations: "activations", activationGrads: "activation gradients", weightGrads: "weight gradients" };

/** In the page: what a report, comparison or sweep view shows. */
function readPayloadView(sel) {
  const root = document.querySelector(sel);
  const cellValue = (td) => (td.dataset.value === undefined ? null : JSON.parse(td.dataset.value));
  return {
    text: root.textContent,
    error: root.querySelector(".mpl-error")?.textContent ?? null,
    summary: root.querySelector("[data-summary]")?.textContent ?? null,
    rows: [...root.querySelectorAll(".mpl-report-table tbody tr")].map((tr) => ({
      layer: Number(tr.dataset.layer), role: tr.dataset.role, name: tr.querySelector("th")?.textContent ?? null, tensor: tr.querySelector("td.mpl-name").textContent,
      fields: Object.fromEntries([...tr.querySelectorAll("td[data-field]")].map((td) => [td.dataset.field, { value: cellValue(td), text: td.textContent }])),
    })),
    findings: [...root.querySelectorAll(".mpl-findings li")].map((li) => li.textContent),
    recommendation: root.querySelector("[data-recommendation]")?.textContent ?? null,
    advice: [...root.querySelectorAll("[data-advice]")].map((e) => e.dataset.advice),
    legend: [...root.querySelectorAll(".mpl-legend li")].map((li) => li.dataset.legend),
    diffs: [...root.querySelectorAll('[data-table="differences"] tbody tr')].map((tr) => ({ label: tr.dataset.diff, ratio: cellValue(tr.querySelector("td")), cells: [...tr.querySelectorAll("td")].map((td) => td.textContent) })),
    runsTable: [...root.querySelectorAll('[data-table="runs"] thead th[scope="col"]')].map((th) => th.textContent),
    ranked: [...root.querySelectorAll('[data-table="ranked"] tbody tr')].map((tr) => ({ label: tr.dataset.config, recommended: tr.classList.contains("mpl-recommended"), cells: [...tr.querySelectorAll("td,th")].map((td) => td.textContent) })),
    markers: [...root.querySelectorAll('[data-chart="scale"] .mpl-overflow-marker')].map((m) => ({ step: Number(m.dataset.step), series: Number(m.dataset.series) })),
    charts: Object.fromEntries([...root.querySelectorAll("[data-chart]")].map((c) => [c.dataset.chart, { label: c.getAttribute("aria-label"), role: c.getAttribute("role"), points: Number(c.dataset.points ?? 0), markers: Number(c.dataset.markers ?? 0) }])),
    cspViolations: window.cspViolations,
    pageErrors: window.pageErrors,
  };
}

/**
 * The README's pictures: the view as drawn, 900 px wide, light theme (small PNGs). Written
 * to test-output/readme/; `cp test-output/readme/*.png docs/images/` updates the README's.
 */
async function readmePicture(page, name) {
  mkdirSync(join(OUT, "readme"), { recursive: true });
  await page.setViewportSize({ width: 900, height: 900 });
  await page.evaluate(() => (document.body.className = "vscode-light"));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  // the run view's own numbers table stays folded; the picture shows what a user sees first
  await page.locator("#p > .mpl-root").screenshot({ path: join(OUT, "readme", name) });
  await page.evaluate(() => (document.body.className = "vscode-dark"));
  await page.setViewportSize({ width: 1100, height: 900 });
}

/** The report view holds the report: a row per tensor with its numbers, the findings, the recommendation, the advice. */
function checkReport(v, rep) {
  assert.equal(v.error, null);
  assert.equal(v.rows.length, rep.tensors.length, "one row per layer and tensor");
  for (const [i, t] of rep.tensors.entries()) {
    const row = v.rows[i];
    assert.equal(row.layer, t.layer);
    assert.equal(row.role, t.role);
    assert.equal(row.tensor, ROLE[t.role]);
    for (const f of ["zero", "subnormal", "underflow", "overflow", "nonFinite", "smallest", "largest", "window", "scaleUsed", "dtype"])
      assert.deepEqual(row.fields[f].value, t[f], `layer ${t.layer} ${t.role} ${f}`);
    // what is read: a share to three digits
    for (const f of ["underflow", "overflow"]) {
      const shown = parseFloat(row.fields[f].text) / 100;
      assert.ok(t[f] === 0 ? shown === 0 : Math.abs(shown - t[f]) <= 5.1e-3 * t[f], `layer ${t.layer} ${t.role} ${f}: shows ${row.fields[f].text}, report ${t[f]}`);
    }
    if (t.scaled && t.window && t.window.min <= t.window.max) assert.match(row.fields.window.text, new RegExp(`2\\^${Math.log2(t.window.min)}`));
  }
  assert.deepEqual(v.findings, rep.findings, "every finding, in plain words");
  assert.ok(v.recommendation.includes(rep.recommendation.reason), "the recommendation's reason");
  for (const [k, x] of Object.entries(rep.recommendation.spec)) if (k !== "type") assert.ok(v.recommendation.includes(typeof x === "number" && Number.isInteger(Math.log2(x)) && x >= 16 && k.endsWith("Scale") ? `2 ** ${Math.log2(x)}` : String(x)), `recommended ${k}`);
  assert.deepEqual(v.advice, [...(rep.useBf16.advised ? ["bf16"] : []), ...(rep.masterWeights.needed ? ["master-weights"] : [])]);
  for (const w of rep.useBf16.why) assert.ok(v.text.includes(w));
}

export async function pipelineTests(context, server) {
  const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8"), revive);
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && console.log(`     [page] ${m.text()}`));
  await page.goto(`${server.url}/pages/renderer.html`);
  await page.waitForFunction(() => window.ready === true);
  const render = (text, mime, id = "p", keep = false) => page.evaluate(([t, m, i, k]) => window.renderText(t, m, i, k), [text, mime, id, keep]);

  for (const source of ["cli", "vscode"]) {
    const items = read(`items-${source}.json`);
    const item = (cell, mime) => {
      const it = items.find((x) => x.cell === cell && x.mime === mime);
      assert.ok(it, `cell ${cell + 1} of ${source}.mpnb has a ${mime} output`);
      return it.text;
    };
    const saved = source === "cli" ? "saved by mplab run" : "saved by the VS Code serializer";

    await test(`pipeline (${saved}): every engine output keeps NaN and Infinity apart`, async () => {
      const b = JSON.parse(item(CELL.b, MIME.run), revive);
      assert.ok(b.gradNorms.some((g) => Number.isNaN(g) || !Number.isFinite(g)), "the overflowing run has non-finite gradient norms");
      // what was saved is what the engine returned, number for number (timings aside)
      assert.deepEqual({ ...b, timings: null }, { ...expected.b, timings: null });
      assert.deepEqual(JSON.parse(item(CELL.report, MIME.report), revive), expected.report);
    });

    for (const name of ["a", "b"]) {
      await test(`pipeline (${saved}): run ${name} draws as a run view`, async () => {
        await render(item(CELL[name], MIME.run), MIME.run);
        await checkRunView(page, "#p", expected[name]);
        await checkChartsDrawn(page, undefined, expected[name]);
        if (source === "vscode" && name === "b") {
          await page.screenshot({ path: join(SHOTS, "pipeline-run.png"), fullPage: true });
          await readmePicture(page, "run-view.png");
        }
      });
    }

    await test(`pipeline (${saved}): inspect(b) draws the report's rows, findings and recommendation`, async () => {
      await render(item(CELL.report, MIME.report), MIME.report);
      const v = await page.evaluate(readPayloadView, "#p");
      assert.deepEqual(v.cspViolations, []);
      checkReport(v, expected.report);
      if (source === "vscode") {
        await page.screenshot({ path: join(SHOTS, "pipeline-report.png"), fullPage: true });
        await readmePicture(page, "report-view.png");
      }
    });

    await test(`pipeline (${saved}): the "master weights needed" and "use bf16" advice is drawn where it applies`, async () => {
      for (const [name, advice] of [["masterWeights", "master-weights"], ["bf16", "bf16"]]) {
        assert.ok(expected[name].masterWeights.needed || expected[name].useBf16.advised, `${name}: the engine advises something`);
        await render(item(CELL[name], MIME.report), MIME.report);
        const v = await page.evaluate(readPayloadView, "#p");
        checkReport(v, expected[name]);
        assert.ok(v.advice.includes(advice), `${name}: ${v.advice}`);
        if (source === "vscode") await page.screenshot({ path: join(SHOTS, `pipeline-report-${name}.png`), fullPage: true });
      }
    });

    await test(`pipeline (${saved}): a mixed-fp8 run draws its fp8 scales, one chart per role and one row per tensor; its report names what hurts`, async () => {
      const e = expected.fp8Run;
      assert.ok(e.fp8 && e.fp8.tensors.length === 9, "the engine reports 3 fp8 tensors a layer");
      await render(item(CELL.fp8Run, MIME.run), MIME.run);
      const v = await page.evaluate(() => {
        const root = document.querySelector("#p [data-fp8]");
        return root && {
          rows: [...root.querySelectorAll("tr[data-fp8-tensor]")].map((tr) => ({ id: tr.dataset.fp8Tensor, cells: [...tr.children].map((c) => c.textContent) })),
          charts: [...root.querySelectorAll("[data-chart]")].map((c) => ({ id: c.dataset.chart, points: Number(c.dataset.points ?? 0), label: c.getAttribute("aria-label") })),
        };
      });
      assert.ok(v, "the run view has an fp8 section");
      assert.deepEqual(v.rows.map((r) => r.id), e.fp8.tensors.map((t) => `${t.layer}:${t.role}`));
      for (const [i, t] of e.fp8.tensors.entries()) assert.equal(v.rows[i].cells[2], t.format.toUpperCase());
      assert.deepEqual(v.charts.map((c) => c.id), ["fp8-weights", "fp8-inputs", "fp8-grads"]);
      for (const c of v.charts) assert.ok(c.points > 0 && /layer 1/.test(c.label), `${c.id}: ${c.points} points, ${c.label}`);
      if (source === "vscode") await page.screenshot({ path: join(SHOTS, "pipeline-fp8-run.png"), fullPage: true });
      const f = expected.fp8Report.fp8;
      await render(item(CELL.fp8Report, MIME.report), MIME.report);
      const worst = await page.evaluate(() => document.querySelector("#p [data-fp8-report] [data-fp8-worst]")?.dataset.fp8Worst ?? null);
      assert.equal(worst, f.worst ?? "");
      if (source === "vscode") await page.screenshot({ path: join(SHOTS, "pipeline-fp8-report.png"), fullPage: true });
    });

    await test(`pipeline (${saved}): compare(a, b) overlays both runs with a legend and the differences against fp32`, async () => {
      const c = expected.comparison;
      await render(item(CELL.comparison, MIME.comparison), MIME.comparison);
      const v = await page.evaluate(readPayloadView, "#p");
      assert.equal(v.error, null);
      assert.deepEqual(v.legend, c.runs.map((r) => r.label), "one legend entry per compared run");
      assert.deepEqual(v.runsTable, c.runs.map((r) => r.label));
      assert.deepEqual(v.diffs.map((d) => d.label), c.differences.map((d) => d.label), "a difference row per run other than fp32");
      for (const [i, d] of c.differences.entries()) {
        assert.equal(v.diffs[i].ratio, d.finalLossRatio);
        assert.equal(v.diffs[i].cells[1], String(d.skippedSteps));
      }
      // every run's overflow steps are marked on the shared scale chart, in its colour
      for (const [i, r] of c.runs.entries()) assert.deepEqual(v.markers.filter((m) => m.series === i).map((m) => m.step), r.overflow.map((o) => o.step), `markers of ${r.label}`);
      for (const [id, chart] of Object.entries(v.charts)) for (const r of c.runs) assert.ok(chart.label.includes(`${r.label}: ${r.steps} steps`), `${id} chart's text names ${r.label}`);
      await checkChartsDrawn(page, { loss: "blue", scale: "orange" });
      if (source === "vscode") await page.screenshot({ path: join(SHOTS, "pipeline-compare.png"), fullPage: true });
    });

    await test(`pipeline (${saved}): sweep(...) draws one row per configuration, the recommended one highlighted with why`, async () => {
      const s = expected.sweep;
      await render(item(CELL.sweep, MIME.sweep), MIME.sweep);
      const v = await page.evaluate(readPayloadView, "#p");
      assert.equal(v.error, null);
      assert.deepEqual(v.ranked.map((r) => r.label), s.ranked.map((e) => e.label), "one row per configuration, in rank order");
      for (const [i, e] of s.ranked.entries()) assert.equal(v.ranked[i].cells[0], e.rank === null ? "–" : String(e.rank));
      assert.ok(s.recommendation, "the sweep recommends something");
      assert.deepEqual(v.ranked.filter((r) => r.recommended).map((r) => r.label), [s.recommendation.label]);
      assert.ok(v.recommendation.includes(s.recommendation.reason), "the reason is shown");
      assert.deepEqual(v.legend, s.runs.map((r) => r.label), "every configuration's losses overlaid");
      if (source === "vscode") await page.screenshot({ path: join(SHOTS, "pipeline-sweep.png"), fullPage: true });
    });
  }

  await test("pipeline: the live output of `await train(...)` grows chunk by chunk in one chart", async () => {
    const live = read("live.json");
    assert.ok(live.length >= 5, `${live.length} live outputs`);
    await page.evaluate(() => document.getElementById("out").replaceChildren());
    let last;
    for (const [k, text] of live.entries()) {
      await render(text, MIME.live, "live", true);
      last = JSON.parse(text, revive);
      const v = await page.evaluate(readPayloadView, "#live");
      assert.equal(v.error, null, `live output ${k}: ${v.error}`);
      assert.match(v.summary, new RegExp(`^step ${last.step} of ${last.totalSteps}`));
      assert.deepEqual(v.markers.map((m) => m.step), last.overflowSteps, `live output ${k}: one marker per overflow step so far`);
      assert.ok(v.charts.loss.label.includes(`loss: ${last.losses.length} steps`), v.charts.loss.label);
    }
    assert.equal(await page.evaluate(() => document.querySelectorAll("#live .mpl-run").length), 1, "one view, updated in place");
    const px = await page.evaluate(chartPixels);
    assert.ok(px.loss.points > 0 && px.loss.points <= last.losses.length, `${px.loss.points} loss points`);
    await checkChartsDrawn(page, { loss: "blue", scale: "purple" });
    // the run's end: the RunResult replaces it (the controller drops the live output)
    assert.equal(last.step, expected.b.steps);
    assert.deepEqual(last.losses, expected.b.losses, "the live chart held every loss the run reported");
    await page.screenshot({ path: join(SHOTS, "pipeline-live.png"), fullPage: true });
  });

  await test("pipeline: every output of the four example notebooks draws", async () => {
    const items = read("items-examples.json");
    const kinds = { [MIME.run]: "mpl-run", [MIME.report]: "mpl-report", [MIME.comparison]: "mpl-compare", [MIME.sweep]: "mpl-sweep", [MIME.live]: "mpl-run" };
    assert.ok(items.length >= 8, `${items.length} outputs`);
    for (const it of items) {
      await render(it.text, it.mime, "ex");
      const v = await page.evaluate(readPayloadView, "#ex");
      assert.equal(v.error, null, `${it.example} cell ${it.cell + 1}: ${v.error}`);
      assert.ok(await page.evaluate((c) => !!document.querySelector(`#ex > .${c}`), kinds[it.mime]), `${it.example} cell ${it.cell + 1}: a ${kinds[it.mime]} view`);
    }
    const count = {};
    for (const i of items) count[i.mime.split(".").at(-1)] = (count[i.mime.split(".").at(-1)] ?? 0) + 1;
    console.log(`     (${items.length} outputs: ${Object.entries(count).map(([k, n]) => `${n} ${k}`).join(", ")})`);
  });

  await test("pipeline: a payload with a field dropped or renamed is refused, naming the field", async () => {
    const items = read("items-vscode.json");
    const text = (cell, mime) => items.find((x) => x.cell === cell && x.mime === mime).text;
    const cases = [
      [MIME.run, text(CELL.b, MIME.run), (o) => ((o.loss = o.losses), delete o.losses), /run result: losses: /],
      [MIME.run, text(CELL.b, MIME.run), (o) => delete o.layers[0].tensors.weightGrads.underflow, /layers\.0\.tensors\.weightGrads\.underflow: /],
      [MIME.report, text(CELL.report, MIME.report), (o) => delete o.tensors[0].underflow, /precision report: tensors\.0\.underflow: /],
      [MIME.report, text(CELL.report, MIME.report), (o) => ((o.finding = o.findings), delete o.findings), /precision report: findings: /],
      [MIME.comparison, text(CELL.comparison, MIME.comparison), (o) => ((o.diffs = o.differences), delete o.differences), /comparison: differences: /],
      [MIME.comparison, text(CELL.comparison, MIME.comparison), (o) => delete o.runs[1].series.scales, /comparison: runs\.1\.series\.scales: /],
      [MIME.sweep, text(CELL.sweep, MIME.sweep), (o) => ((o.ranking = o.ranked), delete o.ranked), /sweep result: ranked: /],
      [MIME.sweep, text(CELL.sweep, MIME.sweep), (o) => delete o.ranked[0].label, /sweep result: ranked\.0\.label: /],
      [MIME.run, text(CELL.fp8Run, MIME.run), (o) => delete o.fp8.tensors[0].scales, /run result: fp8\.tensors\.0\.scales: /],
      [MIME.live, read("live.json")[3], (o) => ((o.overflows = o.overflowSteps), delete o.overflowSteps), /live run: overflowSteps: /],
    ];
    for (const [mime, t, mutate, want] of cases) {
      const o = JSON.parse(t);
      mutate(o);
      await render(JSON.stringify(o), mime, "bad");
      const v = await page.evaluate(readPayloadView, "#bad");
      assert.match(v.error ?? "", /^Mixed Precision Lab could not draw this output: /);
      assert.match(v.error, want);
      assert.equal(v.rows.length + v.legend.length + v.ranked.length, 0, "nothing half-drawn");
      // the same item unmutated draws
      await render(t, mime, "good");
      assert.equal((await page.evaluate(readPayloadView, "#good")).error, null);
    }
  });

  for (const theme of ["vscode-light", "vscode-dark", "vscode-high-contrast"]) {
    await test(`pipeline: report, comparison and sweep fit a half-width editor in ${theme}, with text alternatives`, async () => {
      const items = read("items-vscode.json");
      await page.setViewportSize({ width: 520, height: 900 });
      await page.evaluate((t) => (document.body.className = t), theme);
      for (const [cell, mime, name] of [[CELL.report, MIME.report, "report"], [CELL.comparison, MIME.comparison, "compare"], [CELL.sweep, MIME.sweep, "sweep"], [CELL.b, MIME.run, "run"]]) {
        await render(items.find((x) => x.cell === cell && x.mime === mime).text, mime, "t");
        const fit = await page.evaluate(() => {
          const root = document.querySelector("#t > .mpl-root");
          const fg = getComputedStyle(document.body).getPropertyValue("--vscode-editor-foreground").trim();
          const probe = document.createElement("span");
          probe.style.color = fg;
          document.body.appendChild(probe);
          const want = getComputedStyle(probe).color;
          probe.remove();
          return {
            pageWidth: document.documentElement.scrollWidth, viewport: innerWidth,
            rootRight: root.getBoundingClientRect().right,
            // a table wider than its box scrolls inside it (nothing cut off, nothing off-page)
            tables: [...root.querySelectorAll(".mpl-table-wrap")].map((w) => ({ wide: w.scrollWidth > w.clientWidth + 1, overflowX: getComputedStyle(w).overflowX, right: w.getBoundingClientRect().right })),
            charts: [...root.querySelectorAll("[data-chart]")].map((c) => ({ role: c.getAttribute("role"), label: c.getAttribute("aria-label") })),
            tablesWithCaptionOrHeaders: [...root.querySelectorAll("table")].every((t) => t.querySelector("caption, thead th")),
            color: getComputedStyle(root).color, want,
          };
        });
        assert.ok(fit.pageWidth <= fit.viewport, `${name}: the page is ${fit.pageWidth}px wide in a ${fit.viewport}px editor`);
        for (const t of fit.tables) {
          assert.ok(t.right <= fit.viewport + 1, `${name}: a table box ends at ${t.right}px`);
          if (t.wide) assert.equal(t.overflowX, "auto", `${name}: a wide table scrolls`);
        }
        for (const c of fit.charts) assert.ok(c.role === "img" && /steps/.test(c.label ?? ""), `${name}: chart text alternative ${c.label}`);
        assert.ok(fit.tablesWithCaptionOrHeaders, `${name}: tables have headers`);
        assert.equal(fit.color, fit.want, `${name}: text in the theme's foreground`);
        // the last series drawn is on top (the sweep's three losses nearly coincide)
        if (name !== "run") await checkChartsDrawn(page, { report: {}, compare: { loss: "orange" }, sweep: { loss: "green" } }[name]);
        await page.screenshot({ path: join(SHOTS, `pipeline-${name}-${theme}-narrow.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1100, height: 900 });
    });
  }
  await page.evaluate(() => (document.body.className = "vscode-dark"));
  await page.close();
}
