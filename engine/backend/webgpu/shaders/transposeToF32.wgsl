// transposeToF32: dst[c, r] = f32(src[r, c]) for src [rows, cols].
// The backward products use it to turn dout^T·x and dout·w into the one fast
// A·B^T matmul (matmulNT.wgsl); decoding to f32 is exact, so no rounding is added.
override DT_SRC: u32;

struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let j = linear_id(g, nw, 64u);
  if (j >= u.rows * u.cols) { return; }
  let c = j / u.rows;
  let r = j - c * u.rows;
  let i = r * u.cols + c;
  dst[j] = decode(DT_SRC, src[word_of(DT_SRC, i)], i);
}
