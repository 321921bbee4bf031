// matmulNT: C[M,N] = A[M,K] · B[N,K]^T (+ bias[N]), fp32 accumulation, rounded once
// to DT_C. linearForward is this with A = x, B = w; the backward products use it on
// transposed fp32 copies (transposeToF32.wgsl).
//
// Each invocation computes a 4x4 block of C in registers, with no workgroup memory
// and no barriers: on SwiftShader barriers cost more than the reuse they buy (see
// shared/notes/webgpu-on-this-machine.md). The host picks the k-loop by dtype:
// VEC8 (an operand is f16/bf16, K % 8 == 0): 8 values a step, one vec4<u32> of packed
// halves per row; VEC (f32 operands, K % 4 == 0): 4 values a step, one vec4 per row;
// else one value at a time. Measured on SwiftShader (A/B in one process): the 4-wide
// f32 loop is as fast as the plainest 4x4 kernel, the 8-wide one is ~20% faster for
// fp16 and ~30% slower for f32. Values are plain vec4s (small arrays were slower).
// Loads return values in order, so A and B may have different dtypes.
// Rows and columns past the edge are clamped on load and skipped on store.
// A packed C needs N even (the host uses an f32 C and a cast otherwise), so that the
// two halves of every word belong to one invocation.
override DT_A: u32;
override DT_B: u32;
override DT_C: u32;
override DT_BIAS: u32 = 0u;
override HAS_BIAS: bool;
override VEC: bool;
override VEC8: bool = false;
// The built-in unpack2x16float is used for fp16 only where the backend checked at
// creation that it is exact on this device (f16DecodeCheck.wgsl).
override FAST_F16: bool = false;

