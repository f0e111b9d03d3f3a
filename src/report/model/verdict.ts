/**
 * The verdict table: one row per scenario step x strategy (the repetitions folded into their
 * summary), the headline figures as "mean [95 % interval]" (a single value for a single run),
 * how many runs each row rests on, and a "vs best" column that says how far each strategy is
 * from the best one on the same workload, without claiming a difference the runs cannot tell
 * from noise (model/strategy-diffs.ts decides). Shared by the HTML report and summary.md
 * (sections/verdict.ts) so both show the same numbers.
 */
import type { BenchResults } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { groupFigure, groupFigureText } from "./figures.ts";
import { formatCount, formatNumber, type IntervalText, NOT_AVAILABLE } from "./format.ts";
import { METRICS, type MetricId, VERDICT_METRICS } from "./metrics.ts";
import {
  faultRuns,
  foldRepetitionNotes,
  groupByScenario,
  type RunGroup,
  runsMarker,
  scenarioStepLabel,
  stepKey,
  stepLabel,
} from "./run-groups.ts";
import { buildStrategyDiffs, findStrategyDiff, type StepDiffs } from "./strategy-diffs.ts";

export { VERDICT_METRICS } from "./metrics.ts";

/**
 * What "vs best" compares: tail latency (what users feel) and wire bytes per delivered
 * notification (what the strategy costs). Both are lower-is-better.
 */
export const VS_BEST_METRICS: readonly { id: MetricId; short: string }[] = [
  { id: "p99Latency", short: "p99" },
  { id: "bytesPerDelivered", short: "bytes" },
];

/** One-sentence legend for the "vs best" column, printed under the table. */
export const VS_BEST_LEGEND =
  '"vs best": this row\'s p99 latency and bytes per delivered notification as a multiple of the strategy with the lowest mean on the same scenario step; "best" marks that one. A multiple is shown only when the difference is significant (see "Between strategies"); "≈ best" means these runs cannot tell it from the best; "?" marks a multiple of single runs, which no test can back. Invalid runs are never best.';

/** How to read the figures, printed under the table. */
export const FIGURES_LEGEND =
  'Each figure is the mean over the valid repetitions of that scenario step x strategy, with its 95 % interval in brackets (Student t over the per-run values: the run is the unit of replication); "runs" says how many runs that is ("n = 3"; "2 of 3 valid": an invalid run is counted but never in a figure; "1 run": no interval). A row without any valid run shows its invalid runs\' numbers, tinted: do not trust them.';

export interface VerdictRow {
  group: RunGroup;
  scenario: string;
  step: string;
  strategy: StrategyId;
  /** Some valid run: the figures are trustworthy. */
  valid: boolean;
  /** "n = 3", "1 run", "2 of 3 valid". */
  runs: string;
  /** Why repetitions were invalid, one line each ("run 2: <reason>"); empty when all valid. */
  invalidNotes: string[];
  /** Figures of VERDICT_METRICS; `n` is set when it differs from the row's valid runs. */
  cells: (IntervalText & { n: number | null })[];
  /** "lost / duplicates" summed over every repetition, e.g. "0 / 0". */
  lostDuplicates: string;
  vsBest: string;
}

/** Formats value/best as "best", "×1.8", "≈ best", "×1.8?" or null (no multiple exists). */
function describeVsBest(
  value: number | null,
  best: number | null,
  isBest: boolean,
  test: ReturnType<typeof findStrategyDiff>,
): string | null {
  if (value === null || best === null) return null;
  if (isBest) return "best";
  if (best <= 0) return null; // a multiple of zero means nothing
  const multiple = `×${formatNumber(value / best)}`;
  if (test === null || test.status === "not-measurable") return null;
  if (test.status === "single-runs") return `${multiple}?`;
  return test.significant ? multiple : "≈ best";
}

