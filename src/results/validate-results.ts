/**
 * Hand-written validation of a parsed results.json against src/model/results.ts and src/model/summaries.ts.
 * The checks are a tiny combinator "schema" whose object shapes are typed `Record<keyof T, Check>`,
 * so adding or removing a field in schema.ts fails type-checking here until the validator follows.
 * Every message names the JSON path, what was expected and what was found.
 */

import { type DeliveryPath, PROXY_KINDS } from "../model/delivery-path.ts";
import { FAULT_KINDS } from "../model/fault-kinds.ts";
import type { LatencyStats } from "../model/latency-stats.ts";
import {
  type EnumLimit,
  type NumberLimit,
  PARAM_LIMITS,
  PARAM_NAMES,
} from "../model/param-limits.ts";
import {
  type BenchResults,
  type CapacityResult,
  type CapacityStep,
  type ClientsPerProcess,
  type DeliveryPathResult,
  type DeliveryStats,
  type DriverCost,
  type EnvironmentInfo,
  type ExternalTarget,
  type FailedRun,
  type FaultResult,
  type Http2Counts,
  type HttpStats,
  type InstanceCost,
  type InstrumentFloor,
  type MethodInfo,
  type ProxyCost,
  type PublisherLag,
  type RadioEnergy,
  type RadioSample,
  RESULTS_SCHEMA_VERSION,
  type RedisCost,
  type ResolvedParams,
  type RunResult,
  type SamplingInfo,
  type ServerCost,
  type TlsHandshakeCounts,
} from "../model/results.ts";
import { STRATEGIES } from "../model/strategies.ts";
import {
  type FigureInterval,
  HEADLINE_FIGURES,
  type HeadlineFigure,
  type RunSummary,
} from "../model/summaries.ts";
import { summarizeRuns } from "./summarize-runs.ts";
import {
  upgradeFromVersion1,
  upgradeFromVersion2,
  upgradeFromVersion3,
  upgradeWithinVersion3,
} from "./upgrade-results.ts";

/** A results file that cannot be read or does not match the schema. The message is one readable line. */
export class ResultsError extends Error {
  override readonly name = "ResultsError";
}

type Check = (value: unknown, path: string) => void;

/** Short, quoted description of a bad value for an error message. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ResultsError(`${path || "results"} must be ${expected}, got ${describe(value)}`);
}

const num: Check = (value, path) => {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "a number", value);
};
const nullableNum: Check = (value, path) => {
  if (value !== null && (typeof value !== "number" || !Number.isFinite(value)))
    fail(path, "a number or null", value);
};
const str: Check = (value, path) => {
  if (typeof value !== "string") fail(path, "a string", value);
};
const nullableStr: Check = (value, path) => {
  if (value !== null && typeof value !== "string") fail(path, "a string or null", value);
};
const bool: Check = (value, path) => {
  if (typeof value !== "boolean") fail(path, "true or false", value);
};

function oneOf(allowed: readonly string[]): Check {
  const expected = `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`;
  return (value, path) => {
    if (typeof value !== "string" || !allowed.includes(value)) fail(path, expected, value);
  };
}

function arrayOf(item: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) fail(path, "an array", value);
    value.forEach((element, index) => {
      item(element, `${path}[${index}]`);
    });
  };
}

function nullable(check: Check): Check {
  return (value, path) => {
    if (value !== null) check(value, path);
  };
}

/** A field older files may lack: absent passes, present must pass `check`. */
function optional(check: Check): Check {
  return (value, path) => {
    if (value !== undefined) check(value, path);
  };
}

/** An object check whose shape must name every field of T (checked by the compiler). */
function object<T>(shape: { [K in keyof T]-?: Check }, expected = "an object"): Check {
  return (value, path) => {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      fail(path, expected, value);
    const record = value as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape) as [string, Check][]) {
      check(record[key], path ? `${path}.${key}` : key);
    }
  };
}

const strategy = oneOf(STRATEGIES);

/** A sweep step (runs, failed runs and summaries carry the same one), or null. */
const step = nullable(
  object<NonNullable<RunResult["step"]>>(
    { parameter: str, label: str, value: num },
    "an object or null",
  ),
);

