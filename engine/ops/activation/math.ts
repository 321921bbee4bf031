// The activations and their derivatives in terms of the pre-activation x, in fp64: the
// CPU reference's functions (activation.ts has the formulas and why GELU is the tanh form).
import type { Activation } from "./activation.js";

const GELU_C = Math.sqrt(2 / Math.PI);

export function activate(act: Activation, x: number): number {
  switch (act) {
    case "relu": return x > 0 ? x : 0;
    case "tanh": return Math.tanh(x);
    case "sigmoid": return 1 / (1 + Math.exp(-x));
    case "gelu": return 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x * x * x)));
    case "linear": return x;
  }
}

export function activateGrad(act: Activation, x: number): number {
  switch (act) {
    case "relu": return x > 0 ? 1 : 0;
    case "tanh": { const t = Math.tanh(x); return 1 - t * t; }
    case "sigmoid": { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); }
    case "gelu": {
      const u = GELU_C * (x + 0.044715 * x * x * x);
      const t = Math.tanh(u);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
    }
    case "linear": return 1;
  }
}
