// f16DecodeCheck: is the built-in unpack2x16float exact on this device? Decodes all
// 65,536 fp16 patterns with it and with the exact software decode (numerics.wgsl) and
// counts the patterns where the bits differ (NaNs only need to stay NaN). The backend
// runs it once at creation; the matmul uses the built-in only when the count is 0
// (some drivers flush fp16 subnormals, which this app exists to show).
@group(0) @binding(0) var<uniform> unused: vec4<u32>;
@group(0) @binding(1) var<storage, read_write> mismatches: atomic<u32>;

fn same(h: u32, got: f32) -> bool {
  let want = f16_to_f32(h);
  if (!is_finite(want) && (h & 0x3ffu) != 0u) { return (bitcast<u32>(got) & 0x7fffffffu) > 0x7f800000u; }
  return bitcast<u32>(got) == bitcast<u32>(want);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x;
  if (i >= 32768u) { return; }
  let lo = 2u * i;
  let hi = 2u * i + 1u;
  let v = unpack2x16float(lo | (hi << 16u));
  if (!same(lo, v.x) || !same(hi, v.y)) { atomicAdd(&mismatches, 1u); }
}
