// A module hook: `import "vscode"` resolves to test/helpers/vscodeStub.mjs (see there).
export async function resolve(specifier, context, next) {
  if (specifier === "vscode") return { url: new URL("./vscodeStub.mjs", import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}
