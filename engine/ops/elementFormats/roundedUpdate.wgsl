// roundedUpdate: w[i] <- element(fl(w[i] + u[i])) in the weights' storage format (E_*),
// not saturating, nearest or stochastic with random_bits(seed, indexBase + i); lost[0]
// counts the nonzero updates that left their weight unchanged. w holds fp32 bit patterns
// of values in that format. One invocation per 64 consecutive elements (one atomicAdd each).
override E_MBITS: u32;
override E_BIAS: u32;
override E_MAXBITS: u32;
override E_INFBITS: u32;
override E_NANBITS: u32;
override E_SIGNBIT: u32;
override E_EBITS: u32;
override E_E8M0: u32;
override STOCHASTIC: bool;

struct Params { n: u32, seed: u32, indexBase: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> w: array<u32>;
@group(0) @binding(2) var<storage, read> upd: array<u32>;
@group(0) @binding(3) var<storage, read_write> lost: array<atomic<u32>>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let start = (g.x + g.y * nw.x * 64u) * 64u;
  if (start >= p.n) { return; }
  let f = Fmt(E_MBITS, E_BIAS, E_MAXBITS, E_INFBITS, E_NANBITS, E_SIGNBIT, E_EBITS, E_E8M0);
  var count = 0u;
  for (var i = start; i < min(p.n, start + 64u); i++) {
    let old = w[i];
    let r = select(0u, random_bits(p.seed, p.indexBase + i), STOCHASTIC);
    let next = decode(encode(add_rn(old, upd[i]), f, false, STOCHASTIC, r), f);
    // lost: a nonzero, non-NaN update that leaves a non-NaN weight at the same value (+0 and -0 alike)
    let ua = upd[i] & 0x7fffffffu;
    let same = next == old || ((next | old) & 0x7fffffffu) == 0u;
    if (ua != 0u && ua <= 0x7f800000u && same && (old & 0x7fffffffu) <= 0x7f800000u) { count += 1u; }
    w[i] = next;
  }
  if (count > 0u) { atomicAdd(&lost[0], count); }
}
