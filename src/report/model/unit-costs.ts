/**
 * Unit costs fitted from the runs, per strategy: what one connection, one delivery and one
 * request cost the server in CPU, what one connection costs in memory, and what a process
 * costs before any client comes. Every valid sunny-day run of a strategy is one observation
 * (repetitions included: each is a run of its own), so the fit spans every scenario and sweep
 * step the results hold: idle (connections only), rate sweeps (deliveries), ramps (clients),
 * interval sweeps (requests).
 *
 * The model is linear, by ordinary least squares (ml-matrix for the linear algebra):
 *   server CPU ms per second = f x processes + a x connections + b x deliveries/s + c x requests/s
 *   server RSS bytes         = m0 x processes + m1 x connections
 * A term whose column is all zero for the strategy (SSE makes no requests inside the window),
 * or that the other columns already explain (collinear within these runs), is left out and
 * said so: its cost is then carried by the terms that stayed. Coefficient intervals are the
 * usual 95 % t intervals from the residual variance; the fit's error is the RMS residual over
 * the mean measured value, and the check predicts the largest measured point from a fit without it.
 */
import { Matrix, pseudoInverse, SingularValueDecomposition, solve } from "ml-matrix";
import type { BenchResults, RunResult } from "../../model/results.ts";
import { STRATEGIES, type StrategyId } from "../../model/strategies.ts";
import { studentTCritical } from "../../stats/index.ts";
import { sunnyDayRuns } from "./run-groups.ts";

/** One fitted coefficient with its 95 % interval half-width (null with no residual degrees of freedom). */
export interface Coefficient {
  value: number;
  halfWidth: number | null;
}

export type CpuTerm = "process" | "connection" | "delivery" | "request";
export type MemoryTerm = "process" | "connection";

export interface LinearFit<T extends string> {
  /** Terms kept, in order; a term left out has no entry. */
  terms: T[];
  coefficients: Partial<Record<T, Coefficient>>;
  /** Terms left out and why ("no requests in these runs", "collinear with ..."). */
  dropped: { term: T; reason: string }[];
  /** Observations (runs) the fit rests on. */
  n: number;
  /** RMS of (predicted - measured) over the mean measured value; null when n <= terms. */
  rmsRelativeError: number | null;
  /** Coefficient covariance matrix in `terms` order; null without residual degrees of freedom. */
  covariance: number[][] | null;
}

/** The check: a fit without the largest measured point, predicting it. */
export interface HoldOutCheck {
  clients: number;
  /** Runs left out (the repetitions of that point). */
  runs: number;
  predicted: number;
  measured: number;
  /** (predicted - measured) / measured. */
  relativeError: number;
}

export interface StrategyUnitCosts {
  strategy: StrategyId;
  runs: number;
  /** CPU ms per second of server time, by term. */
  cpu: LinearFit<CpuTerm>;
  /** RSS bytes, by term. */
  memory: LinearFit<MemoryTerm>;
  /** Redis commands per delivery over the runs that delivered, mean and 95 % half-width. */
  redisCommandsPerDelivery: Coefficient | null;
  cpuCheck: HoldOutCheck | null;
  memoryCheck: HoldOutCheck | null;
}

/** What one run contributes: its regressors and its measured costs. */
export interface Observation {
  clients: number;
  processes: number;
  connections: number;
  deliveriesPerSec: number;
  requestsPerSec: number;
  cpuMsPerSec: number;
  rssBytes: number;
}

export function observationOf(run: RunResult): Observation | null {
  const seconds = run.timing.measuredMs / 1000;
  if (run.server === null || seconds <= 0 || !run.valid) return null;
  return {
    clients: run.params.clients,
    processes: Math.max(1, run.server.instances.length || run.params.instances),
    connections: run.params.clients,
    deliveriesPerSec: run.delivery.deliveredInWindow / seconds,
    requestsPerSec: run.http.requests / seconds,
    cpuMsPerSec: (run.server.cpuSeconds * 1000) / seconds,
    rssBytes: run.server.meanRssBytes,
  };
}

const CPU_COLUMNS: readonly { term: CpuTerm; read: (o: Observation) => number; what: string }[] = [
  { term: "process", read: (o) => o.processes, what: "processes" },
  { term: "connection", read: (o) => o.connections, what: "connections" },
  { term: "delivery", read: (o) => o.deliveriesPerSec, what: "deliveries" },
  { term: "request", read: (o) => o.requestsPerSec, what: "requests" },
];

