// The quantize ops on WebGPU: the WGSL kernels of this folder, the host side of
// contract.ts. Until the op registry of the layer library lands this is a standalone
// runner on a GPUDevice of its own (the kernels' tests drive it); then its kernels
// register in the WebGPU backend's table. Every kernel is its file with the preludes
// formats.wgsl and exact.wgsl in front, specialised by override constants (the formats'
// descriptors, from formats.ts); pipelines are cached per specialisation.
import formats from "./formats.wgsl";
import exact from "./exact.wgsl";
import castElementsSrc from "./castElements.wgsl";
import tensorAmaxSrc from "./tensorAmax.wgsl";
import blockQuantizeSrc from "./blockQuantize.wgsl";
import hadamard16Src from "./hadamard16.wgsl";
import roundedUpdateSrc from "./roundedUpdate.wgsl";
import { acquireDevice } from "../../backend/webgpu/acquireDevice.js";
import type { LayoutPlan } from "../../numerics/blockQuantize.js";
import { blockParams, BLOCK_WORDS, descriptorConstants, HADAMARD_SIGN_MASK, type BlockQuantizeOutput } from "./contract.js";
import type { CastParams, CastResult, UpdateParams } from "./cpu.js";

const KERNELS = {
  castElements: castElementsSrc,
  tensorAmax: tensorAmaxSrc,
  blockQuantize: blockQuantizeSrc,
  hadamard16: hadamard16Src,
  roundedUpdate: roundedUpdateSrc,
} as const;
type Kernel = keyof typeof KERNELS;

/** Invocations a workgroup (every kernel here is @workgroup_size(64)). */
const WORKGROUP = 64;

export class QuantizeWebGpu {
  private modules = new Map<Kernel, GPUShaderModule>();
  private pipelines = new Map<string, GPUComputePipeline>();

  private constructor(readonly device: GPUDevice, readonly adapterName: string) {}

  static async create(): Promise<QuantizeWebGpu> {
    const d = await acquireDevice();
    return new QuantizeWebGpu(d.device, d.adapterName);
  }

  destroy(): void {
    this.device.destroy();
  }

  private async pipeline(kernel: Kernel, constants: Record<string, number>): Promise<GPUComputePipeline> {
    const key = kernel + JSON.stringify(constants);
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    let module = this.modules.get(kernel);
    if (!module) {
      module = this.device.createShaderModule({ label: `${kernel}.wgsl`, code: [formats, exact, KERNELS[kernel]].join("\n") });
      const info = await module.getCompilationInfo();
      const errors = info.messages.filter((m) => m.type === "error");
      if (errors.length) throw new Error(`quantize op ${kernel}.wgsl (after the formats.wgsl and exact.wgsl preludes): ${errors.map((m) => `line ${m.lineNum}: ${m.message}`).join("; ")}`);
      this.modules.set(kernel, module);
    }
    this.device.pushErrorScope("validation");
    const p = this.device.createComputePipeline({ label: key, layout: "auto", compute: { module, entryPoint: "main", constants } });
    const err = await this.device.popErrorScope();
    if (err) throw new Error(`quantize op ${kernel}: ${err.message}`);
    this.pipelines.set(key, p);
    return p;
  }

