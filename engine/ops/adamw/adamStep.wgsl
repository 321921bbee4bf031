// adamStep (AdamW): w *= 1 - lr·wd; m = b1·m + (1-b1)·g; v = b2·v + (1-b2)·g²;
// w -= lr · (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps), t = applied steps + 1,
// read from the GPU step state. Skipped when the step overflowed or the scaler halted.
// w is updated in place (main: elementwise.wgsl).
override DT_OUT: u32;

struct Params { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read_write> out: array<u32>; // w
@group(0) @binding(3) var<storage, read> g32: array<f32>;
@group(0) @binding(4) var<storage, read_write> m: array<f32>;
@group(0) @binding(5) var<storage, read_write> v: array<f32>;

var<private> c1: f32;
var<private> c2: f32;

fn count() -> u32 { return u.n; }

// also the bias corrections, once per invocation
fn runs() -> bool {
  if (step_skipped()) { return false; }
  let t = f32(st.applied + 1u);
  c1 = 1.0 - pow(u.beta1, t);
  c2 = 1.0 - pow(u.beta2, t);
  return true;
}

fn value(i: u32) -> f32 {
  let w0 = decode(DT_OUT, out[word_of(DT_OUT, i)], i);
  let gi = g32[i];
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * gi;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * gi * gi;
  m[i] = mi;
  v[i] = vi;
  let wi = w0 * (1.0 - u.lr * u.weightDecay);
  return wi - (u.lr * (mi / c1)) / (sqrt(vi / c2) + u.eps);
}