const MEMORY_COLUMNS: readonly {
  term: MemoryTerm;
  read: (o: Observation) => number;
  what: string;
}[] = [
  { term: "process", read: (o) => o.processes, what: "processes" },
  { term: "connection", read: (o) => o.connections, what: "connections" },
];

/**
 * A design matrix whose condition number (of unit-length columns) passes this is treated as
 * collinear: a least-squares split of the cost between such columns is arbitrary. 30 is
 * Belsley, Kuh and Welsch's threshold for strong collinearity ("Regression Diagnostics", 1980).
 */
const MAX_CONDITION = 30;

function conditionOf(columns: readonly number[][]): number {
  const scaled = columns.map((column) => {
    const norm = Math.hypot(...column);
    return norm === 0 ? column : column.map((x) => x / norm);
  });
  const matrix = new Matrix(scaled).transpose();
  const svd = new SingularValueDecomposition(matrix, { autoTranspose: true });
  return svd.condition;
}

/** How many observations differ in these columns (repetitions of one workload count once). */
function distinctRows(columns: readonly number[][]): number {
  const rows = new Set<string>();
  const n = columns[0]?.length ?? 0;
  for (let i = 0; i < n; i++) rows.add(columns.map((c) => (c[i] ?? 0).toPrecision(2)).join(","));
  return rows.size;
}

/** Ordinary least squares with term selection; see the file comment. */
export function fitLinear<T extends string>(
  observations: readonly Observation[],
  columns: readonly { term: T; read: (o: Observation) => number; what: string }[],
  read: (o: Observation) => number,
): LinearFit<T> | null {
  if (observations.length === 0) return null;
  const kept: { term: T; values: number[]; what: string }[] = [];
  const dropped: { term: T; reason: string }[] = [];
  for (const column of columns) {
    const values = observations.map(column.read);
    if (values.every((x) => Math.abs(x) < 1e-9)) {
      dropped.push({ term: column.term, reason: `no ${column.what} in these runs` });
      continue;
    }
    const trial = [...kept.map((k) => k.values), values];
    // more terms than distinct workloads: nothing to tell them apart by
    if (trial.length > distinctRows(trial)) {
      dropped.push({
        term: column.term,
        reason: `too few different runs to fit it (${observations.length} runs)`,
      });
      continue;
    }
    if (conditionOf(trial) > MAX_CONDITION) {
      dropped.push({
        term: column.term,
        reason: `not separable from ${kept.map((k) => k.what).join(" and ")} in these runs`,
      });
      continue;
    }
    kept.push({ term: column.term, values, what: column.what });
  }
  if (kept.length === 0) return null;
  const y = Matrix.columnVector(observations.map(read));
  const solveKept = () =>
    solve(new Matrix(kept.map((k) => k.values)).transpose(), y, true).to1DArray();
  let beta = solveKept();
  // A negative unit cost is impossible (a connection cannot give CPU back): it means the runs
  // do not separate that term from the others. Leave out the most negative one and refit, so
  // every cost shown is >= 0 (the active-set idea of non-negative least squares, one term at a time).
  for (;;) {
    const worst = beta.reduce((low, b, j) => (b < (beta[low] ?? 0) ? j : low), 0);
    const value = beta[worst] ?? 0;
    if (value >= 0 || kept.length <= 1) break;
    const [removed] = kept.splice(worst, 1);
    if (removed !== undefined) {
      dropped.push({
        term: removed.term,
        reason: `fitted negative (${value.toPrecision(2)}), so not separable from the other terms in these runs`,
      });
    }
    beta = solveKept();
  }
  const x = new Matrix(kept.map((k) => k.values)).transpose();
  const residuals = observations.map((o, i) => {
    const predicted = kept.reduce((sum, k, j) => sum + (beta[j] ?? 0) * (k.values[i] ?? 0), 0);
    return { predicted, measured: read(o) };
  });
  const df = observations.length - kept.length;
  let covariance: number[][] | null = null;
  let tCritical: number | null = null;
  if (df > 0) {
    const rss = residuals.reduce((sum, r) => sum + (r.predicted - r.measured) ** 2, 0);
    const sigma2 = rss / df;
    covariance = pseudoInverse(x.transpose().mmul(x)).mul(sigma2).to2DArray();
    tCritical = studentTCritical(0.95, df);
  }
  // RMS residual over the mean measured value: a relative error that small measured values
  // (an idle server's CPU) cannot blow up the way per-run relative residuals would
  const meanMeasured = residuals.reduce((sum, r) => sum + r.measured, 0) / residuals.length;
  const rmsRelativeError =
    df > 0 && meanMeasured > 0
      ? Math.sqrt(
          residuals.reduce((sum, r) => sum + (r.predicted - r.measured) ** 2, 0) / residuals.length,
        ) / meanMeasured
      : null;
  const coefficients: Partial<Record<T, Coefficient>> = {};
  kept.forEach((k, j) => {
    const variance = covariance?.[j]?.[j] ?? null;
    coefficients[k.term] = {
      value: beta[j] ?? 0,
      halfWidth:
        variance === null || tCritical === null
          ? null
          : tCritical * Math.sqrt(Math.max(0, variance)),
    };
  });
  return {
    terms: kept.map((k) => k.term),
    coefficients,
    dropped,
    n: observations.length,
    rmsRelativeError,
    covariance,
  };
}

