// activationBackward: dx = dout * act'(x), elementwise (x is the pre-activation);
// the product is in fp32 and rounded once to DT_DX. One invocation per output word.
override DT_DOUT: u32;
override DT_X: u32;
override DT_DX: u32;
override ACT: u32;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> dout: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<u32>;

fn value(i: u32) -> f32 {
  let gv = decode(DT_DOUT, dout[word_of(DT_DOUT, i)], i);
  return gv * activate_grad(ACT, decode(DT_X, x[word_of(DT_X, i)], i));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let w = linear_id(g, nw, 64u);
  if (DT_DX == DT_F32) {
    if (w < u.n) { dx[w] = bitcast<u32>(value(w)); }
    return;
  }
  let i = 2u * w;
  if (i >= u.n) { return; }
  var bits = encode16(DT_DX, value(i));
  if (i + 1u < u.n) { bits = bits | (encode16(DT_DX, value(i + 1u)) << 16u); }
  dx[w] = bits;
}
