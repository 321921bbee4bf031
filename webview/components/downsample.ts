// Downsampling of long series for the charts: per bucket of steps, keep the
// minimum and the maximum (in step order), so spikes and overflow dips survive
// while a 100,000-step run draws about as many points as the chart has pixels.

export interface Series {
  x: number[];
  y: (number | null)[];
}

/**
 * `ys[i]` belongs to step `i`. Non-finite values (and, with `positiveOnly`, values
 * <= 0, which a log axis cannot show) become gaps. At most `maxPoints` points come back
 * (two per bucket); short series come back whole.
 */
export function downsampleMinMax(ys: ArrayLike<number>, maxPoints: number, positiveOnly = false): Series {
  const n = ys.length;
  const ok = (v: number) => Number.isFinite(v) && (!positiveOnly || v > 0);
  const x: number[] = [];
  const y: (number | null)[] = [];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) {
      x.push(i);
      y.push(ok(ys[i]) ? ys[i] : null);
    }
    return { x, y };
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor(b * size);
    const hi = Math.min(n, Math.floor((b + 1) * size));
    let iMin = -1, iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = ys[i];
      if (!ok(v)) continue;
      if (iMin < 0 || v < ys[iMin]) iMin = i;
      if (iMax < 0 || v > ys[iMax]) iMax = i;
    }
    if (iMin < 0) {
      // the whole bucket is a gap: keep one null so the line breaks here
      x.push(lo);
      y.push(null);
    } else if (iMin === iMax) {
      x.push(iMin);
      y.push(ys[iMin]);
    } else {
      const [a, c] = iMin < iMax ? [iMin, iMax] : [iMax, iMin];
      x.push(a, c);
      y.push(ys[a], ys[c]);
    }
  }
  return { x, y };
}

/** Steps of a table for people who cannot see the charts: every k-th step, plus marked ones. */
export function tableSteps(n: number, maxRows: number, always: readonly number[] = []): number[] {
  const k = Math.max(1, Math.ceil(n / maxRows));
  const set = new Set<number>();
  for (let i = 0; i < n; i += k) set.add(i);
  if (n > 0) set.add(n - 1);
  for (const s of always) if (s >= 0 && s < n && set.size < maxRows * 2) set.add(s);
  return [...set].sort((a, b) => a - b);
}
