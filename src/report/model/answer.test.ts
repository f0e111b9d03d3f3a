import { describe, expect, it } from "vitest";
import type { BenchResults, RunResult } from "../../model/results.ts";
import {
  renderAnswerSectionHtml,
  renderAnswerSectionMarkdown,
  renderAnswerText,
} from "../sections/answer.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import { createRepeatedFixture, resummarize } from "../test-support/fixture-repeated.ts";
import {
  ANSWER_FIGURES,
  ANSWER_USERS,
  type AnswerRow,
  buildAnswer,
  describeWorkload,
} from "./answer.ts";

function workload(results: BenchResults, scenario: string) {
  const found = buildAnswer(results).workloads.find((w) => w.scenario === scenario);
  if (found === undefined) throw new Error(`no answer for ${scenario}`);
  return found;
}

function row(results: BenchResults, scenario: string, id: AnswerRow["id"]): AnswerRow {
  const found = workload(results, scenario).rows.find((r) => r.id === id);
  if (found === undefined) throw new Error(`no row ${id}`);
  return found;
}

function runsOf(results: BenchResults, scenario: string, strategy: string): RunResult[] {
  return results.runs.filter(
    (run) => run.scenario === scenario && run.strategy === strategy && run.valid,
  );
}

describe("the answer: figures per 10,000 users", () => {
  it("scales each run's own requests, bytes, CPU and memory linearly to 10,000 users", () => {
    const results = createFixtureResults();
    const run = runsOf(results, "steady", "short-polling")[0] as RunResult;
    const seconds = run.timing.measuredMs / 1000;
    const perUsers = ANSWER_USERS / run.params.clients;
    const read = (id: string) => ANSWER_FIGURES.find((f) => f.id === id)?.read(run);
    expect(read("requestsPerSec")).toBeCloseTo((run.http.requests / seconds) * perUsers, 6);
    expect(read("bytesPerSec")).toBeCloseTo(
      ((run.http.bytesSent + run.http.bytesReceived) / seconds) * perUsers,
      6,
    );
    expect(read("cpuCores")).toBeCloseTo((run.server?.cpuUtilization ?? Number.NaN) * perUsers, 9);
    expect(read("memory")).toBe((run.server?.rssPerConnectionBytes ?? Number.NaN) * ANSWER_USERS);
    expect(read("emptyAnswersPerUserMinute")).toBeCloseTo(
      run.http.emptyResponses / run.params.clients / (seconds / 60),
      9,
    );
  });

  it("answers each sunny-day scenario without a sweep, and no fault or sweep scenario", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 4, faults: true });
    const scenarios = buildAnswer(results).workloads.map((w) => w.scenario);
    expect(scenarios).toEqual(["steady", "burst", "idle"]);
  });

  it("describes the workload from the run's parameters", () => {
    const run = createFixtureResults().runs[0] as RunResult;
    const text = describeWorkload({
      ...run,
      params: { ...run.params, ratePerSec: 1 / 60, instances: 2 },
    });
    expect(text).toContain(`${run.params.clients.toLocaleString("en-US")} users`);
    expect(text).toContain("1 notifications per user per minute");
    expect(text).toContain("2 server instances");
  });
});

describe("the answer: best per row, and what is within noise", () => {
  it("marks the lowest mean best, and a far worse strategy with its multiple", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 4 });
    const requests = row(results, "steady", "requestsPerSec");
    const means = requests.cells.map((c) => c.mean ?? Number.POSITIVE_INFINITY);
    const best = requests.cells[means.indexOf(Math.min(...means))];
    expect(requests.best).toBe(best?.strategy);
    expect(best?.mark).toBe("best");
    const short = requests.cells.find((c) => c.strategy === "short-polling");
    expect(short?.mark).toBe("worse");
  });

  it("calls two strategies with the same per-run values within noise, not one of them best by luck", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 9 });
    const sse = runsOf(results, "steady", "sse");
    const long = runsOf(results, "steady", "long-polling");
    // long polling's p50 becomes SSE's, each run nudged by under 1 % either way
    long.forEach((run, i) => {
      const twin = sse[i % sse.length] as RunResult;
      run.latency = {
        ...run.latency,
        p50Us: (twin.latency.p50Us ?? 0) * (i % 2 === 0 ? 1.004 : 0.997),
      };
    });
    resummarize(results);
    const p50 = row(results, "steady", "p50Latency");
    const marks = new Map(p50.cells.map((c) => [c.strategy, c.mark]));
    expect([marks.get("sse"), marks.get("long-polling")].sort()).toEqual(["best", "within-noise"]);
    expect(workload(results, "steady").paragraph).toMatch(/No clear best on p50 delivery/);
  });

  it("never claims a difference from single runs", () => {
    const results = createFixtureResults();
    const answer = workload(results, "steady");
    expect(answer.runs).toBe("single run per strategy");
    const marks = answer.rows.flatMap((r) => r.cells.map((c) => c.mark));
    expect(marks).not.toContain("worse");
    expect(marks).not.toContain("within-noise");
    expect(marks).toContain("single-run");
    expect(answer.paragraph).toMatch(/Single runs/);
  });

  it("leaves a figure nobody measured unranked (idle has no latency)", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 4 });
    const p50 = row(results, "idle", "p50Latency");
    expect(p50.best).toBeNull();
    expect(p50.cells.every((c) => c.mark === "none" && c.text.value === "n/a")).toBe(true);
  });
});

