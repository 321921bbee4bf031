// WebAssembly text sources are imported assembled (scripts/wat.mjs: an esbuild plugin in
// the bundles, test/setup/wgslHooks.mjs in tests): plain SIMD and relaxed-SIMD builds,
// each also over a shared memory.
declare module "*.wat" {
  const binaries: { simd: Uint8Array; relaxed: Uint8Array; sharedSimd: Uint8Array; sharedRelaxed: Uint8Array };
  export default binaries;
}
