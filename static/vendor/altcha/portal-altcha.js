// The portal's own glue for the vendored ALTCHA widget (this file is ours, not upstream's).
//
// Loaded with <script type="module" src="…/portal-altcha.js">, so a page needs no inline script:
//  1. loads the widget: the "external" build, which injects no <style> and makes no blob:
//     workers, so a strict Content-Security-Policy (script-src/worker-src 'self') suffices;
//  2. runs the proof of work in the SHA worker file next to this one (same origin);
//  3. gives every <altcha-widget data-strings='{…}'> the texts the server translated, under
//     the widget's language attribute (widget 3.x has no "strings" attribute any more: its
//     texts come from the global $altcha.i18n registry).
import "./altcha.min.js";

const altcha = globalThis.$altcha;
const shaWorker = new URL("./workers/sha.js", import.meta.url);

// The only algorithm portal/antibot.py issues (ALTCHA_ALGORITHM there).
altcha.algorithms.set("SHA-256", () => new Worker(shaWorker));

for (const widget of document.querySelectorAll("altcha-widget[data-strings]")) {
  const language = widget.getAttribute("language") || document.documentElement.lang || "en";
  try {
    const strings = JSON.parse(widget.dataset.strings);
    altcha.i18n.set(language, { ...altcha.i18n.get("en"), ...strings });
  } catch (error) {
    console.warn("altcha: data-strings is not JSON", error);
  }
}
