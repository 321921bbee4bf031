// cast: out = round_{DT_OUT}(x), elementwise (main: elementwise.wgsl). Rounding is on
// bit patterns (numerics.wgsl).
override DT_X: u32;
override DT_OUT: u32;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn count() -> u32 { return u.n; }
fn runs() -> bool { return true; }
fn value(i: u32) -> f32 { return decode(DT_X, x[word_of(DT_X, i)], i); }
