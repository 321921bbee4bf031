// sgdStep (PyTorch SGD): g' = g + wd·w; with MOMENTUM: buf = momentum·buf + g', w -= lr·buf;
// without: w -= lr·g' and buf is not touched (the host binds a dummy there). Does
// nothing when the step overflowed or the scaler halted (read from the GPU step state:
// no read-back). w (f32, f16 or bf16) is updated in place (main: elementwise.wgsl).
override DT_OUT: u32;
override MOMENTUM: bool;

struct Params { n: u32, lr: f32, momentum: f32, weightDecay: f32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read_write> out: array<u32>; // w
@group(0) @binding(3) var<storage, read> g32: array<f32>;
@group(0) @binding(4) var<storage, read_write> buf: array<f32>;

fn count() -> u32 { return u.n; }
fn runs() -> bool { return !step_skipped(); }

fn value(i: u32) -> f32 {
  let wi = decode(DT_OUT, out[word_of(DT_OUT, i)], i);
  var step = g32[i] + u.weightDecay * wi;
  if (MOMENTUM) {
    step = u.momentum * buf[i] + step;
    buf[i] = step;
  }
  return wi - u.lr * step;
}
