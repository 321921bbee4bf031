// The one (layer, role) slot table. A slot numbers one tensor of one layer, and the
// same number is used everywhere a tensor is named by number: the statistics
// accumulator it is observed into (Backend.observe), the tensor id of the non-finite
// check (StepRecord.firstNonFinite), and where results.ts finds its statistics.
// To give every layer another tensor (say an fp8 scale's input), append a row to ROLES;
// the slot numbers, the naming and the results follow.
import type { Policy } from "./policy.js";
import type { TensorRole } from "./runResult.js";

export interface RoleInfo {
  /** how RunResult.firstNonFinite names the tensor */
  label: string;
  /** the key of its statistics in LayerStats.tensors (absent: no statistics are reported) */
  stats?: TensorRole;
  /** which of the policy's dtypes the tensor is stored in */
  dtype: keyof Pick<Policy, "weights" | "activations" | "gradients">;
}

export const ROLES = {
  weights: { label: "weights", stats: "weights", dtype: "weights" }, // w [O,I]
  activations: { label: "activations", stats: "activations", dtype: "activations" }, // z [B,O], the linear output
  activationGrads: { label: "activation gradients", stats: "activationGrads", dtype: "gradients" }, // dz [B,O]
  weightGrads: { label: "weight gradients", stats: "weightGrads", dtype: "gradients" }, // dw [O,I]
  biasGrads: { label: "bias gradients", dtype: "gradients" }, // db [O]
} as const satisfies Record<string, RoleInfo>;

export type Role = keyof typeof ROLES;
export const ROLE_ORDER = Object.keys(ROLES) as Role[];
export const ROLES_PER_LAYER = ROLE_ORDER.length;

/** The slot of a role of layer `layer` (0-based). */
export function slot(layer: number, role: Role): number {
  return layer * ROLES_PER_LAYER + ROLE_ORDER.indexOf(role);
}

/** Slots for a net of `layers` layers (Backend.resetStats). */
export function slotCount(layers: number): number {
  return layers * ROLES_PER_LAYER;
}

/** Which tensor a slot is: { layer (1-based, as users count), tensor (its label) }. */
export function describeSlot(s: number): { layer: number; tensor: string } {
  const role = ROLE_ORDER[s % ROLES_PER_LAYER];
  return { layer: Math.floor(s / ROLES_PER_LAYER) + 1, tensor: ROLES[role].label };
}
