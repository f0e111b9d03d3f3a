/**
 * End to end over the fixture: writeReport once, then check every file it wrote. PNGs are decoded
 * with node-canvas and inspected; report.html is opened in the system Chromium when there is one.
 */

import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createCanvas, loadImage } from "canvas";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BenchResults } from "../../model/results.ts";
import { HAS_CHROMIUM, launchChromium, NO_CHROMIUM_REASON } from "../../test-support/chromium.ts";
import type { ChartSpec } from "../charts/chart-spec.ts";
import { buildEnergyCharts } from "../charts/energy.ts";
import { buildFaultCharts } from "../charts/fault-recovery.ts";
import { buildReportCharts } from "../charts/scenario-charts.ts";
import { buildEnergyGroups } from "../model/energy.ts";
import { sunnyDayRuns } from "../model/run-groups.ts";
import { createFixtureWithFaults } from "../test-support/fixture-faults.ts";
import { createRepeatedFixture } from "../test-support/fixture-repeated.ts";
import { DEFAULT_IMAGE_SIZE } from "./image.ts";
import { writeReport } from "./write-report.ts";

let dir: string;
let results: BenchResults;
let written: Awaited<ReturnType<typeof writeReport>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pvp-report-"));
  results = createFixtureWithFaults();
  // make the idle runs' latency explicitly unmeasurable and a scenario name need escaping
  written = await writeReport(dir, results);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Page-side checks as source text: the project compiles without the DOM library.
const CHARTS_DONE = 'document.documentElement.hasAttribute("data-charts-drawn")';
const CHARTS_DRAWN = 'document.documentElement.getAttribute("data-charts-drawn")';
const SIDEWAYS_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth";
/** Per canvas: how many pixels Chart.js painted (alpha > 0). */
const CANVAS_INK = `[...document.querySelectorAll("canvas")].map((canvas) => {
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) ink++;
  return { id: canvas.id, width: canvas.width, ink };
})`;

/** A test in headless Chromium, skipped (and named so) where there is none; closes the browser. */
function chromiumTest(name: string, body: (browser: Browser) => Promise<void>): void {
  test(`${name}${HAS_CHROMIUM ? "" : ` (SKIPPED: ${NO_CHROMIUM_REASON})`}`, async (context) => {
    if (!HAS_CHROMIUM) {
      console.warn(`browser test skipped: ${NO_CHROMIUM_REASON}`);
      context.skip();
    }
    const browser = await launchChromium();
    try {
      await body(browser);
    } finally {
      await browser.close();
    }
  });
}

/**
 * Opens report.html in a 1280 x 900 page and waits until every chart is drawn. `problems`
 * collects console errors, page errors and any request that leaves the file: the report is
 * self-contained (Chart.js and its plugin inlined), so it must open offline.
 */
async function openReport(browser: Browser, htmlPath: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(pathToFileURL(htmlPath).href);
  await page.waitForFunction(CHARTS_DONE);
  return { page, problems };
}

