/**
 * A driver that cannot hurt anyone: the bench targets loopback only, refuses plans beyond hard
 * bounds before anything starts, and stops a run whose server is failing. Pure checks here;
 * scripts/bench.ts, run-bench.ts and run-one.ts call them.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { PARAM_LIMITS, PLAN_LIMITS } from "../model/param-limits.ts";
import type { ScenarioParams } from "../model/scenario.ts";
import type { StrategyId } from "../model/strategies.ts";
import { formatClock } from "../util/progress.ts";
import { UsageError } from "../util/usage-error.ts";
import { estimatePlanMs, type PlannedRun } from "./resolve-runs.ts";
import { MAX_NOTIFICATIONS_PER_SEC, notificationsPerSec } from "./validate-scenario.ts";

// ---------------------------------------------------------------------------------------------
// Hard bounds: a plan beyond any of these is refused before a server or client starts. The
// numbers live in src/model/param-limits.ts; these names are the ones the messages give.
// ---------------------------------------------------------------------------------------------

/** Clients in one run (the same bound as `--clients` and `params.clients`). */
export const MAX_RUN_CLIENTS = PARAM_LIMITS.clients.max;
/** Clients one driver process, and one server process of ours, may hold (descriptors). */
export const MAX_CLIENTS_PER_PROCESS = PLAN_LIMITS.clientsPerProcess.max;
/** Measured window of one run, ms: 10 min (the same bound as `--duration` and `params.durationMs`). */
export const MAX_RUN_WINDOW_MS = PARAM_LIMITS.durationMs.max;
/** Estimated wall time of the whole plan, ms: 60 min. Longer is a mistake, not a benchmark. */
export const MAX_PLAN_MS = PLAN_LIMITS.planMs.max;
/**
 * HTTP requests per second one run implies per driver process (short polling: clients /
 * interval; long polling: clients / hold + deliveries). Above this the driver floods the
 * server, whoever it is; `--driver-workers N` multiplies it by N.
 */
export const MAX_REQUESTS_PER_SEC = PLAN_LIMITS.requestsPerSec.max;
/** Notifications published per second in one run: the scenarios' own bound, reused. */
export { MAX_NOTIFICATIONS_PER_SEC };

/**
 * Error-rate abort: a measured window stops early when client errors exceed this share of its
 * requests, since a failing server measures nothing and only gets hammered further.
 */
export const MAX_ERROR_RATIO = 0.5;
/** Requests in the window before the error rate is judged, so a few early errors do not abort. */
export const MIN_REQUESTS_FOR_ERROR_RATE = 200;

// ---------------------------------------------------------------------------------------------
// Loopback only
// ---------------------------------------------------------------------------------------------

/** Resolves a host name to every address it has (dns.lookup with all: true by default). */
export type Resolver = (host: string) => Promise<string[]>;

export const resolveAll: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x (::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  const v4 = a.startsWith("::ffff:") ? a.slice("::ffff:".length) : a;
  if (isIP(v4) === 4) return v4.split(".")[0] === "127";
  if (isIP(a) === 6) return normalizeV6(a) === "0:0:0:0:0:0:0:1";
  return false;
}

/** "::1" and "0:0::1" to the same full form, for comparison. */
function normalizeV6(address: string): string {
  const [head = "", tail] = address.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros =
    tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...zeros, ...right].map((part) => String(Number.parseInt(part, 16))).join(":");
}

function normalizeAddress(address: string): string {
  return isIP(address) === 6 && !address.includes(".")
    ? normalizeV6(address.toLowerCase())
    : address;
}

