// WebAssembly text sources are imported assembled (scripts/wat.mjs: an esbuild plugin in
// the bundles, test/setup/wgslHooks.mjs in tests): plain SIMD and relaxed-SIMD builds.
declare module "*.wat" {
  const binaries: { simd: Uint8Array; relaxed: Uint8Array };
  export default binaries;
}