function computeVsBest(group: RunGroup, peers: readonly RunGroup[], step: StepDiffs | undefined) {
  if (group.valid.length === 0) return group.runs.length > 1 ? "invalid runs" : "invalid run";
  const validPeers = peers.filter((p) => p.valid.length > 0);
  if (validPeers.length < 2) return "—";
  const parts: string[] = [];
  for (const { id, short } of VS_BEST_METRICS) {
    const means = validPeers
      .map((peer) => ({ peer, mean: groupFigure(peer, id)?.mean ?? null }))
      .filter((m): m is { peer: RunGroup; mean: number } => m.mean !== null);
    const best = means.reduce<(typeof means)[number] | null>(
      (lowest, m) => (lowest === null || m.mean < lowest.mean ? m : lowest),
      null,
    );
    const value = groupFigure(group, id)?.mean ?? null;
    const test =
      best === null ? null : findStrategyDiff(step, group.strategy, best.peer.strategy, id);
    const text = describeVsBest(value, best?.mean ?? null, best?.peer === group, test);
    if (text !== null) parts.push(`${short} ${text}`);
  }
  return parts.length > 0 ? parts.join(" · ") : NOT_AVAILABLE;
}

/** "run 2 of 3: driver CPU at 93 % ...", one per reason of the invalid repetitions. */
function invalidNotesOf(group: RunGroup): string[] {
  const notes = group.runs
    .filter((run) => !run.valid)
    .flatMap((run) => {
      const reasons =
        run.invalidReasons.length > 0
          ? run.invalidReasons
          : ["marked invalid (no reason recorded)"];
      return reasons.map((text) => ({ repetition: run.repetition, text }));
    });
  return foldRepetitionNotes(notes, group.runs.length).map(({ who, text }) =>
    who ? `${who}: ${text}` : text,
  );
}

/** Builds the verdict rows in report order (scenario, step, strategy). */
export function buildVerdictRows(
  results: BenchResults,
  diffs: readonly StepDiffs[] = buildStrategyDiffs(results),
): VerdictRow[] {
  const byStep = new Map(diffs.map((d) => [d.key, d]));
  const rows: VerdictRow[] = [];
  for (const scenario of groupByScenario(results)) {
    for (const group of scenario.groups) {
      const peers = scenario.groups.filter((g) => stepKey(g) === stepKey(group));
      const shownN = group.valid.length > 0 ? group.valid.length : group.runs.length;
      const lost = group.runs.reduce((n, run) => n + run.delivery.lost, 0);
      const duplicates = group.runs.reduce((n, run) => n + run.delivery.duplicates, 0);
      rows.push({
        group,
        scenario: group.scenario,
        step: stepLabel(group),
        strategy: group.strategy,
        valid: group.valid.length > 0,
        runs: runsMarker(group),
        invalidNotes: invalidNotesOf(group),
        cells: VERDICT_METRICS.map((id) => {
          const text = groupFigureText(group, id);
          return { ...text, n: text.n !== null && text.n !== shownN ? text.n : null };
        }),
        lostDuplicates: `${formatCount(lost)} / ${formatCount(duplicates)}`,
        vsBest: computeVsBest(group, peers, byStep.get(stepKey(group))),
      });
    }
  }
  return rows;
}

/** A figure cell as one line of text: "2.13 ms [2.11, 2.16]", with "(n = 2)" when it differs. */
export function verdictCellText(cell: VerdictRow["cells"][number]): string {
  const n = cell.n === null ? "" : ` (n = ${cell.n})`;
  return `${cell.interval === null ? cell.value : `${cell.value} ${cell.interval}`}${n}`;
}

/** What the verdict says when it has no row: nothing ran, or only fault (and capacity) runs did. */
export function noVerdictRows(results: BenchResults): string {
  if (faultRuns(results).length > 0) {
    return "No sunny-day run in this results file: the fault runs have their own section below.";
  }
  return "This results file has no runs.";
}

/** Column headers of the verdict table (scenario, step, strategy, runs, metrics, lost/dup, vs best). */
export function verdictHeaders(): string[] {
  return [
    "scenario",
    "step",
    "strategy",
    "runs",
    ...VERDICT_METRICS.map((id) => METRICS[id].label),
    "lost / dup",
    "vs best",
  ];
}

/** The runs that could not finish, one line each: "ramp [10 clients] sse, run 2: <error>". */
export function describeFailedRuns(results: BenchResults): string[] {
  const repeated =
    (results.method.repeat ?? 1) > 1 ||
    results.method.sampling !== null ||
    results.runs.some((run) => run.repetition > 1);
  return results.failedRuns.map(
    (f) =>
      `${scenarioStepLabel(f)} ${f.strategy}${repeated ? `, run ${f.repetition}` : ""}: ${f.error}`,
  );
}
