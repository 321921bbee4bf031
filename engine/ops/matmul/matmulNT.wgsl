// matmulNT: C[M,N] = A[M,K] · B[N,K]^T (+ bias[N]) on f32 operands, fp32 accumulation,
// rounded once to DT_C. A Linear layer's forward is this with A = x, B = w; the backward products
// use it on transposed copies (transposeToF32.wgsl). f16/bf16 operands are decoded into
// f32 scratch first (cast.wgsl, exact): an O(n²) pass that costs a few percent of the
// O(n³) product here, where decoding inside the loop doubled its time (measured on
// SwiftShader: each loaded value is used only 4 times by a 4x4 tile).
//
// Each invocation computes a 4x4 block of C in registers, with no workgroup memory and
// no barriers: on SwiftShader barriers cost more than the reuse they buy (see
// shared/notes/webgpu-on-this-machine.md). With VEC (the host sets it when K % 4 == 0)
// each row is read as vec4s, 4 values a step; otherwise value by value. Rows and
// columns past the edge are clamped on load and skipped on store. A packed C needs N
// even (the host uses an f32 C and a cast otherwise), so that the two halves of every
// word belong to one invocation. With HAS_C32 the same sums are also stored unrounded
// in c32 (f32): the statistics' values before the cast, at no second product.
override DT_C: u32;
override DT_BIAS: u32 = 0u;
override HAS_BIAS: bool;
override VEC: bool;
override HAS_C32: bool = false;

struct Params { M: u32, N: u32, K: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> bias: array<u32>;
@group(0) @binding(4) var<storage, read_write> c: array<u32>;
@group(0) @binding(5) var<storage, read_write> c32: array<f32>;

fn loadA1(e: u32) -> f32 { return a[e >> 2u][e & 3u]; }
fn loadB1(e: u32) -> f32 { return b[e >> 2u][e & 3u]; }

fn biasAt(n: u32) -> f32 {
  let j = min(n, u.N - 1u);
  return decode(DT_BIAS, bias[word_of(DT_BIAS, j)], j);
}

// C[m, n0..n0+3] = v, rounded to DT_C, skipping what lies past the edge.
fn storeRow(m: u32, n0: u32, v: vec4<f32>) {
  if (m >= u.M) { return; }
  let base = m * u.N + n0;
  if (HAS_C32) {
    c32[base] = v.x;
    if (n0 + 1u < u.N) { c32[base + 1u] = v.y; }
    if (n0 + 2u < u.N) { c32[base + 2u] = v.z; }
    if (n0 + 3u < u.N) { c32[base + 3u] = v.w; }
  }
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
  let K = u.K;
  let ea = min(vec4<u32>(m0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(u.M - 1u)) * K; // row offsets
  let eb = min(vec4<u32>(n0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(u.N - 1u)) * K;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  if (VEC) {
    let qa = ea >> vec4<u32>(2u);
    let qb = eb >> vec4<u32>(2u);
    for (var q = 0u; q < K / 4u; q++) {
      let a0 = a[qa.x + q]; let a1 = a[qa.y + q]; let a2 = a[qa.z + q]; let a3 = a[qa.w + q];
      let b0 = b[qb.x + q]; let b1 = b[qb.y + q]; let b2 = b[qb.z + q]; let b3 = b[qb.w + q];
      acc0 += vec4<f32>(dot(a0, b0), dot(a0, b1), dot(a0, b2), dot(a0, b3));
      acc1 += vec4<f32>(dot(a1, b0), dot(a1, b1), dot(a1, b2), dot(a1, b3));
      acc2 += vec4<f32>(dot(a2, b0), dot(a2, b1), dot(a2, b2), dot(a2, b3));
      acc3 += vec4<f32>(dot(a3, b0), dot(a3, b1), dot(a3, b2), dot(a3, b3));
    }
  } else {
    for (var k = 0u; k < K; k++) {
      let av = vec4<f32>(loadA1(ea.x + k), loadA1(ea.y + k), loadA1(ea.z + k), loadA1(ea.w + k));
      let bv = vec4<f32>(loadB1(eb.x + k), loadB1(eb.y + k), loadB1(eb.z + k), loadB1(eb.w + k));
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
