// Shared prelude (not a kernel): the step state that lives on the GPU, so that a
// chunk of steps runs with no read-back. Its struct and NO_TENSOR come from the
// generated layout prelude (layout.ts), which comes before this one.

// Every kernel that includes this prelude gets the state at binding 1.
@group(0) @binding(1) var<storage, read_write> st: StepState;

fn record_first(id: u32) {
  loop {
    let r = atomicCompareExchangeWeak(&st.firstNonFinite, NO_TENSOR, id);
    if (r.exchanged || r.old_value != NO_TENSOR) { break; }
  }
}

fn step_skipped() -> bool {
  return atomicLoad(&st.overflow) != 0u || st.halted != 0u;
}
