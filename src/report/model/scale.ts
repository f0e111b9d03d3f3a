/**
 * "At your scale": the unit costs (model/unit-costs.ts) applied to a workload at the user count
 * the reader names (`--target-users`, default DEFAULT_TARGET_USERS): server processes needed at
 * a CPU budget per process, CPU cores, memory, requests/s and egress. The per-user rates
 * (deliveries, requests, bytes per user-second) come from the workload's own runs, so the
 * estimate is "this workload, N users" and not a different one.
 *
 * Processes: each pays the fixed cost f, and the per-user cost V = a + b x deliveries/user-s +
 * c x requests/user-s spreads over them, so P processes at budget B (ms of CPU per second)
 * hold N users when f + V x N / P <= B, i.e. P = ceil(V x N / (B - f)). The CPU interval comes
 * from the coefficients' covariance (a linear combination's variance), so an estimate from a
 * loose fit says so. What it leaves out is said beside it (ESTIMATE_LIMITS).
 */
import type { BenchResults, RunResult } from "../../model/results.ts";
import type { StrategyId } from "../../model/strategies.ts";
import { studentTCritical } from "../../stats/index.ts";
import type { RunGroup } from "./run-groups.ts";
import { type CpuTerm, fitUnitCosts, type StrategyUnitCosts } from "./unit-costs.ts";

/** The user count estimated when the run names none. */
export const DEFAULT_TARGET_USERS = 100_000;

/** CPU one Node process is planned to use: its one JavaScript thread, with headroom for spikes. */
export const CPU_BUDGET_CORES_PER_PROCESS = 0.7;

/** What the estimate does not see. */
export const ESTIMATE_LIMITS =
  "A linear extrapolation from this machine's runs over loopback: it leaves out the network (latency, loss, bandwidth), reverse proxies and load balancers, TLS, the kernel's per-socket memory beyond the process's RSS, and Redis's own limits (one Redis here; its CPU is not in the server figures). Connection counts past the largest measured point assume costs stay linear.";

export interface ScaleEstimate {
  strategy: StrategyId;
  users: number;
  /**
   * "fit": through the unit costs. "linear": the fit could not separate a per-connection cost
   * (runs at one workload only), so this workload's own cost per user is scaled to `users`,
   * fixed costs included: an overstatement the report labels.
   */
  basis: "fit" | "linear";
  /** Processes at CPU_BUDGET_CORES_PER_PROCESS; null when one process's fixed cost alone exceeds it. */
  processes: number | null;
  /** Server CPU cores for `users`, with a 95 % half-width from the fit (null without one). */
  cpuCores: number;
  cpuCoresHalfWidth: number | null;
  /** Server RSS across the processes. */
  memoryBytes: number;
  requestsPerSec: number;
  /** Bytes the servers send (what the clients received). */
  egressBytesPerSec: number;
  /** Bytes the servers receive. */
  ingressBytesPerSec: number;
  /** Redis commands per second (this workload's per-user rate x users); null when unknown. */
  redisCommandsPerSec: number | null;
}

/** Per user-second rates of a workload group, means over its valid runs. */
interface PerUserRates {
  deliveries: number;
  requests: number;
  bytesToClients: number;
  bytesFromClients: number;
  /** Redis commands per user-second; null when the runs did not read Redis INFO. */
  redisCommands: number | null;
}

function perUserRates(runs: readonly RunResult[]): PerUserRates | null {
  const usable = runs.filter((run) => run.timing.measuredMs > 0 && run.params.clients > 0);
  if (usable.length === 0) return null;
  const mean = (read: (run: RunResult) => number) =>
    usable.reduce(
      (sum, run) => sum + read(run) / (run.timing.measuredMs / 1000) / run.params.clients,
      0,
    ) / usable.length;
  return {
    deliveries: mean((run) => run.delivery.deliveredInWindow),
    requests: mean((run) => run.http.requests),
    bytesToClients: mean((run) => run.http.bytesReceived),
    bytesFromClients: mean((run) => run.http.bytesSent),
    // the workload's own Redis rate: per delivery would say 0 for an idle poller's reads
    redisCommands: usable.every((run) => run.redis !== null)
      ? mean((run) => run.redis?.commands ?? 0)
      : null,
  };
}

