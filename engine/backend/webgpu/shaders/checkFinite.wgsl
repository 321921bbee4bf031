// checkFinite: if x has a NaN/Inf, records tensorId as the step's first non-finite
// tensor unless one was recorded already (the overflow flag is left alone).
override DT_X: u32;

struct Params { n: u32, tensorId: u32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read> x: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = linear_id(g, nw);
  if (i >= u.n) { return; }
  if (!is_finite(decode(DT_X, x[word_of(DT_X, i)], i))) { record_first(u.tensorId); }
}
