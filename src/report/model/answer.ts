/**
 * "The answer": for each workload that ran (a sunny-day scenario step that is not a sweep), what
 * matters for choosing a strategy, per strategy, scaled to 10,000 users: delivery latency, the
 * requests and bytes per second the server takes, its CPU cores and memory, and what waiting
 * costs (answers that carried nothing). The best strategy is marked per row, and a strategy
 * that these runs cannot tell from the best is marked "≈ best": the same rule as the verdict
 * table (Welch on the per-run values, Holm across the table's family, interval clear of zero).
 * Sweeps add where the cheapest strategy changes along the swept parameter; faults add how
 * each strategy recovered. Plain text and numbers; sections/answer.ts renders them.
 *
 * Why "per 10,000 users" from a run of N users: a linear scaling of this run's own cost, the
 * simplest estimate a reader can check by hand. It includes each process's fixed cost spread
 * over N users, so it overstates the cost at larger N; the scale estimate (model/scale.ts)
 * separates fixed and per-unit costs.
 */
import type { BenchResults, RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { holmAdjust, type RelativeDiff, relativeDifference, summarize } from "../../stats/index.ts";
import {
  formatDurationMs,
  formatInterval,
  formatNumber,
  type IntervalText,
  NOT_AVAILABLE,
  type ValueUnit,
} from "./format.ts";
import {
  faultRuns,
  groupByScenario,
  groupRepetitions,
  type RunGroup,
  stepKey,
  stepLabel,
} from "./run-groups.ts";
import { estimateAtScale, type ScaleEstimate, targetUsersOf } from "./scale.ts";
import { STRATEGY_DIFF_ALPHA } from "./strategy-diffs.ts";
import { fitUnitCosts, type StrategyUnitCosts } from "./unit-costs.ts";

/** The user count the answer scales to. */
export const ANSWER_USERS = 10_000;

export type AnswerFigureId =
  | "p50Latency"
  | "p99Latency"
  | "requestsPerSec"
  | "bytesPerSec"
  | "cpuCores"
  | "memory"
  | "emptyAnswersPerUserMinute"
  | "proxyCpuCores"
  | "tlsFullHandshakesPerUserMinute"
  | "radioEnergyPerUserHour"
  | "radioAwakeShare";

interface AnswerFigure {
  id: AnswerFigureId;
  /** Row label, with its unit and scale. */
  label: string;
  /** Short name for sentences ("p50 delivery"). */
  short: string;
  unit: ValueUnit;
  /** Suffix after a formatted value ("req/s"). */
  suffix: string;
  read: (run: RunResult) => number | null;
  /** Left out of a table in which no strategy has a value (a results file without it). */
  optional?: boolean;
}

/** Scales a run's per-user figure to ANSWER_USERS users. */
function perAnswerUsers(run: RunResult, value: number): number {
  return (value / run.params.clients) * ANSWER_USERS;
}

function windowSeconds(run: RunResult): number | null {
  const seconds = run.timing.measuredMs / 1000;
  return seconds > 0 ? seconds : null;
}

/** The rows, in table order. Every one is lower-is-better. */
export const ANSWER_FIGURES: readonly AnswerFigure[] = [
  {
    id: "p50Latency",
    label: "p50 delivery",
    short: "p50 delivery",
    unit: "latencyUs",
    suffix: "",
    read: (run) => run.latency.p50Us,
  },
  {
    id: "p99Latency",
    label: "p99 delivery",
    short: "p99 delivery",
    unit: "latencyUs",
    suffix: "",
    read: (run) => run.latency.p99Us,
  },
  {
    id: "requestsPerSec",
    label: `requests/s per ${formatNumber(ANSWER_USERS)} users`,
    short: "requests",
    unit: "ratio",
    suffix: " req/s",
    read: (run) => {
      const seconds = windowSeconds(run);
      return seconds === null ? null : perAnswerUsers(run, run.http.requests / seconds);
    },
  },
  {
    id: "bytesPerSec",
    label: `bytes/s per ${formatNumber(ANSWER_USERS)} users (both directions)`,
    short: "bytes on the wire",
    unit: "bytes",
    suffix: "/s",
    read: (run) => {
      const seconds = windowSeconds(run);
      const bytes = run.http.bytesSent + run.http.bytesReceived;
      return seconds === null ? null : perAnswerUsers(run, bytes / seconds);
    },
  },
  {
    id: "cpuCores",
    label: `server CPU per ${formatNumber(ANSWER_USERS)} users`,
    short: "server CPU",
    unit: "ratio",
    suffix: " cores",
    read: (run) => (run.server === null ? null : perAnswerUsers(run, run.server.cpuUtilization)),
  },
  {
    id: "memory",
    label: `server memory per ${formatNumber(ANSWER_USERS)} users`,
    short: "server memory",
    unit: "bytes",
    suffix: "",
    read: (run) => {
      const perConnection = run.server?.rssPerConnectionBytes ?? null;
      return perConnection === null ? null : perConnection * ANSWER_USERS;
    },
  },
  {
    id: "emptyAnswersPerUserMinute",
    label: "empty answers per user-minute (what waiting costs)",
    short: "empty answers while waiting",
    unit: "ratio",
    suffix: "",
    read: (run) => {
      const seconds = windowSeconds(run);
      return seconds === null
        ? null
        : run.http.emptyResponses / run.params.clients / (seconds / 60);
    },
  },
  // What the delivery path adds (--proxy nginx, --tls): only where the runs went through it.
  {
    id: "proxyCpuCores",
    label: `reverse proxy (nginx) CPU per ${formatNumber(ANSWER_USERS)} users`,
    short: "the proxy's CPU",
    unit: "ratio",
    suffix: " cores",
    read: (run) => {
      const proxy = run.deliveryPath?.proxy ?? null;
      return proxy === null ? null : perAnswerUsers(run, proxy.cpuUtilization);
    },
    optional: true,
  },
  {
    id: "tlsFullHandshakesPerUserMinute",
    label: "full TLS handshakes per user-minute",
    short: "TLS handshakes",
    unit: "ratio",
    suffix: "",
    read: (run) => {
      const tls = run.deliveryPath?.tls ?? null;
      const seconds = windowSeconds(run);
      return tls === null || seconds === null
        ? null
        : tls.full / run.params.clients / (seconds / 60);
    },
    optional: true,
  },
  // What a phone would pay (model/energy.ts, docs/methodology.md "Radio energy"): only where
  // the runs carry the estimate, and a short window says so in the energy section.
  {
    id: "radioEnergyPerUserHour",
    label: "phone radio energy per user-hour (estimate)",
    short: "a phone's radio energy",
    unit: "ratio",
    suffix: " J",
    read: (run) => run.energy?.energyPerUserHourJ ?? null,
    optional: true,
  },
  {
    id: "radioAwakeShare",
    label: "phone radio awake (share of time, estimate)",
    short: "the time a phone's radio is awake",
    unit: "ratio",
    suffix: " %",
    read: (run) => (run.energy ? run.energy.highPowerShare * 100 : null),
    optional: true,
  },
];

/** How one strategy stands on one row. */
export type AnswerMark =
  /** The lowest mean. */
  | "best"
  /** Not the lowest, but these runs cannot tell it from the best. */
  | "within-noise"
  /** Significantly worse than the best. */
  | "worse"
  /** A single run on either side: no test can back a difference. */
  | "single-run"
  /** No value to rank. */
  | "none";

export interface AnswerCell {
  strategy: StrategyId;
  text: IntervalText;
  /** Mean in the figure's raw units; null when not measurable. */
  mean: number | null;
  mark: AnswerMark;
  /** Against the best: "×3.2" or "+40 %"; null for the best and for unmeasurable cells. */
  vsBest: string | null;
}

export interface AnswerRow {
  id: AnswerFigureId;
  label: string;
  cells: AnswerCell[];
  /** The best strategy, or null when no strategy had a value. */
  best: StrategyId | null;
}

export interface WorkloadAnswer {
  scenario: string;
  /** The sweep step label, "" for a scenario without a sweep. */
  step: string;
  /** "1,000 users, 0.1 notifications per user per second, ..." */
  workload: string;
  /** "n = 3 runs per strategy" or "single run per strategy". */
  runs: string;
  strategies: StrategyId[];
  rows: AnswerRow[];
  /** One short paragraph: who is best where, and what these runs cannot tell apart. */
  paragraph: string;
  /** This workload at the target user count, per strategy with unit costs (model/scale.ts). */
  estimates: ScaleEstimate[];
}

export interface FaultAnswerRow {
  kind: string;
  cells: { strategy: StrategyId; text: string; recovered: boolean }[];
  /** Recovered in the least time with nothing lost; null when none recovered. */
  best: StrategyId | null;
}

export interface Answer {
  workloads: WorkloadAnswer[];
  /** The user count the estimates are for. */
  targetUsers: number;
  /** Per strategy, fitted over every sunny-day run (model/unit-costs.ts). */
  unitCosts: StrategyUnitCosts[];
  /** "rate-sweep, bytes on the wire: short polling cheapest up to 0.1/s, sse from 1/s on". */
  flips: string[];
  faults: FaultAnswerRow[];
}

/** A group's per-run values of a figure (its valid runs, or all of them when none is valid). */
function valuesOf(group: RunGroup, figure: AnswerFigure): number[] {
  const runs = group.valid.length > 0 ? group.valid : group.runs;
  return runs
    .map((run) => figure.read(run))
    .filter((v): v is number => v !== null && Number.isFinite(v));
}

function formatWithSuffix(text: IntervalText, suffix: string): IntervalText {
  if (text.value === NOT_AVAILABLE) return text;
  return { value: `${text.value}${suffix}`, interval: text.interval };
}

function vsBestText(diff: RelativeDiff): string | null {
  // a sample holding a 0 (no requests, no empty answers) has no ratio: say only "more"
  if (diff.scale !== "log") return "more";
  const ratio = 1 + diff.estimate;
  return ratio >= 1.5 ? `×${formatNumber(ratio, 2)}` : `+${Math.round(diff.estimate * 100)} %`;
}

interface PendingCell extends AnswerCell {
  diff: RelativeDiff | null;
}

/** Ranks the strategies on every figure; Holm over every tested cell of the table. */
function buildRows(groups: readonly RunGroup[]): AnswerRow[] {
  const pending = ANSWER_FIGURES.map((figure) => {
    const ranked = groups.map((group) => {
      const values = valuesOf(group, figure);
      const interval = values.length > 0 ? summarize(values, { domain: "non-negative" }) : null;
      return { group, values, mean: interval?.mean ?? null, interval };
    });
    const measurable = ranked.filter(
      (r): r is typeof r & { mean: number } => r.mean !== null && r.group.valid.length > 0,
    );
    const bestEntry = measurable.reduce<(typeof measurable)[number] | null>(
      (low, r) => (low === null || r.mean < low.mean ? r : low),
      null,
    );
    const cells: PendingCell[] = ranked.map((r) => {
      const text = formatWithSuffix(
        formatInterval(r.mean, r.interval?.lo ?? null, r.interval?.hi ?? null, figure.unit),
        figure.suffix,
      );
      const base = { strategy: r.group.strategy, text, mean: r.mean };
      if (r.mean === null || bestEntry === null || r.group.valid.length === 0) {
        return { ...base, mark: "none", vsBest: null, diff: null };
      }
      if (r === bestEntry) return { ...base, mark: "best", vsBest: null, diff: null };
      if (r.mean === bestEntry.mean) return { ...base, mark: "best", vsBest: null, diff: null };
      const diff = relativeDifference(r.values, bestEntry.values);
      const mark = diff.pValue === null ? "single-run" : "worse"; // settled after Holm below
      return { ...base, mark, vsBest: vsBestText(diff), diff };
    });
    return { figure, cells, best: bestEntry?.group.strategy ?? null };
  });
  const tested = pending.flatMap((row) => row.cells.filter((cell) => cell.mark === "worse"));
  const adjusted = holmAdjust(tested.map((cell) => cell.diff?.pValue ?? null));
  tested.forEach((cell, i) => {
    const p = adjusted[i] ?? null;
    const diff = cell.diff;
    const clearOfZero = diff !== null && diff.lo !== null && diff.lo > 0;
    if (p === null || p >= STRATEGY_DIFF_ALPHA || !clearOfZero) cell.mark = "within-noise";
  });
  return pending
    .filter(({ figure, cells }) => !figure.optional || cells.some((cell) => cell.mean !== null))
    .map(({ figure, cells, best }) => ({
      id: figure.id,
      label: figure.label,
      best,
      cells: cells.map(({ diff: _diff, ...cell }) => cell),
    }));
}

/** "1,000 users, 0.1 notifications per user per second, 200 B payloads, ..." */
export function describeWorkload(run: RunResult): string {
  const p = run.params;
  // plain shortest digits ("0.1", not "0.100"): the workload as its author wrote it
  const plain = (x: number) => Number(x.toPrecision(3)).toLocaleString("en-US");
  const rate =
    p.ratePerSec >= 0.1 || p.ratePerSec === 0
      ? `${plain(p.ratePerSec)} notifications per user per second`
      : `${plain(p.ratePerSec * 60)} notifications per user per minute`;
  const fanout = p.fanout === "all-users" ? ", each sent to every user" : "";
  return [
    `${formatNumber(p.clients)} users`,
    `${rate}${fanout} (${p.publishModel === "poisson" ? "Poisson" : "fixed"} arrivals)`,
    `${formatNumber(p.payloadBytes)} B payloads`,
    `short polls every ${formatDurationMs(p.shortPollIntervalMs)}`,
    `long polls held up to ${formatDurationMs(p.longPollHoldMs)}`,
    ...(p.instances > 1 ? [`${p.instances} server instances`] : []),
  ].join(", ");
}

const STRATEGY_WORDS: Readonly<Record<string, string>> = {
  "short-polling": "short polling",
  "long-polling": "long polling",
  sse: "SSE",
  websocket: "WebSocket",
};

/** "SSE", "long polling": how the paragraph names a strategy. */
export function strategyWords(strategy: StrategyId): string {
  return STRATEGY_WORDS[strategy] ?? strategy;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The paragraph: per row, who is best and who is within noise of the best. */
function paragraphOf(rows: readonly AnswerRow[], singleRuns: boolean): string {
  const sentences: string[] = [];
  const winsBy = new Map<StrategyId, string[]>();
  const ties: string[] = [];
  for (const row of rows) {
    if (row.best === null) continue;
    const short = ANSWER_FIGURES.find((f) => f.id === row.id)?.short ?? row.label;
    const tied = row.cells.filter((c) => c.mark === "within-noise").map((c) => c.strategy);
    if (tied.length > 0) {
      ties.push(
        `${short} (${listWords([row.best, ...tied].map(strategyWords))} within noise of each other)`,
      );
    } else {
      winsBy.set(row.best, [...(winsBy.get(row.best) ?? []), short]);
    }
  }
  for (const [strategy, wins] of winsBy) {
    sentences.push(`${capitalize(strategyWords(strategy))} is best on ${listWords(wins)}.`);
  }
  if (ties.length > 0) sentences.push(`No clear best on ${listWords(ties)}.`);
  if (singleRuns) {
    sentences.push(
      "Single runs: the differences have no interval and none is claimed beyond noise; run with --repeat 3 or more for verdicts.",
    );
  }
  return sentences.join(" ");
}

/** The workloads: every sunny-day step of a scenario without a sweep. */
function buildWorkloads(
  results: BenchResults,
  unitCosts: readonly StrategyUnitCosts[],
): WorkloadAnswer[] {
  const targetUsers = targetUsersOf(results);
  const answers: WorkloadAnswer[] = [];
  for (const scenario of groupByScenario(results)) {
    if (scenario.sweepParameter !== null) continue;
    const groups = scenario.groups;
    const first = groups[0]?.runs[0];
    if (first === undefined || groups.length < 2) continue;
    const rows = buildRows(groups);
    const counts = groups.map((g) => g.valid.length);
    const minRuns = Math.min(...counts);
    const maxRuns = Math.max(...counts);
    const runs =
      maxRuns <= 1
        ? "single run per strategy"
        : minRuns === maxRuns
          ? `n = ${minRuns} runs per strategy`
          : `${minRuns} to ${maxRuns} valid runs per strategy`;
    answers.push({
      scenario: scenario.scenario,
      step: stepLabel(groups[0] as RunGroup),
      workload: describeWorkload(first),
      runs,
      strategies: groups.map((g) => g.strategy),
      rows,
      paragraph: [
        paragraphOf(rows, maxRuns <= 1),
        ...(groups.some((g) => g.runs.some((run) => run.energy?.shortWindow))
          ? [
              "The phone radio rows come from a window shorter than two radio tails: they show one tail, not a rhythm (see Radio energy).",
            ]
          : []),
      ].join(" "),
      estimates: groups.flatMap((group) => {
        const costs = unitCosts.find((c) => c.strategy === group.strategy);
        const estimate = costs === undefined ? null : estimateAtScale(costs, group, targetUsers);
        return estimate === null ? [] : [estimate];
      }),
    });
  }
  return answers;
}

/** Where the cheapest strategy changes along a sweep, one line per scenario x figure. */
function buildFlips(results: BenchResults): string[] {
  const flips: string[] = [];
  const costFigures = ANSWER_FIGURES.filter((f) =>
    ["requestsPerSec", "bytesPerSec", "cpuCores"].includes(f.id),
  );
  for (const scenario of groupByScenario(results)) {
    if (scenario.sweepParameter === null) continue;
    const steps = new Map<string, RunGroup[]>();
    for (const group of scenario.groups) {
      steps.set(stepKey(group), [...(steps.get(stepKey(group)) ?? []), group]);
    }
    const ordered = [...steps.values()].filter((g) => g.length >= 2);
    for (const figure of costFigures) {
      const bests = ordered.map((groups) => {
        const row = buildRows(groups).find((r) => r.id === figure.id);
        const tied = row?.cells.some((c) => c.mark === "within-noise") ?? false;
        return { label: stepLabel(groups[0] as RunGroup), best: row?.best ?? null, tied };
      });
      const known = bests.filter(
        (b): b is { label: string; best: StrategyId; tied: boolean } => b.best !== null,
      );
      const changes = known.filter((b, i) => i > 0 && b.best !== known[i - 1]?.best);
      if (known.length < 2) continue;
      const short = figure.short;
      if (changes.length === 0) {
        const first = known[0] as (typeof known)[number];
        flips.push(
          `${scenario.scenario}, ${short}: ${strategyWords(first.best)} cheapest at every step (${known[0]?.label} to ${known.at(-1)?.label}).`,
        );
        continue;
      }
      const parts = changes.map((change) => {
        const before = known[known.indexOf(change) - 1] as (typeof known)[number];
        const noise = change.tied || before.tied ? ", within noise at the crossing" : "";
        return `${strategyWords(change.best)} becomes cheaper than ${strategyWords(before.best)} between ${before.label} and ${change.label}${noise}`;
      });
      flips.push(`${scenario.scenario}, ${short}: ${parts.join("; ")}.`);
    }
  }
  return flips;
}

/** Recovery per fault kind x strategy, the fastest full recovery with nothing lost marked. */
function buildFaultRows(results: BenchResults): FaultAnswerRow[] {
  const byKind = new Map<string, RunGroup[]>();
  for (const group of groupRepetitions(results, faultRuns(results))) {
    const kind = group.runs[0]?.fault?.kind;
    if (kind === undefined) continue;
    byKind.set(kind, [...(byKind.get(kind) ?? []), group]);
  }
  return [...byKind].map(([kind, groups]) => {
    const cells = groups.map((group) => {
      const faults = group.runs.map((run) => run.fault).filter((f) => f !== null);
      const lost = group.runs.reduce((n, run) => n + run.delivery.lost, 0);
      const duplicates = group.runs.reduce((n, run) => n + run.delivery.duplicates, 0);
      const times = faults.map((f) => f.timeToRecoverMs).filter((t): t is number => t !== null);
      const recovered = times.length === faults.length && faults.length > 0;
      const interval = times.length > 0 ? summarize(times, { domain: "non-negative" }) : null;
      const time =
        interval === null
          ? "did not recover"
          : `recovered in ${formatInterval(interval.mean, interval.lo, interval.hi, "durationMs").value}${recovered ? "" : ` (${times.length} of ${faults.length} runs)`}`;
      return {
        strategy: group.strategy,
        text: `${time}, lost ${lost}, duplicates ${duplicates}`,
        recovered: recovered && lost === 0 && duplicates === 0,
        meanMs: interval?.mean ?? Number.POSITIVE_INFINITY,
      };
    });
    const candidates = cells.filter((c) => c.recovered);
    const best = candidates.reduce<(typeof candidates)[number] | null>(
      (low, c) => (low === null || c.meanMs < low.meanMs ? c : low),
      null,
    );
    return {
      kind,
      best: best?.strategy ?? null,
      cells: cells.map(({ meanMs: _meanMs, ...cell }) => cell),
    };
  });
}

/** The answer for a results file. */
export function buildAnswer(results: BenchResults): Answer {
  const unitCosts = fitUnitCosts(results);
  return {
    workloads: buildWorkloads(results, unitCosts),
    targetUsers: targetUsersOf(results),
    unitCosts,
    flips: buildFlips(results),
    faults: buildFaultRows(results),
  };
}

/** The word a cell's mark adds after its value. */
export function markWords(cell: AnswerCell): string {
  switch (cell.mark) {
    case "best":
      return "best";
    case "within-noise":
      return "≈ best";
    case "worse":
      return cell.vsBest ?? "";
    case "single-run":
      return cell.vsBest === null ? "single run" : `${cell.vsBest}?`;
    case "none":
      return "";
  }
}

/** How to read the answer table, one paragraph. */
export const ANSWER_LEGEND = `Each figure is this run's own cost scaled linearly to ${formatNumber(ANSWER_USERS)} users (fixed per-process costs included, so it overstates larger scales), the mean over the valid runs with its 95 % interval. "best" marks the lowest mean per row; "≈ best": these runs cannot tell it from the best (Welch test on the per-run values, Holm-adjusted across the table, p ≥ ${STRATEGY_DIFF_ALPHA} or an interval touching zero); "×3.2" or "+40 %": significantly worse, by that much; "?": single runs, no test can back the multiple. Empty answers are polls that returned nothing: what a strategy pays while there is nothing to deliver.`;