/** The CPU the per-user terms cost for `users`, ms per second, and its 95 % half-width. */
function perUserCpu(
  costs: StrategyUnitCosts,
  rates: PerUserRates,
  users: number,
): { msPerSec: number; halfWidth: number | null } {
  const weightOf: Record<CpuTerm, number> = {
    process: 0,
    connection: users,
    delivery: rates.deliveries * users,
    request: rates.requests * users,
  };
  const { terms, coefficients, covariance, n } = costs.cpu;
  const weights = terms.map((term) => weightOf[term]);
  const msPerSec = terms.reduce(
    (sum, term, i) => sum + (coefficients[term]?.value ?? 0) * (weights[i] ?? 0),
    0,
  );
  if (covariance === null) return { msPerSec, halfWidth: null };
  let variance = 0;
  weights.forEach((wi, i) => {
    weights.forEach((wj, j) => {
      variance += wi * wj * (covariance[i]?.[j] ?? 0);
    });
  });
  return {
    msPerSec,
    halfWidth: studentTCritical(0.95, n - terms.length) * Math.sqrt(Math.max(0, variance)),
  };
}

/** What `users` users of this workload send and receive: the per-user rates times `users`. */
function trafficAt(
  rates: PerUserRates,
  users: number,
): Pick<
  ScaleEstimate,
  "requestsPerSec" | "egressBytesPerSec" | "ingressBytesPerSec" | "redisCommandsPerSec"
> {
  return {
    requestsPerSec: rates.requests * users,
    egressBytesPerSec: rates.bytesToClients * users,
    ingressBytesPerSec: rates.bytesFromClients * users,
    redisCommandsPerSec: rates.redisCommands === null ? null : rates.redisCommands * users,
  };
}

/** True when the fit has a per-connection cost to scale by, for CPU and for memory. */
function fitScales(costs: StrategyUnitCosts): boolean {
  return (
    costs.cpu.terms.includes("connection") &&
    costs.cpu.n > costs.cpu.terms.length &&
    costs.memory.terms.includes("connection")
  );
}

/** The workload's own per-user CPU and memory times `users` (the fallback, see `basis`). */
function linearEstimate(
  costs: StrategyUnitCosts,
  group: RunGroup,
  rates: PerUserRates,
  users: number,
): ScaleEstimate | null {
  const measured = group.valid.filter((run) => run.server !== null && run.params.clients > 0);
  if (measured.length === 0) return null;
  const mean = (read: (run: RunResult) => number) =>
    measured.reduce((sum, run) => sum + read(run) / run.params.clients, 0) / measured.length;
  const cpuCores = mean((run) => run.server?.cpuUtilization ?? 0) * users;
  const processes = Math.max(1, Math.ceil(cpuCores / CPU_BUDGET_CORES_PER_PROCESS));
  return {
    strategy: costs.strategy,
    users,
    basis: "linear",
    processes,
    cpuCores,
    cpuCoresHalfWidth: null,
    // what the run measured per connection, plus each process as it stood before its clients
    memoryBytes:
      mean((run) => run.server?.rssPerConnectionBytes ?? 0) * users +
      processes *
        (measured.reduce(
          (sum, run) =>
            sum +
            Math.max(
              0,
              (run.server?.meanRssBytes ?? 0) -
                (run.server?.rssPerConnectionBytes ?? 0) * run.params.clients,
            ),
          0,
        ) /
          measured.length),
    ...trafficAt(rates, users),
  };
}

/** The estimate for one strategy's workload group at `users`; null without unit costs. */
export function estimateAtScale(
  costs: StrategyUnitCosts,
  group: RunGroup,
  users: number,
): ScaleEstimate | null {
  const rates = perUserRates(group.valid);
  if (rates === null) return null;
  if (!fitScales(costs)) return linearEstimate(costs, group, rates, users);
  const variable = perUserCpu(costs, rates, users);
  const fixedMsPerSec = Math.max(0, costs.cpu.coefficients.process?.value ?? 0);
  const budgetMsPerSec = CPU_BUDGET_CORES_PER_PROCESS * 1000;
  const processes =
    fixedMsPerSec >= budgetMsPerSec
      ? null
      : Math.max(1, Math.ceil(Math.max(0, variable.msPerSec) / (budgetMsPerSec - fixedMsPerSec)));
  const shownProcesses = processes ?? 1;
  const memoryBytes =
    (costs.memory.coefficients.process?.value ?? 0) * shownProcesses +
    (costs.memory.coefficients.connection?.value ?? 0) * users;
  return {
    strategy: costs.strategy,
    users,
    basis: "fit",
    processes,
    cpuCores: (variable.msPerSec + fixedMsPerSec * shownProcesses) / 1000,
    cpuCoresHalfWidth: variable.halfWidth === null ? null : variable.halfWidth / 1000,
    memoryBytes,
    ...trafficAt(rates, users),
  };
}

/** The user count to estimate for: the run's `--target-users`, else the default. */
export function targetUsersOf(results: BenchResults): number {
  return results.method.targetUsers ?? DEFAULT_TARGET_USERS;
}

export { fitUnitCosts };
