// columnSum: out[c] = sum_r src[r, c] (the bias gradient db = sum_B dout), fp32
// accumulation, rounded once to DT_OUT (main: elementwise.wgsl).
override DT_SRC: u32;
override DT_OUT: u32;

struct Params { rows: u32, cols: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn count() -> u32 { return u.cols; }
fn runs() -> bool { return true; }

fn value(c: u32) -> f32 {
  var acc = 0.0;
  for (var r = 0u; r < u.rows; r++) {
    let i = r * u.cols + c;
    acc += decode(DT_SRC, src[word_of(DT_SRC, i)], i);
  }
  return acc;
}
