// beginStep: clears the step's overflow flag, first non-finite tensor, loss and
// grad-norm accumulators, and notes the scale this step uses. One invocation.
struct Params { step: u32 }
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)

@compute @workgroup_size(1)
fn main() {
  atomicStore(&st.overflow, 0u);
  atomicStore(&st.firstNonFinite, NO_TENSOR);
  st.loss = 0.0;
  st.normSq = 0.0;
  st.scaleUsed = st.scale;
}