/** The fit's prediction for one observation. */
export function predict<T extends string>(
  fit: LinearFit<T>,
  columns: readonly { term: T; read: (o: Observation) => number }[],
  observation: Observation,
): number {
  return fit.terms.reduce((sum, term) => {
    const column = columns.find((c) => c.term === term);
    return sum + (fit.coefficients[term]?.value ?? 0) * (column?.read(observation) ?? 0);
  }, 0);
}

/** Refit without the largest client count and predict it (mean over its repetitions). */
function holdOut<T extends string>(
  observations: readonly Observation[],
  columns: readonly { term: T; read: (o: Observation) => number; what: string }[],
  read: (o: Observation) => number,
): HoldOutCheck | null {
  const largest = Math.max(...observations.map((o) => o.clients));
  const held = observations.filter((o) => o.clients === largest);
  const rest = observations.filter((o) => o.clients !== largest);
  const fit = fitLinear(rest, columns, read);
  if (fit === null || fit.n <= fit.terms.length) return null;
  const predicted = held.reduce((sum, o) => sum + predict(fit, columns, o), 0) / held.length;
  const measured = held.reduce((sum, o) => sum + read(o), 0) / held.length;
  if (measured <= 0) return null;
  return {
    clients: largest,
    runs: held.length,
    predicted,
    measured,
    relativeError: (predicted - measured) / measured,
  };
}

function redisPerDelivery(runs: readonly RunResult[]): Coefficient | null {
  const values = runs
    .filter((run) => run.valid && run.redis !== null && run.delivery.deliveredInWindow > 0)
    .map((run) => (run.redis?.commands ?? 0) / run.delivery.deliveredInWindow);
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { value: mean, halfWidth: null };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return {
    value: mean,
    halfWidth: studentTCritical(0.95, values.length - 1) * Math.sqrt(variance / values.length),
  };
}

/** Unit costs for every strategy with at least one measurable run. */
export function fitUnitCosts(results: BenchResults): StrategyUnitCosts[] {
  const sunny = sunnyDayRuns(results);
  const strategies = [...STRATEGIES, ...new Set(sunny.map((r) => r.strategy))].filter(
    (s, i, all) => all.indexOf(s) === i,
  );
  return strategies.flatMap((strategy) => {
    const runs = sunny.filter((run) => run.strategy === strategy);
    const observations = runs.map(observationOf).filter((o): o is Observation => o !== null);
    const cpu = fitLinear(observations, CPU_COLUMNS, (o) => o.cpuMsPerSec);
    const memory = fitLinear(observations, MEMORY_COLUMNS, (o) => o.rssBytes);
    if (cpu === null || memory === null) return [];
    return [
      {
        strategy,
        runs: observations.length,
        cpu,
        memory,
        redisCommandsPerDelivery: redisPerDelivery(runs),
        cpuCheck: holdOut(observations, CPU_COLUMNS, (o) => o.cpuMsPerSec),
        memoryCheck: holdOut(observations, MEMORY_COLUMNS, (o) => o.rssBytes),
      },
    ];
  });
}

export { CPU_COLUMNS, MEMORY_COLUMNS };
