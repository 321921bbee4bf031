// Tensor ids name where a non-finite value first appeared: layer and role.
export const ROLES = ["activations", "weight gradients", "bias gradients", "activation gradients"] as const;
const PER_LAYER = ROLES.length;

/** layer is 0-based here */
export function tensorId(layer: number, role: (typeof ROLES)[number]): number {
  return layer * PER_LAYER + ROLES.indexOf(role);
}

/** -> { layer (1-based), tensor } */
export function describeTensorId(id: number): { layer: number; tensor: string } {
  return { layer: Math.floor(id / PER_LAYER) + 1, tensor: ROLES[id % PER_LAYER] };
}