const environment = object<EnvironmentInfo>({
  nodeVersion: str,
  os: str,
  arch: str,
  cpuModel: str,
  cpuCount: nullableNum,
  totalMemoryBytes: nullableNum,
  redisVersion: str,
  gitSha: nullableStr,
});

const method = object<MethodInfo>({
  source: oneOf(["bench", "k6"]),
  tool: str,
  quick: bool,
  argv: arrayOf(str),
  scenarios: arrayOf(str),
  strategies: arrayOf(strategy),
  redis: nullable(oneOf(["managed", "external"])),
  target: nullable(
    object<ExternalTarget>(
      {
        strategy,
        subscribeUrl: str,
        publishUrl: str,
        pids: optional(arrayOf(num)),
        cursorMode: optional(oneOf(["headers"])),
      },
      "an object or null",
    ),
  ),
  repeat: nullableNum,
  sampling: nullable(
    object<SamplingInfo>(
      {
        mode: oneOf(["until-confident"]),
        horizon: num,
        budgetMs: num,
        minRuns: num,
        maxRuns: num,
        groups: arrayOf(
          object<SamplingInfo["groups"][number]>({
            scenario: str,
            step: nullableStr,
            repetitions: num,
            endedBy: oneOf(["resolved", "time-budget", "max-runs"]),
          }),
        ),
      },
      "an object or null",
    ),
  ),
  instrumentFloor: nullable(
    object<InstrumentFloor>(
      { samples: num, p50Us: num, p99Us: num, maxUs: num, issueLagP99Us: num },
      "an object or null",
    ),
  ),
  targetUsers: optional(nullableNum),
});

/**
 * Built from the parameter table, so it names every field of ScenarioParams (= ResolvedParams)
 * and the enum values the planner allows. Types only, not ranges: a file records what ran
 * (under older limits, or a k6 import), not what may run today.
 */
const params = object<ResolvedParams>(
  Object.fromEntries(
    PARAM_NAMES.map((name) => {
      const limit: NumberLimit | EnumLimit = PARAM_LIMITS[name];
      return [name, limit.kind === "enum" ? oneOf(limit.values) : num];
    }),
  ) as Record<keyof ResolvedParams, Check>,
);

const delivery = object<DeliveryStats>({
  published: num,
  expected: num,
  delivered: num,
  lost: num,
  duplicates: num,
  reordered: num,
  skippedByReset: num,
  deliveredInWindow: num,
});

const latency = object<LatencyStats>({
  count: num,
  minUs: nullableNum,
  meanUs: nullableNum,
  p50Us: nullableNum,
  p90Us: nullableNum,
  p99Us: nullableNum,
  p999Us: nullableNum,
  maxUs: nullableNum,
  histogram: nullableStr,
});

/** `{reason: count}`: string keys, number values. */
const countsByName: Check = (value, path) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(path, "an object of counts", value);
  }
  for (const [key, count] of Object.entries(value as Record<string, unknown>)) {
    num(count, `${path}[${JSON.stringify(key)}]`);
  }
};

const http = object<HttpStats>({
  requests: num,
  emptyResponses: num,
  errors: num,
  errorsByReason: nullable(countsByName),
  backoffs: nullableNum,
  reconnectBackoffMaxMs: nullableNum,
  connectionsOpened: nullableNum,
  bytesSent: num,
  bytesReceived: num,
  reconnects: num,
  resets: nullableNum,
  requestsPerClientMinute: num,
});

const server = object<ServerCost>({
  cpuSeconds: num,
  cpuUtilization: num,
  cpuMsPer1000Deliveries: nullableNum,
  peakRssBytes: num,
  meanRssBytes: num,
  rssPerConnectionBytes: nullableNum,
  openConnections: num,
  openFds: num,
  eventLoopDelayP99Ms: nullableNum,
  instances: arrayOf(
    object<InstanceCost>({ cpuSeconds: num, peakRssBytes: num, maxOpenSockets: num }),
  ),
});

const redis = object<RedisCost>({
  commands: num,
  cpuSeconds: num,
  usedMemoryBytes: num,
  connectedClients: num,
});

