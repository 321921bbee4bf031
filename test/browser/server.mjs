// A small static server for the browser tests, on 127.0.0.1 and a free port. It serves
// dist/ (the bundles), test-output/ (fixtures, test bundles) and pages/ (test pages;
// "{{NONCE}}" in a page becomes a fresh nonce, sent in the same strict CSP the engine
// webview uses: scripts and styles only by nonce or from this origin).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve } from "node:path";

const ROOTS = { "/dist/": "dist", "/out/": "test-output", "/pages/": "test/browser/pages" };
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".html": "text/html", ".css": "text/css", ".map": "application/json" };

export async function startServer(repoRoot) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const prefix = Object.keys(ROOTS).find((p) => url.pathname.startsWith(p));
    if (url.pathname === "/favicon.ico") return void res.writeHead(204).end();
    if (!prefix) return void res.writeHead(404).end();
    const base = resolve(repoRoot, ROOTS[prefix]);
    const file = normalize(join(base, decodeURIComponent(url.pathname.slice(prefix.length))));
    if (!file.startsWith(base)) return void res.writeHead(403).end();
    let body;
    try {
      body = await readFile(file);
    } catch {
      return void res.writeHead(404).end();
    }
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" };
    if (extname(file) === ".html") {
      const nonce = randomBytes(16).toString("base64");
      const origin = `http://127.0.0.1:${server.address().port}`;
      body = body.toString("utf8").replaceAll("{{NONCE}}", nonce);
      headers["content-security-policy"] =
        `default-src 'none'; script-src 'nonce-${nonce}' 'wasm-unsafe-eval'; style-src ${origin} 'nonce-${nonce}'; ` +
        `img-src ${origin} data:; font-src ${origin}; connect-src ${origin}`;
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((ok) => server.close(ok)) };
}
