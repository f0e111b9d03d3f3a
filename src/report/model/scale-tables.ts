/**
 * The scale estimate and the unit costs as table text, shared by the HTML, Markdown and
 * terminal renderers (sections/answer.ts): one row per figure, one column per strategy for the
 * estimate; one row per strategy for the unit costs, with the fit's error and the check
 * against the largest measured point.
 */
import type { StrategyId } from "../../model/strategies.ts";
import { formatBytes, formatCount, formatNumber, formatPercent } from "./format.ts";
import { CPU_BUDGET_CORES_PER_PROCESS, type ScaleEstimate } from "./scale.ts";
import type { Coefficient, HoldOutCheck, StrategyUnitCosts } from "./unit-costs.ts";

export interface ScaleRow {
  label: string;
  cells: { strategy: StrategyId; text: string; best: boolean }[];
}

function row(
  label: string,
  estimates: readonly ScaleEstimate[],
  value: (e: ScaleEstimate) => number | null,
  text: (e: ScaleEstimate) => string,
): ScaleRow {
  const values = estimates.map(value);
  const known = values.filter((v): v is number => v !== null);
  const lowest = known.length > 1 ? Math.min(...known) : null;
  return {
    label,
    cells: estimates.map((e, i) => ({
      strategy: e.strategy,
      text: text(e),
      best: lowest !== null && values[i] === lowest,
    })),
  };
}

/** The estimate's rows; the lowest value per row is marked. */
export function buildScaleRows(estimates: readonly ScaleEstimate[]): ScaleRow[] {
  return [
    row(
      `server processes (at ${formatNumber(CPU_BUDGET_CORES_PER_PROCESS, 2)} core each)`,
      estimates,
      (e) => e.processes,
      (e) =>
        e.processes === null
          ? "n/a (one process's fixed cost exceeds the budget)"
          : formatCount(e.processes),
    ),
    row(
      "server CPU",
      estimates,
      (e) => e.cpuCores,
      (e) =>
        `${formatNumber(e.cpuCores)} cores${e.cpuCoresHalfWidth === null ? "" : ` ± ${formatNumber(e.cpuCoresHalfWidth, 2)}`}`,
    ),
    row(
      "server memory",
      estimates,
      (e) => e.memoryBytes,
      (e) => formatBytes(e.memoryBytes),
    ),
    row(
      "requests/s",
      estimates,
      (e) => e.requestsPerSec,
      (e) => formatNumber(Math.round(e.requestsPerSec)),
    ),
    row(
      "egress (server to clients)",
      estimates,
      (e) => e.egressBytesPerSec,
      (e) => `${formatBytes(e.egressBytesPerSec)}/s`,
    ),
    row(
      "Redis commands/s",
      estimates,
      (e) => e.redisCommandsPerSec,
      (e) =>
        e.redisCommandsPerSec === null ? "n/a" : formatNumber(Math.round(e.redisCommandsPerSec)),
    ),
  ];
}

/** Which strategies' estimates are linear scalings rather than fits, as one sentence; null when none. */
export function scaleBasisNote(estimates: readonly ScaleEstimate[]): string | null {
  const linear = estimates.filter((e) => e.basis === "linear").map((e) => e.strategy);
  if (linear.length === 0) return null;
  return `${linear.join(", ")}: scaled linearly from this workload's own runs, fixed costs included (an overstatement): these results hold too few different workloads to fit a per-connection cost apart from a process's fixed cost. Add runs at other client counts (e.g. --scenario ramp) for a fit.`;
}

/** "12.3 ± 4.5" in the given scale (1000: ms -> µs). */
function coefficientText(c: Coefficient | undefined, scale: number, unit: string): string {
  if (c === undefined) return "—";
  const value = formatNumber(c.value * scale);
  return c.halfWidth === null
    ? `${value} ${unit}`
    : `${value} ± ${formatNumber(c.halfWidth * scale, 2)} ${unit}`;
}

function bytesCoefficientText(c: Coefficient | undefined): string {
  if (c === undefined) return "—";
  return c.halfWidth === null
    ? formatBytes(c.value)
    : `${formatBytes(c.value)} ± ${formatBytes(c.halfWidth)}`;
}

function checkText(check: HoldOutCheck | null, format: (x: number) => string): string {
  if (check === null) return "not enough runs to check";
  return `${formatNumber(check.clients)} users: predicted ${format(check.predicted)}, measured ${format(check.measured)} (${formatPercent(check.relativeError)})`;
}

export const UNIT_COST_HEADERS = [
  "strategy",
  "runs",
  "CPU per process",
  "CPU per connection",
  "CPU per delivery",
  "CPU per request",
  "RSS per process",
  "RSS per connection",
  "Redis commands per delivery",
  "fit error (CPU / RSS)",
  "check: largest point from the others (CPU)",
] as const;

/** One row per strategy, in UNIT_COST_HEADERS order. */
export function buildUnitCostRows(costs: readonly StrategyUnitCosts[]): string[][] {
  return costs.map((c) => {
    const dropped = new Set(c.cpu.dropped.map((d) => d.term));
    const cpu = (
      term: "process" | "connection" | "delivery" | "request",
      scale: number,
      unit: string,
    ) => (dropped.has(term) ? "left out" : coefficientText(c.cpu.coefficients[term], scale, unit));
    const error = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(0)} %`);
    return [
      c.strategy,
      String(c.runs),
      cpu("process", 1, "ms/s"),
      cpu("connection", 1000, "µs/s"),
      cpu("delivery", 1000, "µs"),
      cpu("request", 1000, "µs"),
      bytesCoefficientText(c.memory.coefficients.process),
      bytesCoefficientText(c.memory.coefficients.connection),
      c.redisCommandsPerDelivery === null
        ? "n/a"
        : coefficientText(c.redisCommandsPerDelivery, 1, "").trim(),
      `${error(c.cpu.rmsRelativeError)} / ${error(c.memory.rmsRelativeError)}`,
      checkText(c.cpuCheck, (ms) => `${formatNumber(ms / 1000, 2)} cores`),
    ];
  });
}

/** Why terms were left out, one line per strategy and term. */
export function droppedTermNotes(costs: readonly StrategyUnitCosts[]): string[] {
  return costs.flatMap((c) =>
    c.cpu.dropped.map((d) => `${c.strategy}: CPU per ${d.term} left out (${d.reason}).`),
  );
}

/** How to read the unit costs, one paragraph. */
export const UNIT_COSTS_LEGEND =
  'Fitted by least squares over every valid sunny-day run of each strategy (each repetition one observation): server CPU ms per second = per process + per connection x connections + per delivery x deliveries/s + per request x requests/s; RSS = per process + per connection x connections. "±" is the 95 % interval of each coefficient; a coefficient whose interval spans zero is not distinguishable from zero in these runs. "left out": the term was zero or not separable from the others here, and its cost sits in the terms that stayed. Fit error: RMS residual over the mean measured value. Check: the fit without the largest client count predicts it.';
