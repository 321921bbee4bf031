// endStep: appends the step's record to the log (read back once per chunk), counts an
// applied optimizer step when there was no overflow, and runs the loss scaler's state
// machine on the overflow flag: a port of updateScaler (engine/scaler/lossScaler.ts),
// so a chunk of steps needs no read-back. Scale arithmetic is fp32, as PyTorch's
// GradScaler keeps it. One invocation.
const KIND_DYNAMIC: u32 = 2u;
const RULE_PYTORCH: u32 = 0u;
const RULE_DEEPSPEED: u32 = 1u;
const RULE_APEX: u32 = 2u;
const RULE_KERAS: u32 = 3u;
const RULE_JMP: u32 = 4u;

struct Params {
  record: u32,          // index of this step's record in the log
  kind: u32,            // 0 static, 1 none, 2 dynamic
  rule: u32,
  growthInterval: u32,
  growthFactor: f32,
  backoffFactor: f32,
  hysteresis: i32,
  minScale: f32,        // 0: no floor
  maxScale: f32,        // +Inf (as bits): no ceiling
}
@group(0) @binding(0) var<uniform> u: Params;
// binding 1: the step state (stepState.wgsl)
@group(0) @binding(2) var<storage, read_write> log: array<u32>;

fn finite(x: f32) -> bool { return is_finite(x); }
fn floored(s: f32) -> f32 { return select(s, max(s, u.minScale), u.minScale > 0.0); }
fn capped(s: f32) -> f32 { return min(s, u.maxScale); }

// PyTorch / Apex / Keras / jmp: grow after growthInterval clean steps, back off on overflow.
fn updateGrowthRule(overflow: bool) {
  if (overflow) {
    st.scale = floored(st.scale * u.backoffFactor);
    st.counter = 0;
    return;
  }
  let t = st.counter + 1;
  if (u32(t) >= u.growthInterval) {
    let n = st.scale * u.growthFactor;
    // PyTorch and jmp keep the scale when growth would leave the fp32 range; Apex caps at
    // maxScale; Keras grows unconditionally.
    if (u.rule == RULE_KERAS || finite(n)) { st.scale = capped(n); }
    st.counter = 0;
  } else {
    st.counter = t;
  }
}

// DeepSpeed: hysteresis absorbs overflows; growth every `window` clean iterations since
// the last overflow; at the floor an overflow is an error (the run halts).
fn updateDeepSpeed(overflow: bool) {
  if (overflow) {
    if (u.hysteresis == 1 || st.hysteresisLeft == 1) {
      if (st.scale == u.minScale) {
        st.halted = 1u;
        return;
      }
      st.scale = floored(st.scale * u.backoffFactor);
    } else {
      st.hysteresisLeft -= 1;
    }
    st.lastOverflow = st.iteration;
  } else {
    if ((st.iteration - st.lastOverflow) % i32(u.growthInterval) == 0) {
      st.hysteresisLeft = u.hysteresis;
      st.scale = capped(st.scale * u.growthFactor);
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
    if (u.rule == RULE_DEEPSPEED) { updateDeepSpeed(overflow); } else { updateGrowthRule(overflow); }
  }
  let r = u.record * 8u;
  log[r + 0u] = bitcast<u32>(st.loss);
  log[r + 1u] = bitcast<u32>(st.scaleUsed);
  log[r + 2u] = select(0u, 1u, overflow);
  log[r + 3u] = atomicLoad(&st.firstNonFinite);
  log[r + 4u] = bitcast<u32>(sqrt(st.normSq));
  log[r + 5u] = select(0u, 1u, !wasHalted && st.halted != 0u);
}
