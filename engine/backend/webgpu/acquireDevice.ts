// Finds a WebGPU adapter and device: `navigator.gpu` in a browser or webview, the
// `webgpu` npm package (Dawn; an optional dependency) in Node. Every failure is an
// Error that says why and what to do, never a hang or a bare null.
export interface AcquiredDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** e.g. "Google SwiftShader (fallback adapter)" */
  adapterName: string;
  /** the adapter has `shader-f16` and the device was created with it */
  shaderF16: boolean;
  /** a software adapter (SwiftShader), not a GPU */
  fallback: boolean;
}

export interface AcquireOptions {
  /** a GPU object to use instead of navigator.gpu / the webgpu package */
  gpu?: GPU;
  /** do not request shader-f16 even where the adapter has it */
  forceEmulatedF16?: boolean;
}

const LINUX_HINT =
  "On Linux, VS Code's webviews usually have WebGPU disabled by Chromium's GPU blocklist: start VS Code with " +
  "`code --enable-features=Vulkan --enable-unsafe-webgpu`. In Node, Dawn needs a Vulkan driver: install one " +
  "(Debian's `chromium` package brings SwiftShader) and set VK_ICD_FILENAMES, e.g. " +
  "VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, and XDG_RUNTIME_DIR to a writable folder.";

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

// Dawn's instance must outlive every device made from it: if the GPU object is
// garbage-collected while a device lives, the process crashes. One per process.
let nodeGpuInstance: Promise<GPU> | null = null;

/** The `webgpu` package's GPU, with its globals (GPUBufferUsage, ...) installed on globalThis. */
function nodeGpu(): Promise<GPU> {
  nodeGpuInstance ??= loadNodeGpu();
  return nodeGpuInstance;
}

async function loadNodeGpu(): Promise<GPU> {
  // A computed specifier: bundlers for the browser leave it alone; Node resolves it.
  const name = "webgpu";
  let mod: { create(flags: string[]): GPU; globals: Record<string, unknown> };
  try {
    mod = (await import(/* @vite-ignore */ name)) as typeof mod;
  } catch (e) {
    nodeGpuInstance = null;
    throw new Error(
      `webgpu backend: the optional dependency "webgpu" (Dawn for Node) could not be loaded (${(e as Error).message}). ` +
        `Install it with \`npm install webgpu\`, or use the cpu backend.`,
    );
  }
  Object.assign(globalThis, mod.globals);
  // Vulkan drivers (SwiftShader) complain on stderr without a runtime dir
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  if (env && !env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = (await import("node:os")).tmpdir();
  return mod.create([]);
}

export async function acquireDevice(opts: AcquireOptions = {}): Promise<AcquiredDevice> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = opts.gpu ?? nav?.gpu ?? (isNode() ? await nodeGpu() : undefined);
  if (!gpu) {
    throw new Error(`webgpu backend: this environment has no navigator.gpu (WebGPU is not available or disabled). ${LINUX_HINT}`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new Error(`webgpu backend: no WebGPU adapter (requestAdapter() returned null: no usable GPU driver was found). ${LINUX_HINT}`);
  }
  const shaderF16 = adapter.features.has("shader-f16") && !opts.forceEmulatedF16;
  const want = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredFeatures: shaderF16 ? ["shader-f16"] : [],
      requiredLimits: {
        maxBufferSize: want.maxBufferSize,
        maxStorageBufferBindingSize: want.maxStorageBufferBindingSize,
        maxStorageBuffersPerShaderStage: Math.min(8, want.maxStorageBuffersPerShaderStage),
      },
    });
  } catch (e) {
    throw new Error(`webgpu backend: the adapter refused to create a device: ${(e as Error).message}`);
  }
  const info = (adapter.info ?? {}) as { isFallbackAdapter?: boolean };
  const fallback = Boolean(info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return { device, adapter, adapterName: describeAdapter(adapter), shaderF16, fallback };
}

function describeAdapter(adapter: GPUAdapter): string {
  const i = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  const name = i.description || i.device || i.architecture || "unknown adapter";
  const maker = [i.vendor, i.architecture].filter((s) => s && !name.toLowerCase().includes(s.toLowerCase())).join(" ");
  return name + (maker ? ` (${maker})` : "") + (i.isFallbackAdapter ? ", fallback adapter" : "");
}
