// The accessibility audit of scripts/test.sh (docs/accessibility.md).
//
// Every page that `cargo run --example a11y_pages -- DIR` wrote (every
// screen and state in English, Finnish and Swedish, rendered into the real
// page with the real stylesheet) is loaded in Debian's chromium at 360×800
// and checked by axe-core against the WCAG 2.0/2.1/2.2 A and AA rules, in the
// light and the dark theme (prefers-color-scheme emulated). Then, at 200 %
// text size (the root font size doubled, as the phone's text-size setting
// does), the page must not scroll sideways and no text may be clipped,
// cut off at the window's edge, overlap other text, or be squeezed into a
// column so narrow that its words break letter by letter. axe-core has no rule
// for non-text contrast (WCAG 1.4.11), so this script checks it too: the
// edge (or fill) of every control against what is behind it, and, walking
// the page with Tab, the focus ring of every focusable element, 3:1 each.
//
//   node scripts/a11y/audit.mjs DIR [SHOTS_DIR]
//
// With SHOTS_DIR, a screenshot of each page at 200 % lands there (to look
// at). Exits 1 with a readable report when anything fails.

import { readdirSync, readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_SOURCE = readFileSync(AXE_PATH, "utf8");
const AXE_VERSION = JSON.parse(
  readFileSync(path.join(path.dirname(AXE_PATH), "package.json"), "utf8"),
).version;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const VIEWPORT = { width: 360, height: 800 };
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const [dir, shots] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node scripts/a11y/audit.mjs DIR [SHOTS_DIR]");
  process.exit(2);
}
if (shots) {
  mkdirSync(shots, { recursive: true });
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".html"))
  .sort();
if (files.length === 0) {
  console.error(`a11y: no pages in ${dir}`);
  process.exit(2);
}

/// In the page: what is wrong with the layout at the current text size.
function layoutProblems() {
  const problems = [];
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways (${root.scrollWidth}px wide in ${width}px)`);
  }
  const name = window.__contrast.name;
  const hidden = (el) => {
    if (el.closest(".sr-only, [aria-hidden=true], svg")) return true;
    const s = getComputedStyle(el);
    return s.display === "none" || s.visibility === "hidden";
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (hidden(el)) continue;
    const s = getComputedStyle(el);
    const clips = (v) => v === "hidden" || v === "clip";
    if ((clips(s.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
        (clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`clipped: ${name(el)}`);
    }
  }
  // Every line box of visible text, with the layer it scrolls in (text
  // in a sticky or fixed bar passes over the page by design).
  const layer = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const p = getComputedStyle(e).position;
      if (p === "fixed" || p === "sticky") return e;
    }
    return null;
  };
  const dialog = document.querySelector(".dialog-backdrop");
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || hidden(el)) continue;
    if (dialog && !dialog.contains(el)) continue; // under the modal dialog
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    const words = node.textContent.trim().split(/\s+/).length;
    if (lines > words + 2) {
      problems.push(`squeezed: ${name(el)} in ${lines} lines for ${words} words`);
    }
    for (const r of range.getClientRects()) {
      if (r.width < 1 || r.height < 1) continue;
      if (r.left < -1 || r.right > width + 1) {
        problems.push(`cut off at the window's edge: ${name(el)}`);
      }
      boxes.push({ r, el, layer: layer(el) });
    }
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.layer !== b.layer) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 2 && h > 2) {
        problems.push(`text overlaps: ${name(a.el)} and ${name(b.el)}`);
      }
    }
  }
  return [...new Set(problems)];
}

/// In the page: colour helpers, installed once per page as `window.__contrast`.
function installContrast() {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  // The colour painted behind `el` (its own background included when `self`).
  const behind = (el, self) => {
    const layers = [];
    for (let e = self ? el : el.parentElement; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let color = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) color = over(layer, color);
    return color;
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const name = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    const text = (el.textContent || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 30);
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  window.__contrast = { parse, over, behind, ratio, name };
}

/// In the page: controls whose edge and fill both fail 3:1 against what is
/// behind them (WCAG 1.4.11), and a selected language pill that does not
/// stand out from its track.
function controlProblems() {
  const { parse, over, behind, ratio, name } = window.__contrast;
  const problems = [];
  const selector = [
    "input[type=text]", "input[type=password]", "textarea", "button", ".invoice",
  ].join(", ");
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.closest(".sr-only") || el.disabled) continue;
    const s = getComputedStyle(el);
    const around = behind(el, false);
    const fill = behind(el, true);
    const edge = parse(s.borderTopColor);
    const hasEdge = parseFloat(s.borderTopWidth) >= 1 && edge && edge.a > 0;
    const edgeRatio = hasEdge ? ratio(over(edge, around), around) : 1;
    const fillRatio = ratio(fill, around);
    // Text buttons (no edge, no fill) are identified by their text alone.
    const textOnly = !hasEdge && fillRatio < 1.01;
    if (textOnly) continue;
    if (Math.max(edgeRatio, fillRatio) < 3) {
      problems.push(`${name(el)}: edge ${edgeRatio.toFixed(2)}:1, fill ${fillRatio.toFixed(2)}:1 against the background`);
    }
  }
  for (const pill of document.querySelectorAll(".lang-active")) {
    const track = behind(pill, false);
    const own = behind(pill, true);
    if (ratio(own, track) < 3) {
      problems.push(`${name(pill)}: the selected language ${ratio(own, track).toFixed(2)}:1 against its track`);
    }
  }
  return problems;
}

