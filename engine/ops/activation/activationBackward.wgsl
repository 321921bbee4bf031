// activationBackward: dx = dout * act'(x), elementwise (x is the pre-activation); the
// product is in fp32 and rounded once to the output dtype (main: elementwise.wgsl).
override DT_DOUT: u32;
override DT_X: u32;
override DT_OUT: u32;
override ACT: u32;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> dout: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>; // dx

fn count() -> u32 { return u.n; }
fn runs() -> bool { return true; }

fn value(i: u32) -> f32 {
  let gv = decode(DT_DOUT, dout[word_of(DT_DOUT, i)], i);
  return gv * activate_grad(ACT, decode(DT_X, x[word_of(DT_X, i)], i));
}
