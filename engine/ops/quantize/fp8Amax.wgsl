// fp8Amax: acc[0] = max over x of |x| as fp32 bits (NaN > Inf > finite): the amax an
// fp8 cast records and current / block scaling divide by. Grid-stride, one atomicMax
// an invocation. acc (4 words) was cleared by the host before this pass.
override DT_X: u32;

struct Params { n: u32, threads: u32 }
@group(0) @binding(0) var<uniform> u: Params;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> acc: array<atomic<u32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let t = g.x;
  if (t >= u.threads) { return; }
  var m = 0u;
  for (var i = t; i < u.n; i += u.threads) {
    m = max(m, bitcast<u32>(decode(DT_X, x[word_of(DT_X, i)], i)) & 0x7fffffffu);
  }
  atomicMax(&acc[0], m);
}
