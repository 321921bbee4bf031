// Shared prelude (not a kernel): fp8 E4M3 / E5M2 on bit patterns and an exactly
// rounded fp32 division, bit for bit as engine/numerics/fp8.ts and fp8Scaling.ts.
// Integer arithmetic only: the result does not depend on the device's float modes.
// (Out of the exactness contract: fp32-subnormal inputs or results, which a device
// may flush; they arise only for tensors whose amax is below about 2^-117.)

const FMT_E4M3: u32 = 0u;
const FMT_E5M2: u32 = 1u;

struct Fp8Fmt { mbits: u32, ebits: u32, bias: u32, maxBits: u32, overflowBits: u32, nanBits: u32, emax: i32 }

fn fp8_fmt(f: u32) -> Fp8Fmt {
  if (f == FMT_E4M3) { return Fp8Fmt(3u, 4u, 7u, 0x7eu, 0x7fu, 0x7fu, 8); }
  return Fp8Fmt(2u, 5u, 15u, 0x7bu, 0x7cu, 0x7eu, 15);
}

// fp32 -> fp8 bits, round to nearest even; beyond the range: ±max (saturate) or the
// format's overflow pattern (e4m3 NaN, e5m2 Inf). Inf and NaN inputs stay non-finite.
fn f32_to_fp8(x: f32, f: u32, saturate: bool) -> u32 {
  let F = fp8_fmt(f);
  let b = bitcast<u32>(x);
  let s = (b >> 24u) & 0x80u;
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return s | F.nanBits; }
  if (a == 0x7f800000u) { return s | F.overflowBits; }
  let sh = 23u - F.mbits;
  if (a >= ((128u - F.bias) << 23u)) {                  // normal in fp8 (>= 2^(1-bias))
    let r = a - ((127u - F.bias) << 23u);               // rebias the exponent
    let q = (r + (1u << (sh - 1u)) - 1u + ((r >> sh) & 1u)) >> sh;
    if (q > F.maxBits) { return s | select(F.overflowBits, F.maxBits, saturate); }
    return s | q;
  }
  let e = a >> 23u;
  if (e == 0u) { return s; }                            // fp32 subnormal: rounds to zero
  let k = 151u - F.bias - F.mbits - e;                  // value = m * 2^(e-150), unit 2^(1-bias-mbits)
  if (k >= 25u) { return s; }                           // below half the smallest subnormal
  let m = (a & 0x7fffffu) | 0x800000u;
  var q = m >> k;
  let rem = m & ((1u << k) - 1u);
  let half = 1u << (k - 1u);
  if (rem > half || (rem == half && (q & 1u) == 1u)) { q = q + 1u; }
  return s | q;
}

// 2^k for -126 <= k <= 127, exactly.
fn pow2(k: i32) -> f32 {
  return bitcast<f32>(u32(k + 127) << 23u);
}

// fp8 bits -> f32 (exact).
fn fp8_to_f32(h: u32, f: u32) -> f32 {
  let F = fp8_fmt(f);
  let s = (h & 0x80u) << 24u;
  let e = (h >> F.mbits) & ((1u << F.ebits) - 1u);
  let m = h & ((1u << F.mbits) - 1u);
  if (f == FMT_E4M3 && (h & 0x7fu) == 0x7fu) { return bitcast<f32>(s | 0x7fc00000u); }
  if (f == FMT_E5M2 && e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 21u)); }
  if (e == 0u) { return bitcast<f32>(s | bitcast<u32>(f32(m) * pow2(1 - i32(F.bias) - i32(F.mbits)))); }
  return bitcast<f32>(s | ((e + 127u - F.bias) << 23u) | (m << (23u - F.mbits)));
}

// n / d rounded to nearest even, for positive normal n and d: 24 quotient bits by
// long division of the significands. Overflow -> +Inf; a subnormal quotient -> 0.
fn div_rn(n: f32, d: f32) -> f32 {
  let nb = bitcast<u32>(n);
  let db = bitcast<u32>(d);
  var e = i32(nb >> 23u) - i32(db >> 23u) + 127;
  var r = (nb & 0x7fffffu) | 0x800000u;
  let md = (db & 0x7fffffu) | 0x800000u;
  if (r < md) { r = r << 1u; e = e - 1; }               // the quotient's significand in [1, 2)
  var q = 0u;
  for (var i = 0u; i < 24u; i = i + 1u) {
    q = q << 1u;
    if (r >= md) { r = r - md; q = q | 1u; }
    r = r << 1u;                                        // r = 2 * remainder after the last bit
  }
  if (r > md || (r == md && (q & 1u) == 1u)) { q = q + 1u; }
  if (q == 0x1000000u) { q = 0x800000u; e = e + 1; }
  if (e >= 255) { return bitcast<f32>(0x7f800000u | (nb & 0u)); }   // +Inf (a runtime value: WGSL rejects a constant Inf)
  if (e <= 0) { return 0.0; }
  return bitcast<f32>((u32(e) << 23u) | (q & 0x7fffffu));
}

const FP32_MAX_BITS: u32 = 0x7f7fffffu;

fn fp8_max(f: u32) -> f32 {
  return select(57344.0, 448.0, f == FMT_E4M3);
}

// amax as fp32 bits (|x| bits, NaN > Inf > finite) -> is it positive and finite?
fn amax_usable(bits: u32) -> bool {
  return bits != 0u && bits < 0x7f800000u;
}

// Float8CurrentScaling: fl(fp8_max / amax); 1 for 0 or non-finite; fp32 max on overflow.
fn current_scale(amax_bits: u32, f: u32) -> f32 {
  if (!amax_usable(amax_bits)) { return 1.0; }
  let s = div_rn(fp8_max(f), bitcast<f32>(amax_bits));
  return select(s, bitcast<f32>(FP32_MAX_BITS), bitcast<u32>(s) == 0x7f800000u);
}

// MX: 2^-X, X = floor(log2 amax) - emax clamped to [-127, 127]; 1 for 0 or non-finite.
// Returned as the exponent -X (the scale is pow2-exact apart from 2^127 and 2^-127).
fn block_scale_exp(amax_bits: u32, f: u32) -> i32 {
  if (!amax_usable(amax_bits)) { return 0; }
  let e = amax_bits >> 23u;
  var lg = i32(e) - 127;
  if (e == 0u) { lg = 31 - i32(countLeadingZeros(amax_bits)) - 149; }
  let X = clamp(lg - fp8_fmt(f).emax, -127, 127);
  return -X;
}

// 2^k for -127 <= k <= 127 (2^-127 is an fp32 subnormal).
fn pow2_wide(k: i32) -> f32 {
  if (k == -127) { return bitcast<f32>(0x00400000u); }
  return pow2(k);
}
