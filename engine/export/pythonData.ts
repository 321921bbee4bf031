// Python text for the exported script: literals, and make_data() for each data spec,
// re-implementing our generators (engine/data/datasets.ts) with the same formulas
// on numpy's RNG (same workload, different numbers).
import type { DataSpec } from "../config/schema.js";

/** A JS value as a Python literal (numbers round-trip: JS prints the shortest exact decimal). */
export function py(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
    return Number.isInteger(v) && Math.abs(v) < 1e21 ? `${v}` : String(v);
  }
  if (typeof v === "string") return JSON.stringify(v); // JSON string escapes are valid Python
  if (Array.isArray(v)) return `[${v.map(py).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`).join(", ")}}`;
  throw new Error(`cannot write ${typeof v} as Python`);
}

/** A number as a Python float literal (torch.amp.GradScaler.update(new_scale) wants a float). */
export function pyFloat(v: number): string {
  const t = py(v);
  return Number.isFinite(v) && /^-?\d+$/.test(t) ? `${t}.0` : t;
}

/** Inline arrays larger than this are not embedded: the script asks for the data instead. */
const MAX_INLINE_VALUES = 200_000;

export function dataSection(d: DataSpec): string[] {
  switch (d.type) {
    case "teacher":
      return [
        "def make_data():",
        `    # "teacher": targets from a random tanh network on N(0,1) inputs (${d.samples} samples, seed ${d.seed})`,
        `    n, i, o, h = ${d.samples}, ${d.inputs}, ${d.outputs}, ${d.hidden}`,
        `    rng = np.random.default_rng(${d.seed})`,
        "    w1 = rng.standard_normal((h, i)) / math.sqrt(i)",
        "    w2 = rng.standard_normal((o, h)) / math.sqrt(h)",
        "    x = rng.standard_normal((n, i))",
        `    y = ${d.targetScale} * (np.tanh(x @ w1.T) @ w2.T + ${d.noise} * rng.standard_normal((n, o)))`,
        "    return x.astype(np.float32), y.astype(np.float32)",
      ];
    case "sine":
      return [
        "def make_data():",
        `    # "sine": y_j = amplitude * sin(frequency * sum(x) + j) + noise, x uniform in [-pi, pi] (seed ${d.seed})`,
        `    n, i, o = ${d.samples}, ${d.inputs}, ${d.outputs}`,
        `    rng = np.random.default_rng(${d.seed})`,
        "    x = rng.uniform(-math.pi, math.pi, (n, i))",
        "    s = x.sum(axis=1, keepdims=True)",
        `    y = ${d.amplitude} * np.sin(${d.frequency} * s + np.arange(o)) + ${d.noise} * rng.standard_normal((n, o))`,
        "    return x.astype(np.float32), y.astype(np.float32)",
      ];
    case "arrays": {
      const values = d.xs.length * ((d.xs[0]?.length ?? 0) + (d.ys[0]?.length ?? 0));
      if (d.xs.length && values <= MAX_INLINE_VALUES)
        return ["def make_data():", "    # the run's inline arrays", `    x = ${py(d.xs)}`, `    y = ${py(d.ys)}`, "    return np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)"];
      return [
        "def make_data():",
        "    # the run trained on inline arrays that were not kept with it (or are too large to embed): load them here",
        '    raise SystemExit("make_data(): load your inputs x [samples, inputs] and targets y [samples, outputs] here")',
      ];
    }
    case "csv":
      return [
        "def make_data():",
        `    # the CSV file the run read (header row; columns by name or 0-based index)`,
        "    import csv",
        `    with open(${py(d.path)}, newline="") as f:`,
        "        rows = list(csv.reader(f))",
        "    header, body = rows[0], rows[1:]",
        "    col = lambda c: c if isinstance(c, int) else header.index(c)",
        `    xi = [col(c) for c in ${py(d.inputs)}]`,
        `    yi = [col(c) for c in ${py(d.targets)}]`,
        "    x = np.array([[float(r[c]) for c in xi] for r in body], dtype=np.float32)",
        "    y = np.array([[float(r[c]) for c in yi] for r in body], dtype=np.float32)",
        "    return x, y",
      ];
  }
}
