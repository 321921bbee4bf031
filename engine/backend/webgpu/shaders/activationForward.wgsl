// activationForward: out = act(x), elementwise; one invocation per output word.
// ACT selects the function (activations.wgsl), so each activation is its own pipeline.
override DT_X: u32;
override DT_OUT: u32;
override ACT: u32;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn value(i: u32) -> f32 { return activate(ACT, decode(DT_X, x[word_of(DT_X, i)], i)); }

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let w = linear_id(g, nw, 64u);
  if (DT_OUT == DT_F32) {
    if (w < u.n) { out[w] = bitcast<u32>(value(w)); }
    return;
  }
  let i = 2u * w;
  if (i >= u.n) { return; }
  var bits = encode16(DT_OUT, value(i));
  if (i + 1u < u.n) { bits = bits | (encode16(DT_OUT, value(i + 1u)) << 16u); }
  out[w] = bits;
}
