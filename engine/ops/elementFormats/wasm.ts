// The quantize ops on WebAssembly: quantize.wat over a memory of its own, the host side
// of contract.ts. Until the op registry of the layer library lands this is a standalone
// runner (the kernels' tests drive it); then its kernels register in the wasm backend's
// table and run on the backend's memory. Each call lays its arrays out from byte 256:
//   0: element descriptor, 32: NVFP4 scale descriptor, 64: block params, 256..: arrays
import kernels from "./quantize.wat";
import { webAssembly, type WasmMemory } from "../../backend/wasm/webAssembly.js";
import type { LayoutPlan } from "../../numerics/blockQuantize.js";
import { blockParams, BLOCK_WORDS, descriptorWords, HADAMARD_SIGN_MASK, type BlockQuantizeOutput } from "./contract.js";
import type { CastParams, CastResult, UpdateParams } from "./cpu.js";

interface Exports {
  cast_elements(x: number, codes: number, values: number, n: number, d: number, sat: number, sr: number, seed: number, base: number): void;
  block_quantize(p: number, x: number, values: number, codes: number, blocks: number, ed: number, sd: number): void;
  hadamard16(x: number, out: number, rows: number, cols: number, signs: number): void;
  rounded_update(w: number, u: number, n: number, d: number, sr: number, seed: number, base: number): number;
}

export class QuantizeWasm {
  private constructor(private readonly memory: WasmMemory, private readonly k: Exports) {}

  static async create(): Promise<QuantizeWasm> {
    const wa = webAssembly();
    const memory = new wa.Memory({ initial: 1, maximum: 65536 });
    const { exports } = await wa.instantiate(await wa.compile(kernels.simd), { env: { memory } });
    return new QuantizeWasm(memory, exports as unknown as Exports);
  }

  /** Byte offsets of arrays of the given word counts, from 256, the memory grown to hold them. */
  private layout(...words: number[]): number[] {
    const out: number[] = [];
    let at = 256;
    for (const w of words) { out.push(at); at += 4 * w; }
    const need = Math.ceil(at / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
    return out;
  }

  private words(at: number, n: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, at, n);
  }

  private put(at: number, src: Float32Array | Uint32Array): void {
    this.words(at, src.length).set(new Uint32Array(src.buffer, src.byteOffset, src.length));
  }

  castElements(x: Float32Array, p: CastParams): CastResult {
    const n = x.length;
    const [xs, codes, values] = this.layout(n, n, n);
    this.words(0, 8).set(descriptorWords(p.format));
    this.put(xs!, x);
    this.k.cast_elements(xs!, codes!, values!, n, 0, p.saturate ? 1 : 0, p.rounding === "stochastic" ? 1 : 0, p.seed >>> 0, p.indexBase >>> 0);
    return { codes: this.words(codes!, n).slice(), values: new Float32Array(this.words(values!, n).slice().buffer) };
  }

  blockQuantize(x: Float32Array, rows: number, cols: number, plan: LayoutPlan): BlockQuantizeOutput {
    const n = rows * cols;
    const params = blockParams(plan, rows, cols);
    const nb = params[4]! * params[5]!;
    const [xs, values, codes, blocks] = this.layout(n, n, n, nb * BLOCK_WORDS);
    this.words(0, 8).set(descriptorWords(plan.element));
    this.words(32, 8).set(descriptorWords("e4m3"));
    this.words(64, params.length).set(params);
    this.put(xs!, x);
    this.k.block_quantize(64, xs!, values!, codes!, blocks!, 0, 32);
    return {
      values: new Float32Array(this.words(values!, n).slice().buffer),
      codes: this.words(codes!, n).slice(),
      blocks: this.words(blocks!, nb * BLOCK_WORDS).slice(),
    };
  }

  hadamard16(x: Float32Array, rows: number, cols: number): Float32Array {
    const n = rows * cols;
    const [xs, out] = this.layout(n, n);
    this.put(xs!, x);
    this.k.hadamard16(xs!, out!, rows, cols, HADAMARD_SIGN_MASK);
    return new Float32Array(this.words(out!, n).slice().buffer);
  }

  /** w <- element(fl(w + u)) in place; returns the updates lost to rounding. */
  roundedUpdate(w: Float32Array, u: Float32Array, p: UpdateParams): number {
    const n = w.length;
    const [ws, us] = this.layout(n, n);
    this.words(0, 8).set(descriptorWords(p.format));
    this.put(ws!, w);
    this.put(us!, u);
    const lost = this.k.rounded_update(ws!, us!, n, 0, p.rounding === "stochastic" ? 1 : 0, p.seed >>> 0, p.indexBase >>> 0) >>> 0;
    new Uint32Array(w.buffer, w.byteOffset, n).set(this.words(ws!, n));
    return lost;
  }
}
