// reduceInto: adds (sum of partials[0..count]) / div * mul to a field of the step
// state (FIELD 0: loss, 1: squared gradient norm). One workgroup: each invocation sums
// a strided share, then invocation 0 adds the shares in order (one barrier), so the
// summation order is fixed and runs are deterministic.
override FIELD: u32;

struct Params { count: u32, div: f32, mul: f32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read> partials: array<f32>;

var<workgroup> shares: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) l: u32) {
  var s = 0.0;
  for (var i = l; i < u.count; i += WORKGROUP_SIZE) { s += partials[i]; }
  shares[l] = s;
  workgroupBarrier();
  if (l != 0u) { return; }
  var total = 0.0;
  for (var i = 0u; i < WORKGROUP_SIZE; i++) { total += shares[i]; }
  let v = (total / u.div) * u.mul;
  if (FIELD == 0u) { st.loss += v; } else { st.normSq += v; }
}
