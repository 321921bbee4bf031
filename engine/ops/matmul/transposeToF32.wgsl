// transposeToF32: out[c, r] = f32(src[r, c]) for src [rows, cols] (main:
// elementwise.wgsl). The backward products use it to turn dout^T·x and dout·w into the
// one fast A·B^T matmul (matmulNT.wgsl); decoding to f32 is exact, so no rounding is added.
override DT_SRC: u32;
const DT_OUT: u32 = DT_F32;

struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn count() -> u32 { return u.rows * u.cols; }
fn runs() -> bool { return true; }

fn value(j: u32) -> f32 {
  let c = j / u.rows;
  let r = j - c * u.rows;
  let i = r * u.cols + c;
  return decode(DT_SRC, src[word_of(DT_SRC, i)], i);
}
