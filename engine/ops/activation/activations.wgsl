// Shared prelude (not a kernel): activation functions and their derivatives in
// terms of the pre-activation x, as the CPU reference's math.ts (activation.ts: formulas).
// GELU is the tanh approximation (WGSL has no erf). It is evaluated through the identities
// 0.5(1 + tanh u) = sigmoid(2u) and 1 - tanh^2 u = 4 sigmoid(2u) sigmoid(-2u): the same
// function as the CPU's, without fp32 cancellation where tanh u is near -1 (x << 0).
// ACT codes: ACTIVATION_CODE of activation.ts (the wasm kernels use the same numbers)
const ACT_LINEAR: u32 = 0u;
const ACT_RELU: u32 = 1u;
const ACT_TANH: u32 = 2u;
const ACT_SIGMOID: u32 = 3u;
const ACT_GELU: u32 = 4u;
const GELU_C: f32 = 0.7978845608028654; // sqrt(2/pi)

// tanh that saturates instead of returning NaN for large |x| on some drivers.
fn safe_tanh(x: f32) -> f32 {
  if (abs(x) > 10.0) { return sign(x); }
  return tanh(x);
}

// exp(NaN) is not NaN on every driver (SwiftShader gives a number, and sigmoid 0): NaN in,
// NaN out, as on the CPU (found by the backend case with an Inf·0 sum)
fn sigmoid(x: f32) -> f32 {
  if ((bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u) { return x; }
  return 1.0 / (1.0 + exp(-x));
}

fn gelu_u(x: f32) -> f32 { return GELU_C * (x + 0.044715 * x * x * x); }

fn activate(act: u32, x: f32) -> f32 {
  switch act {
    case ACT_RELU: { return select(0.0, x, x > 0.0); }
    case ACT_GELU: { return x * sigmoid(2.0 * gelu_u(x)); }
    case ACT_TANH: { return safe_tanh(x); }
    case ACT_SIGMOID: { return sigmoid(x); }
    default: { return x; }
  }
}

fn activate_grad(act: u32, x: f32) -> f32 {
  switch act {
    case ACT_RELU: { return select(0.0, 1.0, x > 0.0); }
    case ACT_GELU: {
      let u = gelu_u(x);
      let s = sigmoid(2.0 * u);
      return s + 2.0 * x * s * sigmoid(-2.0 * u) * GELU_C * (1.0 + 3.0 * 0.044715 * x * x);
    }
    case ACT_TANH: { let t = safe_tanh(x); return 1.0 - t * t; }
    case ACT_SIGMOID: { let s = sigmoid(x); return s * (1.0 - s); }
    default: { return 1.0; }
  }
}
