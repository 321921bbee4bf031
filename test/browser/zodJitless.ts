// zod probes `new Function("")` to decide whether to compile validators; under the
// webview CSP (no 'unsafe-eval') that probe is a reported CSP violation. Imported before
// the engine, as the engine page must do too.
import { config } from "zod";
config({ jitless: true });
