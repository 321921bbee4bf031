// mseLoss: seed = 2 (yhat - y) / n * weight * scale, rounded to DT_SEED, and each
// invocation's partial sum of (yhat - y)^2 into partials[t]; reduceInto.wgsl then adds
// weight * sum / n to the step's loss (two dispatches: no float atomics in WGSL, and a
// fixed summation order keeps runs deterministic). Grid-stride over seed words.
// With HAS_SEED32 the seed is also stored unrounded in seed32 (f32).
override DT_YHAT: u32;
override DT_Y: u32;
override DT_SEED: u32;
override HAS_SEED32: bool = false;

struct Params { n: u32, threads: u32, weight: f32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read> yhat: array<u32>;
@group(0) @binding(3) var<storage, read> y: array<u32>;
@group(0) @binding(4) var<storage, read_write> seed: array<u32>;
@group(0) @binding(5) var<storage, read_write> partials: array<f32>;
@group(0) @binding(6) var<storage, read_write> seed32: array<f32>;

var<private> sq: f32 = 0.0;

fn value(i: u32) -> f32 {
  let d = decode(DT_YHAT, yhat[word_of(DT_YHAT, i)], i) - decode(DT_Y, y[word_of(DT_Y, i)], i);
  sq += d * d;
  let v = ((2.0 * d) / f32(u.n)) * u.weight * st.scaleUsed;
  if (HAS_SEED32) { seed32[i] = v; }
  return v;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let t = g.x;
  if (t >= u.threads) { return; }
  let words = select((u.n + 1u) / 2u, u.n, DT_SEED == DT_F32);
  for (var w = t; w < words; w += u.threads) {
    if (DT_SEED == DT_F32) {
      seed[w] = bitcast<u32>(value(w));
    } else {
      let i = 2u * w;
      var bits = encode16(DT_SEED, value(i));
      if (i + 1u < u.n) { bits = bits | (encode16(DT_SEED, value(i + 1u)) << 16u); }
      seed[w] = bits;
    }
  }
  partials[t] = sq;
}