const driver = object<DriverCost>({
  cpuSeconds: num,
  cpuUtilization: num,
  eventLoopDelayP99Ms: num,
  rssBytes: num,
  rssPerClientBytes: nullableNum,
});

/** A share of a whole: a number in 0..1. */
const share: Check = (value, path) => {
  num(value, path);
  if ((value as number) < 0 || (value as number) > 1) fail(path, "a share between 0 and 1", value);
};

function numberRecord(item: Check): Check {
  return (value, path) => {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      fail(path, "an object", value);
    for (const [key, v] of Object.entries(value as Record<string, unknown>))
      item(v, `${path}.${key}`);
  };
}

function radioEnergyCheck(): Check {
  const sample = object<RadioSample>({
    clientIndex: num,
    shownMs: num,
    segments: arrayOf(
      object<RadioSample["segments"][number]>({
        state: str,
        startMs: num,
        endMs: num,
        powerMw: num,
      }),
    ),
    packets: arrayOf(
      object<RadioSample["packets"][number]>({ atMs: num, bytesUp: num, bytesDown: num }),
    ),
  });
  return object<RadioEnergy>(
    {
      profile: str,
      profileLabel: str,
      tailMs: num,
      promotionMs: num,
      batteryVoltageV: num,
      heartbeatMs: nullableNum,
      sampledClients: num,
      windowMs: num,
      shortWindow: bool,
      energyPerUserHourJ: num,
      energyPerUserHourMah: num,
      highPowerShare: share,
      promotionsPerUserHour: num,
      energyPerDeliveredJ: nullableNum,
      stateShare: numberRecord(share),
      truncated: bool,
      sample: nullable(sample),
    },
    "an object or null",
  );
}

/** `RunResult.deliveryPath` (optional: older files and runs read as direct HTTP/1.1). */
const deliveryPathResult = object<DeliveryPathResult>({
  path: object<DeliveryPath>({
    proxy: oneOf(PROXY_KINDS),
    proxyBuffering: bool,
    proxyReadTimeoutMs: num,
    honourAccelBuffering: bool,
    upstreamKeepAlive: bool,
    clientKeepAliveTimeoutMs: num,
    tls: bool,
    http2: bool,
    tlsResumption: bool,
  }),
  proxy: nullable(
    object<ProxyCost>(
      {
        cpuSeconds: num,
        cpuUtilization: num,
        cpuMsPer1000Deliveries: nullableNum,
        peakRssBytes: num,
        meanRssBytes: num,
        maxOpenSockets: num,
        processes: num,
      },
      "an object or null",
    ),
  ),
  tls: nullable(
    object<TlsHandshakeCounts>(
      { full: num, resumed: num, perDelivered: nullableNum },
      "an object or null",
    ),
  ),
  h2: nullable(
    object<Http2Counts>(
      { sessionsOpened: num, streamsOpened: num, maxConcurrentStreams: num, openSessions: num },
      "an object or null",
    ),
  ),
});

const run = object<RunResult>({
  scenario: str,
  step,
  strategy,
  repetition: num,
  params,
  valid: bool,
  invalidReasons: arrayOf(str),
  warnings: arrayOf(str),
  timing: object<RunResult["timing"]>({ startedAt: str, measuredMs: num, drainedMs: num }),
  delivery,
  latency,
  http,
  perDelivered: object<RunResult["perDelivered"]>({ requests: nullableNum, bytes: nullableNum }),
  server: nullable(server),
  redis: nullable(redis),
  driver: nullable(driver),
  fault: nullable(
    object<FaultResult>(
      {
        kind: oneOf(FAULT_KINDS),
        action: str,
        startMs: num,
        durationMs: num,
        targetedClients: num,
        disruptedClients: num,
        reconnectedClients: num,
        timeToBackMs: nullableNum,
        timeToRecoverMs: nullableNum,
        recovered: bool,
        lost: num,
        duplicates: num,
        skippedByReset: num,
        resets: num,
        extraRequests: num,
        extraBytes: num,
        errors: num,
        publishFailures: num,
        serverCuts: nullableNum,
        cutReasons: arrayOf(str),
        maxBufferedBytes: nullableNum,
        bufferBoundBytes: nullableNum,
        othersP99BeforeUs: nullableNum,
        othersP99DuringUs: nullableNum,
      },
      "an object or null",
    ),
  ),
  publisher: nullable(
    object<PublisherLag>(
      { events: num, issueLagP50Us: num, issueLagP99Us: num, issueLagMaxUs: num },
      "an object or null",
    ),
  ),
  energy: nullable(radioEnergyCheck()),
  deliveryPath: optional(deliveryPathResult),
});

