// sgdStep (PyTorch SGD): g' = g + wd·w; with MOMENTUM: buf = momentum·buf + g', w -= lr·buf;
// without: w -= lr·g' and buf is not touched (the host binds a dummy there). Does nothing when the step overflowed or the scaler halted (read from the GPU step
// state: no read-back). One invocation per word of w (w may be f32, f16 or bf16).
override DT_W: u32;
override MOMENTUM: bool;

struct Params { n: u32, lr: f32, momentum: f32, weightDecay: f32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read_write> w: array<u32>;
@group(0) @binding(3) var<storage, read> g32: array<f32>;
@group(0) @binding(4) var<storage, read_write> buf: array<f32>;

fn update(i: u32, wi: f32) -> f32 {
  var step = g32[i] + u.weightDecay * wi;
  if (MOMENTUM) {
    step = u.momentum * buf[i] + step;
    buf[i] = step;
  }
  return wi - u.lr * step;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  if (step_skipped()) { return; }
  let k = linear_id(g, nw, 64u);
  if (DT_W == DT_F32) {
    if (k < u.n) { w[k] = bitcast<u32>(update(k, bitcast<f32>(w[k]))); }
    return;
  }
  let i = 2u * k;
  if (i >= u.n) { return; }
  let word = w[k];
  var bits = encode16(DT_W, update(i, decode(DT_W, word, i)));
  if (i + 1u < u.n) { bits = bits | (encode16(DT_W, update(i + 1u, decode(DT_W, word, i + 1u))) << 16u); }
  w[k] = bits;
}
