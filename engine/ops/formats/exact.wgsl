// Shared prelude (not a kernel): fp32 add, multiply and divide on bit patterns, each
// rounded once to nearest even, fp32 subnormals included, in integer arithmetic. WGSL's
// own f32 operations may flush subnormals (and its division is not correctly rounded),
// and the CPU reference and wasm compute IEEE fp32 exactly: these give the same bits
// on any device. Inf and NaN as IEEE (a NaN result is the positive quiet NaN, QUIET_NAN
// of formats.wgsl, the prelude this one follows).

// sign | the fp32 nearest to sig · 2^(E - 31) (sig's top bit at bit 31, `sticky`: nonzero
// bits lost below sig), ties to even; overflow -> Inf; below 2^-126 rounded at 2^-149.
fn round_pack(sign: u32, E: i32, sig: u32, sticky: bool) -> u32 {
  let biased = E + 127;
  if (biased >= 255) { return sign | 0x7f800000u; }
  var shift = 8u;                                      // a normal keeps 24 bits
  if (biased < 1) { shift = u32(9 - biased); }         // a subnormal: one bit fewer per binade below
  if (shift > 32u) { return sign; }                    // below half the smallest subnormal
  if (shift == 32u) {                                  // [2^-150, 2^-149): 0 or the smallest subnormal
    return sign | select(0u, 1u, sig > 0x80000000u || (sig == 0x80000000u && sticky));
  }
  var mant = sig >> shift;
  let rem = sig & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (sticky || (mant & 1u) == 1u))) { mant += 1u; }
  if (biased < 1) { return sign | mant; }              // reaching 2^23 makes it the smallest normal
  var b = u32(biased);
  if (mant == (1u << 24u)) { mant = 1u << 23u; b += 1u; }
  if (b >= 255u) { return sign | 0x7f800000u; }
  return sign | (b << 23u) | (mant & 0x7fffffu);
}

struct Unpacked { m: u32, e: i32 }

// |x| (finite, nonzero) = m / 2^23 · 2^e with m in [2^23, 2^24): subnormals normalised
fn unpack(a: u32) -> Unpacked {
  let e = a >> 23u;
  if (e == 0u) {
    let p = 31u - countLeadingZeros(a);
    return Unpacked(a << (23u - p), i32(p) - 149);
  }
  return Unpacked((a & 0x7fffffu) | 0x800000u, i32(e) - 127);
}

fn mul_rn(x: u32, y: u32) -> u32 {
  let sign = (x ^ y) & 0x80000000u;
  let a = x & 0x7fffffffu;
  let b = y & 0x7fffffffu;
  if (a > 0x7f800000u || b > 0x7f800000u) { return QUIET_NAN; }
  if (a == 0x7f800000u || b == 0x7f800000u) { return select(sign | 0x7f800000u, QUIET_NAN, a == 0u || b == 0u); }
  if (a == 0u || b == 0u) { return sign; }
  let ua = unpack(a);
  let ub = unpack(b);
  // the 48-bit product of the significands from 16-bit limbs: P = hi · 2^32 + lo, in [2^46, 2^48)
  let ah = ua.m >> 16u;
  let al = ua.m & 0xffffu;
  let bh = ub.m >> 16u;
  let bl = ub.m & 0xffffu;
  let mid = ah * bl + al * bh;
  let lo0 = al * bl;
  let lo = lo0 + (mid << 16u);
  let hi = ah * bh + (mid >> 16u) + select(0u, 1u, lo < lo0);
  if ((hi >> 15u) != 0u) {                             // P >= 2^47
    return round_pack(sign, ua.e + ub.e + 1, (hi << 16u) | (lo >> 16u), (lo & 0xffffu) != 0u);
  }
  return round_pack(sign, ua.e + ub.e, (hi << 17u) | (lo >> 15u), (lo & 0x7fffu) != 0u);
}

fn div_rn(x: u32, y: u32) -> u32 {
  let sign = (x ^ y) & 0x80000000u;
  let a = x & 0x7fffffffu;
  let b = y & 0x7fffffffu;
  if (a > 0x7f800000u || b > 0x7f800000u) { return QUIET_NAN; }
  if (a == 0x7f800000u) { return select(sign | 0x7f800000u, QUIET_NAN, b == 0x7f800000u); }
  if (b == 0x7f800000u) { return sign; }
  if (b == 0u) { return select(sign | 0x7f800000u, QUIET_NAN, a == 0u); }
  if (a == 0u) { return sign; }
  let ua = unpack(a);
  let ub = unpack(b);
  var e = ua.e - ub.e;
  var r = ua.m;
  if (r < ub.m) { r = r << 1u; e -= 1; }              // the quotient's significand in [1, 2)
  var q = 0u;
  for (var i = 0u; i < 32u; i++) {                     // 32 quotient bits by long division
    q = q << 1u;
    if (r >= ub.m) { r -= ub.m; q |= 1u; }
    r = r << 1u;
  }
  return round_pack(sign, e, q, r != 0u);
}

fn add_rn(x: u32, y: u32) -> u32 {
  let ax = x & 0x7fffffffu;
  let ay = y & 0x7fffffffu;
  if (ax > 0x7f800000u || ay > 0x7f800000u) { return QUIET_NAN; }
  if (ax == 0x7f800000u) { return select(x, QUIET_NAN, ay == 0x7f800000u && (x ^ y) >= 0x80000000u); }
  if (ay == 0x7f800000u) { return y; }
  if (ax == 0u) { return select(y, x & y, ay == 0u); }  // -0 + -0 = -0; +0 + -0 = +0
  if (ay == 0u) { return x; }
  var big = x;
  var small = y;
  if (ay > ax) { big = y; small = x; }
  let sign = big & 0x80000000u;
  let bb = big & 0x7fffffffu;
  let sb = small & 0x7fffffffu;
  var eb = i32(bb >> 23u);
  var es = i32(sb >> 23u);
  var mb = bb & 0x7fffffu;
  var ms = sb & 0x7fffffu;
  if (eb == 0) { eb = 1; } else { mb |= 0x800000u; }
  if (es == 0) { es = 1; } else { ms |= 0x800000u; }
  mb = mb << 3u;                                       // three guard bits
  ms = ms << 3u;
  let d = u32(eb - es);
  if (d >= 27u) { ms = select(0u, 1u, ms != 0u); }
  else if (d > 0u) { ms = (ms >> d) | select(0u, 1u, (ms & ((1u << d) - 1u)) != 0u); }
  var s = 0u;
  var e = eb;
  if (((x ^ y) & 0x80000000u) == 0u) {
    s = mb + ms;
    if (s >= (1u << 27u)) { s = (s >> 1u) | (s & 1u); e += 1; }
  } else {
    s = mb - ms;
    if (s == 0u) { return 0u; }
    let shift = min(countLeadingZeros(s) - 5u, u32(e - 1));
    s = s << shift;
    e -= i32(shift);
  }
  var mant = s >> 3u;
  let rem = s & 7u;
  if (rem > 4u || (rem == 4u && (mant & 1u) == 1u)) { mant += 1u; }
  if (mant >= (1u << 24u)) { mant = mant >> 1u; e += 1; }
  if (e >= 255) { return sign | 0x7f800000u; }
  if (mant < (1u << 23u)) { return sign | mant; }     // subnormal (e == 1)
  return sign | (u32(e) << 23u) | (mant & 0x7fffffu);
}
