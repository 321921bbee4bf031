// The random stream of stochastic rounding: a counter-based hash of (seed, element
// index), so that every backend draws the same 32 bits for the same element whatever
// order its threads run in (no generator state to carry or split). The mixer is
// "lowbias32" (Chris Wellons' hash prospector: xorshift-multiply, two rounds), a
// bijection on 32 bits; three applications key it with the seed:
//   h = mix(seed); h = mix(h ^ index); h = mix(h + seed)     (all mod 2^32)
// The last step keeps two seeds from giving permutations of one another's stream.
// Only 32-bit multiplies, xors, shifts and adds: engine/ops/quantize/formats.wgsl
// and quantize.wat compute the same function, tested bit for bit.

/** lowbias32: x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The 32 random bits (uint32) of element `index` (uint32) of the stream `seed` (uint32). */
export function randomBits(seed: number, index: number): number {
  let h = mix32(seed >>> 0);
  h = mix32((h ^ index) >>> 0);
  return mix32((h + (seed >>> 0)) >>> 0);
}
