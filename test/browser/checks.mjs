// DOM checks that run inside the page (passed to page.evaluate), and the expected
// values the tests compute from a fixture on their own (not with the views' code).

/** In the page: how many pixels of each chart's canvas are close to the colour of its series. */
export function chartPixels() {
  const rgb = (css) => {
    const probe = document.createElement("span");
    probe.style.color = css;
    document.body.appendChild(probe);
    const m = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g).map(Number);
    probe.remove();
    return m.slice(0, 3);
  };
  const out = {};
  for (const chart of document.querySelectorAll("[data-chart]")) {
    const canvas = chart.querySelector("canvas");
    if (!canvas) { out[chart.dataset.chart] = { canvas: false }; continue; }
    const ctx = canvas.getContext("2d");
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const colors = { blue: rgb("var(--vscode-charts-blue)"), purple: rgb("var(--vscode-charts-purple)"), green: rgb("var(--vscode-charts-green)"), orange: rgb("var(--vscode-charts-orange)") };
    const counts = {};
    let opaque = 0;
    for (const k of Object.keys(colors)) counts[k] = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 128) continue;
      opaque++;
      for (const [k, c] of Object.entries(colors))
        if (Math.abs(data[i] - c[0]) + Math.abs(data[i + 1] - c[1]) + Math.abs(data[i + 2] - c[2]) < 60) counts[k]++;
    }
    out[chart.dataset.chart] = { canvas: true, width: canvas.width, cssWidth: canvas.getBoundingClientRect().width, opaque, counts, points: Number(chart.dataset.points) };
  }
  return out;
}

/** In the page: everything the tests compare with the fixture. */
export function readView(rootSel) {
  const root = document.querySelector(rootSel);
  const cells = [...root.querySelectorAll(".mpl-precision-table tbody tr")].map((tr) => ({
    layer: Number(tr.dataset.layer),
    role: tr.dataset.role,
    fields: Object.fromEntries([...tr.querySelectorAll("td[data-field]")].map((td) => [td.dataset.field, { value: td.dataset.value, text: td.textContent, sev: td.className }])),
  }));
  const markers = [...root.querySelectorAll('[data-chart="scale"] .mpl-overflow-marker')].map((m) => ({
    step: Number(m.dataset.step), series: Number(m.dataset.series), box: m.getBoundingClientRect().toJSON(),
  }));
  const over = root.querySelector('[data-chart="scale"] .u-over')?.getBoundingClientRect().toJSON();
  return {
    summary: root.querySelector("[data-summary]")?.textContent ?? null,
    cells,
    markers,
    over,
    hists: [...root.querySelectorAll(".mpl-hist")].map((f) => ({ title: f.dataset.hist, bars: [...f.querySelectorAll(".mpl-hist-bar")].map((b) => [Number(b.dataset.exp), Number(b.dataset.count)]), ghost: !!f.querySelector(".mpl-hist-ghost"), lines: f.querySelectorAll(".mpl-hist-line").length })),
    memory: Object.fromEntries([...root.querySelectorAll("[data-mem]")].map((b) => [b.dataset.mem, Number(b.dataset.bytes)])),
    nonFinite: root.querySelector("[data-nonfinite-step]")?.dataset.nonfiniteStep ?? null,
    numbersRows: root.querySelectorAll(".mpl-numbers tbody tr").length,
    numbers: [...root.querySelectorAll(".mpl-numbers tbody tr")].map((tr) => [Number(tr.dataset.step), ...[...tr.querySelectorAll("td")].map((td) => td.textContent)]),
    chartLabels: Object.fromEntries([...root.querySelectorAll("[data-chart]")].map((c) => [c.dataset.chart, c.getAttribute("aria-label")])),
    cspViolations: window.cspViolations,
    pageErrors: window.pageErrors,
  };
}

// ---- expectations, from the fixture alone ------------------------------------------

const ROLE = { weights: "weights", activations: "activations", activationGrads: "activation gradients", weightGrads: "weight gradients" };
const pow2 = (s) => (Number.isInteger(Math.log2(s)) ? `2^${Math.log2(s)}` : null);
const pct = (f) => `${Number((f * 100).toPrecision(3))}%`;
/** The codec's tag ({"$nonFinite": "NaN" | "Infinity" | "-Infinity"}) back to a number, decoded here on its own. */
export const decode = (v) => (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "$nonFinite" in v ? Number(v.$nonFinite) : v);

/** The parts of the summary sentence, computed from the run. */
export function expectedSummaryParts(r) {
  const parts = [`${r.precision} on ${r.backend.name}`, `${r.skippedSteps} of ${r.steps} steps skipped`];
  if (r.status === "cancelled") parts.push(`cancelled after ${r.steps} of ${r.config.steps} steps`);
  const s = r.scales.map(decode);
  if (s.every((x) => x === 1)) parts.push("no loss scaling");
  else if (s[0] === s.at(-1)) parts.push(`scale ${pow2(s[0])} throughout`);
  else parts.push(`scale ${pow2(s[0])} -> ${pow2(s.at(-1))}`);
  let worst = null;
  for (const l of r.layers)
    for (const [role, t] of Object.entries(l.tensors))
      if (t.underflow > 0 && (!worst || t.underflow > worst.share)) worst = { share: t.underflow, text: `${pct(t.underflow)} of layer ${l.layer}'s ${ROLE[role]} underflowed` };
  parts.push(worst ? worst.text : "nothing underflowed");
  return parts;
}
