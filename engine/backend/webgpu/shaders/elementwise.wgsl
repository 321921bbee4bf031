// Shared prelude (not a kernel): the entry point of every elementwise kernel, written
// once. One invocation per output word, so no two invocations write the same word: a
// word holds one f32 value, or two packed 16-bit values (element 2w in the low half).
// Bounds are checked here. A kernel that includes it declares:
//   override DT_OUT: u32  (or a const)       the output's dtype
//   var<storage, read_write> out: array<u32> the output
//   fn count() -> u32                        the number of output elements
//   fn runs() -> bool                      false: the dispatch does nothing
//   fn value(i: u32) -> f32                  element i of the output, before rounding
// value may read `out` (an update in place): both halves of a word are computed
// before the word is stored.
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  if (!runs()) { return; }
  let w = linear_id(g, nw);
  let n = count();
  if (DT_OUT == DT_F32) {
    if (w < n) { out[w] = bitcast<u32>(value(w)); }
    return;
  }
  let i = 2u * w;
  if (i >= n) { return; }
  var bits = encode16(DT_OUT, value(i));
  if (i + 1u < n) { bits = bits | (encode16(DT_OUT, value(i + 1u)) << 16u); }
  out[w] = bits;
}
