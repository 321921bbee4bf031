// roundedUpdate on WebGPU: roundedUpdate.wgsl (one invocation per word of w), then
// lostRecord.wgsl when the lost count goes into a record.
import { wordCount } from "../../backend/webgpu/hostCodec.js";
import { DT_CODE, ONE_D, kernel } from "../../backend/webgpu/kernels.js";
import type { WebGpuKernelContext } from "../../backend/webgpu/webgpuContext.js";
import { descriptorConstants } from "../formats/descriptor.js";
import exact from "../formats/exact.wgsl";
import formats from "../formats/formats.wgsl";
import type { Kernel } from "../op.js";
import lostRecord from "./lostRecord.wgsl";
import type { RoundedUpdateArgs } from "./roundedUpdate.js";
import roundedUpdate from "./roundedUpdate.wgsl";

const ROUNDED_UPDATE = kernel("roundedUpdate", roundedUpdate, [...ONE_D, formats, exact], ["write", "read", "write"]);
const LOST_RECORD = kernel("lostRecord", lostRecord, [], ["read", "write"]);

export const roundedUpdateWebGpu: Kernel<WebGpuKernelContext, RoundedUpdateArgs> = (c, { w, u, p, record, slot = 0 }) => {
  const lost = c.pool.acquire(16, "rounded update lost count");
  c.rec.clear(lost);
  const constants = { DT_W: DT_CODE[w.dtype], ...descriptorConstants("E_", p.format), STOCHASTIC: p.rounding === "stochastic" };
  c.run(ROUNDED_UPDATE, constants, [c.buf(w), c.buf(u), lost], [w.size, p.seed >>> 0, p.indexBase >>> 0], c.groups(wordCount(w.dtype, w.size)));
  if (record) c.run(LOST_RECORD, {}, [lost, c.buf(record)], [slot], [1]);
  c.pool.release(lost);
};
