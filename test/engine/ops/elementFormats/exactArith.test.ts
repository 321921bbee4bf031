// exact.wgsl's add_rn, mul_rn and div_rn against IEEE fp32 (JS: the fp64 result of two
// fp32 operands rounded once to fp32 is the correctly rounded fp32 result) on the WebGPU
// device, over random bit patterns and pairs aimed at subnormal, overflowing and tied
// results. A NaN result compares as the one quiet NaN the kernels write.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import formats from "../../../../engine/ops/formats/formats.wgsl";
import exact from "../../../../engine/ops/formats/exact.wgsl";
import kernel from "./exactArith.wgsl";
import { acquireDevice } from "../../../../engine/backend/webgpu/acquireDevice.js";
import { canonicalBits } from "../../../../engine/numerics/formats.js";
import { mulberry32 } from "../../numerics/reference.js";

const gpu = await acquireDevice().catch((e: Error) => `WebGPU unavailable here: ${e.message}`);
after(() => { if (typeof gpu !== "string") gpu.device.destroy(); });

function pairs(n: number): [Uint32Array, Uint32Array] {
  const r = mulberry32(21);
  const a = new Uint32Array(n), b = new Uint32Array(n);
  const special = [0, 0x80000000, 1, 0x80000001, 0x7fffff, 0x800000, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x3f800000, 0x00400000];
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    const exp = (lo: number, span: number) => ((r() & 0x807fffff) | ((lo + (r() % span)) << 23)) >>> 0;
    if (kind === 0) { a[i] = r(); b[i] = r(); }                                  // anywhere
    else if (kind === 1) { a[i] = exp(0, 40); b[i] = exp(0, 40); }                // subnormal and tiny operands
    else if (kind === 2) { a[i] = exp(20, 60); b[i] = exp(20, 60); }              // products below 2^-126
    else if (kind === 3) { a[i] = exp(100, 40); b[i] = exp(180, 75); }           // quotients near the subnormal range
    else if (kind === 4) { a[i] = exp(120, 10); b[i] = (a[i]! ^ 0x80000000 ^ (r() & 0x1ff)) >>> 0; } // cancellation in add
    else { a[i] = special[r() % special.length]!; b[i] = r() & 1 ? special[r() % special.length]! : r(); }
  }
  return [a, b];
}

test("add_rn, mul_rn and div_rn are IEEE fp32 (rounded once, subnormals kept) on the device", { skip: typeof gpu === "string" ? gpu : undefined }, async () => {
  if (typeof gpu === "string") return;
  const device = gpu.device;
  const n = 120_000;
  const [a, b] = pairs(n);
  const module = device.createShaderModule({ code: [formats, exact, kernel].join("\n") });
  const info = await module.getCompilationInfo();
  assert.deepEqual(info.messages.filter((m: GPUCompilationMessage) => m.type === "error").map((m: GPUCompilationMessage) => m.message), []);
  const pipe = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const buf = (data: Uint32Array | number, usage: number) => {
    const size = typeof data === "number" ? data : data.byteLength;
    const g = device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_DST });
    if (typeof data !== "number") device.queue.writeBuffer(g, 0, data.buffer);
    return g;
  };
  const u = buf(Uint32Array.of(n, 0, 0, 0), GPUBufferUsage.UNIFORM);
  const ga = buf(a, GPUBufferUsage.STORAGE), gb = buf(b, GPUBufferUsage.STORAGE), out = buf(12 * n, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const read = buf(12 * n, GPUBufferUsage.MAP_READ);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipe);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [u, ga, gb, out].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  enc.copyBufferToBuffer(out, 0, read, 0, 12 * n);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const got = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  const fa = new Float32Array(a.buffer), fb = new Float32Array(b.buffer);
  const bad: string[] = [];
  let subnormalResults = 0;
  for (let i = 0; i < n; i++) {
    const want = [canonicalBits(Math.fround(fa[i]! + fb[i]!)), canonicalBits(Math.fround(fa[i]! * fb[i]!)), canonicalBits(Math.fround(fa[i]! / fb[i]!))];
    for (let k = 0; k < 3; k++) {
      if ((want[k]! & 0x7f800000) === 0 && (want[k]! & 0x7fffff) !== 0) subnormalResults++;
      if (got[3 * i + k] !== want[k] && bad.length < 8) bad.push(`${["add", "mul", "div"][k]}(0x${a[i]!.toString(16)}, 0x${b[i]!.toString(16)}): 0x${got[3 * i + k]!.toString(16)} vs 0x${want[k]!.toString(16)}`);
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(subnormalResults > 5000, `${subnormalResults} subnormal results exercised`);
  for (const g of [u, ga, gb, out, read]) g.destroy();
});
