// blockQuantize: one block of x[rows, cols] per invocation, bit for bit as
// engine/numerics/blockQuantize.ts quantizeLayout (the scale rules: blockScales.ts).
//   amax  = max |x| over the block (fp32 bits: NaN > Inf > finite)
//   kind 0, MX:        E8M0 code: floor: floor(log2 amax) - emax clamped to [-127, 127]
//                      (0 for amax 0); rceil: fl(amax · fl(1/max)) rounded up to a power
//                      of two; NaN/Inf amax: code 0xFF and a NaN block
//   kind 1, NVFP4:     S_enc = fl(2688 / tensor amax) (fp32 max on overflow, 1 for amax 0
//                      or Inf), S_dec = fl(1/S_enc); s_b = e4m3(fl(amax · fl(S_enc · fl(1/6))))
//                      (saturating, Inf -> 448); blockEncode = min(fl(1/fl(s_b · S_dec)), max)
//   kind 2, blockwise: s = fl(max/amax) (1 for amax 0/Inf/NaN, the fp32 max on overflow),
//                      optionally rounded down to a power of two; blockDecode = fl(1/s)
//   per value: y = fl(x · blockEncode); q = element(y) saturating (±Inf -> ±max), nearest
//   or stochastic with random_bits(seed, i); x̂ = fl(fl(q · blockDecode) · tensorDecode);
//   and the block's counts of saturated and flushed values.
// and the record of blockQuantize.ts (the invocation of block 0 writes the tensor's amax
// and decode in front). Every fp32 operation goes through exact.wgsl (integer, rounded
// once); the element and the NVFP4 scale format come as override constants (E_*, S_*)
// from formats.ts; x is f32, f16 or bf16 (DT_X). One invocation per block.
override DT_X: u32;
override CODES: bool;
override E_MBITS: u32;
override E_BIAS: u32;
override E_MAXBITS: u32;
override E_INFBITS: u32;
override E_NANBITS: u32;
override E_SIGNBIT: u32;
override E_EBITS: u32;
override E_E8M0: u32;
override S_MBITS: u32;
override S_BIAS: u32;
override S_MAXBITS: u32;
override S_INFBITS: u32;
override S_NANBITS: u32;
override S_SIGNBIT: u32;
override S_EBITS: u32;
override S_E8M0: u32;

