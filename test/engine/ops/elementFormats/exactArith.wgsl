// Test kernel (not part of the engine): add_rn, mul_rn and div_rn of exact.wgsl on pairs
// of fp32 bit patterns, for the test that checks them against IEEE fp32 (JS, exact).
struct Params { n: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> a: array<u32>;
@group(0) @binding(2) var<storage, read> b: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = g.x + g.y * nw.x * 64u;
  if (i >= u.n) { return; }
  out[3u * i] = add_rn(a[i], b[i]);
  out[3u * i + 1u] = mul_rn(a[i], b[i]);
  out[3u * i + 2u] = div_rn(a[i], b[i]);
}
