/**
 * Progress on stderr while a bench runs (stdout stays clean for --json). On a terminal one line
 * is redrawn in place; in CI and logs a line is printed per phase, so long runs never look hung.
 */
import type { StrategyId } from "../model/strategies.ts";

export type RunPhase = "starting" | "connecting" | "warm-up" | "measuring" | "draining" | "done";

export interface ProgressState {
  runIndex: number;
  runCount: number;
  scenario: string;
  stepLabel: string | null;
  strategy: StrategyId;
  /** Which repetition of its scenario step x strategy this run is, 1-based. */
  repetition: number;
  /** Repetitions planned for it; the line names the repetition only when this is above 1. */
  repetitions: number;
  /** `--until-confident`: the cap on repetitions, shown instead ("rep 4/≤10"), since more may follow. */
  maxRepetitions?: number;
  /** `--until-confident`: runs may be added to `runCount`, shown as a lower bound ("[4/12+]"). */
  moreRunsMayFollow?: boolean;
  phase: RunPhase;
  connected: number;
  clients: number;
  delivered: number;
  /** Since the bench started. */
  elapsedMs: number;
  /** Estimated time left for the whole plan. */
  remainingMs: number;
}

export interface Progress {
  update(state: ProgressState): void;
  /** A message on its own line (warnings, run results). */
  log(line: string): void;
  done(): void;
}

export function formatProgressLine(s: ProgressState): string {
  const step = s.stepLabel ? ` [${s.stepLabel}]` : "";
  const more = s.moreRunsMayFollow ? "+" : "";
  return (
    `[${s.runIndex}/${s.runCount}${more}] ${s.scenario}${step} ${s.strategy}${formatRepetition(s)}: ${s.phase}` +
    ` | clients ${s.connected}/${s.clients} | delivered ${s.delivered}` +
    ` | ${formatClock(s.elapsedMs)} elapsed, ~${formatClock(s.remainingMs)} left`
  );
}

/** " rep 2/3", " rep 4/≤10" while sampling until confident, "" for a single run. */
export function formatRepetition(
  s: Pick<ProgressState, "repetition" | "repetitions" | "maxRepetitions">,
): string {
  if (s.maxRepetitions !== undefined) return ` rep ${s.repetition}/≤${s.maxRepetitions}`;
  return s.repetitions > 1 ? ` rep ${s.repetition}/${s.repetitions}` : "";
}

export function formatClock(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, "0")}`;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  quiet = false,
): Progress {
  const interactive = stream.isTTY === true;
  let lastPhaseKey = "";
  let lineOpen = false;
  const clearLine = (): void => {
    if (lineOpen) stream.write("\r\x1b[2K");
    lineOpen = false;
  };
  return {
    update(state) {
      if (quiet) return;
      if (interactive) {
        clearLine();
        stream.write(formatProgressLine(state).slice(0, (stream.columns ?? 120) - 1));
        lineOpen = true;
        return;
      }
      const key = `${state.runIndex}:${state.phase}`;
      if (key !== lastPhaseKey) {
        lastPhaseKey = key;
        stream.write(`${formatProgressLine(state)}\n`);
      }
    },
    log(line) {
      if (quiet) return;
      clearLine();
      stream.write(`${line}\n`);
    },
    done() {
      clearLine();
    },
  };
}
