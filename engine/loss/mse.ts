// The loss spec for cells. MSE is computed in fp32 by the Backend's mseLoss:
// mean((y - ŷ)^2) over all elements of the batch, seed 2(ŷ - y)/n × scale.
import type { LossSpec } from "../config/schema.js";

export const mse = (): LossSpec => ({ type: "mse" });
