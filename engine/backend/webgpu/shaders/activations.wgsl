// Shared prelude (not a kernel): activation functions and their derivatives in
// terms of the pre-activation x, as engine/backend/cpu/activations.ts.
// GELU is the tanh approximation (WGSL has no erf).
const ACT_RELU: u32 = 0u;
const ACT_GELU: u32 = 1u;
const ACT_TANH: u32 = 2u;
const ACT_SIGMOID: u32 = 3u;
const ACT_LINEAR: u32 = 4u;
const GELU_C: f32 = 0.7978845608028654; // sqrt(2/pi)

// tanh that saturates instead of returning NaN for large |x| on some drivers.
fn safe_tanh(x: f32) -> f32 {
  if (abs(x) > 10.0) { return sign(x); }
  return tanh(x);
}

fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }

fn activate(act: u32, x: f32) -> f32 {
  switch act {
    case 0u: { return select(0.0, x, x > 0.0); }
    case 1u: { return 0.5 * x * (1.0 + safe_tanh(GELU_C * (x + 0.044715 * x * x * x))); }
    case 2u: { return safe_tanh(x); }
    case 3u: { return sigmoid(x); }
    default: { return x; }
  }
}

fn activate_grad(act: u32, x: f32) -> f32 {
  switch act {
    case 0u: { return select(0.0, 1.0, x > 0.0); }
    case 1u: {
      let t = safe_tanh(GELU_C * (x + 0.044715 * x * x * x));
      return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * 0.044715 * x * x);
    }
    case 2u: { let t = safe_tanh(x); return 1.0 - t * t; }
    case 3u: { let s = sigmoid(x); return s * (1.0 - s); }
    default: { return 1.0; }
  }
}
