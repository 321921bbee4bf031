// fp8Record: copies one cast's accumulators into its slot of the f32 record tensor:
// rec[4·slot ..] = amax, scale, saturated, flushed (counts as f32: exact below 2^24).
struct Params { slot: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> acc: array<u32>;
@group(0) @binding(2) var<storage, read_write> rec: array<u32>;

@compute @workgroup_size(1)
fn main() {
  let o = 4u * u.slot;
  rec[o] = acc[0];
  rec[o + 1u] = acc[1];
  rec[o + 2u] = bitcast<u32>(f32(acc[2]));
  rec[o + 3u] = bitcast<u32>(f32(acc[3]));
}
