/**
 * scenarios/k6/scenarios.json is generated (npm run export-scenarios) and committed so the k6
 * scripts can open() it. This fails when a scenario changed and the file was not regenerated.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/index.ts";
import type { ScenarioFile } from "../scenarios/k6/lib/scenario-file.ts";
import { stepsFor } from "../src/plan/merge-params.ts";
import { readScenarioFile } from "../src/plan/scenario-file.ts";
import {
  buildScenarioFile,
  DEFAULT_SCENARIO_FILE,
  k6Scenarios,
  renderScenarioFile,
  userK6Scenarios,
} from "./export-scenarios.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("scenarios/k6/scenarios.json", () => {
  it("matches the scenarios (regenerate with: npm run export-scenarios)", async () => {
    const committed = JSON.parse(
      await readFile(path.join(ROOT, DEFAULT_SCENARIO_FILE), "utf8"),
    ) as unknown;
    expect(
      committed,
      "scenarios/k6/scenarios.json is stale: run npm run export-scenarios and commit it",
    ).toEqual(JSON.parse(renderScenarioFile(buildScenarioFile(false))));
  });

  it("holds every user-driven scenario with one run per step, in registry order", () => {
    const workloads = k6Scenarios();
    expect(workloads.map((s) => s.id)).toEqual(
      SCENARIOS.filter(
        (s) => s.capacity === undefined && s.fault === undefined && s.delivery === undefined,
      ).map((s) => s.id),
    );
    expect(workloads.map((s) => s.id)).not.toContain("server-restart");
    expect(workloads.map((s) => s.id)).toContain("steady");
    for (const quick of [false, true]) {
      const file = buildScenarioFile(quick);
      expect(file.quick).toBe(quick);
      expect(file.scenarios.map((s) => s.id)).toEqual(workloads.map((s) => s.id));
      for (const [i, scenario] of workloads.entries()) {
        const entry = file.scenarios[i];
        expect(entry?.runs).toHaveLength(stepsFor(scenario, quick).length);
        expect(entry?.strategies.length).toBeGreaterThan(0);
      }
    }
  });

  it("writes the quick form with the quick params", () => {
    const full = buildScenarioFile(false).scenarios.find((s) => s.id === "steady");
    const quick = buildScenarioFile(true).scenarios.find((s) => s.id === "steady");
    expect(full?.runs[0]?.params.clients).toBe(1_000);
    expect(quick?.runs[0]?.params.clients).toBeLessThan(full?.runs[0]?.params.clients ?? 0);
  });

  it("renders JSON that parses back to the same object, one-line arrays where they fit", () => {
    const file = buildScenarioFile(false);
    const text = renderScenarioFile(file);
    expect(JSON.parse(text) as ScenarioFile).toEqual(file);
    expect(text).toContain('"strategies": ["short-polling", "long-polling", "sse", "websocket"]');
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("writes a user's scenario file into the same k6 form, faults left out", () => {
    const mine = readScenarioFile(path.join(ROOT, "examples/live-dashboard.json"));
    const withFault = [
      ...mine,
      {
        ...mine[0],
        id: "with-fault",
        fault: { kind: "reconnect-storm", atMs: 1_000, durationMs: 1 },
      },
    ] as typeof mine;
    const { scenarios, skipped } = userK6Scenarios(withFault);
    expect(skipped).toEqual(["with-fault"]);
    const file = buildScenarioFile(false, scenarios, "examples/live-dashboard.json");
    expect(file.$comment).toContain("--scenario-file examples/live-dashboard.json");
    expect(file.scenarios.map((s) => s.id)).toEqual(["live-dashboard", "live-dashboard-payload"]);
    const sweep = file.scenarios[1];
    expect(sweep?.sweep?.parameter).toBe("payloadBytes");
    expect(sweep?.runs.map((r) => r.params.payloadBytes)).toEqual([512, 2_048, 16_384]);
    expect(sweep?.runs[0]?.params.fanout).toBe("all-users");
  });
});
