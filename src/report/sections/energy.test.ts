/**
 * The radio energy section on the fixture (whose energy comes from the real model replaying each
 * strategy's rhythm): the idle ranking and its explanation, the short-window caveat, charts, and
 * nothing at all for files without estimates.
 */
import { describe, expect, it } from "vitest";
import { buildEnergyCharts } from "../charts/energy.ts";
import { buildEnergyGroups } from "../model/energy.ts";
import { createFixtureResults, fixtureResults } from "../test-support/fixture.ts";
import {
  formatEnergySummary,
  renderEnergySectionHtml,
  renderEnergySectionMarkdown,
} from "./energy.ts";

const results = createFixtureResults();

describe("radio energy section", () => {
  it("ranks idle by the model: long polling, then SSE's 15 s heartbeat, then 1 s polling awake all the time", () => {
    const idle = buildEnergyGroups(results).find((g) => g.scenario === "idle");
    if (!idle) throw new Error("the fixture has an idle scenario with estimates");
    const byStrategy = Object.fromEntries(idle.rows.map((r) => [r.strategy, r]));
    expect(byStrategy["short-polling"]?.highPowerShare).toBeGreaterThan(0.99);
    const order = [...idle.rows]
      .sort((a, b) => a.energyPerUserHourJ - b.energyPerUserHourJ)
      .map((r) => r.strategy);
    expect(order).toEqual(["long-polling", "sse", "short-polling"]);
    expect(idle.ranking).toMatch(/^Cheapest first per user-hour on LTE/);
    expect(idle.ranking).toMatch(
      /short-polling at [\d,]+ J, 100 % awake \(a poll every 1 s comes before the tail ends: the radio never sleeps\)/,
    );
    expect(idle.ranking).toContain(
      "a heartbeat every 15 s wakes it for about 11.8 s each time, 79 % of an idle hour",
    );
    expect(idle.ranking.indexOf("long-polling")).toBeLessThan(
      idle.ranking.indexOf("short-polling"),
    );
    expect(idle.shortWindow).toBe(false);
  });

  it("renders a table, the sentence and the charts in HTML and Markdown", () => {
    const charts = buildEnergyCharts(buildEnergyGroups(results));
    const drawn: string[] = [];
    const html = renderEnergySectionHtml(results, (chart) => {
      drawn.push(chart.id);
      return `<figure id="${chart.id}"></figure>`;
    });
    expect(html).toContain('<section class="scenario" id="radio-energy">');
    expect(html).toContain("Estimated, not measured");
    expect(drawn).toEqual(charts.map((c) => c.id));
    expect(drawn).toContain("energy-idle-per-user-hour");
    expect(drawn).toContain("energy-idle-sse-timeline");
    const markdown = renderEnergySectionMarkdown(
      results,
      charts.filter((c) => c.key).map((c) => ({ title: c.title, path: `charts/${c.id}.png` })),
    ).join("\n");
    expect(markdown).toContain("## Radio energy (estimated)");
    expect(markdown).toContain("| strategy | J per user-hour | mAh per user-hour | radio awake |");
    expect(markdown).toContain("(charts/energy-idle-per-user-hour.png)");
    expect(formatEnergySummary(results).join("\n")).toContain("idle: short-polling");
  });

  it("says when the window is too short for the tail to mean much", () => {
    const short = fixtureResults(
      results.runs
        .filter((r) => r.scenario === "idle")
        .map((r) => ({
          ...r,
          energy: r.energy && { ...r.energy, windowMs: 1000, shortWindow: true },
        })),
    );
    const [group] = buildEnergyGroups(short);
    expect(group?.shortWindow).toBe(true);
    const markdown = renderEnergySectionMarkdown(short, []).join("\n");
    expect(markdown).toContain(
      "**Short window.** The measured window (1 s) is shorter than two radio tails",
    );
    expect(renderEnergySectionHtml(short, () => "")).toContain("Short window.");
  });

  it("renders nothing for a file without estimates (older files, k6)", () => {
    const none = fixtureResults(results.runs.map((r) => ({ ...r, energy: null })));
    expect(buildEnergyGroups(none)).toEqual([]);
    expect(renderEnergySectionHtml(none, () => "x")).toBe("");
    expect(renderEnergySectionMarkdown(none, [])).toEqual([]);
    expect(formatEnergySummary(none)).toEqual([]);
  });
});
