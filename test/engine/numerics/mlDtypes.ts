// The real ml_dtypes 0.6 (and numpy's float16) as the reference of the element formats:
// fp32 bit patterns go to Python, which casts them with `astype` and sends back the
// codes; codes go back and come out as fp32 bit patterns. Binary in and out (base64),
// one process per batch. The Python is the venv of scripts/setup-python-peers.sh
// ($MPLAB_PYTHON overrides); a missing ml_dtypes fails the test with the fix.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { peerPythonPath, SETUP } from "../../helpers/pythonPeers.js";
import type { ElementFormat } from "../../../engine/numerics/formats.js";

const DTYPE: Record<ElementFormat, string> = {
  e4m3: "ml_dtypes.float8_e4m3fn",
  e5m2: "ml_dtypes.float8_e5m2",
  e2m3: "ml_dtypes.float6_e2m3fn",
  e3m2: "ml_dtypes.float6_e3m2fn",
  e2m1: "ml_dtypes.float4_e2m1fn",
  e8m0: "ml_dtypes.float8_e8m0fnu",
  f16: "numpy.float16",
  bf16: "ml_dtypes.bfloat16",
};

// argv: direction ("encode" | "decode"), dtype; stdin: base64 of the input array
const SCRIPT = `
import sys, base64, numpy, ml_dtypes
direction, dtype = sys.argv[1], eval(sys.argv[2], {"numpy": numpy, "ml_dtypes": ml_dtypes})
assert ml_dtypes.__version__.startswith("0.6"), ml_dtypes.__version__
raw = base64.b64decode(sys.stdin.read())
width = numpy.dtype(dtype).itemsize
store = numpy.uint16 if width == 2 else numpy.uint8
if direction == "encode":
    out = numpy.frombuffer(raw, dtype=numpy.uint32).view(numpy.float32).astype(dtype).view(store)
else:
    out = numpy.frombuffer(raw, dtype=store).view(dtype).astype(numpy.float32).view(numpy.uint32)
sys.stdout.write(base64.b64encode(out.tobytes()).decode())
`;

let checked = false;
function python(): string {
  const py = peerPythonPath();
  const how = `run ${SETUP} (it installs torch, numpy and ml_dtypes into that venv from the local pip index), or set MPLAB_PYTHON`;
  if (!checked) {
    if (!existsSync(py)) throw new Error(`no Python at ${py} for the ml_dtypes reference: ${how}`);
    const r = spawnSync(py, ["-c", "import ml_dtypes; print(ml_dtypes.__version__)"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${py} cannot import ml_dtypes (${(r.stderr || "").trim().split("\n").pop()}): ${how}`);
    if (!r.stdout.startsWith("0.6")) throw new Error(`the reference is ml_dtypes 0.6, ${py} has ${r.stdout.trim()}: ${how}`);
    checked = true;
  }
  return py;
}

function run(direction: "encode" | "decode", format: ElementFormat, input: Uint8Array): Buffer {
  const r = spawnSync(python(), ["-c", SCRIPT, direction, DTYPE[format]], {
    input: Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("base64"),
    encoding: "utf8", maxBuffer: 1 << 30, timeout: 300_000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`ml_dtypes ${direction} ${format} failed: ${r.stderr}`);
  return Buffer.from(r.stdout, "base64");
}

/** ml_dtypes' codes of fp32 bit patterns (x.astype(dtype)). */
export function referenceCodes(format: ElementFormat, f32bits: Uint32Array): Uint16Array {
  const out = run("encode", format, new Uint8Array(f32bits.buffer, f32bits.byteOffset, f32bits.byteLength));
  const wide = format === "f16" || format === "bf16";
  return wide ? new Uint16Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength)) : Uint16Array.from(out);
}

/** ml_dtypes' fp32 bit patterns of codes (codes.view(dtype).astype(float32)). */
export function referenceValues(format: ElementFormat, codes: Uint16Array): Uint32Array {
  const wide = format === "f16" || format === "bf16";
  const input = wide ? new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength) : Uint8Array.from(codes);
  const out = run("decode", format, input);
  return new Uint32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
}