function hostOf(url: string): string {
  const host = new URL(url).hostname;
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

async function resolveOrRefuse(host: string, resolve: Resolver, what: string): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await resolve(host);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${what} host '${host}' does not resolve (${reason}); check the name.`);
  }
  if (addresses.length === 0) {
    throw new UsageError(`${what} host '${host}' resolves to no address; check the name.`);
  }
  return addresses;
}

/**
 * Refuses (UsageError) a target whose host resolves to any non-loopback address, unless
 * `allowRemote` names it: then every address of the target must be one of `allowRemote`'s.
 * Resolves the host, so a name pointing at a remote machine is caught too.
 */
export async function checkTarget(
  url: string,
  allowRemote?: string,
  resolve: Resolver = resolveAll,
  what = "--redis-url",
): Promise<void> {
  await checkHost(hostOf(url), allowRemote, resolve, what, "Redis");
}

/**
 * The `--target` check: the subscribe and publish hosts, each by the same rule as Redis
 * (loopback, or the one `--allow-remote` host). Templates are checked at parse time, so
 * their host is known without expanding them.
 */
export async function checkExternalTarget(
  target: { subscribe: { host: string }; publish: { host: string } },
  allowRemote?: string,
  resolve: Resolver = resolveAll,
): Promise<void> {
  await checkHost(target.subscribe.host, allowRemote, resolve, "--target", "server");
  if (target.publish.host !== target.subscribe.host) {
    await checkHost(target.publish.host, allowRemote, resolve, "--publish-url", "server");
  }
}

/** `what` names the flag the host came from, `noun` the thing it points at, in messages. */
async function checkHost(
  host: string,
  allowRemote: string | undefined,
  resolve: Resolver,
  what: string,
  noun: string,
): Promise<void> {
  const addresses = await resolveOrRefuse(host, resolve, what);
  const remote = addresses.filter((address) => !isLoopbackAddress(address));
  if (remote.length === 0) return;
  if (allowRemote === undefined) {
    throw new UsageError(
      `${what} host '${host}' is not loopback (${remote.join(", ")}); the bench only targets 127.0.0.0/8 and ::1. If that ${noun} is yours, add --allow-remote ${host}.`,
    );
  }
  const allowedHost = allowRemote.startsWith("[") ? allowRemote.slice(1, -1) : allowRemote;
  const allowed = new Set(
    (await resolveOrRefuse(allowedHost, resolve, "--allow-remote")).map(normalizeAddress),
  );
  const outside = remote.filter((address) => !allowed.has(normalizeAddress(address)));
  if (outside.length > 0) {
    throw new UsageError(
      `${what} host '${host}' resolves to ${outside.join(", ")}, which --allow-remote ${allowRemote} does not; give --allow-remote ${host} if that ${noun} is yours.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Bounds on the plan
// ---------------------------------------------------------------------------------------------

/** HTTP requests per second a run implies at steady state (SSE: streams, not requests: 0). */
export function impliedRequestsPerSec(strategy: StrategyId, params: ScenarioParams): number {
  if (strategy === "short-polling") return (params.clients * 1000) / params.shortPollIntervalMs;
  if (strategy === "long-polling") {
    return (params.clients * 1000) / params.longPollHoldMs + notificationsPerSec(params);
  }
  return 0;
}

function runName(run: PlannedRun): string {
  return `${run.scenario}${run.step ? ` [${run.step.label}]` : ""} ${run.strategy}`;
}

/**
 * Throws UsageError naming the first bound the plan breaks and the fix. Capacity runs drive
 * autocannon by their own validated spec (to saturation, by design) and are bounded by time only.
 */
export function checkPlanBounds(
  runs: readonly PlannedRun[],
  options: {
    /** `--driver-workers`: driver processes holding the clients (0 = the bench's own). */
    driverWorkers?: number;
    /** The servers are a --target's (their descriptors are not ours to bound). */
    external?: boolean;
  } = {},
): void {
  for (const run of runs) {
    if (run.capacity) continue;
    const p = run.params;
    const name = runName(run);
    if (p.clients > MAX_RUN_CLIENTS) {
      throw new UsageError(
        `plan refused: ${name} has ${p.clients} clients, above MAX_RUN_CLIENTS ${MAX_RUN_CLIENTS}; lower --clients.`,
      );
    }
    // Fault runs keep their clients in the bench's own process (rig.ts).
    const driverProcesses = run.fault ? 1 : Math.max(1, options.driverWorkers ?? 0);
    if (p.clients > MAX_CLIENTS_PER_PROCESS * driverProcesses) {
      const needed = Math.ceil(p.clients / MAX_CLIENTS_PER_PROCESS);
      throw new UsageError(
        run.fault
          ? `plan refused: ${name} has ${p.clients} clients, above MAX_CLIENTS_PER_PROCESS ${MAX_CLIENTS_PER_PROCESS}; a fault run keeps its clients in one driver process, so lower --clients.`
          : `plan refused: ${name} has ${p.clients} clients, above MAX_CLIENTS_PER_PROCESS ${MAX_CLIENTS_PER_PROCESS} per driver process (each holds a socket per client); add --driver-workers ${needed} or lower --clients.`,
      );
    }
    if (!options.external && p.clients > MAX_CLIENTS_PER_PROCESS * p.instances) {
      const needed = Math.ceil(p.clients / MAX_CLIENTS_PER_PROCESS);
      throw new UsageError(
        `plan refused: ${name} has ${p.clients} clients on ${p.instances} server process${p.instances === 1 ? "" : "es"}, above MAX_CLIENTS_PER_PROCESS ${MAX_CLIENTS_PER_PROCESS} each (a socket per client); add --instances ${needed} or lower --clients.`,
      );
    }
    if (p.durationMs > MAX_RUN_WINDOW_MS) {
      throw new UsageError(
        `plan refused: ${name} measures ${formatClock(p.durationMs)}, above MAX_RUN_WINDOW_MS (${formatClock(MAX_RUN_WINDOW_MS)}); give a shorter --duration.`,
      );
    }
    const rps = impliedRequestsPerSec(run.strategy, p);
    if (rps > MAX_REQUESTS_PER_SEC * driverProcesses) {
      throw new UsageError(
        `plan refused: ${name} implies ${Math.round(rps)} requests/s (${p.clients} clients), above MAX_REQUESTS_PER_SEC ${MAX_REQUESTS_PER_SEC}${driverProcesses > 1 ? ` x ${driverProcesses} driver processes` : " per driver process"}; lower --clients${run.fault ? "" : " or add --driver-workers"}.`,
      );
    }
    const publishes = notificationsPerSec(p);
    if (publishes > MAX_NOTIFICATIONS_PER_SEC) {
      throw new UsageError(
        `plan refused: ${name} publishes ${Math.round(publishes)} notifications/s, above MAX_NOTIFICATIONS_PER_SEC ${MAX_NOTIFICATIONS_PER_SEC}; lower --clients.`,
      );
    }
  }
  // Repetitions are planned runs of their own, so the estimate counts every one of them.
  const planMs = estimatePlanMs(runs);
  if (planMs > MAX_PLAN_MS) {
    const repeated = runs.some((run) => run.repetitions > 1);
    throw new UsageError(
      `plan refused: about ${Math.ceil(planMs / 60_000)} min estimated${repeated ? ` for ${describeRunCount(runs)}` : ""}, above MAX_PLAN_MS (${MAX_PLAN_MS / 60_000} min); run fewer scenarios${repeated ? ", fewer repetitions (--repeat)" : ""} or give a shorter --duration.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Error-rate abort
// ---------------------------------------------------------------------------------------------

/**
 * Why the measured window must stop now, or null: client errors above MAX_ERROR_RATIO of the
 * window's requests, once it has MIN_REQUESTS_FOR_ERROR_RATE requests.
 */
export function errorRateAbortReason(requests: number, errors: number): string | null {
  const seen = Math.max(requests, errors);
  if (seen < MIN_REQUESTS_FOR_ERROR_RATE) return null;
  const ratio = errors / seen;
  if (ratio <= MAX_ERROR_RATIO) return null;
  return `aborted: error rate ${Math.round(ratio * 100)} % > ${Math.round(MAX_ERROR_RATIO * 100)} %: the server is failing; lower --clients`;
}

// ---------------------------------------------------------------------------------------------
// The plan, printed before the load starts
// ---------------------------------------------------------------------------------------------

export interface PlanTotals {
  runs: number;
  estimatedMs: number;
  peakClients: number;
  peakPublishesPerSec: number;
  peakRequestsPerSec: number;
}

export function planTotals(runs: readonly PlannedRun[]): PlanTotals {
  const load = runs.filter((run) => !run.capacity);
  return {
    runs: runs.length,
    estimatedMs: estimatePlanMs(runs),
    peakClients: Math.max(0, ...load.map((run) => run.params.clients)),
    peakPublishesPerSec: Math.max(0, ...load.map((run) => notificationsPerSec(run.params))),
    peakRequestsPerSec: Math.max(
      0,
      ...load.map((run) => impliedRequestsPerSec(run.strategy, run.params)),
    ),
  };
}

/** The runs of one scenario step x strategy (its repetitions), in plan order. */
function groupsOf(runs: readonly PlannedRun[]): PlannedRun[][] {
  const groups = new Map<string, PlannedRun[]>();
  for (const run of runs) {
    const key = `${run.scenario}\u0000${run.step?.label ?? ""}\u0000${run.strategy}`;
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  return [...groups.values()];
}

/**
 * "12 runs", or with repetitions "36 runs (12 x 3 repetitions)"; runs that are not repeated
 * (capacity) are named apart: "32 runs (10 x 3 repetitions + 2 once)".
 */
export function describeRunCount(runs: readonly PlannedRun[]): string {
  const groups = groupsOf(runs);
  const repeated = groups.filter((group) => group.length > 1);
  if (repeated.length === 0) return `${runs.length} runs`;
  const counts = [...new Set(repeated.map((group) => group.length))].sort((a, b) => a - b);
  const reps =
    counts.length === 1
      ? `${repeated.length} x ${counts[0]} repetitions`
      : `${repeated.length} x ${counts[0]}-${counts.at(-1)} repetitions`;
  const once = groups.length - repeated.length;
  return `${runs.length} runs (${reps}${once > 0 ? ` + ${once} once` : ""})`;
}

/**
 * A compact table of the runs plus one totals line, for stderr. With repetitions, one row per
 * scenario step x strategy with a `reps` column, its time the sum of its repetitions.
 */
export function formatPlan(runs: readonly PlannedRun[]): string {
  const groups = groupsOf(runs);
  const repeated = groups.some((group) => group.length > 1);
  const header = [
    "scenario",
    "step",
    "strategy",
    ...(repeated ? ["reps"] : []),
    "clients",
    "window",
    "est. time",
  ];
  const rows = groups.map((group) => {
    const run = group[0] as PlannedRun;
    return [
      run.scenario,
      run.step?.label ?? "-",
      run.strategy,
      ...(repeated ? [String(group.length)] : []),
      run.capacity ? `${run.capacity.connections} conn` : String(run.params.clients),
      run.capacity ? "capacity" : formatClock(run.params.durationMs),
      formatClock(estimatePlanMs(group)),
    ];
  });
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i >= 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const totals = planTotals(runs);
  return [
    line(header),
    ...rows.map(line),
    `plan: ${describeRunCount(runs)}, about ${Math.ceil(totals.estimatedMs / 60_000)} min, peak ${totals.peakClients} clients, ` +
      `peak ${round1(totals.peakPublishesPerSec)} publishes/s, peak ${Math.round(totals.peakRequestsPerSec)} requests/s`,
  ].join("\n");
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
