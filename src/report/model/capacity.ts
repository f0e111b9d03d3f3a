/**
 * Capacity runs as the report sees them: grouped by scenario, one table row per strategy and
 * client model (saturation rate, highest sustained rate, clients per server process), the largest
 * client counts the simulated-client runs of the same results file actually held, the method
 * line and the legends. Plain text; sections/capacity.ts renders it, charts/capacity.ts draws it.
 */
import type { BenchResults, CapacityResult, RunResult } from "../../model/results.ts";
import { STRATEGIES, type StrategyId } from "../../model/strategies.ts";
import { formatBytes, formatCompact, formatCpuMs, NOT_AVAILABLE } from "./format.ts";
import { scenarioStepLabel } from "./run-groups.ts";

/** Capacity results grouped by scenario, in order of first appearance; strategies in canonical order. */
export function groupCapacity(
  results: BenchResults,
): { scenario: string; results: CapacityResult[] }[] {
  const groups = new Map<string, CapacityResult[]>();
  for (const result of results.capacity) {
    const list = groups.get(result.scenario) ?? [];
    list.push(result);
    groups.set(result.scenario, list);
  }
  return [...groups].map(([scenario, list]) => ({
    scenario,
    results: [...list].sort(
      (a, b) => STRATEGIES.indexOf(a.strategy) - STRATEGIES.indexOf(b.strategy),
    ),
  }));
}

/** One table row: a strategy under one client model. */
export interface CapacityRow {
  strategy: StrategyId;
  valid: boolean;
  /** First row of its strategy (HTML draws a rule above it). */
  first: boolean;
  /** strategy, client model, saturation, p99 at saturation, max sustained, req/client/s, clients. */
  cells: string[];
}

/** Whole requests per second, rounded down like the client counts derived from them. */
export const rps = (value: number | null): string =>
  value === null ? NOT_AVAILABLE : Math.floor(value).toLocaleString("en-US");

export function capacityHeaders(results: readonly CapacityResult[]): string[] {
  const bounds = [...new Set(results.map((r) => r.p99BoundMs))];
  const bound = bounds.length === 1 ? ` (p99 < ${bounds[0]} ms)` : " (p99 under the bound)";
  return [
    "strategy",
    "client model",
    "saturation req/s",
    "p99 at saturation",
    `max sustained req/s${bound}`,
    "req per client per s",
    "clients per process",
  ];
}

/** Rows in canonical strategy order, one per (result, client model). */
export function buildCapacityRows(results: readonly CapacityResult[]): CapacityRow[] {
  return results.flatMap((result) => {
    const models = result.clientsPerProcess.length > 0 ? result.clientsPerProcess : [null];
    return models.map((model, i) => ({
      strategy: result.strategy,
      valid: result.valid,
      first: i === 0,
      cells: [
        result.strategy,
        model === null ? NOT_AVAILABLE : model.label,
        rps(result.saturation.achievedRps),
        `${formatCompact(result.saturation.p99Ms)} ms`,
        rps(result.maxSustainedRps),
        model === null ? NOT_AVAILABLE : formatCompact(model.requestsPerClientPerSec),
        model === null || model.clients === null
          ? NOT_AVAILABLE
          : model.clients.toLocaleString("en-US"),
      ],
    }));
  });
}

/** The largest client count a strategy held in a valid simulated-client run. */
export interface HeldConnections {
  strategy: StrategyId;
  clients: number;
  /** "ramp [10,000 clients]". */
  run: string;
  rssPerConnection: string;
  cpuPer1000Deliveries: string;
}

export const HELD_HEADERS = [
  "strategy",
  "largest run",
  "clients held",
  "RSS per connection",
  "server CPU per 1,000 deliveries",
] as const;

/**
 * Per strategy, its valid run with the most clients (ties: the first in the file). Callers pass
 * the sunny-day runs: a fault run's connections were disrupted on purpose.
 */
export function buildHeldConnections(runs: readonly RunResult[]): HeldConnections[] {
  return STRATEGIES.flatMap((strategy) => {
    let best: RunResult | null = null;
    for (const run of runs) {
      if (run.strategy !== strategy || !run.valid) continue;
      if (best === null || run.params.clients > best.params.clients) best = run;
    }
    if (best === null) return [];
    return [
      {
        strategy,
        clients: best.params.clients,
        run: scenarioStepLabel(best),
        rssPerConnection: formatBytes(best.server?.rssPerConnectionBytes ?? null),
        cpuPer1000Deliveries: formatCpuMs(best.server?.cpuMsPer1000Deliveries ?? null),
      },
    ];
  });
}

/** The cells of one "held" row, in HELD_HEADERS order. */
export function heldCells(row: HeldConnections): string[] {
  return [
    row.strategy,
    row.run,
    row.clients.toLocaleString("en-US"),
    row.rssPerConnection,
    row.cpuPer1000Deliveries,
  ];
}

/** One line on how the numbers were made, from what the results record. */
export function describeCapacityMethod(results: readonly CapacityResult[]): string {
  const first = results[0];
  if (first === undefined) return "";
  const fractions = first.steps
    .map((s) =>
      s.targetRps === null ? "" : formatCompact(s.targetRps / first.saturation.achievedRps),
    )
    .filter(Boolean);
  return [
    `autocannon in the driver process, ${first.connections} connections, against a fresh server process per strategy`,
    `a closed loop to saturation, then ${first.steps.length} rate-limited steps at about ${fractions.join(", ")} of its rate`,
    `sustained = p99 under ${first.p99BoundMs} ms, no errors, timeouts or non-2xx answers, and at least 95 % of the target rate, at that step and every lower one`,
    ...results.map((r) => `${r.strategy}: ${r.route}`),
    "driver, server and Redis share one machine, so these rates are a floor",
  ].join("; ");
}

/** The models behind "clients per process", for the legend. */
export const CLIENT_MODEL_LEGEND =
  "Clients per process = max sustained rate ÷ requests one client makes per second. Short polling: one request per interval. Long polling: one answer per notification plus one per hold that expires before it (ceil(interval ÷ hold) requests per interval). Bandwidth, memory per connection and Redis are not part of this number.";

/** Every invalid reason and warning of a group's results, each prefixed with its strategy. */
export function capacityNotes(results: readonly CapacityResult[]): {
  invalid: string[];
  warnings: string[];
} {
  return {
    invalid: results.flatMap((r) => r.invalidReasons.map((reason) => `${r.strategy}: ${reason}`)),
    warnings: results.flatMap((r) => r.warnings.map((warning) => `${r.strategy}: ${warning}`)),
  };
}

export const HELD_LEGEND =
  "The largest client count each strategy held in a valid run of this results file (all clients connected, driver healthy), measured with simulated clients rather than derived: RSS growth per open connection and server CPU per 1,000 deliveries in that run.";
