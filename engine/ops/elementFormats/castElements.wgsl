// castElements: codes[i] = element(x[i]) and values[i] = its value (fp32 bits), for the
// element format given by the E_* overrides (engine/numerics/formats.ts encodeBits):
// saturating or not, nearest or stochastic with random_bits(seed, indexBase + i), the
// same draw the CPU reference and the wasm kernel make for element i.
// One invocation per element, on a 2-D grid (x, y) of 64-wide workgroups.
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

struct Params { n: u32, seed: u32, indexBase: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> codes: array<u32>;
@group(0) @binding(3) var<storage, read_write> values: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = g.x + g.y * nw.x * 64u;
  if (i >= u.n) { return; }
  let f = Fmt(E_MBITS, E_BIAS, E_MAXBITS, E_INFBITS, E_NANBITS, E_SIGNBIT, E_EBITS, E_E8M0);
  let r = select(0u, random_bits(u.seed, u.indexBase + i), STOCHASTIC);
  let c = encode(x[i], f, SATURATE, STOCHASTIC, r);
  codes[i] = c;
  values[i] = decode(c, f);
}
