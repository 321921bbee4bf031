// An independent fp64 MLP (forward, MSE and analytic gradients by hand) used as
// the reference in tests. Deliberately shares no code with the engine.
export type Act = "relu" | "gelu" | "tanh" | "sigmoid" | "linear";

const C = Math.sqrt(2 / Math.PI);
export function act64(a: Act, x: number): number {
  if (a === "relu") return Math.max(0, x);
  if (a === "tanh") return Math.tanh(x);
  if (a === "sigmoid") return 1 / (1 + Math.exp(-x));
  if (a === "gelu") return 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x ** 3)));
  return x;
}

export interface Layer64 { w: number[]; b: number[]; inputs: number; outputs: number; act: Act }

/** rows of x -> outputs, all in fp64 */
export function forward64(layers: Layer64[], xs: number[][]): number[][] {
  return xs.map((row) => {
    let a = row;
    for (const L of layers) {
      const z = Array.from({ length: L.outputs }, (_, j) => L.b[j] + a.reduce((s, v, k) => s + v * L.w[j * L.inputs + k], 0));
      a = z.map((v) => act64(L.act, v));
    }
    return a;
  });
}

export function mse64(layers: Layer64[], xs: number[][], ys: number[][]): number {
  const out = forward64(layers, xs);
  let s = 0, n = 0;
  out.forEach((r, i) => r.forEach((v, j) => { s += (v - ys[i][j]) ** 2; n++; }));
  return s / n;
}

/** central finite differences of the fp64 loss with respect to every weight and bias */
export function fdGrads(layers: Layer64[], xs: number[][], ys: number[][], h = 1e-6): { w: number[]; b: number[] }[] {
  return layers.map((L) => {
    const g = (arr: number[]) => arr.map((_, i) => {
      const old = arr[i];
      arr[i] = old + h; const up = mse64(layers, xs, ys);
      arr[i] = old - h; const dn = mse64(layers, xs, ys);
      arr[i] = old;
      return (up - dn) / (2 * h);
    });
    return { w: g(L.w), b: g(L.b) };
  });
}
