// columnSum: out[c] = sum_r src[r, c] (the bias gradient db = sum_B dout), fp32
// accumulation, rounded once to DT_OUT. One invocation per output word.
override DT_SRC: u32;
override DT_OUT: u32;

struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn value(c: u32) -> f32 {
  var acc = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    let i = r * u.cols + c;
    acc += decode(DT_SRC, src[word_of(DT_SRC, i)], i);
  }
  return acc;
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let w = linear_id(g, nw, 64u);
  if (DT_OUT == DT_F32) {
    if (w < u.cols) { out[w] = bitcast<u32>(value(w)); }
    return;
  }
  let c = 2u * w;
  if (c >= u.cols) { return; }
  var bits = encode16(DT_OUT, value(c));
  if (c + 1u < u.cols) { bits = bits | (encode16(DT_OUT, value(c + 1u)) << 16u); }
  out[w] = bits;
}
