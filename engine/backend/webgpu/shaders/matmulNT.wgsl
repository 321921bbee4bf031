// matmulNT: C[M,N] = A[M,K] · B[N,K]^T (+ bias[N]), fp32 accumulation, rounded once
// to DT_C. linearForward is this with A = x, B = w; the backward products use it on
// transposed fp32 copies (transposeToF32.wgsl).
//
// Each invocation computes a 4x4 block of C in registers, with no workgroup memory
// and no barriers: on SwiftShader barriers cost more than the reuse they buy (see
// shared/notes/webgpu-on-this-machine.md). With VEC (the host sets it when K is a
// multiple of 8) a row is read 8 values at a time: two vec4 loads for f32, one vec4
// of packed halves for f16/bf16. Otherwise values are read one by one.
// unpack8 returns the 8 values in order, so A and B may have different dtypes.
// Rows and columns past the edge are clamped on load and skipped on store.
// A packed C needs N even (the host uses an f32 C and a cast otherwise), so that the
// two halves of every word belong to one invocation.
override DT_A: u32;
override DT_B: u32;
override DT_C: u32;
override DT_BIAS: u32 = 0u;
override HAS_BIAS: bool;
override VEC: bool;
// The built-in unpack2x16float is used for fp16 only where the backend checked at
// creation that it is exact on this device (f16DecodeCheck.wgsl).
override FAST_F16: bool = false;

struct Params { M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> bias: array<u32>;
@group(0) @binding(4) var<storage, read_write> c: array<u32>;

// 8 consecutive values of one row, in order, from a word-aligned position.
fn unpack8(dt: u32, w: vec4<u32>) -> array<vec4<f32>, 2> {
  var lo: vec4<f32>;
  var hi: vec4<f32>;
  if (dt == DT_BF16) {
    lo = bitcast<vec4<f32>>(w << vec4<u32>(16u));
    hi = bitcast<vec4<f32>>(w & vec4<u32>(0xffff0000u));
  } else if (FAST_F16) {
    return array<vec4<f32>, 2>(vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y)), vec4<f32>(unpack2x16float(w.z), unpack2x16float(w.w)));
  } else {
    lo = f16x4_to_f32(w & vec4<u32>(0xffffu));
    hi = f16x4_to_f32(w >> vec4<u32>(16u));
  }
  return array<vec4<f32>, 2>(vec4<f32>(lo.x, hi.x, lo.y, hi.y), vec4<f32>(lo.z, hi.z, lo.w, hi.w));
}

fn loadA8(row: u32, k: u32) -> array<vec4<f32>, 2> {
  let e = row * u.K + k;
  if (DT_A == DT_F32) { let q = e >> 2u; return array<vec4<f32>, 2>(bitcast<vec4<f32>>(a[q]), bitcast<vec4<f32>>(a[q + 1u])); }
  return unpack8(DT_A, a[e >> 3u]);
}

fn loadB8(row: u32, k: u32) -> array<vec4<f32>, 2> {
  let e = row * u.K + k;
  if (DT_B == DT_F32) { let q = e >> 2u; return array<vec4<f32>, 2>(bitcast<vec4<f32>>(b[q]), bitcast<vec4<f32>>(b[q + 1u])); }
  return unpack8(DT_B, b[e >> 3u]);
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
  if (VEC) {
    for (var k = 0u; k < u.K; k += 8u) {
      let a0 = loadA8(ra.x, k); let a1 = loadA8(ra.y, k); let a2 = loadA8(ra.z, k); let a3 = loadA8(ra.w, k);
      let b0 = loadB8(rb.x, k); let b1 = loadB8(rb.y, k); let b2 = loadB8(rb.z, k); let b3 = loadB8(rb.w, k);
      acc0 += vec4<f32>(dot(a0[0], b0[0]), dot(a0[0], b1[0]), dot(a0[0], b2[0]), dot(a0[0], b3[0]))
            + vec4<f32>(dot(a0[1], b0[1]), dot(a0[1], b1[1]), dot(a0[1], b2[1]), dot(a0[1], b3[1]));
      acc1 += vec4<f32>(dot(a1[0], b0[0]), dot(a1[0], b1[0]), dot(a1[0], b2[0]), dot(a1[0], b3[0]))
            + vec4<f32>(dot(a1[1], b0[1]), dot(a1[1], b1[1]), dot(a1[1], b2[1]), dot(a1[1], b3[1]));
      acc2 += vec4<f32>(dot(a2[0], b0[0]), dot(a2[0], b1[0]), dot(a2[0], b2[0]), dot(a2[0], b3[0]))
            + vec4<f32>(dot(a2[1], b0[1]), dot(a2[1], b1[1]), dot(a2[1], b2[1]), dot(a2[1], b3[1]));
      acc3 += vec4<f32>(dot(a3[0], b0[0]), dot(a3[0], b1[0]), dot(a3[0], b2[0]), dot(a3[0], b3[0]))
            + vec4<f32>(dot(a3[1], b0[1]), dot(a3[1], b1[1]), dot(a3[1], b2[1]), dot(a3[1], b3[1]));
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
  let rows = array<vec4<f32>, 4>(acc0 + bv, acc1 + bv, acc2 + bv, acc3 + bv);
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= u.M) { break; }
    let v = rows[i];
    let base = m * u.N + n0;
    if (DT_C == DT_F32) {
      for (var j = 0u; j < 4u; j++) {
        if (n0 + j < u.N) { c[base + j] = bitcast<u32>(v[j]); }
      }
    } else {
      let w = base >> 1u;
      c[w] = encode16(DT_C, v.x) | (encode16(DT_C, v.y) << 16u);
      if (n0 + 2u < u.N) { c[w + 1u] = encode16(DT_C, v.z) | (encode16(DT_C, v.w) << 16u); }
    }
  }
}