const capacityStep = object<CapacityStep>({
  targetRps: nullableNum,
  achievedRps: num,
  p50Ms: num,
  p99Ms: num,
  requests: num,
  non2xx: num,
  errors: num,
  timeouts: num,
});

const capacityResult = object<CapacityResult>({
  scenario: str,
  strategy,
  route: str,
  connections: num,
  saturationMs: num,
  stepMs: num,
  p99BoundMs: num,
  saturation: capacityStep,
  steps: arrayOf(capacityStep),
  maxSustainedRps: nullableNum,
  clientsPerProcess: arrayOf(
    object<ClientsPerProcess>({ label: str, requestsPerClientPerSec: num, clients: nullableNum }),
  ),
  server: object<CapacityResult["server"]>({ cpuSeconds: num, peakRssBytes: num }),
  valid: bool,
  invalidReasons: arrayOf(str),
  warnings: arrayOf(str),
});

const figureInterval = nullable(
  object<FigureInterval>(
    { n: num, mean: num, lo: nullableNum, hi: nullableNum, values: arrayOf(num) },
    "an object or null",
  ),
);

const summary = object<RunSummary>({
  scenario: str,
  step,
  strategy,
  runs: num,
  validRuns: num,
  figures: object<RunSummary["figures"]>(
    Object.fromEntries(HEADLINE_FIGURES.map((f) => [f, figureInterval])) as Record<
      HeadlineFigure,
      Check
    >,
  ),
  pooledLatency: nullable(latency),
});

const benchResults = object<BenchResults>({
  schemaVersion: () => {}, // checked first, with its own message
  tool: object<BenchResults["tool"]>({ name: oneOf(["push-vs-poll"]), version: str }),
  createdAt: str,
  environment,
  method,
  runs: arrayOf(run),
  capacity: arrayOf(capacityResult),
  failedRuns: arrayOf(
    object<FailedRun>({
      scenario: str,
      step,
      strategy,
      repetition: num,
      error: str,
    }),
  ),
  summaries: arrayOf(summary),
});

/**
 * Checks that `json` (a parsed results.json) is a BenchResults of the version this code reads.
 * Returns the same object, typed; extra fields are ignored.
 * @throws ResultsError naming the JSON path, e.g. `runs[3].latency.p99Us must be a number or null, got "abc"`.
 */
export function validateResults(json: unknown): BenchResults {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ResultsError(`results.json must hold a JSON object, got ${describe(json)}`);
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  // versions 1 and 2 had no summaries: they are folded from the runs below
  const upgraded = version === 1 || version === 2;
  if (version === 1 || version === 2 || version === 3) {
    upgradeToCurrent(json as Record<string, unknown>, version);
  } else if (version !== RESULTS_SCHEMA_VERSION) {
    const found = version === undefined ? "no schemaVersion" : `schemaVersion ${describe(version)}`;
    throw new ResultsError(
      `results.json has ${found}; this push-vs-poll reads versions 1 to ${RESULTS_SCHEMA_VERSION}: re-run npm run bench`,
    );
  }
  benchResults(json, "");
  const results = json as BenchResults;
  // Older files had no summaries: fold their (single) runs now, once the runs are known good.
  if (upgraded) results.summaries = summarizeRuns(results.runs);
  return results;
}

/** Brings a version 1, 2 or 3 file up to the current version in place (see upgrade-results.ts). */
function upgradeToCurrent(json: Record<string, unknown>, version: 1 | 2 | 3): void {
  if (version === 1) upgradeFromVersion1(json);
  if (version <= 2) upgradeFromVersion2(json);
  upgradeWithinVersion3(json);
  upgradeFromVersion3(json);
  json.schemaVersion = RESULTS_SCHEMA_VERSION;
}
