// Python text for the exported script: the parts that make its data, its
// batch order and its initial weights the run's own, number for number: our mulberry32,
// normal and Fisher-Yates (engine/data/rng.ts), the teacher and sine generators
// (engine/data/datasets.ts), BatchOrder (engine/train/batches.ts) and the MLP init
// (engine/model/mlp.ts), each ported line by line (the same fp64 operations in the same
// order, fp32 where ours stores to a Float32Array). Inline arrays are embedded up to
// MAX_INLINE_VALUES; beyond that they go to a data file beside the script. Every value
// enters through pythonLiteral.ts.
import type { DataSpec, MlpSpec } from "../config/schema.js";
import { py, pyFloat, pyInt, pyStr } from "./pythonLiteral.js";

// the encoder's functions, for the sections that import them from here
export { py, pyFloat } from "./pythonLiteral.js";

/** Inline arrays with more values than this go to a data file beside the script. */
export const MAX_INLINE_VALUES = 200_000;

/** The data file of a script whose inline arrays are too large to embed. */
export const DATA_FILE_SUFFIX = ".data.json";

export function arraysValues(d: Extract<DataSpec, { type: "arrays" }>): number {
  return d.xs.length * ((d.xs[0]?.length ?? 0) + (d.ys[0]?.length ?? 0));
}

/** engine/data/rng.ts in Python: mulberry32 on uint32 (JS's int32 ops agree on the low 32 bits). */
export const rngSection: string[] = [
  "# ---- our seeded RNG (engine/data/rng.ts), exactly: uint32 arithmetic, the same doubles",
  "M32 = 0xFFFFFFFF",
  "",
  "",
  "def mulberry32(seed):",
  "    a = seed & M32",
  "",
  "    def rng():",
  "        nonlocal a",
  "        a = (a + 0x6D2B79F5) & M32",
  "        t = a",
  "        t = ((t ^ (t >> 15)) * (t | 1)) & M32",
  "        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32",
  "        return ((t ^ (t >> 14)) & M32) / 4294967296.0",
  "    return rng",
  "",
  "",
  "def normal(rng):",
  "    u = 1 - rng()",
  "    return math.sqrt(-2 * math.log(u)) * math.cos(2 * math.pi * rng())",
  "",
  "",
  "def permutation(n, rng):",
  "    p = list(range(n))",
  "    for i in range(n - 1, 0, -1):",
  "        j = math.floor(rng() * (i + 1))",
  "        p[i], p[j] = p[j], p[i]",
  "    return p",
  "",
  "",
  "def f32(v):",
  "    return float(np.float32(v))",
  "",
  "",
  "class BatchOrder:",
  "    # engine/train/batches.ts: the next rows of a seeded shuffle, a new shuffle each epoch",
  "    def __init__(self, samples, seed):",
  "        self.samples, self.rng = samples, mulberry32((seed & M32) ^ 0x5EED)",
  "        self.perm, self.pos = permutation(samples, self.rng), 0",
  "",
  "    def next(self, count):",
  "        out = []",
  "        for _ in range(count):",
  "            if self.pos == self.samples:",
  "                self.perm, self.pos = permutation(self.samples, self.rng), 0",
  "            out.append(self.perm[self.pos])",
  "            self.pos += 1",
  "        return out",
];

/** init_weights(): the run's initial weights (given in its config, or our seeded init). */
export function initSection(model: MlpSpec, shapes: { inputs: number; outputs: number }[]): string[] {
  if (model.weights) {
    return [
      "def init_weights():",
      "    # the run's initial weights, as given in its config: [(weight [outputs * inputs], bias [outputs])]",
      `    return ${py(model.weights.map((l) => [l.weight, l.bias]), "model.weights")}`,
    ];
  }
  return [
    "def init_weights():",
    "    # engine/model/mlp.ts: uniform in +-1/sqrt(fan_in) from mulberry32(model.seed), weight then bias a layer, fp32",
    `    rng = mulberry32(${pyInt(model.seed, "model.seed")})`,
    "    out = []",
    `    for inputs, outputs in ${py(shapes.map((s) => [s.inputs, s.outputs]), "the layer shapes")}:`,
    "        bound = 1 / math.sqrt(inputs)",
    "        w = [f32((rng() * 2 - 1) * bound) for _ in range(outputs * inputs)]",
    "        b = [f32((rng() * 2 - 1) * bound) for _ in range(outputs)]",
    "        out.append((w, b))",
    "    return out",
  ];
}

