// gatherRows: out[r, c] = src[idx[offset + r], c], rounded to DT_OUT.
// idx holds row numbers as values (usually f32). One invocation per output word.
override DT_SRC: u32;
override DT_IDX: u32;
override DT_OUT: u32;

struct Params { n: u32, cols: u32, offset: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

fn value(i: u32) -> f32 {
  let r = i / u.cols;
  let c = i - r * u.cols;
  let k = u.offset + r;
  let row = u32(decode(DT_IDX, idx[word_of(DT_IDX, k)], k));
  let j = row * u.cols + c;
  return decode(DT_SRC, src[word_of(DT_SRC, j)], j);
}

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