struct Params { M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> bias: array<u32>;
@group(0) @binding(4) var<storage, read_write> c: array<u32>;

// 4 consecutive values from element e with e % 4 == 0 (VEC: K % 4 == 0):
// one vec4 load for f32; for f16/bf16 half of the vec4<u32> that holds 8 values.
fn unpack4(dt: u32, h: vec2<u32>) -> vec4<f32> {
  if (dt == DT_BF16) {
    return bitcast<vec4<f32>>(vec4<u32>(h.x << 16u, h.x & 0xffff0000u, h.y << 16u, h.y & 0xffff0000u));
  }
  if (FAST_F16) { return vec4<f32>(unpack2x16float(h.x), unpack2x16float(h.y)); }
  return f16x4_to_f32(vec4<u32>(h.x & 0xffffu, h.x >> 16u, h.y & 0xffffu, h.y >> 16u));
}

fn loadA4(e: u32) -> vec4<f32> {
  if (DT_A == DT_F32) { return bitcast<vec4<f32>>(a[e >> 2u]); }
  let w = a[e >> 3u];
  return unpack4(DT_A, select(w.xy, w.zw, (e & 4u) != 0u));
}
fn loadA8(e: u32) -> mat2x4<f32> {
  if (DT_A == DT_F32) { return mat2x4<f32>(bitcast<vec4<f32>>(a[e >> 2u]), bitcast<vec4<f32>>(a[(e >> 2u) + 1u])); }
  let w = a[e >> 3u];
  return mat2x4<f32>(unpack4(DT_A, w.xy), unpack4(DT_A, w.zw));
}

fn loadB4(e: u32) -> vec4<f32> {
  if (DT_B == DT_F32) { return bitcast<vec4<f32>>(b[e >> 2u]); }
  let w = b[e >> 3u];
  return unpack4(DT_B, select(w.xy, w.zw, (e & 4u) != 0u));
}
fn loadB8(e: u32) -> mat2x4<f32> {
  if (DT_B == DT_F32) { return mat2x4<f32>(bitcast<vec4<f32>>(b[e >> 2u]), bitcast<vec4<f32>>(b[(e >> 2u) + 1u])); }
  let w = b[e >> 3u];
  return mat2x4<f32>(unpack4(DT_B, w.xy), unpack4(DT_B, w.zw));
}

fn loadA1(row: u32, k: u32) -> f32 {
  let e = row * u.K + k;
  let w = word_of(DT_A, e);
  return decode(DT_A, a[w >> 2u][w & 3u], e);
}

fn loadB1(row: u32, k: u32) -> f32 {
  let e = row * u.K + k;
  let w = word_of(DT_B, e);
  return decode(DT_B, b[w >> 2u][w & 3u], e);
}

fn biasAt(n: u32) -> f32 {
  let j = min(n, u.N - 1u);
  return decode(DT_BIAS, bias[word_of(DT_BIAS, j)], j);
}

// C[m, n0..n0+3] = v, rounded to DT_C, skipping what lies past the edge.
fn storeRow(m: u32, n0: u32, v: vec4<f32>) {
  if (m >= u.M) { return; }
  let base = m * u.N + n0;
  if (DT_C == DT_F32) {
    c[base] = bitcast<u32>(v.x);
    if (n0 + 1u < u.N) { c[base + 1u] = bitcast<u32>(v.y); }
    if (n0 + 2u < u.N) { c[base + 2u] = bitcast<u32>(v.z); }
    if (n0 + 3u < u.N) { c[base + 3u] = bitcast<u32>(v.w); }
  } else {
    let w = base >> 1u;
    c[w] = encode16(DT_C, v.x) | (encode16(DT_C, v.y) << 16u);
    if (n0 + 2u < u.N) { c[w + 1u] = encode16(DT_C, v.z) | (encode16(DT_C, v.w) << 16u); }
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let n0 = g.x * 4u;
  let m0 = g.y * 4u;
  if (m0 >= u.M || n0 >= u.N) { return; }
  let ra = min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(u.M - 1u));
  let rb = min(vec4<u32>(n0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(u.N - 1u));
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  if (VEC8) {
    let K = u.K;
    let ea = ra * K;
    let eb = rb * K;
    for (var k = 0u; k < K; k += 8u) {
      let a0 = loadA8(ea.x + k); let a1 = loadA8(ea.y + k); let a2 = loadA8(ea.z + k); let a3 = loadA8(ea.w + k);
      let b0 = loadB8(eb.x + k); let b1 = loadB8(eb.y + k); let b2 = loadB8(eb.z + k); let b3 = loadB8(eb.w + k);
      acc0 += vec4<f32>(dot(a0[0], b0[0]) + dot(a0[1], b0[1]), dot(a0[0], b1[0]) + dot(a0[1], b1[1]), dot(a0[0], b2[0]) + dot(a0[1], b2[1]), dot(a0[0], b3[0]) + dot(a0[1], b3[1]));
      acc1 += vec4<f32>(dot(a1[0], b0[0]) + dot(a1[1], b0[1]), dot(a1[0], b1[0]) + dot(a1[1], b1[1]), dot(a1[0], b2[0]) + dot(a1[1], b2[1]), dot(a1[0], b3[0]) + dot(a1[1], b3[1]));
      acc2 += vec4<f32>(dot(a2[0], b0[0]) + dot(a2[1], b0[1]), dot(a2[0], b1[0]) + dot(a2[1], b1[1]), dot(a2[0], b2[0]) + dot(a2[1], b2[1]), dot(a2[0], b3[0]) + dot(a2[1], b3[1]));
      acc3 += vec4<f32>(dot(a3[0], b0[0]) + dot(a3[1], b0[1]), dot(a3[0], b1[0]) + dot(a3[1], b1[1]), dot(a3[0], b2[0]) + dot(a3[1], b2[1]), dot(a3[0], b3[0]) + dot(a3[1], b3[1]));
    }
  } else if (VEC) {
    let K = u.K;
    let ea = ra * K; // element offsets of the rows
    let eb = rb * K;
    for (var k = 0u; k < K; k += 4u) {
      let a0 = loadA4(ea.x + k); let a1 = loadA4(ea.y + k); let a2 = loadA4(ea.z + k); let a3 = loadA4(ea.w + k);
      let b0 = loadB4(eb.x + k); let b1 = loadB4(eb.y + k); let b2 = loadB4(eb.z + k); let b3 = loadB4(eb.w + k);
      acc0 += vec4<f32>(dot(a0, b0), dot(a0, b1), dot(a0, b2), dot(a0, b3));
      acc1 += vec4<f32>(dot(a1, b0), dot(a1, b1), dot(a1, b2), dot(a1, b3));
      acc2 += vec4<f32>(dot(a2, b0), dot(a2, b1), dot(a2, b2), dot(a2, b3));
      acc3 += vec4<f32>(dot(a3, b0), dot(a3, b1), dot(a3, b2), dot(a3, b3));
    }
  } else {
    for (var k = 0u; k < u.K; k++) {
      let av = vec4<f32>(loadA1(ra.x, k), loadA1(ra.y, k), loadA1(ra.z, k), loadA1(ra.w, k));
      let bv = vec4<f32>(loadB1(rb.x, k), loadB1(rb.y, k), loadB1(rb.z, k), loadB1(rb.w, k));
      acc0 += av.x * bv;
      acc1 += av.y * bv;
      acc2 += av.z * bv;
      acc3 += av.w * bv;
    }
  }
  var bv = vec4<f32>(0.0);
  if (HAS_BIAS) { bv = vec4<f32>(biasAt(n0), biasAt(n0 + 1u), biasAt(n0 + 2u), biasAt(n0 + 3u)); }
  storeRow(m0, n0, acc0 + bv);
  storeRow(m0 + 1u, n0, acc1 + bv);
  storeRow(m0 + 2u, n0, acc2 + bv);
  storeRow(m0 + 3u, n0, acc3 + bv);
}
