// castElements: out[i] = the value of element(x[i]) (fp32 bits) and, with CODES,
// codes[i] = f32(the code), for the format of the E_* overrides (engine/numerics/formats.ts
// encodeBits; the prelude engine/ops/formats/formats.wgsl): saturating or not, nearest or
// stochastic with random_bits(seed, indexBase + i), the draw the CPU reference and the
// wasm kernel make for element i. x is f32, f16 or bf16 (DT_X, numerics.wgsl). One
// invocation per element.
override DT_X: u32;
override E_MBITS: u32;
override E_BIAS: u32;
override E_MAXBITS: u32;
override E_INFBITS: u32;
override E_NANBITS: u32;
override E_SIGNBIT: u32;
override E_EBITS: u32;
override E_E8M0: u32;
override SATURATE: bool;
override STOCHASTIC: bool;
override CODES: bool;

struct Params { n: u32, seed: u32, indexBase: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<storage, read_write> codes: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = linear_id(g, nw);
  if (i >= u.n) { return; }
  let f = Fmt(E_MBITS, E_BIAS, E_MAXBITS, E_INFBITS, E_NANBITS, E_SIGNBIT, E_EBITS, E_E8M0);
  let r = select(0u, random_bits(u.seed, u.indexBase + i), STOCHASTIC);
  let c = format_encode(bitcast<u32>(decode(DT_X, x[word_of(DT_X, i)], i)), f, SATURATE, STOCHASTIC, r);
  out[i] = format_decode(c, f);
  if (CODES) { codes[i] = f32(c); }
}
