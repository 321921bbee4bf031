// roundedUpdate: w[i] <- element(fl(w[i] + u[i])) in the format of the E_* overrides, not
// saturating, nearest or stochastic with random_bits(seed, indexBase + i); lost[0] counts
// the nonzero, non-NaN updates that left a non-NaN weight at the same value (+0 and -0
// alike). w is f32 (a format's values as fp32 bits) or f16/bf16 (DT_W: two values a word,
// the format's code is the stored half). One invocation per word of w (no two write one
// word); a workgroup adds its count once.
override DT_W: u32;
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

var<workgroup> groupLost: atomic<u32>;

// element i's new code and whether its update was lost (old: its value as fp32 bits)
fn update(i: u32, old: u32, f: Fmt) -> vec2<u32> {
  let r = select(0u, random_bits(p.seed, p.indexBase + i), STOCHASTIC);
  let code = format_encode(add_rn(old, upd[i]), f, false, STOCHASTIC, r);
  let next = format_decode(code, f);
  let ua = upd[i] & 0x7fffffffu;
  let same = next == old || ((next | old) & 0x7fffffffu) == 0u;
  let wasLost = ua != 0u && ua <= 0x7f800000u && same && (old & 0x7fffffffu) <= 0x7f800000u;
  return vec2<u32>(code, select(0u, 1u, wasLost));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let word = linear_id(g, nw);
  let f = Fmt(E_MBITS, E_BIAS, E_MAXBITS, E_INFBITS, E_NANBITS, E_SIGNBIT, E_EBITS, E_E8M0);
  var count = 0u;
  if (DT_W == DT_F32) {
    if (word < p.n) {
      let r = update(word, w[word], f);
      w[word] = format_decode(r.x, f);
      count = r.y;
    }
  } else {
    let i = 2u * word;
    if (i < p.n) {
      let packed = w[word];
      let lo = update(i, bitcast<u32>(decode(DT_W, packed, i)), f);
      var bits = lo.x;
      count = lo.y;
      if (i + 1u < p.n) {
        let hi = update(i + 1u, bitcast<u32>(decode(DT_W, packed, i + 1u)), f);
        bits = bits | (hi.x << 16u);
        count += hi.y;
      } else {
        bits = bits | (packed & 0xffff0000u);
      }
      w[word] = bits;
    }
  }
  if (count > 0u) { atomicAdd(&groupLost, count); }
  workgroupBarrier();
  if (li == 0u) {
    let total = atomicLoad(&groupLost);
    if (total > 0u) { atomicAdd(&lost[0], total); }
  }
}
