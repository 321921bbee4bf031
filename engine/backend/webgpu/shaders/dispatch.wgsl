// Shared prelude (not a kernel): the workgroup size of the one-dimensional kernels,
// an override that the host sets (WORKGROUP_SIZE in kernels.ts) and uses for its
// workgroup counts, so the two cannot disagree.
override WORKGROUP_SIZE: u32 = 64u;

// Linear invocation index of a 1-D problem dispatched on a 2-D grid (> 65535 workgroups).
fn linear_id(g: vec3<u32>, nw: vec3<u32>) -> u32 {
  return g.x + g.y * nw.x * WORKGROUP_SIZE;
}
