// One time series (loss, loss scale or gradient norm against the step) drawn with
// uPlot. The full series stays here; the chart gets a min/max-downsampled copy sized
// to its width, so 100,000 steps draw as fast as 1,000. Overflow steps can be marked
// with one SVG marker each on top of the canvas.
import uPlot from "uplot";
import { h, svg } from "./dom.js";
import { downsampleMinMax } from "./downsample.js";
import { onThemeChange, themeColor, themeFont, type ThemeColor } from "./theme.js";

export interface TimeChartOptions {
  /** "loss", "scale", "gradNorm": becomes data-chart, for tests and styling */
  id: string;
  title: string;
  /** log axis base; values <= 0 become gaps */
  log?: 2 | 10;
  formatY: (v: number) => string;
  /** mark overflow steps on this chart */
  markOverflows?: boolean;
  height?: number;
}

export interface ChartSeries {
  label: string;
  color: ThemeColor;
  /** value of step i at index i */
  values: ArrayLike<number>;
  /** steps to mark (overflow steps), when the chart marks them */
  overflowSteps?: readonly number[];
}

/** More markers than this are merged per pixel column (each merged marker says how many). */
const MAX_MARKERS = 2000;

export class TimeChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private series: ChartSeries[] = [];
  private totalSteps = 0;
  private markers: SVGSVGElement | null = null;
  private readonly resize: ResizeObserver;
  private readonly unTheme: () => void;
  private readonly body: HTMLElement;
  private lastWidth = 0;

  constructor(parent: HTMLElement, private readonly opts: TimeChartOptions) {
    this.body = h("div");
    this.element = h("div", { class: "mpl-chart", attrs: { "data-chart": opts.id, role: "img", "aria-label": opts.title } }, [
      h("div", { class: "mpl-chart-title", text: opts.title }),
      this.body,
    ]);
    parent.appendChild(this.element);
    this.resize = new ResizeObserver(() => {
      const w = this.width();
      if (w !== this.lastWidth) this.redraw();
    });
    this.resize.observe(this.element);
    this.unTheme = onThemeChange(() => this.rebuild());
  }

  /** Replaces the series; `totalSteps` fixes the x range (a live run's planned length). */
  setData(series: ChartSeries[], totalSteps = 0): void {
    if (series.length !== this.series.length) {
      this.plot?.destroy();
      this.plot = null;
    }
    this.series = series;
    this.totalSteps = Math.max(totalSteps, ...series.map((s) => s.values.length));
    this.element.setAttribute("aria-label", `${this.opts.title}: ${series.map((s) => describe(s, this.opts.formatY)).join("; ")}`);
    this.redraw();
  }

  destroy(): void {
    this.resize.disconnect();
    this.unTheme();
    this.plot?.destroy();
    this.plot = null;
  }

  private width(): number {
    return Math.max(200, Math.floor(this.element.clientWidth || 600));
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    this.redraw();
  }

  private redraw(): void {
    const width = this.width();
    this.lastWidth = width;
    const parts = this.series.map((sr) => downsampleMinMax(sr.values, width * 2, this.opts.log !== undefined));
    const hasData = parts.some((s) => s.y.some((v) => v !== null));
    if (!hasData) {
      this.plot?.destroy();
      this.plot = null;
      const any = this.series.some((s) => s.values.length > 0);
      this.body.replaceChildren(h("div", { class: "mpl-chart-empty", text: any ? "no finite values to draw" : "no steps yet" }));
      return;
    }
    // several runs have different downsampled steps: align them on one x (gaps elsewhere)
    const data: uPlot.AlignedData =
      parts.length === 1 ? [parts[0].x, parts[0].y] : uPlot.join(parts.map((s) => [s.x, s.y] as uPlot.AlignedData));
    this.element.dataset.points = String(data[0].length);
    if (!this.plot) {
      this.body.replaceChildren();
      this.plot = new uPlot(this.options(width), data, this.body);
    } else {
      this.plot.setData(data);
      if (this.plot.width !== width) this.plot.setSize({ width, height: this.opts.height ?? 150 });
    }
  }

  private options(width: number): uPlot.Options {
    const el = this.element;
    const fg = themeColor(el, "foreground");
    const grid = themeColor(el, "grid");
    const font = themeFont(el);
    const axis = (values: uPlot.Axis["values"]): uPlot.Axis => ({
      stroke: fg, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, values,
    });
    const fmt = this.opts.formatY;
    return {
      width,
      height: this.opts.height ?? 150,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, range: (_u, min, max) => [0, Math.max(max, this.totalSteps - 1, min + 1)] },
        y: this.opts.log ? { distr: 3, log: this.opts.log } : { auto: true },
      },
      axes: [
        axis((_u, splits) => splits.map((v) => (v >= 1000 ? `${v / 1000}k` : String(v)))),
        { ...axis((_u, splits) => splits.map((v) => (v === null ? "" : fmt(v)))), size: 56, ...(this.opts.log ? { splits: logSplits(this.opts.log), filter: (_u, splits) => splits } : {}) },
      ],
      series: [
        {},
        ...this.series.map((sr) => ({ label: sr.label, stroke: themeColor(el, sr.color), width: 1.25, points: { show: false }, spanGaps: false })),
      ],
      hooks: {
        draw: [(u) => this.placeMarkers(u)],
        setCursor: [(u) => this.readout(u)],
      },
    };
  }

  /** One marker per overflow step, at the step and its value (merged per pixel column beyond MAX_MARKERS). */
  private placeMarkers(u: uPlot): void {
    if (!this.opts.markOverflows) return;
    if (!this.markers) {
      this.markers = svg("svg", { class: "mpl-markers", "aria-hidden": "true" });
    }
    if (this.markers.parentNode !== u.over) u.over.appendChild(this.markers);
    const g = svg("g");
    let merged = false;
    this.series.forEach((sr, si) => (merged = this.seriesMarkers(u, g, sr, si) || merged));
    this.markers.replaceChildren(g);
    this.element.dataset.markers = String(g.childElementCount);
    this.element.dataset.markersMerged = merged ? "true" : "false";
  }

  /** Appends one series' markers to `g`; true when they had to be merged per pixel column. */
  private seriesMarkers(u: uPlot, g: SVGGElement, sr: ChartSeries, si: number): boolean {
    const steps = sr.overflowSteps ?? [];
    const merge = steps.length > MAX_MARKERS;
    const seen = new Map<number, SVGPathElement>();
    for (const step of steps) {
      const x = u.valToPos(step, "x");
      const v = sr.values[step];
      const y = Number.isFinite(v) && (!this.opts.log || v > 0) ? u.valToPos(v, "y") : u.over.clientHeight - 4;
      const col = Math.round(x);
      const prev = merge ? seen.get(col) : undefined;
      if (prev) {
        prev.dataset.count = String(Number(prev.dataset.count) + 1);
        continue;
      }
      // a small downward triangle whose tip sits on the value
      const m = svg("path", { class: "mpl-overflow-marker", d: `M${x - 4},${y - 8}L${x + 4},${y - 8}L${x},${y}Z` });
      m.dataset.step = String(step);
      m.dataset.series = String(si);
      m.dataset.count = "1";
      if (this.series.length > 1) m.style.fill = themeColor(this.element, sr.color);
      g.appendChild(m);
      if (merge) seen.set(col, m);
    }
    return merge;
  }

  private readoutEl: HTMLElement | null = null;
  private readout(u: uPlot): void {
    const i = u.cursor.idx;
    if (!this.readoutEl) {
      this.readoutEl = h("div", { class: "mpl-readout", attrs: { "aria-live": "off" } });
      this.element.appendChild(this.readoutEl);
    }
    if (i === null || i === undefined) {
      this.readoutEl.textContent = "";
      return;
    }
    const step = u.data[0][i];
    const vals = this.series.map((sr, k) => {
      const v = u.data[k + 1][i];
      const text = v === null || v === undefined ? "–" : this.opts.formatY(v);
      return this.series.length > 1 ? `${sr.label} ${text}` : text;
    });
    this.readoutEl.textContent = `step ${step}: ${vals.join(", ")}`;
  }
}

/** Log axes: grid lines and labels at whole powers only, at most about six of them. */
function logSplits(base: number): uPlot.Axis.Splits {
  return (_u, _axis, min, max) => {
    const lo = Math.ceil(Math.log(min) / Math.log(base) - 1e-9);
    const hi = Math.floor(Math.log(max) / Math.log(base) + 1e-9);
    const every = Math.max(1, Math.ceil((hi - lo + 1) / 6));
    const out: number[] = [];
    for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) out.push(base === 10 ? Number(`1e${e}`) : base ** e); // 10 ** -6 is not exactly 1e-6
    return out.length ? out : [min, max];
  };
}

/** What a screen reader hears for a series: its length, first and last values, overflow count. */
function describe(s: ChartSeries, fmt: (v: number) => string): string {
  const n = s.values.length;
  if (!n) return `${s.label}: no steps yet`;
  const v = (i: number) => (Number.isFinite(s.values[i]) ? fmt(s.values[i]) : "not finite");
  const o = s.overflowSteps?.length ? `, ${s.overflowSteps.length} overflow steps marked` : "";
  return `${s.label}: ${n} steps, from ${v(0)} to ${v(n - 1)}${o}`;
}
