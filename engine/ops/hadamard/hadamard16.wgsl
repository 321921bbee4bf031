// hadamard16: NVFP4's 16-point random Hadamard transform along the rows of x[rows, cols]
// (engine/numerics/hadamard.ts): for each full chunk of 16,
//   out_j = 0.25 · Σ_{i=0..15} s_i · H_ij · x_i,   H_ij = (-1)^popcount(i & j),
// summed over i ascending, each add rounded once (add_rn), then one exact multiply by
// 0.25; a trailing chunk shorter than 16 is copied. SIGNS: bit i set where s_i = -1
// (from hadamard.ts's HADAMARD_SIGNS). x is f32, f16 or bf16 (DT_X). One invocation
// per (row, chunk).
override DT_X: u32;
override SIGNS: u32;

struct Params { rows: u32, cols: u32, chunks: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn bits_at(i: u32) -> u32 { return bitcast<u32>(decode(DT_X, x[word_of(DT_X, i)], i)); }

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let t = linear_id(g, nw);
  if (t >= u.rows * u.chunks) { return; }
  let row = t / u.chunks;
  let c0 = (t % u.chunks) * 16u;
  let base = row * u.cols + c0;
  if (c0 + 16u > u.cols) {
    for (var c = c0; c < u.cols; c++) { out[row * u.cols + c] = bits_at(row * u.cols + c); }
    return;
  }
  for (var j = 0u; j < 16u; j++) {
    var acc = 0u;
    for (var i = 0u; i < 16u; i++) {
      let negative = ((countOneBits(i & j) & 1u) ^ ((SIGNS >> i) & 1u)) == 1u;
      acc = add_rn(acc, bits_at(base + i) ^ select(0u, 0x80000000u, negative));
    }
    out[base + j] = mul_rn(acc, 0x3e800000u);
  }
}
