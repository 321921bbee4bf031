// FAST (under @vscode/webview-ui-toolkit) probes :focus-visible support while its modules
// load, with a <style> element that carries the nonce of <meta property="csp-nonce">.
// Under the page's strict CSP that <style> needs the nonce, so this module, imported
// before the toolkit, copies the page's script nonce into that meta tag.
if (typeof document !== "undefined" && !document.querySelector('meta[property="csp-nonce"]')) {
  const nonce = (document.querySelector("script[nonce]") as HTMLScriptElement | null)?.nonce;
  if (nonce) {
    const meta = document.createElement("meta");
    meta.setAttribute("property", "csp-nonce");
    meta.setAttribute("content", nonce);
    document.head.appendChild(meta);
  }
}
export {};
