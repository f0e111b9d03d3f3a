/**
 * The fault tables: per fault kind one row per strategy (its repetitions folded, see
 * fault-cells.ts) with how it came back and what that cost,
 * its columns (only those some run has a value for), what was injected, and how to read it.
 * Shared by report.html and summary.md (sections/faults.ts) so both show the same numbers.
 */
import type { StrategyId } from "../../model/strategies.ts";
import {
  type FaultCell,
  type FaultColumnId,
  faultGroupCell,
  groupNotes,
  shownFaultRuns,
} from "./fault-cells.ts";
import { FAULT_KIND_EXPLAINERS, type FaultGroup, faultRunLabel } from "./fault-runs.ts";
import { formatCount, formatDurationMs, NOT_AVAILABLE } from "./format.ts";
import { type FaultRun, type RunGroup, runsMarker } from "./run-groups.ts";

export interface FaultColumn {
  id: FaultColumnId;
  header: string;
  /** Left-aligned text (the rest are right-aligned numbers). */
  text: boolean;
  /** Prose that may wrap (reasons, notes). */
  wrap: boolean;
}

export interface FaultTableRow {
  /** The group's first run (its label, step and scenario are the group's). */
  run: FaultRun;
  group: RunGroup<FaultRun>;
  strategy: StrategyId;
  /** Some repetition valid. */
  valid: boolean;
  /** Every shown repetition recovered. */
  recovered: boolean;
  /** "1 run", "n = 3", "2 of 3 valid". */
  runs: string;
  /** Aligned with FaultTable.columns. */
  cells: FaultCell[];
}

export interface FaultTable {
  kind: FaultGroup["kind"];
  /** Some group has more than one run: the table gets a "runs" column. */
  repeated: boolean;
  /** What the fault tests, one line. */
  explainer: string;
  /** What was injected (the runs' actions), when, for how long, at whom. */
  injected: string;
  columns: FaultColumn[];
  rows: FaultTableRow[];
}

const COLUMNS: Readonly<Record<FaultColumnId, Omit<FaultColumn, "id">>> = {
  strategy: { header: "strategy", text: true, wrap: false },
  recovered: { header: "recovered", text: true, wrap: false },
  clients: { header: "disrupted → reconnected", text: false, wrap: false },
  timeToBack: { header: "back after", text: false, wrap: false },
  timeToRecover: { header: "recovered after", text: false, wrap: false },
  lost: { header: "lost", text: false, wrap: false },
  duplicates: { header: "duplicates", text: false, wrap: false },
  resets: { header: "resets (skipped by reset)", text: false, wrap: false },
  extraRequests: { header: "extra requests", text: false, wrap: false },
  extraBytes: { header: "extra bytes", text: false, wrap: false },
  errors: { header: "errors", text: false, wrap: false },
  publishFailures: { header: "publish failures", text: false, wrap: false },
  serverCuts: { header: "server cuts", text: false, wrap: false },
  cutReasons: { header: "cut reasons", text: true, wrap: true },
  buffered: { header: "max buffered / bound", text: false, wrap: false },
  othersP99: { header: "others' p99 before → during", text: false, wrap: false },
  notes: { header: "reasons and warnings", text: true, wrap: true },
};

/** Columns every fault table has, in order; the optional ones are inserted before "notes". */
const ALWAYS: readonly FaultColumnId[] = [
  "strategy",
  "recovered",
  "clients",
  "timeToBack",
  "timeToRecover",
  "lost",
  "duplicates",
  "resets",
  "extraRequests",
  "extraBytes",
  "errors",
  "publishFailures",
];

/** The optional columns a group's table needs: only those some run has a value for. */
function columnsFor(group: FaultGroup): FaultColumn[] {
  const columns = optionalColumns(group.runs);
  return group.groups.some((g) => groupNotes(g).length > 0)
    ? [...columns, { id: "notes", ...COLUMNS.notes }]
    : columns;
}

function optionalColumns(runs: readonly FaultRun[]): FaultColumn[] {
  const ids: FaultColumnId[] = [...ALWAYS];
  if (runs.some((r) => r.fault.serverCuts !== null)) ids.push("serverCuts", "cutReasons");
  if (runs.some((r) => r.fault.maxBufferedBytes !== null)) ids.push("buffered");
  if (runs.some((r) => r.fault.othersP99BeforeUs !== null || r.fault.othersP99DuringUs !== null)) {
    ids.push("othersP99");
  }
  return ids.map((id) => ({ id, ...COLUMNS[id] }));
}

/** Distinct values in first-seen order. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** "kill -9 ... ; at 5 s into the measured window, instantaneous, aimed at 200 of 200 clients". */
export function describeInjection(runs: readonly FaultRun[]): string {
  const actions = distinct(runs.map((r) => r.fault.action));
  // per label (strategy, step) its first action; repetitions whose details differ (a new port
  // per run, say) are counted, not listed one by one
  const labels = distinct(runs.map(faultRunLabel));
  const action =
    actions.length === 1
      ? (actions[0] ?? "")
      : labels
          .map((label) => {
            const own = distinct(
              runs.filter((r) => faultRunLabel(r) === label).map((r) => r.fault.action),
            );
            const more = own.length > 1 ? ` (${own.length} variants over its runs)` : "";
            return `${label}: ${own[0] ?? ""}${more}`;
          })
          .join("; ");
  const starts = distinct(runs.map((r) => formatDurationMs(r.fault.startMs)));
  const lengths = distinct(
    runs.map((r) =>
      r.fault.durationMs === 0
        ? "instantaneous"
        : `lasting ${formatDurationMs(r.fault.durationMs)}`,
    ),
  );
  const aims = distinct(
    runs.map((r) => `${formatCount(r.fault.targetedClients)} of ${formatCount(r.params.clients)}`),
  );
  return `${action}; at ${starts.join(" / ")} into the measured window, ${lengths.join(" / ")}, aimed at ${aims.join(" / ")} clients`;
}

/** One table per fault kind, in FAULT_KINDS order. */
export function buildFaultTables(groups: readonly FaultGroup[]): FaultTable[] {
  return groups.map((group) => {
    const columns = columnsFor(group);
    return {
      kind: group.kind,
      repeated: group.groups.some((g) => g.runs.length > 1),
      explainer: FAULT_KIND_EXPLAINERS[group.kind],
      injected: describeInjection(group.runs),
      columns,
      rows: group.groups.map((runs) => ({
        run: runs.runs[0] as FaultRun,
        group: runs,
        strategy: runs.strategy,
        valid: runs.valid.length > 0,
        recovered: shownFaultRuns(runs).every((run) => run.fault.recovered),
        runs: runsMarker(runs),
        cells: columns.map((column) => faultGroupCell(column.id, runs)),
      })),
    };
  });
}

/** How to read the fault tables, printed under them. */
export const FAULT_LEGEND = `Times run from the fault's start. "Back": every disrupted client connected again and the fault is over. "Recovered": back, and every notification published before that moment arrived or was announced gone by a reset. Extra requests and bytes: from the fault's start to recovery (or to the window's end), minus what the pre-fault rate predicts; negative when the fault stopped traffic (a dead server receives no polls). Lost and duplicates count the whole run; a count marked ⚠ is a failure, because the kept history covered the gap. Resets: explicit "gone" announcements, in brackets the notifications they accounted for. "${NOT_AVAILABLE}": not applicable or not measurable for that run (the HTML report says why on hover), never zero. With repetitions, a row folds the valid runs of one strategy: "back" and "recovered after" are means with their 95 % interval (over the runs that got there), counts show their range over the runs ("0–2") when the runs differ, and a failure in any run marks the cell.`;