/** make_data(): x [samples, inputs] and y [samples, outputs] as fp32 numpy arrays. */
export function dataSection(d: DataSpec, dataFile: string | null): string[] {
  switch (d.type) {
    case "teacher":
      return [
        "def make_data():",
        `    # "teacher" (engine/data/datasets.ts): targets from a random tanh network on N(0,1) inputs`,
        `    n_, i_, o_, h_ = ${pyInt(d.samples, "data.samples")}, ${pyInt(d.inputs, "data.inputs")}, ${pyInt(d.outputs, "data.outputs")}, ${pyInt(d.hidden, "data.hidden")}`,
        `    noise, target_scale = ${pyFloat(d.noise, "data.noise")}, ${pyFloat(d.targetScale, "data.targetScale")}`,
        `    rng = mulberry32(${pyInt(d.seed, "data.seed")})`,
        "    w1 = [normal(rng) / math.sqrt(i_) for _ in range(h_ * i_)]",
        "    w2 = [normal(rng) / math.sqrt(h_) for _ in range(o_ * h_)]",
        "    x = np.zeros((n_, i_), dtype=np.float32)",
        "    y = np.zeros((n_, o_), dtype=np.float32)",
        "    for n in range(n_):",
        "        xr = [f32(normal(rng)) for _ in range(i_)]  # stored in fp32, read back in fp32",
        "        x[n] = xr",
        "        h = []",
        "        for j in range(h_):",
        "            a = 0.0",
        "            for i in range(i_):",
        "                a += w1[j * i_ + i] * xr[i]",
        "            h.append(math.tanh(a))",
        "        for o in range(o_):",
        "            a = 0.0",
        "            for j in range(h_):",
        "                a += w2[o * h_ + j] * h[j]",
        "            y[n, o] = target_scale * (a + noise * normal(rng))",
        "    return x, y",
      ];
    case "sine":
      return [
        "def make_data():",
        `    # "sine" (engine/data/datasets.ts): y_j = amplitude * sin(frequency * sum(x) + j) + noise, x uniform in [-pi, pi)`,
        `    n_, i_, o_ = ${pyInt(d.samples, "data.samples")}, ${pyInt(d.inputs, "data.inputs")}, ${pyInt(d.outputs, "data.outputs")}`,
        `    amplitude, frequency, noise = ${pyFloat(d.amplitude, "data.amplitude")}, ${pyFloat(d.frequency, "data.frequency")}, ${pyFloat(d.noise, "data.noise")}`,
        `    rng = mulberry32(${pyInt(d.seed, "data.seed")})`,
        "    x = np.zeros((n_, i_), dtype=np.float32)",
        "    y = np.zeros((n_, o_), dtype=np.float32)",
        "    for n in range(n_):",
        "        s = 0.0",
        "        for i in range(i_):",
        "            v = (rng() * 2 - 1) * math.pi",
        "            x[n, i] = v",
        "            s += v  # the sum of the fp64 values (not of the stored fp32 ones), as ours",
        "        for o in range(o_):",
        "            y[n, o] = amplitude * math.sin(frequency * s + o) + noise * normal(rng)",
        "    return x, y",
      ];
    case "arrays": {
      if (dataFile !== null) {
        return [
          "def make_data():",
          '    # the run\'s inline arrays, too many to embed: the file named below, beside this script ({"xs": [...], "ys": [...]})',
          `    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), ${pyStr(dataFile, "the data file's name")})`,
          "    if not os.path.exists(path):",
          '        raise SystemExit(f"make_data(): {path} is missing: save it beside this script (Export to PyTorch writes it)")',
          "    with open(path) as f:",
          "        d = json.load(f)",
          '    return np.asarray(d["xs"], dtype=np.float32), np.asarray(d["ys"], dtype=np.float32)',
        ];
      }
      if (d.xs.length) {
        return ["def make_data():", "    # the run's inline arrays", `    x = ${py(d.xs, "data.xs")}`, `    y = ${py(d.ys, "data.ys")}`, "    return np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float32)"];
      }
      return [
        "def make_data():",
        "    # the run trained on inline arrays too large to keep with its result: load them here",
        '    raise SystemExit("make_data(): load your inputs x [samples, inputs] and targets y [samples, outputs] here")',
      ];
    }
    case "csv":
      return [
        "def make_data():",
        `    # the CSV file the run read (header row; columns by name or 0-based index)`,
        "    import csv",
        `    with open(${pyStr(d.path, "data.path")}, newline="") as f:`,
        "        rows = [[c.strip() for c in r] for r in csv.reader(f) if any(c.strip() for c in r)]",
        "    header, body = rows[0], rows[1:]",
        "    col = lambda c: c if isinstance(c, int) else header.index(c)",
        `    xi = [col(c) for c in ${py(d.inputs, "data.inputs")}]`,
        `    yi = [col(c) for c in ${py(d.targets, "data.targets")}]`,
        "    x = np.array([[float(r[c]) for c in xi] for r in body], dtype=np.float32)",
        "    y = np.array([[float(r[c]) for c in yi] for r in body], dtype=np.float32)",
        "    return x, y",
      ];
  }
}
