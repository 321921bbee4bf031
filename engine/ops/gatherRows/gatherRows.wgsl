// gatherRows: out[r, c] = src[idx[offset + r], c], rounded to DT_OUT (main:
// elementwise.wgsl). idx holds row numbers as values (usually f32).
override DT_SRC: u32;
override DT_IDX: u32;
override DT_OUT: u32;

struct Params { n: u32, cols: u32, offset: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read> idx: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

fn count() -> u32 { return u.n; }
fn runs() -> bool { return true; }

fn value(i: u32) -> f32 {
  let r = i / u.cols;
  let c = i - r * u.cols;
  let k = u.offset + r;
  let row = u32(decode(DT_IDX, idx[word_of(DT_IDX, k)], k));
  let j = row * u.cols + c;
  return decode(DT_SRC, src[word_of(DT_SRC, j)], j);
}
