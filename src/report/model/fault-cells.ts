/**
 * The cells of the fault tables: for each column, a group's value as plain text plus two
 * annotations the renderers draw their own way: why a value is "n/a" (HTML: a tooltip; Markdown:
 * a note under the table) and whether a value is a failure or worth a look. A group of one run
 * shows that run's values; with repetitions, times are means with their 95 % interval, counts
 * the range over the runs ("0–2") when they differ, and a failure in any run flags the cell. Pure.
 */
import type { FaultResult } from "../../model/results.ts";
import { summarize } from "../../stats/index.ts";
import { faultRunLabel, historyCoveredGap } from "./fault-runs.ts";
import {
  formatBytes,
  formatCount,
  formatDurationMs,
  formatInterval,
  formatIntervalCompact,
  formatLatencyUs,
  formatSignedBytes,
  formatSignedCount,
  NOT_AVAILABLE,
} from "./format.ts";
import { type FaultRun, foldRepetitionNotes, type RunGroup } from "./run-groups.ts";

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

export interface FaultCell {
  /** Plain text; NOT_AVAILABLE when the value does not exist for this run. */
  text: string;
  /** Why the value is n/a (set exactly when text is n/a). */
  naReason?: string;
  /** "failure": a broken guarantee; "warning": worth a look. `flagReason` says why. */
  flag?: "failure" | "warning";
  flagReason?: string;
}

/** Why a value is null, per nullable field (see FaultResult in the results schema). */
export const NA_REASONS = {
  serverCuts: "not applicable: this fault cannot make the server cut a connection",
  buffered: "not measured: only server-held streams under slow-consumer have a bounded send buffer",
  othersAllTargeted: "not applicable: the fault was aimed at every client, there are no others",
  othersNoSample: "not measurable: no latency sample from the other clients in that period",
  notRecovered: "did not recover before the drain ended",
  recoverNotRecorded: "not recorded by the run",
} as const;

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

/** The cell of one column for one run. */
export function faultCell(id: FaultColumnId, run: FaultRun): FaultCell {
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

// ---------------------------------------------------------------------------------------------
// Groups of repetitions
// ---------------------------------------------------------------------------------------------

/** The runs whose numbers a group's row shows: the valid ones, or all when none is valid. */
export function shownFaultRuns(group: RunGroup<FaultRun>): FaultRun[] {
  return group.valid.length > 0 ? group.valid : group.runs;
}

/** "3", or "0–2" when the runs differ. */
function range(values: readonly number[], format: (value: number) => string): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? format(low) : `${format(low)}–${format(high)}`;
}

/** A time over the runs that have it: "1.48 s [1.40, 1.56]", "(n = 2)" when some lack it. */
function meanTime(values: readonly number[], of: number): string {
  const interval = summarize(values, { domain: "non-negative" }); // a time
  const text = formatIntervalCompact(
    formatInterval(interval.mean, interval.lo, interval.hi, "durationMs"),
  );
  return values.length < of ? `${text} (n = ${values.length})` : text;
}

/** The first flagged cell of the runs' own cells: a failure in any run flags the group. */
function worstFlag(cells: readonly FaultCell[]): Pick<FaultCell, "flag" | "flagReason"> {
  const flagged =
    cells.find((c) => c.flag === "failure") ?? cells.find((c) => c.flag === "warning");
  return flagged === undefined ? {} : { flag: flagged.flag, flagReason: flagged.flagReason };
}

/** invalid reasons and warnings of every repetition, "run 2 of 3: " / "all 3 runs: " before each. */
export function groupNotes(group: RunGroup<FaultRun>): string[] {
  if (group.runs.length === 1) return runNotes(group.runs[0] as FaultRun);
  const notes = group.runs.flatMap((run) =>
    runNotes(run).map((text) => ({ repetition: run.repetition, text })),
  );
  return foldRepetitionNotes(notes, group.runs.length).map(({ who, text }) => `${who}: ${text}`);
}

/**
 * The cell of one column for a group of repetitions: a single run's own cell, or the runs
 * folded (see the file comment). Times to recover come from the results summary (valid runs that
 * recovered), like every other headline figure.
 */
