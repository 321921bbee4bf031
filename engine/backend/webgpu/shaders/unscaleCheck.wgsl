// unscaleCheck: g32 = (ACCUMULATE ? g32 : 0) + f32(g) / scale, and in the same pass the
// non-finite check: any NaN/Inf in g sets the step's overflow flag and records the
// tensor id if none was recorded this step. With LAST each invocation also writes its
// partial sum of g32^2 (reduceInto.wgsl adds them to the grad-norm accumulator).
// Finite tests are on bit patterns: they must not depend on the compiler's float modes.
override DT_G: u32;
override ACCUMULATE: bool;
override LAST: bool;

struct Params { n: u32, threads: u32, tensorId: u32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read> gs: array<u32>;
@group(0) @binding(3) var<storage, read_write> g32: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let t = g.x;
  if (t >= u.threads) { return; }
  let scale = st.scaleUsed;
  var bad = false;
  var sq = 0.0;
  for (var i = t; i < u.n; i += u.threads) {
    let v = decode(DT_G, gs[word_of(DT_G, i)], i);
    if (!is_finite(v)) { bad = true; }
    var r = v / scale;
    if (ACCUMULATE) { r = g32[i] + r; }
    g32[i] = r;
    sq += r * r;
  }
  if (LAST) { partials[t] = sq; }
  if (bad) {
    atomicStore(&st.overflow, 1u);
    record_first(u.tensorId);
  }
}
