// fp8Quantize: the fp8 cast of a training tensor (engine/numerics/fp8Quantize.ts):
//   q = fp8(fl(x·s)) (codes, packed four a u32, element 4k in the low byte),
//   out = fl(q · fl(1/s)) in f32, and counts of saturated and flushed values.
// SCALING 0: s and 1/s given (delayed scaling, computed on the host); 1: current,
// s = fp8_max / amax with amax from fp8Amax.wgsl (acc[0]); 2: MX block, one
// power-of-two scale for each 32 consecutive values. One invocation handles GROUP
// values (4, or one block of 32), so no two invocations write the same code word.
override DT_X: u32;
override FMT: u32;
override SATURATE: bool;
override SCALING: u32;

struct Params { n: u32, scale: f32, inv: f32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> codes: array<u32>;
@group(0) @binding(4) var<storage, read_write> acc: array<atomic<u32>>;

fn value(i: u32) -> f32 { return decode(DT_X, x[word_of(DT_X, i)], i); }

// Would this finite y overflow the format (before any saturation)?
fn overflows(y: f32) -> bool {
  let c = f32_to_fp8(y, FMT, false) & 0x7fu;
  return !is_finite(y) || c == fp8_fmt(FMT).overflowBits;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let group = select(4u, 32u, SCALING == 2u);
  let start = linear_id(g, nw) * group;
  if (start >= u.n) { return; }
  let end = min(u.n, start + group);
  let amax = atomicLoad(&acc[0]);
  var s = u.scale;
  var inv = u.inv;
  if (SCALING == 1u) {
    s = current_scale(amax, FMT);
    inv = div_rn(1.0, s);
  }
  if (SCALING == 2u) {
    var bmax = 0u;
    for (var i = start; i < end; i++) { bmax = max(bmax, bitcast<u32>(value(i)) & 0x7fffffffu); }
    let k = block_scale_exp(bmax, FMT);
    s = pow2_wide(k);
    inv = pow2_wide(-k);
  }
  if (start == 0u) {
    var rec = s;
    if (SCALING == 2u) { rec = pow2_wide(block_scale_exp(amax, FMT)); }
    atomicStore(&acc[1], bitcast<u32>(rec));
  }
  var saturated = 0u;
  var flushed = 0u;
  var word = 0u;
  for (var i = start; i < end; i++) {
    let v = value(i);
    let vb = bitcast<u32>(v);
    var y = v * s;
    // an fp32-subnormal product rounds to a signed fp8 zero; a device may flush it and lose the sign
    if ((bitcast<u32>(y) & 0x7f800000u) == 0u) { y = bitcast<f32>(vb & 0x80000000u); }
    let c = f32_to_fp8(y, FMT, SATURATE);
    let q = fp8_to_f32(c, FMT);
    if (is_finite(v)) {
      if (overflows(y)) { saturated++; }
      if ((vb & 0x7fffffffu) != 0u && (c & 0x7fu) == 0u) { flushed++; }
    }
    out[i] = q * inv;
    word = word | (c << (8u * (i & 3u)));
    if ((i & 3u) == 3u || i + 1u == end) { codes[i >> 2u] = word; word = 0u; }
  }
  if (saturated > 0u) { atomicAdd(&acc[2], saturated); }
  if (flushed > 0u) { atomicAdd(&acc[3], flushed); }
}
