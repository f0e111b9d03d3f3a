/**
 * The sections with repetitions: the verdict's figures with their interval on a second line and
 * the run counts, the "Between strategies" section right after it (HTML and summary.md), fault
 * tables folded per strategy, every run reachable in the scenario sections; and what older
 * single-run files say instead.
 */
import { describe, expect, it } from "vitest";
import { renderHtml } from "../render/report-html.ts";
import { renderSummaryMarkdown } from "../render/summary-markdown.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import {
  createRepeatedFixture,
  INVALID_REPETITION_REASON,
} from "../test-support/fixture-repeated.ts";
import { STRATEGY_DIFFS_SECTION_ID } from "./strategy-diffs.ts";

const CHART_JS = "/* chart.js */";
const repeated = createRepeatedFixture({
  repeat: 3,
  seed: 31,
  faults: true,
  instrumentFloor: true,
});
const html = renderHtml(repeated, CHART_JS);
const markdown = renderSummaryMarkdown(repeated, []);

function between(text: string, from: string, to: string): string {
  const start = text.indexOf(from);
  return text.slice(start, text.indexOf(to, start + from.length));
}

describe("report.html with repetitions", () => {
  it("the header states the method: repetitions and the instrument floor", () => {
    expect(html).toContain("111 runs (37 scenario steps x strategies)");
    expect(html).toContain(
      "<strong>Method:</strong> 3 repetitions per scenario step x strategy, interleaved",
    );
    expect(html).toContain(
      "instrument floor: p50 180 µs, p99 420 µs over 300 probe publishes, no server",
    );
  });

  it("verdict: one row per step x strategy, the interval under the value, runs counted", () => {
    const verdict = between(html, '<section id="verdict">', "</section>");
    expect(verdict.match(/<tr/g)).toHaveLength(1 + 37);
    expect(verdict).toMatch(/<td>[\d.]+ ms<span class="ci">\[[\d.]+, [\d.]+\]<\/span><\/td>/);
    expect(verdict).toContain('<td class="text">n = 3</td>');
    expect(verdict).toContain(
      `<a class="warn" href="#scenario-steady" title="run 2 of 3: ${INVALID_REPETITION_REASON}">2 of 3 valid</a>`,
    );
  });

  it("between strategies: right after the verdict, in the nav, bold when significant", () => {
    const section = between(html, `<section id="${STRATEGY_DIFFS_SECTION_ID}">`, "</section>");
    expect(html.indexOf(`id="${STRATEGY_DIFFS_SECTION_ID}"`)).toBeGreaterThan(
      html.indexOf('id="verdict"'),
    );
    expect(html.indexOf(`id="${STRATEGY_DIFFS_SECTION_ID}"`)).toBeLessThan(
      html.indexOf('id="scenario-steady"'),
    );
    expect(html).toContain(
      `<li><a href="#${STRATEGY_DIFFS_SECTION_ID}">between strategies</a></li>`,
    );
    expect(section).toContain('<td class="text">sse vs long-polling</td>');
    expect(section).toMatch(/<strong>[−+×\d.]+[^<]*<\/strong><span class="ci">\[/);
    expect(section).toContain("Holm");
    expect(section).toMatch(
      /title="sse vs short-polling, p50 latency: [^"]+, adjusted p = [^"]+, significant"/,
    );
  });

  it("scenario sections keep every run reachable, invalid ones tinted", () => {
    const steady = between(html, 'id="scenario-steady"', "</section>");
    expect(steady).toContain("Every run (9): the repetitions behind each mean");
    expect(between(steady, "<details", "</details>").match(/<tr class="invalid/g)).toHaveLength(1);
    expect(steady).toContain(`long-polling, run 2 of 3: ${INVALID_REPETITION_REASON}`);
  });

  it("fault tables: a row per strategy, a runs column, times with their interval", () => {
    const restart = between(html, 'id="fault-server-restart"', "</table>");
    expect(restart).toContain('<th scope="col" class="text">runs</th>');
    expect(restart.match(/<tr/g)).toHaveLength(1 + 3);
    expect(restart).toMatch(/<td>[\d.]+ s<span class="ci">\[[\d.]+, [\d.]+\]<\/span><\/td>/);
    const blip = between(html, 'id="fault-redis-blip"', "</table>");
    expect(blip).toContain('<span class="badge">0 of 3 recovered</span>');
  });
});

describe("summary.md with repetitions", () => {
  it("verdict with intervals, the invalid repetition named, between strategies next", () => {
    const verdict = between(markdown, "## Verdict", "\n## ");
    const rows = verdict.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---"));
    expect(rows).toHaveLength(1 + 37);
    expect(rows[0]).toContain("| runs |");
    expect(verdict).toMatch(/\| steady \| {2}\| sse \| n = 3 \| [\d.]+ ms \[[\d.]+, [\d.]+\] \|/);
    expect(verdict).toContain(`- steady long-polling run 2 of 3: ${INVALID_REPETITION_REASON}`);
    expect(markdown.indexOf("## Between strategies")).toBeGreaterThan(
      markdown.indexOf("## Verdict"),
    );
    // the scenario section (the answer above has "### steady" for its workload)
    expect(markdown.indexOf("## Between strategies")).toBeLessThan(markdown.indexOf("\n## steady"));
    const diffs = between(markdown, "## Between strategies", "\n## ");
    expect(diffs).toMatch(/\| steady \| {2}\| sse vs short-polling \| 3 vs 3 \| \*\*×0\.\d+ \[/);
    expect(diffs).toContain(" n.s. |");
    expect(markdown).toContain("Method: 3 repetitions per scenario step x strategy, interleaved");
  });
});

describe("older files: single runs", () => {
  const single = createFixtureResults();

  it("say so in the method line and in the between-strategies section", () => {
    const page = renderHtml(single, CHART_JS);
    expect(page).toContain("<strong>Method:</strong> single run per figure");
    expect(page).toContain("Single runs: no interval.");
    expect(page).toContain("--repeat 3");
    expect(page).not.toContain('<details class="runs">');
    const md = renderSummaryMarkdown(single, []);
    expect(md).toContain("## Between strategies");
    expect(md).toContain("Single runs: no interval.");
    expect(md).toContain("| steady |  | sse | 1 run |");
  });
});
