// Compute pipelines, cached by kernel + override constants: a pipeline is made once
// per specialisation, never per dispatch. Shader modules are cached per kernel, and
// their compilation messages are checked so that a WGSL error surfaces as a clear
// error naming the kernel file and line (at the backend's next wait).
import { kernelSource, type KernelDef } from "./kernels.js";

export interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** a small id, for bind-group cache keys */
  id: number;
}

export type Constants = Record<string, number | boolean>;

export class PipelineCache {
  private modules = new Map<string, GPUShaderModule>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private pipelines = new Map<string, CachedPipeline>();
  private pending: Promise<void>[] = [];

  constructor(private device: GPUDevice, private onError: (message: string) => void) {}

  get size(): number {
    return this.pipelines.size;
  }

  get(def: KernelDef, specialised: Constants = {}): CachedPipeline {
    const constants: Constants = { ...def.fixed, ...specialised };
    const names = Object.keys(constants).sort();
    const key = def.name + "|" + names.map((n) => `${n}=${Number(constants[n])}`).join(",");
    let p = this.pipelines.get(key);
    if (!p) {
      const values: Record<string, number> = {};
      for (const n of names) values[n] = Number(constants[n]);
      const layout = this.layout(def);
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module: this.module(def), entryPoint: "main", constants: values },
      });
      p = { pipeline, layout, id: this.pipelines.size };
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Waits for the compilation messages of every module made so far. */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
  }

  private layout(def: KernelDef): GPUBindGroupLayout {
    let l = this.layouts.get(def.name);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true } },
        ...def.storage.map((access, i) => ({
          binding: i + 1,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: access === "read" ? ("read-only-storage" as const) : ("storage" as const) },
        })),
      ];
      l = this.device.createBindGroupLayout({ label: def.name, entries });
      this.layouts.set(def.name, l);
    }
    return l;
  }

  private module(def: KernelDef): GPUShaderModule {
    let m = this.modules.get(def.name);
    if (!m) {
      const code = kernelSource(def);
      m = this.device.createShaderModule({ label: def.name, code });
      this.modules.set(def.name, m);
      const preludeLines = def.preludes.reduce((n, p) => n + p.split("\n").length, 0);
      const lines = code.split("\n");
      this.pending.push(
        m.getCompilationInfo().then((info) => {
          for (const msg of info.messages) {
            if (msg.type !== "error") continue;
            const where = msg.lineNum > preludeLines
              ? `${def.name}.wgsl line ${msg.lineNum - preludeLines}`
              : `a prelude of ${def.name}.wgsl (line ${msg.lineNum} of the joined source)`;
            this.onError(`WGSL compile error in ${where}: ${msg.message}\n  ${(lines[msg.lineNum - 1] ?? "").trim()}`);
          }
        }),
      );
    }
    return m;
  }
}