describe("the answer: rows that only some runs have", () => {
  it("shows the proxy's CPU and the radio only where the runs carry them", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 4 });
    const ids = () => workload(results, "steady").rows.map((r) => r.id);
    expect(ids()).not.toContain("proxyCpuCores");
    for (const run of results.runs) {
      if (run.scenario !== "steady") continue;
      run.deliveryPath = {
        path: { proxy: "nginx" } as never,
        proxy: {
          cpuSeconds: 1,
          cpuUtilization: 0.02,
          cpuMsPer1000Deliveries: 5,
          peakRssBytes: 1,
          meanRssBytes: 1,
          maxOpenSockets: 1,
          processes: 2,
        },
        tls: null,
        h2: null,
      };
    }
    const row = workload(results, "steady").rows.find((r) => r.id === "proxyCpuCores");
    const sse = row?.cells.find((c) => c.strategy === "sse");
    const run = results.runs.find(
      (r) => r.scenario === "steady" && r.strategy === "sse",
    ) as RunResult;
    expect(sse?.mean).toBeCloseTo((0.02 / run.params.clients) * ANSWER_USERS, 9);
    expect(ids()).not.toContain("tlsFullHandshakesPerUserMinute");
  });
});

describe("the answer: where the choice flips, and faults", () => {
  it("names the sweep step where the cheapest strategy changes", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 4 });
    // at 10/s, make short polling's bytes a tenth of everyone else's
    for (const run of results.runs) {
      if (
        run.scenario === "rate-sweep" &&
        run.step?.value === 10 &&
        run.strategy === "short-polling"
      ) {
        run.http = { ...run.http, bytesSent: 1, bytesReceived: 1 };
      }
    }
    resummarize(results);
    const flips = buildAnswer(results).flips.filter((f) => f.startsWith("rate-sweep, bytes"));
    expect(flips).toHaveLength(1);
    expect(flips[0]).toMatch(/short polling becomes cheaper than \w+ between 1\/s and 10\/s/);
  });

  it("marks the fastest full recovery with nothing lost as best", () => {
    const results = createRepeatedFixture({ repeat: 2, seed: 4, faults: true });
    const rows = buildAnswer(results).faults;
    expect(rows.length).toBeGreaterThan(0);
    for (const faultRow of rows) {
      const best = faultRow.cells.find((c) => c.strategy === faultRow.best);
      if (faultRow.best !== null) expect(best?.recovered).toBe(true);
      for (const cell of faultRow.cells) expect(cell.text).toMatch(/lost \d+, duplicates \d+/);
    }
  });
});

describe("the answer rendered", () => {
  it("says the same in HTML, Markdown and the terminal", () => {
    const results = createRepeatedFixture({ repeat: 3, seed: 4, faults: true });
    const html = renderAnswerSectionHtml(results);
    const markdown = renderAnswerSectionMarkdown(results).join("\n");
    const text = renderAnswerText(results).join("\n");
    const paragraph = workload(results, "steady").paragraph;
    expect(html).toContain('<section id="answer">');
    expect(markdown).toContain("## The answer");
    for (const page of [markdown, text]) {
      expect(page).toContain(paragraph);
      expect(page).toContain("Recovery from the faults that ran");
      expect(page).toContain(`requests/s per ${ANSWER_USERS.toLocaleString("en-US")} users`);
    }
  });

  it("renders nothing for a results file without runs to compare", () => {
    const results = createFixtureResults();
    results.runs = results.runs.filter((run) => run.strategy === "sse" && run.step === null);
    results.summaries = [];
    expect(renderAnswerSectionHtml(results)).toBe("");
    expect(renderAnswerSectionMarkdown(results)).toEqual([]);
    expect(renderAnswerText(results)).toEqual([]);
  });
});
