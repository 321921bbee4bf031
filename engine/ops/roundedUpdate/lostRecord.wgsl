// lostRecord: record[slot] = f32(lost[0]), the count roundedUpdate.wgsl accumulated
// (exact below 2^24), so the step reads it with the rest of its record: no read-back.
struct Params { slot: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> lost: array<u32>;
@group(0) @binding(2) var<storage, read_write> record: array<f32>;

@compute @workgroup_size(1)
fn main() {
  record[u.slot] = f32(lost[0]);
}