/** Minimal well-formedness check: balanced tags, one <svg> root. Enough to catch truncation. */
function checkWellFormedSvg(text: string): void {
  const body = text
    .replace(/<\?[\s\S]*?\?>/g, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "")
    .trim();
  const stack: string[] = [];
  let roots = 0;
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const [, closing, name = "", selfClosing] = match;
    if (closing) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else {
      if (stack.length === 0) {
        roots++;
        expect(name).toBe("svg");
      }
      if (!selfClosing) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

/** Every chart the report draws: the scenarios' and the fault chart (no capacity runs here). */
function allCharts(results: BenchResults): ChartSpec[] {
  return [
    ...buildReportCharts(results).flatMap(({ charts }) => charts),
    ...buildEnergyCharts(buildEnergyGroups(results)),
    ...buildFaultCharts(results),
  ];
}

describe("writeReport", () => {
  test("writes report.html, summary.md and a PNG + SVG per chart", async () => {
    expect(written.htmlPath).toBe(join(dir, "report.html"));
    expect(written.summaryPath).toBe(join(dir, "summary.md"));
    const expected = allCharts(results).map((c) => c.id);
    expect(expected).toContain("faults-time-to-recover");
    const files = (await readdir(join(dir, "charts"))).sort();
    expect(files).toEqual(expected.flatMap((id) => [`${id}.png`, `${id}.svg`]).sort());
  });

  test("every PNG decodes at the expected size and is not blank", async () => {
    const pngs = written.chartPaths.filter((p) => p.endsWith(".png"));
    expect(pngs.length).toBeGreaterThan(15);
    for (const path of pngs) {
      const image = await loadImage(await readFile(path));
      expect([image.width, image.height], path).toEqual([
        DEFAULT_IMAGE_SIZE.widthPx,
        DEFAULT_IMAGE_SIZE.heightPx,
      ]);
      const canvas = createCanvas(image.width, image.height);
      const context = canvas.getContext("2d");
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let inked = 0;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4) {
        const [r = 255, g = 255, b = 255] = [data[i], data[i + 1], data[i + 2]];
        if (r < 240 || g < 240 || b < 240) inked++;
        colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      }
      // axes, labels and data: a blank or background-only image has (almost) no ink
      expect(inked / (image.width * image.height), path).toBeGreaterThan(0.01);
      expect(colours.size, path).toBeGreaterThan(10);
    }
  });

  test("every SVG is a well-formed <svg> document", async () => {
    const svgs = written.chartPaths.filter((p) => p.endsWith(".svg"));
    expect(svgs.length).toBe(written.chartPaths.length / 2);
    for (const path of svgs) {
      const text = await readFile(path, "utf8");
      expect(text).toMatch(/^<\?xml[^>]*\?>\s*<svg[\s>]/);
      checkWellFormedSvg(text);
      // vector output: drawn paths and glyphs, not one embedded bitmap
      expect(text).toMatch(/<path/);
      expect(text).not.toContain("<image");
    }
  });

  test("summary.md: one verdict row per scenario x strategy x step, n/a for null, key charts", async () => {
    const summary = await readFile(written.summaryPath, "utf8");
    const verdict = summary.slice(
      summary.indexOf("## Verdict"),
      summary.indexOf("\n## ", summary.indexOf("## Verdict") + 1),
    );
    const rows = verdict
      .split("\n")
      .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"));
    // header + one per sunny-day run: fault runs have their own section
    expect(rows).toHaveLength(1 + sunnyDayRuns(results).length);
    expect(sunnyDayRuns(results)).toHaveLength(9 + 12 + 12 + 4);
    expect(summary).toContain("## Faults");
    expect(summary).toContain("⚠ NOT RECOVERED");
    const idleRows = rows.filter((r) => r.startsWith("| idle |"));
    expect(idleRows).toHaveLength(3);
    for (const row of idleRows) expect(row).toMatch(/\| n\/a \| n\/a \|/);
    expect(summary).toContain("(INVALID)");
    expect(summary).toContain("\\<queueing\\>"); // warnings are escaped, not raw HTML
    expect(summary).not.toMatch(/[^\\]<queueing/);
    const images = [...summary.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? "");
    expect(images.length).toBeGreaterThanOrEqual(6);
    for (const image of images) expect(existsSync(join(dir, image)), image).toBe(true);
  });

  test("report.html is self-contained and escapes text", async () => {
    const html = await readFile(written.htmlPath, "utf8");
    // nothing loaded from elsewhere (the browser test also fails on any network request)
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b/);
    expect(html).toContain("&lt;queueing&gt;");
    expect(html).not.toContain("<queueing>");
    expect(html).toContain("Invalid runs: do not trust these numbers.");
    expect(html).toContain("@media print");
    expect(html).toContain("<td>n/a</td>");
    expect(html).toContain('<section class="scenario" id="faults">');
    expect(html).toContain(
      '<span class="na" title="did not recover before the drain ended">n/a</span>',
    );
  });

  chromiumTest(
    "report.html in headless Chromium: no console errors, every chart drawn",
    async (browser) => {
      const { page, problems } = await openReport(browser, written.htmlPath);
      const drawn = await page.evaluate<{ id: string; width: number; ink: number }[]>(CANVAS_INK);
      const expected = allCharts(results).length;
      expect(problems).toEqual([]);
      expect(await page.evaluate<string>(CHARTS_DRAWN)).toBe(String(expected));
      expect(drawn).toHaveLength(expected);
      for (const canvas of drawn) {
        expect(canvas.width, canvas.id).toBeGreaterThan(100);
        expect(canvas.ink, canvas.id).toBeGreaterThan(1000);
      }
      // phone width: the page must not scroll sideways (the tables scroll inside their box)
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await phone.goto(pathToFileURL(written.htmlPath).href);
      await phone.waitForFunction(CHARTS_DONE);
      expect(await phone.evaluate<number>(SIDEWAYS_OVERFLOW)).toBeLessThanOrEqual(1);
    },
  );
});

describe("writeReport with repetitions (error bars, bands, pooled latency)", () => {
  let repeatedDir: string;
  let repeated: BenchResults;
  let out: Awaited<ReturnType<typeof writeReport>>;
  beforeAll(async () => {
    repeatedDir = await mkdtemp(join(tmpdir(), "pvp-report-repeated-"));
    repeated = createRepeatedFixture({ repeat: 3, seed: 41, faults: true, instrumentFloor: true });
    out = await writeReport(repeatedDir, repeated);
  }, 60_000);
  afterAll(async () => {
    await rm(repeatedDir, { recursive: true, force: true });
  });

  test("the same charts as for single runs, each a PNG and a vector SVG", async () => {
    const expected = allCharts(repeated).map((c) => c.id);
    expect(expected).toEqual(allCharts(results).map((c) => c.id));
    const files = (await readdir(join(repeatedDir, "charts"))).sort();
    expect(files).toEqual(expected.flatMap((id) => [`${id}.png`, `${id}.svg`]).sort());
    const svg = await readFile(
      join(repeatedDir, "charts", "steady-bytes-per-delivered.svg"),
      "utf8",
    );
    checkWellFormedSvg(svg);
    expect(svg).not.toContain("<image");
  });

  chromiumTest(
    "report.html in headless Chromium: the inlined error-bars plugin draws every chart",
    async (browser) => {
      const { page, problems } = await openReport(browser, out.htmlPath);
      expect(problems).toEqual([]);
      expect(await page.evaluate<string>(CHARTS_DRAWN)).toBe(String(allCharts(repeated).length));
      const types = await page.evaluate<string[]>(
        "[...document.querySelectorAll('script[type=\"application/json\"]')].map((s) => JSON.parse(s.textContent).type)",
      );
      expect(types).toContain("barWithErrorBars");
      // the verdict and between-strategies tables fit a 1280 px window without scrolling
      const overflow = await page.evaluate<number[]>(
        "['verdict', 'between-strategies'].map((id) => { const w = document.querySelector('#' + id + ' .table-wrap'); return w.scrollWidth - w.clientWidth; })",
      );
      expect(overflow).toEqual([0, 0]);
    },
  );
});
