// The part of the WebAssembly JS API the wasm backend uses, typed here because the
// engine compiles without the DOM lib (Node and browsers both have it at runtime).
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** a compiled module: clonable to a worker */
export type WasmModule = object;
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<{ exports: object }>;
}

export const WebAssemblyApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export function webAssembly(): WasmApi {
  if (!WebAssemblyApi) throw new Error("this runtime has no WebAssembly");
  return WebAssemblyApi;
}
