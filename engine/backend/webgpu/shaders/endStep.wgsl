// endStep: appends the step's record to the log (read back once per chunk), counts an
// applied optimizer step when there was no overflow, and runs the loss scaler's state
// machine on the overflow flag: a line-by-line port of updateScaler
// (engine/scaler/lossScaler.ts), so a chunk of steps needs no read-back.
// Scale arithmetic is fp32 for every rule (WGSL has no f64): Apex and DeepSpeed keep a
// Python float, so they can differ only once the scale leaves the fp32 range
// (below 2^-149 or above 2^128). One invocation.
const KIND_DYNAMIC: u32 = 2u;

struct Params {
  record: u32,          // index of this step's record in the log
  kind: u32,            // 0 static, 1 none, 2 dynamic
  rule: u32,            // 0 pytorch, 1 deepspeed, 2 apex, 3 keras, 4 jmp (RULE_CODE in kernels.ts)
  growthInterval: u32,
  growthFactor: f32,
  backoffFactor: f32,
  hysteresis: i32,
  minScale: f32,        // 0: no floor
  maxScale: f32,        // +Inf (as bits): no ceiling
  zeroStage: u32,       // deepspeed: 0 FP16_Optimizer rule, 1-3 DynamicLossScaler
  consecutive: u32,     // deepspeed, zeroStage 1-3: consecutive_hysteresis
}
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read_write> log: array<u32>;

fn floored(s: f32) -> f32 { return select(s, max(s, u.minScale), u.minScale > 0.0); }

// PyTorch GradScaler: growth only when the grown (capped) scale is finite.
fn updatePytorch(overflow: bool) {
  if (overflow) {
    st.scale = floored(st.scale * u.backoffFactor);
    st.counter = 0;
    return;
  }
  let t = st.counter + 1;
  if (u32(t) == u.growthInterval) {
    let n = min(u.maxScale, st.scale * u.growthFactor);
    if (is_finite(n)) { st.scale = n; }
    st.counter = 0;
  } else {
    st.counter = t;
  }
}

// Apex: the growth check also runs after an overflow (counter 0 never matches).
fn updateApex(overflow: bool) {
  if (overflow) {
    st.scale = floored(st.scale * u.backoffFactor);
    st.counter = 0;
  } else {
    st.counter += 1;
  }
  if (u32(st.counter) == u.growthInterval) {
    st.scale = min(u.maxScale, st.scale * u.growthFactor);
    st.counter = 0;
  }
}

// Keras: grows with no finite check (the scale can reach Inf).
fn updateKeras(overflow: bool) {
  if (overflow) {
    st.scale = floored(st.scale * u.backoffFactor);
    st.counter = 0;
  } else if (u32(st.counter) == u.growthInterval - 1u) {
    st.scale = min(u.maxScale, st.scale * u.growthFactor);
    st.counter = 0;
  } else {
    st.counter += 1;
  }
}

// jmp: floor always applied; the counter runs modulo the period.
fn updateJmp(overflow: bool) {
  if (overflow) {
    st.scale = max(u.minScale, st.scale * u.backoffFactor);
    st.counter = 0;
    return;
  }
  if (u32(st.counter) == u.growthInterval - 1u) {
    let n = min(u.maxScale, st.scale * u.growthFactor);
    if (is_finite(n)) { st.scale = n; }
  }
  st.counter = i32((u32(st.counter) + 1u) % u.growthInterval);
}

// DeepSpeed, ZeRO stage 0 (FP16_Optimizer): no hysteresis, the floor clamps, never halts.
// Growth after W+1 clean iterations since the last overflow (or the start).
fn updateDeepSpeedStage0(overflow: bool) {
  if (overflow) {
    st.scale = max(st.scale * u.backoffFactor, u.minScale);
    st.lastOverflow = st.iteration;
  } else {
    let stable = st.iteration - st.lastOverflow - 1;
    if (stable > 0 && stable % i32(u.growthInterval) == 0) {
      st.scale = min(u.maxScale, st.scale * u.growthFactor);
    }
  }
  st.iteration += 1;
}

// DeepSpeed, ZeRO stages 1-3 (DynamicLossScaler): hysteresis absorbs overflows; a clean
// step restores it (consecutive) or only a growth does; growth after W+1 clean
// iterations since the last overflow; at the floor an overflow is an error (halt).
fn updateDeepSpeed(overflow: bool) {
  let consecutive = u.consecutive != 0u;
  if (overflow) {
    if (u.hysteresis == 1 || st.hysteresisLeft == 1) {
      if (st.scale == u.minScale) {
        st.halted = 1u;
        return;
      }
      st.scale = max(st.scale * u.backoffFactor, u.minScale);
    } else {
      st.hysteresisLeft -= 1;
    }
    st.lastOverflow = st.iteration;
  } else {
    if (consecutive) { st.hysteresisLeft = u.hysteresis; }
    let stable = st.iteration - st.lastOverflow - 1;
    if (stable > 0 && stable % i32(u.growthInterval) == 0) {
      if (!consecutive) { st.hysteresisLeft = u.hysteresis; }
      st.scale = min(u.maxScale, st.scale * u.growthFactor);
    }
  }
  st.iteration += 1;
}

@compute @workgroup_size(1)
fn main() {
  let overflow = atomicLoad(&st.overflow) != 0u;
  let wasHalted = st.halted != 0u;
  if (!overflow && !wasHalted) { st.applied += 1u; }
  if (!wasHalted && u.kind == KIND_DYNAMIC) {
    switch u.rule {
      case 0u: { updatePytorch(overflow); }
      case 1u: { if (u.zeroStage == 0u) { updateDeepSpeedStage0(overflow); } else { updateDeepSpeed(overflow); } }
      case 2u: { updateApex(overflow); }
      case 3u: { updateKeras(overflow); }
      default: { updateJmp(overflow); }
    }
  }
  let r = u.record * RECORD_WORDS;
  log[r + REC_LOSS] = bitcast<u32>(st.loss);
  log[r + REC_SCALE] = bitcast<u32>(st.scaleUsed);
  log[r + REC_OVERFLOW] = select(0u, 1u, overflow);
  log[r + REC_FIRST_NON_FINITE] = atomicLoad(&st.firstNonFinite);
  log[r + REC_GRAD_NORM] = bitcast<u32>(sqrt(st.normSq));
  log[r + REC_SCALER_ERROR] = select(0u, 1u, !wasHalted && st.halted != 0u);
}
