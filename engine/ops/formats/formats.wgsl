// Shared prelude (not a kernel) of the element-format ops (castElements, blockQuantize,
// roundedUpdate): the formats on fp32 bit patterns, bit for bit as
// engine/numerics/formats.ts (encodeBits, decodeBits, overflows), and the random stream
// of engine/numerics/randomBits.ts. Integers only: no result depends on the device's
// float modes. A format arrives as a Fmt built from override constants that the host
// fills from formats.ts (descriptor.ts descriptorConstants): one definition.

const NONE: u32 = 0xffffffffu;
const QUIET_NAN: u32 = 0x7fc00000u;

struct Fmt { mbits: u32, bias: u32, maxBits: u32, infBits: u32, nanBits: u32, signBit: u32, ebits: u32, e8m0: u32 }

// lowbias32 (xorshift-multiply, two rounds), and the keyed stream of randomBits.ts
fn mix32(x0: u32) -> u32 {
  var x = x0;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn random_bits(seed: u32, index: u32) -> u32 {
  var h = mix32(seed);
  h = mix32(h ^ index);
  return mix32(h + seed);
}

// The rounded magnitude code of a finite |x| (bits a), before clamping: above maxBits when
// it rounds past the largest value. sr: stochastic, up iff r < the dropped bits as a fraction.
fn rounded_magnitude(a: u32, f: Fmt, sr: bool, r: u32) -> u32 {
  let e = a >> 23u;
  if (e + f.bias >= 128u) {                            // normal in the target
    let sh = 23u - f.mbits;
    let rb = a - ((127u - f.bias) << 23u);             // rebias the exponent
    if (!sr) { return (rb + (1u << (sh - 1u)) - 1u + ((rb >> sh) & 1u)) >> sh; }
    return (rb >> sh) + select(0u, 1u, (rb << (32u - sh)) > r);
  }
  var m = a & 0x7fffffu;                               // subnormal in the target: m · 2^(max(e,1) - 150)
  if (e != 0u) { m |= 0x800000u; }
  let k = 151u - f.bias - f.mbits - max(e, 1u);        // bits below the target's unit 2^(1-bias-mbits)
  if (!sr) {
    if (k >= 25u) { return 0u; }                       // below half the smallest subnormal
    var q = m >> k;
    let rem = m & ((1u << k) - 1u);
    let half = 1u << (k - 1u);
    if (rem > half || (rem == half && (q & 1u) == 1u)) { q += 1u; }
    return q;
  }
  var q = 0u;
  var frac = 0u;
  if (k < 32u) { q = m >> k; frac = m << (32u - k); } else if (k < 56u) { frac = m >> (k - 32u); }
  return q + select(0u, 1u, frac > r);
}

fn first_of(a: u32, b: u32, c: u32) -> u32 {
  if (a != NONE) { return a; }
  if (b != NONE) { return b; }
  return c;
}

// e8m0 as ml_dtypes' float8_e8m0fnu: half up; fp32 subnormals above 2^-127 go up; 0, negatives, Inf, NaN -> 0xFF
fn encode_e8m0(b: u32, saturate: bool, sr: bool, r: u32) -> u32 {
  if (b == 0u || b >= 0x7f800000u) { return 0xffu; }
  let e = b >> 23u;
  let m = b & 0x7fffffu;
  var q = 0u;
  if (e == 0u) {
    if (m > 0x400000u) { q = select(1u, select(0u, 1u, ((m - 0x400000u) << 10u) > r), sr); }
  } else if (sr) {
    q = e + select(0u, 1u, (m << 9u) > r);
  } else {
    q = e + select(0u, 1u, m >= 0x400000u);
  }
  if (q > 0xfeu) { return select(0xffu, 0xfeu, saturate); }
  return q;
}

// fp32 bits -> code of f (formats.ts encodeBits)
fn format_encode(b: u32, f: Fmt, saturate: bool, sr: bool, r: u32) -> u32 {
  if (f.e8m0 == 1u) { return encode_e8m0(b, saturate, sr, r); }
  let s = select(0u, f.signBit, (b >> 31u) == 1u);
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) {
    if (f.nanBits == NONE) { return s ^ f.signBit; }   // no NaN: ml_dtypes' -0, negated for -NaN
    return s | f.nanBits;
  }
  if (a == 0x7f800000u) { return s | first_of(f.infBits, f.nanBits, f.maxBits); }
  let q = rounded_magnitude(a, f, sr, r);
  if (q > f.maxBits) { return s | select(first_of(f.infBits, f.nanBits, f.maxBits), f.maxBits, saturate); }
  return s | q;
}

// Does the finite fp32 input b round past the format's largest value?
fn format_overflows(b: u32, f: Fmt, sr: bool, r: u32) -> bool {
  let a = b & 0x7fffffffu;
  if (a >= 0x7f800000u) { return false; }
  if (f.e8m0 == 1u) { return (b >> 31u) == 0u && a != 0u && encode_e8m0(a, false, sr, r) == 0xffu; }
  return rounded_magnitude(a, f, sr, r) > f.maxBits;
}

// code of f -> fp32 bits (formats.ts decodeBits; a NaN as QUIET_NAN, formats.ts QUIET_NAN_BITS)
fn format_decode(code: u32, f: Fmt) -> u32 {
  if (f.e8m0 == 1u) {
    if (code == 0xffu) { return QUIET_NAN; }
    if (code == 0u) { return 0x00400000u; }            // 2^-127, an fp32 subnormal
    return code << 23u;
  }
  let s = select(0u, 0x80000000u, (code & f.signBit) != 0u);
  let mag = code & (f.signBit - 1u);
  let e = mag >> f.mbits;
  let m = mag & ((1u << f.mbits) - 1u);
  if (f.infBits != NONE && e == (1u << f.ebits) - 1u) { return select(QUIET_NAN, s | 0x7f800000u, mag == f.infBits); }
  if (f.infBits == NONE && f.nanBits != NONE && mag == f.nanBits) { return QUIET_NAN; }
  if (e == 0u) {
    if (m == 0u) { return s; }
    let p = 31u - countLeadingZeros(m);                // value m · 2^(1-bias-mbits), normalised at bit p
    let E = i32(p) + 1 - i32(f.bias) - i32(f.mbits);
    if (E >= -126) { return s | (u32(E + 127) << 23u) | ((m ^ (1u << p)) << (23u - p)); }
    return s | (m << (150u - f.bias - f.mbits));       // an fp32 subnormal (bf16's subnormals)
  }
  return s | ((e + 127u - f.bias) << 23u) | (m << (23u - f.mbits));
}
