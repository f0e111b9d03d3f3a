/**
 * The fault tables: per fault kind one row per strategy with how it came back and what that cost.
 * Cells are plain text plus two annotations the renderers draw their own way: why a value is
 * "n/a" (HTML: a tooltip; Markdown: a note under the table) and whether a value is a failure.
 * Shared by report.html and summary.md so both always show the same numbers.
 */
import type { FaultResult } from "../model/results.ts";
import type { StrategyId } from "../model/strategies.ts";
import {
  FAULT_KIND_EXPLAINERS,
  type FaultGroup,
  faultRunLabel,
  historyCoveredGap,
} from "./fault-runs.ts";
import {
  escapeHtml,
  formatBytes,
  formatCount,
  formatDurationMs,
  formatLatencyUs,
  NOT_AVAILABLE,
} from "./format.ts";
import type { FaultRun } from "./run-groups.ts";

export type FaultColumnId =
  | "strategy"
  | "recovered"
  | "clients"
  | "timeToBack"
  | "timeToRecover"
  | "lost"
  | "duplicates"
  | "resets"
  | "extraRequests"
  | "extraBytes"
  | "errors"
  | "publishFailures"
  | "serverCuts"
  | "cutReasons"
  | "buffered"
  | "othersP99"
  | "notes";

export interface FaultColumn {
  id: FaultColumnId;
  header: string;
  /** Left-aligned text (the rest are right-aligned numbers). */
  text: boolean;
  /** Prose that may wrap (reasons, notes). */
  wrap: boolean;
}

export interface FaultCell {
  /** Plain text; NOT_AVAILABLE when the value does not exist for this run. */
  text: string;
  /** Why the value is n/a (set exactly when text is n/a). */
  naReason?: string;
  /** "failure": a broken guarantee; "warning": worth a look. `flagReason` says why. */
  flag?: "failure" | "warning";
  flagReason?: string;
}

export interface FaultTableRow {
  run: FaultRun;
  strategy: StrategyId;
  valid: boolean;
  recovered: boolean;
  /** Aligned with FaultTable.columns. */
  cells: FaultCell[];
}

