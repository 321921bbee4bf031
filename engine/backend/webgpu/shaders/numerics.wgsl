// Shared prelude (not a kernel): storage dtypes and exact conversions.
// Prepended to every kernel by pipelineCache.ts.
//
// Every tensor is an array of u32 words. f32: one value a word (bit pattern).
// f16 and bf16: two values a word, element 2k in the low half, 2k+1 in the high
// half (the order of pack2x16float). Conversions are done on bit patterns, so
// they are exact and do not depend on the device's float modes:
// fp32 -> fp16/bf16 rounds to nearest, ties to even, keeps subnormals, turns
// values beyond the finite range into ±Inf and NaN into a quiet NaN (sign kept),
// bit for bit as engine/numerics does on the CPU.

const DT_F32: u32 = 0u;
const DT_F16: u32 = 1u;
const DT_BF16: u32 = 2u;

// fp16 bits -> f32 (exact: every fp16 value is a normal or zero f32).
fn f16_to_f32(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  if (e == 0u) { return bitcast<f32>(s | bitcast<u32>(f32(m) * 5.9604644775390625e-8)); } // m * 2^-24
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}

// The same for four halves at once (the matmul's inner loop).
fn f16x4_to_f32(h: vec4<u32>) -> vec4<f32> {
  let s = (h & vec4<u32>(0x8000u)) << vec4<u32>(16u);
  let e = (h >> vec4<u32>(10u)) & vec4<u32>(0x1fu);
  let m = h & vec4<u32>(0x3ffu);
  let normal = s | ((e + vec4<u32>(112u)) << vec4<u32>(23u)) | (m << vec4<u32>(13u));
  let special = s | vec4<u32>(0x7f800000u) | (m << vec4<u32>(13u));
  let sub = s | bitcast<vec4<u32>>(vec4<f32>(m) * 5.9604644775390625e-8);
  let r = select(select(normal, special, e == vec4<u32>(31u)), sub, e == vec4<u32>(0u));
  return bitcast<vec4<f32>>(r);
}

// f32 -> fp16 bits, round to nearest even.
fn f32_to_f16(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  let s = (b >> 16u) & 0x8000u;
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return s | 0x7e00u; }          // NaN (as @petamoriken/float16)
  if (a >= 0x477ff000u) { return s | 0x7c00u; }         // >= 65520 (and Inf) -> Inf
  if (a >= 0x38800000u) {                               // normal fp16 (>= 2^-14)
    let r = a - 0x38000000u;                            // rebias the exponent 127 -> 15
    return s | ((r + 0xfffu + ((r >> 13u) & 1u)) >> 13u);
  }
  let e = a >> 23u;
  if (e < 102u) { return s; }                           // below 2^-25: rounds to zero
  let m = (a & 0x7fffffu) | 0x800000u;                  // value = m * 2^(e-150) = m * 2^(e-126) fp16 ulps
  let sh = 126u - e;                                    // 14..24
  var q = m >> sh;
  let rem = m & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  if (rem > half || (rem == half && (q & 1u) == 1u)) { q = q + 1u; }
  return s | q;
}

// f32 -> bf16 bits, round to nearest even (NaN: quiet, sign kept).
fn f32_to_bf16(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7fffffffu) > 0x7f800000u) { return ((b >> 16u) | 0x40u) & 0xffffu; }
  return ((b + 0x7fffu + ((b >> 16u) & 1u)) >> 16u) & 0xffffu;
}

// One value out of the word that holds element i.
fn decode(dt: u32, word: u32, i: u32) -> f32 {
  if (dt == DT_F32) { return bitcast<f32>(word); }
  let h = select(word & 0xffffu, word >> 16u, (i & 1u) == 1u);
  if (dt == DT_BF16) { return bitcast<f32>(h << 16u); }
  return f16_to_f32(h);
}

// Index of the word that holds element i.
fn word_of(dt: u32, i: u32) -> u32 {
  return select(i >> 1u, i, dt == DT_F32);
}

// 16-bit pattern of x in a packed dtype.
fn encode16(dt: u32, x: f32) -> u32 {
  if (dt == DT_BF16) { return f32_to_bf16(x); }
  return f32_to_f16(x);
}

fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}