/// In the page: the focus indicator of the element that has the focus, or
/// null when it is fine (a solid ring of 2 px or more, 3:1 against what
/// is behind it).
function focusProblem() {
  const { parse, behind, ratio, name } = window.__contrast;
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const width = parseFloat(s.outlineWidth);
  const color = parse(s.outlineColor);
  if (s.outlineStyle === "none" || width < 2 || !color) {
    return `${name(el)}: no focus ring (outline ${s.outlineStyle} ${s.outlineWidth})`;
  }
  const around = behind(el, parseFloat(s.outlineOffset) < 0);
  const r = ratio(color, around);
  return r < 3 ? `${name(el)}: focus ring ${r.toFixed(2)}:1 against the background` : null;
}

/// Tabs through the page once: the focus indicator of every stop.
async function walkFocus(page) {
  const problems = [];
  const seen = new Set();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const key = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el !== document.body ? [...document.querySelectorAll("*")].indexOf(el) : -1;
    });
    if (key < 0 || seen.has(key)) break;
    seen.add(key);
    const problem = await page.evaluate(focusProblem);
    if (problem) problems.push(problem);
  }
  return problems;
}

const started = Date.now();
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const version = await browser.version();
const page = await browser.newPage();
await page.setViewport(VIEWPORT);

const failures = [];
const failed = new Set();
const fail = (file, scheme, id, help, tags, problems) => {
  failed.add(`${file} ${scheme}`);
  failures.push({
    file, scheme, id, impact: "serious", help, tags,
    nodes: problems.map((p) => ({ target: p, summary: "" })),
  });
};
let checks = 0;
let needsReview = 0;
for (const file of files) {
  const url = "file://" + path.resolve(dir, file);
  // Reduced motion: no colour transitions while the theme switches.
  await page.emulateMediaFeatures([
    { name: "prefers-color-scheme", value: "light" },
    { name: "prefers-reduced-motion", value: "reduce" },
  ]);
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(AXE_SOURCE);
  await page.evaluate(installContrast);
  for (const scheme of ["light", "dark"]) {
    await page.emulateMediaFeatures([
      { name: "prefers-color-scheme", value: scheme },
      { name: "prefers-reduced-motion", value: "reduce" },
    ]);
    const result = await page.evaluate(async (tags) => {
      const r = await window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations", "incomplete"],
      });
      return {
        incomplete: r.incomplete.length,
        violations: r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          tags: v.tags.filter((t) => t.startsWith("wcag")).join(" "),
          nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
        })),
      };
    }, TAGS);
    checks++;
    needsReview += result.incomplete;
    for (const v of result.violations) {
      failed.add(`${file} ${scheme}`);
      failures.push({ file, scheme, ...v });
    }
    const controls = await page.evaluate(controlProblems);
    if (controls.length > 0) {
      fail(file, scheme, "non-text-contrast", "Control edges need 3:1 against their background (WCAG 1.4.11)", "wcag21aa wcag1411", controls);
    }
    // Styles do not depend on the language: the focus walk runs on English.
    if (file.endsWith("-en.html")) {
      const rings = await walkFocus(page);
      if (rings.length > 0) {
        fail(file, scheme, "focus-visible", "Every focusable element shows a ring of 3:1 (WCAG 2.4.7, 1.4.11)", "wcag2aa wcag247 wcag1411", rings);
      }
      await page.evaluate(() => document.activeElement?.blur());
    }
  }
  await page.emulateMediaFeatures([
    { name: "prefers-color-scheme", value: "light" },
    { name: "prefers-reduced-motion", value: "reduce" },
  ]);
  await page.evaluate(() => { document.documentElement.style.fontSize = "200%"; });
  const problems = await page.evaluate(layoutProblems);
  checks++;
  if (problems.length > 0) {
    fail(file, "200 % text", "resize-text", "At 200 % text size nothing may be clipped or overlap (WCAG 1.4.4, 1.4.10)", "wcag2aa wcag144 wcag21aa wcag1410", problems);
  }
  if (shots) {
    await page.screenshot({ path: path.join(shots, file.replace(/\.html$/, ".png")), fullPage: true });
  }
}
await browser.close();

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `a11y: ${files.length} pages (every screen and state in en, fi, sv) at ${VIEWPORT.width}×${VIEWPORT.height}, ` +
  `light and dark, axe-core ${AXE_VERSION} (${TAGS.join(", ")}) in ${version}, and 200 % text; ${seconds} s`,
);
if (failures.length > 0) {
  for (const f of failures) {
    console.log(`\n✗ ${f.file} (${f.scheme}): ${f.id} [${f.impact}] ${f.help} (${f.tags})`);
    for (const n of f.nodes.slice(0, 8)) {
      console.log(`    ${n.target}`);
      if (n.summary) {
        console.log(`      ${n.summary.replace(/\n/g, "\n      ")}`);
      }
    }
    if (f.nodes.length > 8) console.log(`    … and ${f.nodes.length - 8} more`);
  }
  const pages = new Set(failures.map((f) => f.file)).size;
  console.log(`\na11y: ${failures.length} failures on ${pages} pages`);
  console.log(`a11y: ${checks - failed.size} passed, ${failed.size} failed`);
  process.exit(1);
}
console.log(`a11y: 0 violations (${needsReview} results for manual review, see docs/accessibility.md)`);
console.log(`a11y: ${checks} passed, 0 failed`);