export interface FaultTable {
  kind: FaultGroup["kind"];
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

/** Why a value is null, per nullable field (see FaultResult in the results schema). */
export const NA_REASONS = {
  serverCuts: "not applicable: this fault cannot make the server cut a connection",
  buffered: "not measured: only server-held streams under slow-consumer have a bounded send buffer",
  othersAllTargeted: "not applicable: the fault was aimed at every client, there are no others",
  othersNoSample: "not measurable: no latency sample from the other clients in that period",
  notRecovered: "did not recover before the drain ended",
  recoverNotRecorded: "not recorded by the run",
} as const;

/** "+1,234", "−180", "0": extra requests and bytes can be negative (a dead server gets no polls). */
export function formatSignedCount(value: number): string {
  if (value === 0) return "0";
  return `${value > 0 ? "+" : "−"}${formatCount(Math.abs(value))}`;
}

export function formatSignedBytes(value: number): string {
  if (value === 0) return "0 B";
  return `${value > 0 ? "+" : "−"}${formatBytes(Math.abs(value))}`;
}

const na = (naReason: string): FaultCell => ({ text: NOT_AVAILABLE, naReason });
const plain = (text: string): FaultCell => ({ text });

/** Lost or duplicates: a failure when history covered the gap, else a silent gap to look at. */
function deliveryCell(run: FaultRun, value: number, what: "lost" | "duplicates"): FaultCell {
  if (value === 0) return plain("0");
  if (historyCoveredGap(run)) {
    return {
      text: formatCount(value),
      flag: "failure",
      flagReason:
        what === "lost"
          ? "the kept history covered the gap, yet these never arrived"
          : "delivered twice although the cursor is authoritative",
    };
  }
  return {
    text: formatCount(value),
    flag: "warning",
    flagReason: "beyond the kept history and not announced by a reset: a silent gap",
  };
}

function timeToBackCell(fault: FaultResult): FaultCell {
  if (fault.timeToBackMs !== null) return plain(formatDurationMs(fault.timeToBackMs));
  const missing = fault.disruptedClients - fault.reconnectedClients;
  return na(
    `${formatCount(Math.max(missing, 0))} of ${formatCount(fault.disruptedClients)} disrupted clients never connected again before the drain ended`,
  );
}

function timeToRecoverCell(fault: FaultResult): FaultCell {
  if (fault.timeToRecoverMs !== null) return plain(formatDurationMs(fault.timeToRecoverMs));
  return na(fault.recovered ? NA_REASONS.recoverNotRecorded : NA_REASONS.notRecovered);
}

function othersP99Cell(run: FaultRun): FaultCell {
  const { othersP99BeforeUs: before, othersP99DuringUs: during } = run.fault;
  if (before !== null && during !== null) {
    return plain(`${formatLatencyUs(before)} → ${formatLatencyUs(during)}`);
  }
  if (before === null && during === null && run.fault.targetedClients >= run.params.clients) {
    return na(NA_REASONS.othersAllTargeted);
  }
  // one side measured: show it, say why the other is missing
  if (before !== null || during !== null) {
    return {
      text: `${formatLatencyUs(before)} → ${formatLatencyUs(during)}`,
      naReason: NA_REASONS.othersNoSample,
    };
  }
  return na(NA_REASONS.othersNoSample);
}

function bufferedCell(fault: FaultResult): FaultCell {
  if (fault.maxBufferedBytes === null || fault.bufferBoundBytes === null) {
    return na(NA_REASONS.buffered);
  }
  const text = `${formatBytes(fault.maxBufferedBytes)} / ${formatBytes(fault.bufferBoundBytes)}`;
  return fault.maxBufferedBytes > fault.bufferBoundBytes
    ? { text, flag: "failure", flagReason: "a stream buffered more than the configured bound" }
    : plain(text);
}

/** invalidReasons (marked) then warnings; a not-recovered run without either says so. */
export function runNotes(run: FaultRun): string[] {
  const notes = [
    ...run.invalidReasons.map((reason) => `invalid: ${reason}`),
    ...(!run.valid && run.invalidReasons.length === 0
      ? ["invalid: marked invalid (no reason recorded)"]
      : []),
    ...run.warnings,
  ];
  if (notes.length === 0 && !run.fault.recovered) return ["not recovered (no reason recorded)"];
  return notes;
}

function cellFor(id: FaultColumnId, run: FaultRun): FaultCell {
  const fault = run.fault;
  switch (id) {
    case "strategy":
      return plain(faultRunLabel(run));
    case "recovered":
      return fault.recovered
        ? plain("yes")
        : { text: "no", flag: "failure", flagReason: NA_REASONS.notRecovered };
    case "clients": {
      const text = `${formatCount(fault.disruptedClients)} → ${formatCount(fault.reconnectedClients)}`;
      return fault.reconnectedClients < fault.disruptedClients
        ? { text, flag: "failure", flagReason: "some disrupted clients never connected again" }
        : plain(text);
    }
    case "timeToBack":
      return timeToBackCell(fault);
    case "timeToRecover":
      return timeToRecoverCell(fault);
    case "lost":
      return deliveryCell(run, fault.lost, "lost");
    case "duplicates":
      return deliveryCell(run, fault.duplicates, "duplicates");
    case "resets":
      return plain(
        fault.resets === 0 && fault.skippedByReset === 0
          ? "0"
          : `${formatCount(fault.resets)} (${formatCount(fault.skippedByReset)})`,
      );
    case "extraRequests":
      return plain(formatSignedCount(fault.extraRequests));
    case "extraBytes":
      return plain(formatSignedBytes(fault.extraBytes));
    case "errors":
      return plain(formatCount(fault.errors));
    case "publishFailures":
      return plain(formatCount(fault.publishFailures));
    case "serverCuts":
      return fault.serverCuts === null
        ? na(NA_REASONS.serverCuts)
        : plain(formatCount(fault.serverCuts));
    case "cutReasons":
      return fault.serverCuts === null
        ? na(NA_REASONS.serverCuts)
        : plain([...new Set(fault.cutReasons)].join("; "));
    case "buffered":
      return bufferedCell(fault);
    case "othersP99":
      return othersP99Cell(run);
    case "notes":
      return plain(runNotes(run).join("; "));
  }
}

/** The optional columns a group's table needs: only those some run has a value for. */
function columnsFor(runs: readonly FaultRun[]): FaultColumn[] {
  const ids: FaultColumnId[] = [...ALWAYS];
  if (runs.some((r) => r.fault.serverCuts !== null)) ids.push("serverCuts", "cutReasons");
  if (runs.some((r) => r.fault.maxBufferedBytes !== null)) ids.push("buffered");
  if (runs.some((r) => r.fault.othersP99BeforeUs !== null || r.fault.othersP99DuringUs !== null)) {
    ids.push("othersP99");
  }
  if (runs.some((r) => runNotes(r).length > 0)) ids.push("notes");
  return ids.map((id) => ({ id, ...COLUMNS[id] }));
}

/** Distinct values in first-seen order. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** "kill -9 ... ; at 5 s into the measured window, instantaneous, aimed at 200 of 200 clients". */
export function describeInjection(runs: readonly FaultRun[]): string {
  const actions = distinct(runs.map((r) => r.fault.action));
  const action =
    actions.length === 1
      ? (actions[0] ?? "")
      : runs.map((r) => `${faultRunLabel(r)}: ${r.fault.action}`).join("; ");
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
    const columns = columnsFor(group.runs);
    return {
      kind: group.kind,
      explainer: FAULT_KIND_EXPLAINERS[group.kind],
      injected: describeInjection(group.runs),
      columns,
      rows: group.runs.map((run) => ({
        run,
        strategy: run.strategy,
        valid: run.valid,
        recovered: run.fault.recovered,
        cells: columns.map((column) => cellFor(column.id, run)),
      })),
    };
  });
}

