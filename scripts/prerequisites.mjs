// What `npm test` needs beyond node_modules, brought in the way `playwright install
// --with-deps` does it: the Debian packages the browser and VS Code suites use
// (chromium with its SwiftShader Vulkan driver, libvulkan1, libkrb5-dev for
// code-server's kerberos addon) are installed with apt-get when this user can (root, or
// sudo without a password); otherwise it stops at once and prints the one command to
// run. Then the offline VS Code (scripts/setup-vscode-test.sh) and, where the scalers
// work added it, the Python torch venv (scripts/setup-torch-venv.sh) are set up; both
// are idempotent. MPLAB_SKIP_PREREQUISITES=1 skips all of it (CI images that have them);
// MPLAB_DEBIAN_PACKAGES replaces the package list (its test uses it).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const DEBIAN_PACKAGES = process.env.MPLAB_DEBIAN_PACKAGES?.split(/\s+/).filter(Boolean) ?? ["chromium", "libvulkan1", "libkrb5-dev"];

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: "inherit", ...opts });
const quiet = (cmd, args) => spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** The packages of DEBIAN_PACKAGES that dpkg does not list as installed. */
export function missingPackages() {
  if (quiet("dpkg-query", ["--version"]).status !== 0) return null; // not Debian
  return DEBIAN_PACKAGES.filter((p) => !/install ok installed/.test(quiet("dpkg-query", ["-W", "-f=${Status}", p]).stdout ?? ""));
}

/** Returns true when everything is there; prints what to do and returns false otherwise. */
export function ensurePrerequisites() {
  if (process.env.MPLAB_SKIP_PREREQUISITES === "1") return true;
  const missing = missingPackages();
  if (missing === null) {
    if (!existsSync("/usr/bin/chromium")) {
      console.error(`npm test: the browser and VS Code suites need Debian's packages ${DEBIAN_PACKAGES.join(" ")} (this system has no dpkg). Install their equivalents, or run with MPLAB_SKIP_PREREQUISITES=1 for the unit tests only: npm run test:unit`);
      return false;
    }
  } else if (missing.length) {
    const install = ["apt-get", "install", "-y", "--no-install-recommends", ...missing];
    const isRoot = process.getuid?.() === 0;
    const sudo = !isRoot && quiet("sudo", ["-n", "true"]).status === 0;
    if (!isRoot && !sudo) {
      console.error(`npm test: missing Debian packages: ${missing.join(", ")}. Install them with:\n\n  sudo apt-get update && sudo ${install.join(" ")}\n\nthen run npm test again.`);
      return false;
    }
    const as = (args) => (isRoot ? run(args[0], args.slice(1)) : run("sudo", ["-n", ...args]));
    console.log(`npm test: installing ${missing.join(", ")} with apt-get${isRoot ? "" : " (sudo)"}`);
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    Object.assign(process.env, env);
    if (as(["apt-get", "update"]).status !== 0 || as(install).status !== 0) {
      console.error(`npm test: apt-get could not install ${missing.join(", ")}; run: sudo ${install.join(" ")}`);
      return false;
    }
  }
  for (const script of ["scripts/setup-vscode-test.sh", "scripts/setup-torch-venv.sh"]) {
    if (!existsSync(script)) continue;
    if (run("bash", [script]).status !== 0) {
      console.error(`npm test: ${script} failed (see above); run it again once the cause is fixed`);
      return false;
    }
  }
  return true;
}
