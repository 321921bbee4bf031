// WGSL files are imported as text (esbuild's "text" loader; test/setup/wgslHooks.mjs in tests).
declare module "*.wgsl" {
  const source: string;
  export default source;
}