  private buffer(words: number, data?: Uint32Array): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, 4 * words), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    if (data) this.device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
    return b;
  }

  private uniform(words: Uint32Array): GPUBuffer {
    const padded = new Uint32Array(Math.ceil(words.length / 4) * 4);
    padded.set(words);
    const b = this.device.createBuffer({ size: padded.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(b, 0, padded.buffer);
    return b;
  }

  /** One dispatch of `invocations` invocations (a 2-D grid past 65535 workgroups); bindings 0.. in order. */
  private async dispatch(kernel: Kernel, constants: Record<string, number>, bindings: GPUBuffer[], invocations: number): Promise<void> {
    const pipe = await this.pipeline(kernel, constants);
    const group = this.device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: bindings.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipe);
    pass.setBindGroup(0, group);
    const groups = Math.max(1, Math.ceil(invocations / WORKGROUP));
    const x = Math.min(groups, 65535);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  private async read(b: GPUBuffer, words: number): Promise<Uint32Array> {
    const staging = this.device.createBuffer({ size: Math.max(16, 4 * words), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(b, 0, staging, 0, Math.max(16, 4 * words));
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(staging.getMappedRange().slice(0, 4 * words));
    staging.unmap();
    staging.destroy();
    return out;
  }

  async castElements(x: Float32Array, p: CastParams): Promise<CastResult> {
    const n = x.length;
    const bx = this.buffer(n, new Uint32Array(x.buffer, x.byteOffset, n)), codes = this.buffer(n), values = this.buffer(n);
    const u = this.uniform(Uint32Array.of(n, p.seed >>> 0, p.indexBase >>> 0));
    await this.dispatch("castElements", { ...descriptorConstants("E_", p.format), SATURATE: p.saturate ? 1 : 0, STOCHASTIC: p.rounding === "stochastic" ? 1 : 0 }, [u, bx, codes, values], n);
    const out = { codes: await this.read(codes, n), values: new Float32Array((await this.read(values, n)).buffer) };
    for (const b of [bx, codes, values, u]) b.destroy();
    return out;
  }

  async blockQuantize(x: Float32Array, rows: number, cols: number, plan: LayoutPlan): Promise<BlockQuantizeOutput> {
    const n = rows * cols;
    const params = blockParams(plan, rows, cols);
    const nb = params[4]! * params[5]!;
    const bx = this.buffer(n, new Uint32Array(x.buffer, x.byteOffset, n)), values = this.buffer(n), codes = this.buffer(n);
    const blocks = this.buffer(nb * BLOCK_WORDS), amax = this.buffer(4, new Uint32Array(4));
    if (plan.kind === "nvfp4") {
      const threads = Math.min(n, 4096);
      const ua = this.uniform(Uint32Array.of(n, threads));
      await this.dispatch("tensorAmax", {}, [ua, bx, amax], threads);
      ua.destroy();
    }
    const u = this.uniform(params);
    const constants = { ...descriptorConstants("E_", plan.element), ...descriptorConstants("S_", "e4m3") };
    await this.dispatch("blockQuantize", constants, [u, bx, values, codes, blocks, amax], nb);
    const out = { values: new Float32Array((await this.read(values, n)).buffer), codes: await this.read(codes, n), blocks: await this.read(blocks, nb * BLOCK_WORDS) };
    for (const b of [bx, values, codes, blocks, amax, u]) b.destroy();
    return out;
  }

  async hadamard16(x: Float32Array, rows: number, cols: number): Promise<Float32Array> {
    const n = rows * cols, chunks = Math.ceil(cols / 16);
    const bx = this.buffer(n, new Uint32Array(x.buffer, x.byteOffset, n)), out = this.buffer(n);
    const u = this.uniform(Uint32Array.of(rows, cols, chunks));
    await this.dispatch("hadamard16", { SIGNS: HADAMARD_SIGN_MASK }, [u, bx, out], rows * chunks);
    const result = new Float32Array((await this.read(out, n)).buffer);
    for (const b of [bx, out, u]) b.destroy();
    return result;
  }

  /** w <- element(fl(w + u)) in place; returns the updates lost to rounding. */
  async roundedUpdate(w: Float32Array, upd: Float32Array, p: UpdateParams): Promise<number> {
    const n = w.length;
    const bw = this.buffer(n, new Uint32Array(w.buffer, w.byteOffset, n)), bu = this.buffer(n, new Uint32Array(upd.buffer, upd.byteOffset, n));
    const lost = this.buffer(4, new Uint32Array(4));
    const u = this.uniform(Uint32Array.of(n, p.seed >>> 0, p.indexBase >>> 0));
    await this.dispatch("roundedUpdate", { ...descriptorConstants("E_", p.format), STOCHASTIC: p.rounding === "stochastic" ? 1 : 0 }, [u, bw, bu, lost], Math.ceil(n / 64));
    new Uint32Array(w.buffer, w.byteOffset, n).set(await this.read(bw, n));
    const count = (await this.read(lost, 1))[0]!;
    for (const b of [bw, bu, lost, u]) b.destroy();
    return count;
  }
}