/** How to read the fault tables, printed under them. */
export const FAULT_LEGEND = `Times run from the fault's start. "Back": every disrupted client connected again and the fault is over. "Recovered": back, and every notification published before that moment arrived or was announced gone by a reset. Extra requests and bytes: from the fault's start to recovery (or to the window's end), minus what the pre-fault rate predicts; negative when the fault stopped traffic (a dead server receives no polls). Lost and duplicates count the whole run; a count marked ⚠ is a failure, because the kept history covered the gap. Resets: explicit "gone" announcements, in brackets the notifications they accounted for. "${NOT_AVAILABLE}": not applicable or not measurable for that run (the HTML report says why on hover), never zero.`;

/** HTML for one cell: n/a with its reason as a tooltip, failures and warnings highlighted. */
export function renderFaultCellHtml(cell: FaultCell): string {
  const text = escapeHtml(cell.text);
  if (cell.text === NOT_AVAILABLE && cell.naReason !== undefined) {
    return `<span class="na" title="${escapeHtml(cell.naReason)}">${text}</span>`;
  }
  const title = cell.flagReason ?? cell.naReason;
  const titleAttr = title === undefined ? "" : ` title="${escapeHtml(title)}"`;
  if (cell.flag === "failure") return `<span class="flag"${titleAttr}>⚠ ${text}</span>`;
  if (cell.flag === "warning") return `<span class="warn"${titleAttr}>${text}</span>`;
  return title === undefined ? text : `<span${titleAttr}>${text}</span>`;
}

/** Plain text for one Markdown cell: failures marked ⚠ (the table renderer escapes). */
export function renderFaultCellText(cell: FaultCell): string {
  return cell.flag === "failure" ? `⚠ ${cell.text}` : cell.text;
}
