// GPU buffers, pooled by size class so that temporaries (transposes, partial sums)
// and disposed tensors are reused instead of created per op. Sizes are checked
// against the device's limits before anything is allocated.
export const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x04 /* COPY_SRC */ | 0x08 /* COPY_DST */;

/** Rounds a byte size up to its pool class: 16-byte multiples up to 4 KiB, then powers of 2 and 1.5x steps. */
export function sizeClass(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (b <= 4096) return b;
  const p = 2 ** Math.floor(Math.log2(b));
  if (b === p) return p;
  return b <= p * 1.5 ? p * 1.5 : p * 2;
}

export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private all = new Set<GPUBuffer>();
  private ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  /** bytes held in GPU buffers by the pool (in use and free) */
  allocatedBytes = 0;

  constructor(private device: GPUDevice) {}

  /** A buffer of at least `bytes` (contents undefined). `what` names it in errors. */
  acquire(bytes: number, what: string): GPUBuffer {
    const size = sizeClass(bytes);
    const limits = this.device.limits;
    const max = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    if (size > max) {
      throw new Error(
        `webgpu backend: ${what} needs a buffer of ${formatBytes(size)} (${bytes} bytes), beyond this device's limit of ` +
          `${formatBytes(max)} (maxBufferSize ${limits.maxBufferSize}, maxStorageBufferBindingSize ${limits.maxStorageBufferBindingSize}). ` +
          `Use a smaller batch or model, or the cpu backend.`,
      );
    }
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) return reused;
    const buf = this.device.createBuffer({ size, usage: STORAGE_USAGE, label: what });
    this.all.add(buf);
    this.ids.set(buf, this.nextId++);
    this.allocatedBytes += size;
    return buf;
  }

  release(buf: GPUBuffer): void {
    const list = this.free.get(buf.size) ?? [];
    list.push(buf);
    this.free.set(buf.size, list);
  }

  /** A stable small id of a pooled buffer (bind-group cache keys). */
  id(buf: GPUBuffer): number {
    let id = this.ids.get(buf);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(buf, id);
    }
    return id;
  }

  destroyAll(): void {
    for (const b of this.all) b.destroy();
    this.all.clear();
    this.free.clear();
    this.allocatedBytes = 0;
  }
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}
