/**
 * The radio energy section's data: per scenario step, per strategy, what the clients' own
 * traffic would cost a phone's cellular radio (RunResult.energy, estimated by src/energy), the
 * ranking it implies and one sentence saying why, from the strategy's rhythm against the radio's
 * tail. Sunny-day runs only (a fault distorts the traffic on purpose). Pure, no markup.
 */
import type { BenchResults, RadioEnergy, RadioSample, RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { formatDurationMs, formatNumber } from "./format.ts";
import { groupByScenario, type RunGroup } from "./run-groups.ts";

/** One strategy's figures in one scenario step: means over the runs that had an estimate. */
export interface EnergyRow {
  strategy: StrategyId;
  /** Runs the figures come from (valid ones; all, when none was valid). */
  runs: number;
  fromInvalidRuns: boolean;
  energyPerUserHourJ: number;
  /** 95 % interval of the mean over repetitions (results summary); null for a single run. */
  energyPerUserHourLoJ: number | null;
  energyPerUserHourHiJ: number | null;
  energyPerUserHourMah: number;
  highPowerShare: number;
  promotionsPerUserHour: number;
  energyPerDeliveredJ: number | null;
  /** What the strategy does that wakes the radio, for the explanation (ms); null when unknown. */
  rhythmMs: number | null;
  sample: RadioSample | null;
}

export interface EnergyGroup {
  scenario: string;
  /** The sweep step's label, null for a single-step scenario. */
  step: string | null;
  rows: EnergyRow[];
  profileLabel: string;
  tailMs: number;
  promotionMs: number;
  batteryVoltageV: number;
  heartbeatMs: number | null;
  windowMs: number;
  /** Some run's window was shorter than two tails: the report says the figures mean little. */
  shortWindow: boolean;
  /** The strategies cheapest first, and why, in one sentence. */
  ranking: string;
}

/** The figures a group's runs had; null when none of them had an estimate. */
function energyRows(group: RunGroup): EnergyRow | null {
  const pick = (runs: readonly RunResult[]) =>
    runs.filter((r): r is RunResult & { energy: RadioEnergy } => r.energy !== null);
  const valid = pick(group.valid);
  const fromInvalidRuns = valid.length === 0;
  const runs = fromInvalidRuns ? pick(group.runs) : valid;
  const first = runs[0];
  if (first === undefined) return null;
  const mean = (read: (e: RadioEnergy) => number) =>
    runs.reduce((sum, r) => sum + read(r.energy), 0) / runs.length;
  const perDelivered = runs
    .map((r) => r.energy.energyPerDeliveredJ)
    .filter((v): v is number => v !== null);
  const interval = fromInvalidRuns ? null : group.summary.figures.radioEnergyPerUserHourJ;
  return {
    strategy: group.strategy,
    runs: runs.length,
    fromInvalidRuns,
    energyPerUserHourJ: interval?.mean ?? mean((e) => e.energyPerUserHourJ),
    energyPerUserHourLoJ: interval?.lo ?? null,
    energyPerUserHourHiJ: interval?.hi ?? null,
    energyPerUserHourMah: mean((e) => e.energyPerUserHourMah),
    highPowerShare: mean((e) => e.highPowerShare),
    promotionsPerUserHour: mean((e) => e.promotionsPerUserHour),
    energyPerDeliveredJ:
      perDelivered.length > 0
        ? perDelivered.reduce((a, b) => a + b, 0) / perDelivered.length
        : null,
    rhythmMs: rhythmOf(first),
    sample: runs.find((r) => r.energy.sample !== null)?.energy.sample ?? null,
  };
}

/**
 * How often the strategy itself talks when nothing is delivered: the poll interval, the
 * long-poll hold, the heartbeat of a push stream.
 */
function rhythmOf(run: RunResult & { energy: RadioEnergy }): number | null {
  switch (run.strategy) {
    case "short-polling":
      return run.params.shortPollIntervalMs;
    case "long-polling":
      return run.params.longPollHoldMs;
    default:
      return run.energy.heartbeatMs;
  }
}

const duration = (ms: number) => formatDurationMs(ms);

/** Why one strategy's radio sleeps or not, from its rhythm against the tail. */
function why(row: EnergyRow, tailMs: number, promotionMs: number): string {
  const head = `${row.strategy} at ${formatNumber(row.energyPerUserHourJ)} J, ${Math.round(row.highPowerShare * 100)} % awake`;
  const r = row.rhythmMs;
  if (r === null) return head;
  const what =
    row.strategy === "short-polling"
      ? `a poll every ${duration(r)}`
      : row.strategy === "long-polling"
        ? `a re-poll at least every ${duration(r)} (the hold)`
        : `a heartbeat every ${duration(r)}`;
  if (r <= tailMs) return `${head} (${what} comes before the tail ends: the radio never sleeps)`;
  const steady = Math.min(1, (tailMs + promotionMs) / r);
  return `${head} (${what} wakes it for about ${duration(tailMs + promotionMs)} each time, ${Math.round(steady * 100)} % of an idle hour)`;
}

/** "Cheapest first ...: long-polling at ... ; then sse ...; then short-polling ...". */
function rankingSentence(
  rows: readonly EnergyRow[],
  tailMs: number,
  promotionMs: number,
  profileLabel: string,
): string {
  const ordered = [...rows].sort((a, b) => a.energyPerUserHourJ - b.energyPerUserHourJ);
  if (ordered.length === 0) return "";
  const parts = ordered.map((row) => why(row, tailMs, promotionMs));
  return `Cheapest first per user-hour on ${profileLabel}, whose radio stays in a high-power state for ${duration(tailMs)} after every packet: ${parts.join("; then ")}. Whatever talks more often than the tail keeps the radio awake for good, so a push stream only saves a phone's battery over polling when its heartbeat is well apart from the tail.`;
}

/** Every scenario step with an estimate, in report order. */
export function buildEnergyGroups(results: BenchResults): EnergyGroup[] {
  const out: EnergyGroup[] = [];
  for (const scenario of groupByScenario(results)) {
    const bySteps = new Map<string, RunGroup[]>();
    for (const group of scenario.groups) {
      const key = group.step?.label ?? "";
      bySteps.set(key, [...(bySteps.get(key) ?? []), group]);
    }
    for (const [step, groups] of bySteps) {
      const rows = groups.map(energyRows).filter((r): r is EnergyRow => r !== null);
      const estimates = groups
        .flatMap((g) => g.runs)
        .map((r) => r.energy)
        .filter((e): e is RadioEnergy => e !== null);
      const first = estimates[0];
      if (rows.length === 0 || first === undefined) continue;
      out.push({
        scenario: scenario.scenario,
        step: step === "" ? null : step,
        rows,
        profileLabel: first.profileLabel,
        tailMs: first.tailMs,
        promotionMs: first.promotionMs,
        batteryVoltageV: first.batteryVoltageV,
        heartbeatMs: first.heartbeatMs,
        windowMs: Math.min(...estimates.map((e) => e.windowMs)),
        shortWindow: estimates.some((e) => e.shortWindow),
        ranking: rankingSentence(rows, first.tailMs, first.promotionMs, first.profileLabel),
      });
    }
  }
  return out;
}

/** The caveat a short window gets, in the section and next to its figures. */
export function shortWindowNote(group: EnergyGroup): string {
  return `The measured window (${duration(group.windowMs)}) is shorter than two radio tails (${duration(2 * (group.tailMs + group.promotionMs))}): these figures show mostly the tail of the traffic just before and at the window's start, not a steady rhythm, and the per-hour values extrapolate that. Run without --quick, or with a --duration of a minute or more, before quoting them.`;
}

/** What the figures are, once per section. */
export function energyMethodLine(group: EnergyGroup): string {
  const heartbeat =
    group.heartbeatMs === null
      ? "the target's own heartbeat"
      : `the servers' heartbeat every ${duration(group.heartbeatMs)}`;
  return `Estimated, not measured: each sampled client's own traffic (time and size of every socket chunk) replayed through ${group.profileLabel} (tail ${duration(group.tailMs)}, promotion ${duration(group.promotionMs)}); mAh at ${group.batteryVoltageV} V; ${heartbeat}. See docs/methodology.md, "Radio energy".`;
}

export const ENERGY_HEADERS = [
  "strategy",
  "J per user-hour",
  "mAh per user-hour",
  "radio awake",
  "wake-ups per hour",
  "J per delivered",
] as const;

/** A row's cells, plain text. */
export function energyCells(row: EnergyRow): string[] {
  const interval =
    row.energyPerUserHourLoJ !== null && row.energyPerUserHourHiJ !== null
      ? ` [${formatNumber(row.energyPerUserHourLoJ)}, ${formatNumber(row.energyPerUserHourHiJ)}]`
      : "";
  return [
    row.fromInvalidRuns ? `${row.strategy} (invalid)` : row.strategy,
    `${formatNumber(row.energyPerUserHourJ)}${interval}`,
    formatNumber(row.energyPerUserHourMah),
    `${Math.round(row.highPowerShare * 100)} %`,
    formatNumber(row.promotionsPerUserHour),
    formatNumber(row.energyPerDeliveredJ),
  ];
}
