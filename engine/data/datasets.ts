// Datasets: spec constructors for cells (plain data) and their materialisation
// into row-major fp32 arrays. Generation is seeded and deterministic.
import { dataSpecSchema, type DataSpec, type DataSpecInput } from "../config/schema.js";
import { parseSpec } from "../config/validate.js";
import { mulberry32, normal } from "./rng.js";

export interface Dataset {
  inputs: number;
  outputs: number;
  samples: number;
  /** [samples, inputs] */
  x: Float32Array;
  /** [samples, outputs] */
  y: Float32Array;
  /** column names where the source has them (a CSV header) */
  names?: { inputs: string[]; targets: string[] };
}

type Without<T, K extends string> = T extends unknown ? Omit<T, K> : never;
type Opts<K extends DataSpec["type"]> = Without<Extract<DataSpecInput, { type: K }>, "type">;

export const datasets = {
  /** Targets from a random teacher network (tanh hidden layer) on N(0,1) inputs. */
  teacher: (o: Opts<"teacher">) => parseSpec(dataSpecSchema, { type: "teacher", ...o }, "data"),
  /** y_j = amplitude · sin(frequency · sum(x) + j), x uniform in [-π, π]. */
  sine: (o: Opts<"sine">) => parseSpec(dataSpecSchema, { type: "sine", ...o }, "data"),
  fromArrays: (xs: number[][], ys: number[][], o: Omit<Opts<"arrays">, "xs" | "ys"> = {}) => parseSpec(dataSpecSchema, { type: "arrays", xs, ys, ...o }, "data"),
  /** A CSV file with a header row (Node only): columns by name or index. */
  csv: (path: string, o: Omit<Opts<"csv">, "path">) => parseSpec(dataSpecSchema, { type: "csv", path, ...o }, "data"),
};

function teacher(spec: Extract<DataSpec, { type: "teacher" }>): Dataset {
  const { inputs: I, outputs: O, samples: N, hidden: H } = spec;
  const rng = mulberry32(spec.seed);
  const w1 = Float64Array.from({ length: H * I }, () => normal(rng) / Math.sqrt(I));
  const w2 = Float64Array.from({ length: O * H }, () => normal(rng) / Math.sqrt(H));
  const x = new Float32Array(N * I), y = new Float32Array(N * O), h = new Float64Array(H);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < I; i++) x[n * I + i] = normal(rng);
    for (let j = 0; j < H; j++) {
      let a = 0;
      for (let i = 0; i < I; i++) a += w1[j * I + i] * x[n * I + i];
      h[j] = Math.tanh(a);
    }
    for (let o = 0; o < O; o++) {
      let a = 0;
      for (let j = 0; j < H; j++) a += w2[o * H + j] * h[j];
      y[n * O + o] = spec.targetScale * (a + spec.noise * normal(rng));
    }
  }
  return { inputs: I, outputs: O, samples: N, x, y };
}

function sine(spec: Extract<DataSpec, { type: "sine" }>): Dataset {
  const { inputs: I, outputs: O, samples: N } = spec;
  const rng = mulberry32(spec.seed);
  const x = new Float32Array(N * I), y = new Float32Array(N * O);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let i = 0; i < I; i++) s += x[n * I + i] = (rng() * 2 - 1) * Math.PI;
    for (let o = 0; o < O; o++) y[n * O + o] = spec.amplitude * Math.sin(spec.frequency * s + o) + spec.noise * normal(rng);
  }
  return { inputs: I, outputs: O, samples: N, x, y };
}

/** Rows of numbers -> a Dataset; every row width and value is checked. */
export function fromRows(xs: number[][], ys: number[][], where = "data"): Dataset {
  if (xs.length !== ys.length) throw new Error(`${where}: xs has ${xs.length} rows but ys has ${ys.length}`);
  const I = xs[0].length, O = ys[0].length, N = xs.length;
  if (I === 0 || O === 0) throw new Error(`${where}: rows must not be empty`);
  const x = new Float32Array(N * I), y = new Float32Array(N * O);
  const fill = (rows: number[][], out: Float32Array, width: number, name: string) => {
    rows.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== width) throw new Error(`${where}.${name}[${r}] has ${Array.isArray(row) ? row.length : "no"} values, expected ${width} (the width of row 0)`);
      row.forEach((v, c) => {
        if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${where}.${name}[${r}][${c}] is ${v}: data must be finite numbers`);
        if (!Number.isFinite(Math.fround(v))) throw new Error(`${where}.${name}[${r}][${c}] (row ${r}, column ${c}) is ${v}: beyond fp32's range (±3.4028e38); data is stored in fp32, where it would be Inf`);
        out[r * width + c] = v;
      });
    });
  };
  fill(xs, x, I, "xs");
  fill(ys, y, O, "ys");
  return { inputs: I, outputs: O, samples: N, x, y };
}

/** Builds the arrays of a data spec. CSV files are read with Node's fs (not in a webview). */
export async function materialize(spec: DataSpec): Promise<Dataset> {
  switch (spec.type) {
    case "teacher": return teacher(spec);
    case "sine": return sine(spec);
    case "arrays": return fromRows(spec.xs, spec.ys);
    case "csv": {
      const { readCsv } = await import("./csv.js");
      return readCsv(spec);
    }
  }
}
