// Preloaded by the unit tests: TypeScript through tsx, WGSL as text.
import { register } from "node:module";
import "tsx/esm";
register("./wgslHooks.mjs", import.meta.url);
