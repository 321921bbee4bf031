// The sample order: each step takes the next batchSize samples of a seeded
// shuffle of the data, a new shuffle each epoch. Independent of chunking.
import { mulberry32, permutation, type Rng } from "../data/rng.js";

export class BatchOrder {
  private readonly rng: Rng;
  private perm: Uint32Array;
  private pos = 0;

  constructor(private readonly samples: number, seed: number) {
    this.rng = mulberry32(seed ^ 0x5eed);
    this.perm = permutation(samples, this.rng);
  }

  /** The next `count` sample indices, as f32 values for the Backend's gatherRows. */
  next(count: number, out = new Float32Array(count)): Float32Array {
    for (let i = 0; i < count; i++) {
      if (this.pos === this.samples) {
        this.perm = permutation(this.samples, this.rng);
        this.pos = 0;
      }
      out[i] = this.perm[this.pos++];
    }
    return out;
  }
}
