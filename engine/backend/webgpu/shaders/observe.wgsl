// observe: adds the statistics of x to accumulator slot `slot`: counts of zero,
// subnormal, NaN, Inf; with HAS_BEFORE (the values before their cast) underflows
// (nonzero -> 0) and overflows (finite -> ±Inf); min and max magnitude; a histogram of
// floor(log2|x|). Each invocation counts a strided share in registers, then adds its
// counts with atomics: no barriers. Counters are 64-bit (lo, hi word pairs: a run can
// observe more than 2^32 values). |x| of finite floats orders like its bit pattern, so
// min/max are atomicMin/atomicMax on bits. The slot layout (C_*, W_*, SLOT_WORDS)
// comes from the generated layout prelude (layout.ts).
override DT_X: u32;
override DT_BEFORE: u32 = 0u;
override HAS_BEFORE: bool;

struct Params { n: u32, threads: u32, slot: u32, subnormalBits: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read> before: array<u32>;
@group(0) @binding(3) var<storage, read_write> stats: array<atomic<u32>>;

fn add64(word: u32, n: u32) {
  if (n == 0u) { return; }
  let base = u.slot * SLOT_WORDS + word;
  let old = atomicAdd(&stats[base], n);
  if (old + n < old) { atomicAdd(&stats[base + 1u], 1u); }
}

// floor(log2(a)) for a finite nonzero magnitude given as bits (f32 subnormals too).
fn exponent(bits: u32) -> i32 {
  let e = i32(bits >> 23u);
  if (e == 0) { return i32(firstLeadingBit(bits)) - 149; }
  return e - 127;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let t = g.x;
  if (t >= u.threads) { return; }
  var zero = 0u; var sub = 0u; var under = 0u; var over = 0u; var nan = 0u; var inf = 0u;
  var minBits = 0x7f800000u;
  var maxBits = 0u;
  var hist: array<u32, HIST_BINS>;
  for (var i = t; i < u.n; i += u.threads) {
    let bits = bitcast<u32>(decode(DT_X, x[word_of(DT_X, i)], i)) & 0x7fffffffu;
    var b = 0.0;
    if (HAS_BEFORE) { b = decode(DT_BEFORE, before[word_of(DT_BEFORE, i)], i); }
    if (bits > 0x7f800000u) { nan++; continue; }
    if (bits == 0x7f800000u) {
      inf++;
      if (HAS_BEFORE && is_finite(b)) { over++; }
      continue;
    }
    if (bits == 0u) {
      zero++;
      if (HAS_BEFORE && (bitcast<u32>(b) & 0x7fffffffu) != 0u && is_finite(b)) { under++; }
      continue;
    }
    if (bits < u.subnormalBits) { sub++; }
    minBits = min(minBits, bits);
    maxBits = max(maxBits, bits);
    let bin = clamp(exponent(bits) - HIST_MIN_EXP, 0, i32(HIST_BINS) - 1);
    hist[bin]++;
  }
  if (t == 0u) { add64(C_COUNT, u.n); }
  add64(C_ZERO, zero);
  add64(C_SUBNORMAL, sub);
  add64(C_UNDERFLOW, under);
  add64(C_OVERFLOW, over);
  add64(C_NAN, nan);
  add64(C_INF, inf);
  if (maxBits != 0u) {
    atomicMin(&stats[u.slot * SLOT_WORDS + W_MIN], minBits);
    atomicMax(&stats[u.slot * SLOT_WORDS + W_MAX], maxBits);
  }
  for (var k = 0u; k < HIST_BINS; k++) { add64(W_HIST + 2u * k, hist[k]); }
}
