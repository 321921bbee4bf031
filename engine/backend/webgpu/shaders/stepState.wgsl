// Shared prelude (not a kernel): the step state that lives on the GPU, so that a
// chunk of steps runs with no read-back. Layout mirrors STATE_* in stepState.ts.
struct StepState {
  scale: f32,              // the scaler's current scale
  counter: i32,            // steps since growth/overflow (rule-specific)
  hysteresisLeft: i32,     // DeepSpeed
  iteration: i32,          // DeepSpeed
  lastOverflow: i32,       // DeepSpeed
  halted: u32,             // the scaler raised its error; the run stops
  applied: u32,            // optimizer steps applied so far (Adam's t - 1)
  overflow: atomic<u32>,   // this step saw a non-finite gradient
  firstNonFinite: atomic<u32>, // tensor id, 0xffffffff when none
  loss: f32,               // this step's loss (sum over micro-batches)
  normSq: f32,             // this step's sum of squared unscaled gradients
  scaleUsed: f32,          // the scale at beginStep
}

const NO_TENSOR: u32 = 0xffffffffu;

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
