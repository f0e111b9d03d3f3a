/**
 * The fault tables from the fault fixture: the fixture's own consistency, one table per kind,
 * optional columns only where needed, n/a with its reason (never 0), signed costs, and which
 * losses are failures.
 */
import { describe, expect, it } from "vitest";
import { FAULT_KINDS } from "../../model/fault-kinds.ts";
import type { BenchResults } from "../../model/results.ts";
import { validateResults } from "../../results/validate-results.ts";
import { createFixtureResults } from "../test-support/fixture.ts";
import { createFixtureWithFaults } from "../test-support/fixture-faults.ts";
import { NA_REASONS } from "./fault-cells.ts";
import { groupFaultsByKind, historyCoveredGap } from "./fault-runs.ts";
import { buildFaultTables, type FaultTable } from "./fault-table.ts";
import { faultRuns, sunnyDayRuns } from "./run-groups.ts";

function tables(results: BenchResults): Map<string, FaultTable> {
  return new Map(buildFaultTables(groupFaultsByKind(results)).map((t) => [t.kind, t]));
}

/** The text of one cell: table of `kind`, row of `strategy`, column with header `header`. */
function cell(results: BenchResults, kind: string, strategy: string, header: string) {
  const table = tables(results).get(kind);
  const column = table?.columns.findIndex((c) => c.header === header) ?? -1;
  const row = table?.rows.find((r) => r.strategy === strategy);
  if (table === undefined || row === undefined || column < 0)
    throw new Error(`no cell ${kind} / ${strategy} / ${header}`);
  return row.cells[column];
}

describe("fault fixture", () => {
  const results = createFixtureWithFaults();
  const runs = faultRuns(results);

  it("six kinds x three strategies, valid results, sunny-day runs untouched", () => {
    expect(runs).toHaveLength(18);
    expect(new Set(runs.map((r) => r.fault.kind))).toEqual(new Set(FAULT_KINDS));
    for (const run of runs) expect(run.scenario).toBe(run.fault.kind);
    expect(() => validateResults(JSON.parse(JSON.stringify(results)))).not.toThrow();
    expect(sunnyDayRuns(results)).toEqual(createFixtureResults().runs);
  });

  it("is internally consistent", () => {
    for (const { fault, delivery, http, params, strategy } of runs) {
      expect(fault.recovered).toBe(fault.timeToRecoverMs !== null);
      if (fault.timeToBackMs !== null && fault.timeToRecoverMs !== null)
        expect(fault.timeToBackMs).toBeLessThanOrEqual(fault.timeToRecoverMs);
      expect(fault.reconnectedClients).toBeLessThanOrEqual(fault.disruptedClients);
      expect(fault.disruptedClients).toBeLessThanOrEqual(fault.targetedClients);
      expect(fault.targetedClients).toBeLessThanOrEqual(params.clients);
      expect([fault.lost, fault.duplicates, fault.skippedByReset]).toEqual([
        delivery.lost,
        delivery.duplicates,
        delivery.skippedByReset,
      ]);
      expect(delivery.delivered + delivery.lost + delivery.skippedByReset).toBe(delivery.expected);
      expect(http.resets).toBe(fault.resets);
      if (fault.maxBufferedBytes !== null && fault.bufferBoundBytes !== null)
        expect(fault.maxBufferedBytes).toBeLessThanOrEqual(fault.bufferBoundBytes);
      expect((fault.serverCuts ?? 0) > 0).toBe(
        fault.kind === "slow-consumer" && strategy === "sse",
      );
      if (fault.kind === "history-trimmed") {
        expect(fault.resets).toBe(fault.targetedClients);
        expect(fault.skippedByReset).toBeGreaterThan(0);
        expect(fault.lost).toBe(0);
      }
      expect(fault.publishFailures > 0).toBe(fault.kind === "redis-blip");
    }
    const notRecovered = runs.filter((r) => !r.fault.recovered);
    expect(notRecovered.map((r) => `${r.fault.kind} ${r.strategy}`)).toEqual(["redis-blip sse"]);
  });
});

describe("fault tables", () => {
  const results = createFixtureWithFaults();

  it("one table per kind in FAULT_KINDS order, a row per strategy in canonical order", () => {
    const all = buildFaultTables(groupFaultsByKind(results));
    expect(all.map((t) => t.kind)).toEqual([...FAULT_KINDS]);
    for (const table of all) {
      expect(table.rows.map((r) => r.strategy)).toEqual(["short-polling", "long-polling", "sse"]);
      expect(table.injected).toContain(table.rows[0]?.run.fault.action);
    }
  });

  it("optional columns only where some run has a value", () => {
    const headers = (kind: string) =>
      tables(results)
        .get(kind)
        ?.columns.map((c) => c.header);
    expect(headers("slow-consumer")).toEqual(
      expect.arrayContaining(["server cuts", "cut reasons", "max buffered / bound"]),
    );
    expect(headers("server-restart")).not.toContain("server cuts");
    expect(headers("server-restart")).not.toContain("others' p99 before → during");
    expect(headers("instance-failover")).toContain("others' p99 before → during");
  });

  it("null is n/a with a reason, never 0", () => {
    expect(cell(results, "redis-blip", "sse", "recovered after")).toEqual({
      text: "n/a",
      naReason: NA_REASONS.notRecovered,
    });
    expect(cell(results, "slow-consumer", "long-polling", "max buffered / bound")).toEqual({
      text: "n/a",
      naReason: NA_REASONS.buffered,
    });
    expect(cell(results, "slow-consumer", "sse", "max buffered / bound")?.text).toBe(
      "60.0 KiB / 64.0 KiB",
    );
    const noBack = createFixtureWithFaults();
    const run = faultRuns(noBack).find(
      (r) => r.fault.kind === "redis-blip" && r.strategy === "sse",
    );
    if (run === undefined) throw new Error("fixture lacks redis-blip sse");
    run.fault.timeToBackMs = null;
    run.fault.reconnectedClients = 150;
    expect(cell(noBack, "redis-blip", "sse", "back after")?.naReason).toBe(
      "50 of 200 disrupted clients never connected again before the drain ended",
    );
  });

  it("signed extra cost, resets with what they skipped", () => {
    expect(cell(results, "server-restart", "short-polling", "extra requests")?.text).toBe("−180");
    expect(cell(results, "server-restart", "sse", "extra requests")?.text).toBe("+200");
    expect(cell(results, "server-restart", "short-polling", "extra bytes")?.text).toBe("−81.7 KiB");
    expect(cell(results, "history-trimmed", "sse", "resets (skipped by reset)")?.text).toBe(
      "20 (40)",
    );
  });

  it("lost or duplicates are failures where history covered the gap, not in a silent trim", () => {
    expect(cell(results, "redis-blip", "sse", "lost")).toMatchObject({
      text: "37",
      flag: "failure",
    });
    const silent = createFixtureWithFaults();
    for (const run of faultRuns(silent).filter((r) => r.fault.kind === "history-trimmed")) {
      // a server without resets: the trimmed notifications are simply gone
      run.fault.resets = 0;
      run.fault.lost = run.fault.skippedByReset;
      run.fault.skippedByReset = 0;
      expect(historyCoveredGap(run)).toBe(false);
    }
    expect(cell(silent, "history-trimmed", "sse", "lost")).toMatchObject({
      text: "40",
      flag: "warning",
    });
    const withResets = faultRuns(results).find((r) => r.fault.kind === "history-trimmed");
    if (withResets === undefined) throw new Error("fixture lacks history-trimmed");
    expect(historyCoveredGap(withResets)).toBe(true);
  });
});
