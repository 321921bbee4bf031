// Dawn (the "webgpu" package) logs its own warnings on stderr from native code, with
// paths of the machine it was built on:
//   Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.
//    - While initializing adapter (backend=BackendType::Vulkan)
//       at InitializeImpl (/home/runner/work/node-webgpu/.../dawn/native/vulkan/PhysicalDeviceVk.cpp:257)
// They say nothing a user can act on (the backend report says which adapter was used),
// so the CLI and the kernel's owner drop them: a "Warning:"/"Error:" line followed by
// " - While ..." context lines and "at ... (.../dawn/...)" frames, and the blank line after.
export interface LineFilter {
  write(text: string): void;
  end(): void;
}

const CONTEXT = /^\s+(- While |at .*[/\\]dawn[/\\])/;
const HEAD = /^(Warning|Error|Info): /;

/** Passes text through to `out` line by line, without Dawn's log blocks. */
export function dawnLogFilter(out: (text: string) => void): LineFilter {
  let partial = "";
  let held: string[] = []; // a "Warning:" line waiting to see whether Dawn context follows
  let inBlock = false;
  const flushHeld = () => {
    if (held.length) out(held.join(""));
    held = [];
  };
  const line = (l: string) => {
    if (CONTEXT.test(l)) {
      if (held.length || inBlock) {
        held = [];
        inBlock = true;
        return;
      }
      out(l);
      return;
    }
    if (inBlock && l.trim() === "") return; // the blank line that ends Dawn's block
    inBlock = false;
    flushHeld();
    if (HEAD.test(l)) held.push(l);
    else out(l);
  };
  return {
    write(text: string) {
      const parts = (partial + text).split(/(?<=\n)/);
      partial = parts[parts.length - 1]!.endsWith("\n") ? "" : parts.pop()!;
      for (const p of parts) line(p);
    },
    end() {
      if (partial) line(partial.endsWith("\n") ? partial : partial + "\n");
      partial = "";
      flushHeld();
    },
  };
}
