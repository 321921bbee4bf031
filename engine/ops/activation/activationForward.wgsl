// activationForward: out = act(x), elementwise (main: elementwise.wgsl).
// ACT selects the function (activations.wgsl), so each activation is its own pipeline.
override DT_X: u32;
override DT_OUT: u32;
override ACT: u32;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;

fn count() -> u32 { return u.n; }
fn runs() -> bool { return true; }
fn value(i: u32) -> f32 { return activate(ACT, decode(DT_X, x[word_of(DT_X, i)], i)); }