export function faultGroupCell(id: FaultColumnId, group: RunGroup<FaultRun>): FaultCell {
  const only = group.runs.length === 1 ? group.runs[0] : undefined;
  if (only !== undefined) return faultCell(id, only);
  const runs = shownFaultRuns(group);
  const faults = runs.map((run) => run.fault);
  const own = runs.map((run) => faultCell(id, run));
  const ranged = (read: (fault: FaultResult) => number, format: (v: number) => string) => ({
    text: range(faults.map(read), format),
    ...worstFlag(own),
  });
  switch (id) {
    case "strategy":
      return plain(faultRunLabel(group.runs[0] as FaultRun));
    case "recovered": {
      const recovered = faults.filter((f) => f.recovered).length;
      return recovered === faults.length
        ? plain("yes")
        : {
            text: `${recovered} of ${faults.length}`,
            flag: "failure",
            flagReason: NA_REASONS.notRecovered,
          };
    }
    case "clients":
      return {
        text: `${range(
          faults.map((f) => f.disruptedClients),
          formatCount,
        )} → ${range(
          faults.map((f) => f.reconnectedClients),
          formatCount,
        )}`,
        ...worstFlag(own),
      };
    case "timeToBack": {
      const values = faults.flatMap((f) => (f.timeToBackMs === null ? [] : [f.timeToBackMs]));
      if (values.length === 0) return own[0] ?? na(NA_REASONS.notRecovered);
      return plain(meanTime(values, faults.length));
    }
    case "timeToRecover": {
      const figure = group.valid.length > 0 ? group.summary.figures.timeToRecoverMs : null;
      const values =
        figure?.values ??
        faults.flatMap((f) => (f.timeToRecoverMs === null ? [] : [f.timeToRecoverMs]));
      if (values.length === 0) return na(NA_REASONS.notRecovered);
      return plain(meanTime(values, faults.length));
    }
    case "lost":
      return ranged((f) => f.lost, formatCount);
    case "duplicates":
      return ranged((f) => f.duplicates, formatCount);
    case "resets": {
      const resets = range(
        faults.map((f) => f.resets),
        formatCount,
      );
      const skipped = range(
        faults.map((f) => f.skippedByReset),
        formatCount,
      );
      return plain(resets === "0" && skipped === "0" ? "0" : `${resets} (${skipped})`);
    }
    case "extraRequests":
      return ranged((f) => f.extraRequests, formatSignedCount);
    case "extraBytes":
      return ranged((f) => f.extraBytes, formatSignedBytes);
    case "errors":
      return ranged((f) => f.errors, formatCount);
    case "publishFailures":
      return ranged((f) => f.publishFailures, formatCount);
    case "serverCuts": {
      const cuts = faults.flatMap((f) => (f.serverCuts === null ? [] : [f.serverCuts]));
      return cuts.length === 0 ? na(NA_REASONS.serverCuts) : plain(range(cuts, formatCount));
    }
    case "cutReasons":
      return faults.every((f) => f.serverCuts === null)
        ? na(NA_REASONS.serverCuts)
        : plain([...new Set(faults.flatMap((f) => f.cutReasons))].join("; "));
    case "buffered": {
      const measured = faults.filter(
        (f) => f.maxBufferedBytes !== null && f.bufferBoundBytes !== null,
      );
      if (measured.length === 0) return na(NA_REASONS.buffered);
      const worst = measured.reduce((a, b) =>
        (b.maxBufferedBytes ?? 0) > (a.maxBufferedBytes ?? 0) ? b : a,
      );
      return { ...bufferedCell(worst), text: `max ${bufferedCell(worst).text}` };
    }
    case "othersP99": {
      const mean = (values: number[]) =>
        values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
      const before = mean(
        faults.flatMap((f) => (f.othersP99BeforeUs === null ? [] : [f.othersP99BeforeUs])),
      );
      const during = mean(
        faults.flatMap((f) => (f.othersP99DuringUs === null ? [] : [f.othersP99DuringUs])),
      );
      if (before === null && during === null) return own[0] ?? na(NA_REASONS.othersNoSample);
      return plain(`${formatLatencyUs(before)} → ${formatLatencyUs(during)} (means)`);
    }
    case "notes":
      return plain(groupNotes(group).join("; "));
  }
}