// the 16 words of blockQuantize.ts blockParams
struct Params {
  rows: u32, cols: u32, bh: u32, bw: u32, blockCols: u32, blockRows: u32,
  kind: u32, rule: u32, pow2: u32, stochastic: u32, seed: u32, rcpMax: u32, elemMax: u32, emax: u32, pad0: u32, pad1: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> values: array<u32>;
@group(0) @binding(3) var<storage, read_write> codes: array<f32>;
@group(0) @binding(4) var<storage, read_write> record: array<u32>;
@group(0) @binding(5) var<storage, read> tensor: array<u32>;      // [0]: the tensor's amax (tensorAmax.wgsl)

fn bits_at(i: u32) -> u32 { return bitcast<u32>(decode(DT_X, x[word_of(DT_X, i)], i)); }

const FP32_MAX: u32 = 0x7f7fffffu;
const ONE: u32 = 0x3f800000u;
const NVFP4_RANGE: u32 = 0x45280000u;                  // 448 · 6 = 2688
const ONE_SIXTH: u32 = 0x3e2aaaabu;                    // fl(1/6)

// 2^k, k in [-127, 127] (2^-127 is an fp32 subnormal)
fn pow2_bits(k: i32) -> u32 {
  if (k == -127) { return 0x00400000u; }
  return u32(k + 127) << 23u;
}

// floor(log2 a) of a positive finite fp32 (bits), subnormals included
fn floor_log2(a: u32) -> i32 {
  let e = a >> 23u;
  if (e > 0u) { return i32(e) - 127; }
  return 31 - i32(countLeadingZeros(a)) - 149;
}

// Inf or NaN (of a non-negative quantity) -> the fp32 max: CUDA's fminf(v, FLT_MAX)
fn at_most_max(v: u32) -> u32 {
  return select(v, FP32_MAX, (v & 0x7fffffffu) >= 0x7f800000u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let blk = linear_id(g, nw);
  if (blk >= p.blockRows * p.blockCols) { return; }
  let ef = Fmt(E_MBITS, E_BIAS, E_MAXBITS, E_INFBITS, E_NANBITS, E_SIGNBIT, E_EBITS, E_E8M0);
  let r0 = (blk / p.blockCols) * p.bh;
  let c0 = (blk % p.blockCols) * p.bw;
  let r1 = min(p.rows, r0 + p.bh);
  let c1 = min(p.cols, c0 + p.bw);
  var amax = 0u;
  for (var r = r0; r < r1; r++) { for (var c = c0; c < c1; c++) { amax = max(amax, bits_at(r * p.cols + c) & 0x7fffffffu); } }

  var enc = ONE;
  var dec = ONE;
  var tdec = ONE;
  var scode = NONE;
  if (p.kind == 0u) {
    var code = 0xffu;
    if (amax < 0x7f800000u) {
      if (p.rule == 0u) {
        code = select(u32(clamp(floor_log2(amax) - i32(p.emax), -127, 127) + 127), 0u, amax == 0u);
      } else {
        let d = mul_rn(amax, p.rcpMax);
        let m = d & 0x7fffffu;
        code = (d >> 23u) + select(select(0u, 1u, m != 0u), select(0u, 1u, m > 0x400000u), (d >> 23u) == 0u);
      }
    }
    scode = code;
    if (code == 0xffu) { enc = QUIET_NAN; dec = QUIET_NAN; }
    else { dec = pow2_bits(i32(code) - 127); enc = pow2_bits(127 - i32(code)); }
  } else if (p.kind == 1u) {
    let sf = Fmt(S_MBITS, S_BIAS, S_MAXBITS, S_INFBITS, S_NANBITS, S_SIGNBIT, S_EBITS, S_E8M0);
    let ta = tensor[0];
    var senc = at_most_max(div_rn(NVFP4_RANGE, ta));
    if (ta == 0u || senc == 0u) { senc = ONE; }
    tdec = div_rn(ONE, senc);
    var d = mul_rn(amax, mul_rn(senc, ONE_SIXTH));
    if (d == 0x7f800000u) { d = FP32_MAX; }            // Inf saturates to 448; NaN stays NaN
    scode = format_encode(d, sf, true, false, 0u);
    dec = format_decode(scode, sf);
    enc = at_most_max(div_rn(ONE, mul_rn(dec, tdec)));
  } else {
    var s = ONE;
    if (amax != 0u && amax < 0x7f800000u) { s = div_rn(p.elemMax, amax); if (s == 0x7f800000u) { s = FP32_MAX; } }
    if (p.pow2 == 1u) { s = s & 0xff800000u; }
    enc = s;
    dec = div_rn(ONE, s);
  }

  let positive = (dec & 0x7fffffffu) != 0u && (dec & 0x7fffffffu) < 0x7f800000u;
  let notNan = (dec & 0x7fffffffu) <= 0x7f800000u;
  var saturated = 0u;
  var flushed = 0u;
  for (var r = r0; r < r1; r++) {
    for (var c = c0; c < c1; c++) {
      let i = r * p.cols + c;
      let xb = bits_at(i);
      let y = mul_rn(xb, enc);
      let rnd = select(0u, random_bits(p.seed, i), p.stochastic == 1u);
      var code = 0u;
      if ((y & 0x7fffffffu) == 0x7f800000u) { code = select(0u, ef.signBit, (y >> 31u) == 1u) | ef.maxBits; }
      else { code = format_encode(y, ef, true, p.stochastic == 1u, rnd); }
      let q = format_decode(code, ef);
      if (CODES) { codes[i] = f32(code); }
      values[i] = mul_rn(mul_rn(q, dec), tdec);
      if ((xb & 0x7fffffffu) < 0x7f800000u) {
        if (positive && ((y & 0x7fffffffu) >= 0x7f800000u || format_overflows(y, ef, p.stochastic == 1u, rnd))) { saturated++; }
        if ((xb & 0x7fffffffu) != 0u && (q & 0x7fffffffu) == 0u && notNan) { flushed++; }
      }
    }
  }
  let o = 2u + blk * 5u;
  record[o] = amax;
  record[o + 1u] = dec;
  record[o + 2u] = bitcast<u32>(select(f32(scode), -1.0, scode == NONE));
  record[o + 3u] = bitcast<u32>(f32(saturated));
  record[o + 4u] = bitcast<u32>(f32(flushed));
  if (blk == 0u) {
    record[0] = tensor[0];
    record[1] = tdec;
  }
}
