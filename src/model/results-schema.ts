/**
 * The results file (`results.json`, src/model/results.ts + summaries.ts) as a zod 4 schema: what
 * `validateResults` (src/results/validate-results.ts) checks a file against after upgrading an
 * older version, on write and on read. z.toJSONSchema(benchResultsSchema) gives its JSON Schema.
 *
 * Types: the interfaces in results.ts, summaries.ts, latency-stats.ts and delivery-path.ts stay
 * the declared types, and `ResultsSchemaInSync` below makes the compiler prove that each one and
 * z.infer of its schema are the *same* type (not merely assignable: a field added, removed,
 * made optional or retyped on either side fails `npm run typecheck`). Why not z.infer in
 * results.ts: those interfaces carry the per-field documentation (units, when null) that the
 * report and k6 code is written against, and DeliveryPath, LatencyStats and StrategyId are
 * shared with the planner, the driver and the servers, which have nothing to do with results
 * files; moving them behind a results schema would churn every importer for no gain in safety.
 *
 * What it checks: types, not ranges. A file records what ran (under older limits, or a k6
 * import), not what may run today, so the params are checked for their type and enum values
 * only (from src/model/param-limits.ts), and only shares are bounded (0..1). Unknown fields are
 * ignored (a newer tool may add one). The schema transforms nothing, so a parsed file is its
 * input. The rule across fields, that the schemaVersion decides how the rest is read, is
 * `validateResults`'s (it upgrades versions 1 to 3 first); the schema itself takes the current
 * version only.
 *
 * Messages keep the wording results files have always had (k6 imports and the report's tests
 * read them): "<JSON path> must be <what>, got <value>", e.g.
 * `runs[3].latency.p99Us must be a number or null, got "abc"` (formatResultsIssue).
 */

import { z } from "zod";
import { type DeliveryPath, PROXY_KINDS } from "./delivery-path.ts";
import { FAULT_KINDS } from "./fault-kinds.ts";
import type { LatencyStats } from "./latency-stats.ts";
import { type EnumParam, PARAM_LIMITS, PARAM_NAMES, type ParamName } from "./param-limits.ts";
import {
  type BenchResults,
  type CapacityResult,
  type CapacityStep,
  type DeliveryPathResult,
  type DeliveryStats,
  type DriverCost,
  type DriverWorkerShare,
  type EnvironmentInfo,
  type ExternalTarget,
  type FailedRun,
  type FaultResult,
  type HttpStats,
  type MethodInfo,
  type RadioEnergy,
  type RadioSample,
  RESULTS_SCHEMA_VERSION,
  type RedisCost,
  type ResolvedParams,
  type RunResult,
  type ServerCost,
} from "./results.ts";
import { STRATEGIES } from "./strategies.ts";
import { type FigureInterval, HEADLINE_FIGURES, type RunSummary } from "./summaries.ts";

// ---- messages --------------------------------------------------------------------------------

/** Short description of a bad value for a message: a container by its kind, a scalar as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Issue = z.core.$ZodRawIssue;

/** The zod error option of a field: "must be <expected>, got <the value>". */
function expecting(expected: string) {
  return { error: (issue: Issue) => `must be ${expected}, got ${describeValue(issue.input)}` };
}

/** `a.b[2].c`; a key that is not an identifier (an error reason) is quoted: `x["HTTP 503"]`. */
export function formatResultsPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === "number") return `[${key}]`;
      const name = String(key);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return i === 0 ? name : `.${name}`;
    })
    .join("");
}

/** One issue as the line a reader gets: the path (or "results" for the whole file), the message. */
export function formatResultsIssue(issue: z.core.$ZodIssue): string {
  return `${formatResultsPath(issue.path) || "results"} ${issue.message}`;
}

// ---- field types -----------------------------------------------------------------------------

const num = z.number(expecting("a number"));
const nullableNum = z.number(expecting("a number or null")).nullable();
const str = z.string(expecting("a string"));
const nullableStr = z.string(expecting("a string or null")).nullable();
const bool = z.boolean(expecting("true or false"));
const strings = z.array(str, expecting("an array"));

/** `must be one of "a", "b", got "c"`. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expecting(`one of ${values.map((v) => JSON.stringify(v)).join(", ")}`));
}

function arrayOf<T extends z.ZodType>(item: T) {
  return z.array(item, expecting("an array"));
}

/** An object (extra fields are ignored); `expected` names it in messages, "an object or null" when nullable. */
function object<S extends z.core.$ZodLooseShape>(shape: S, expected = "an object") {
  return z.object(shape, expecting(expected));
}

/** A share of a whole, 0..1. */
const share = z
  .number(expecting("a number"))
  .min(0, expecting("a share between 0 and 1"))
  .max(1, expecting("a share between 0 and 1"));

const strategy = oneOf(STRATEGIES);

/** A sweep step (runs, failed runs and summaries carry the same one), or null. */
const stepSchema = object(
  { parameter: str, label: str, value: num },
  "an object or null",
).nullable();

// ---- the file ----------------------------------------------------------------------------------

export const environmentSchema = object({
  nodeVersion: str,
  os: str,
  arch: str,
  cpuModel: str,
  cpuCount: nullableNum,
  totalMemoryBytes: nullableNum,
  redisVersion: str,
  gitSha: nullableStr,
});

const externalTargetSchema = object(
  {
    strategy,
    subscribeUrl: str,
    publishUrl: str,
    pids: arrayOf(num).optional(),
    cursorMode: oneOf(["headers"]).optional(),
  },
  "an object or null",
);

const samplingSchema = object(
  {
    mode: oneOf(["until-confident"]),
    horizon: num,
    budgetMs: num,
    minRuns: num,
    maxRuns: num,
    groups: arrayOf(
      object({
        scenario: str,
        step: nullableStr,
        repetitions: num,
        endedBy: oneOf(["resolved", "time-budget", "max-runs"]),
      }),
    ),
  },
  "an object or null",
);

const instrumentFloorSchema = object(
  {
    samples: num,
    p50Us: num,
    p99Us: num,
    maxUs: num,
    issueLagP99Us: num,
    ratePerSec: num.optional(),
    machineJitter: object({
      probeMs: num,
      gapThresholdUs: num,
      gapsPerSec: num,
      lostShare: num,
      maxGapUs: num,
    }).optional(),
  },
  "an object or null",
);

export const methodSchema = object({
  source: oneOf(["bench", "k6"]),
  tool: str,
  quick: bool,
  argv: strings,
  scenarios: strings,
  strategies: arrayOf(strategy),
  redis: oneOf(["managed", "external"]).nullable(),
  target: externalTargetSchema.nullable(),
  repeat: nullableNum,
  sampling: samplingSchema.nullable(),
  instrumentFloor: instrumentFloorSchema.nullable(),
  targetUsers: nullableNum.optional(),
});

/** The zod type of one parameter as a results file records it: its enum, or any number. */
type ParamField<K extends ParamName> = K extends EnumParam
  ? z.ZodEnum<{ [V in (typeof PARAM_LIMITS)[K]["values"][number]]: V }>
  : typeof num;

/**
 * Built from the parameter table, so it names every field of ScenarioParams (= ResolvedParams)
 * and the enum values the planner allows; types only, not ranges (see the file comment).
 */
export const paramsSchema = object(
  Object.fromEntries(
    PARAM_NAMES.map((name) => {
      const limit = PARAM_LIMITS[name];
      return [name, limit.kind === "enum" ? oneOf(limit.values) : num];
    }),
  ) as unknown as { [K in ParamName]: ParamField<K> },
);

const deliverySchema = object({
  published: num,
  expected: num,
  delivered: num,
  lost: num,
  duplicates: num,
  reordered: num,
  skippedByReset: num,
  deliveredInWindow: num,
});

export const latencySchema = object({
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

const httpSchema = object({
  requests: num,
  emptyResponses: num,
  errors: num,
  /** `{reason: count}`. */
  errorsByReason: z.record(z.string(), num, expecting("an object of counts")).nullable(),
  backoffs: nullableNum,
  reconnectBackoffMaxMs: nullableNum,
  connectionsOpened: nullableNum,
  bytesSent: num,
  bytesReceived: num,
  reconnects: num,
  resets: nullableNum,
  requestsPerClientMinute: num,
});

const serverSchema = object(
  {
    cpuSeconds: num,
    cpuUtilization: num,
    cpuMsPer1000Deliveries: nullableNum,
    peakRssBytes: num,
    meanRssBytes: num,
    rssPerConnectionBytes: nullableNum,
    openConnections: num,
    openFds: num,
    eventLoopDelayP99Ms: nullableNum,
    instances: arrayOf(object({ cpuSeconds: num, peakRssBytes: num, maxOpenSockets: num })),
  },
  "an object or null",
);

const redisSchema = object(
  { commands: num, cpuSeconds: num, usedMemoryBytes: num, connectedClients: num },
  "an object or null",
);

const driverWorkerShareSchema = object({
  clients: num,
  published: num,
  delivered: num,
  lost: num,
  duplicates: num,
  requests: num,
  bytes: num,
  cpuUtilization: num,
  eventLoopDelayP99Ms: num,
  rssBytes: num,
});

const driverSchema = object(
  {
    cpuSeconds: num,
    cpuUtilization: num,
    eventLoopDelayP99Ms: num,
    rssBytes: num,
    rssPerClientBytes: nullableNum,
    /** `--driver-workers N`: one share per worker process; absent when the clients ran in-process. */
    workers: arrayOf(driverWorkerShareSchema).optional(),
  },
  "an object or null",
);

const faultSchema = object(
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
    cutReasons: strings,
    maxBufferedBytes: nullableNum,
    bufferBoundBytes: nullableNum,
    othersP99BeforeUs: nullableNum,
    othersP99DuringUs: nullableNum,
  },
  "an object or null",
);

const publisherSchema = object(
  { events: num, issueLagP50Us: num, issueLagP99Us: num, issueLagMaxUs: num },
  "an object or null",
);

const radioSampleSchema = object(
  {
    clientIndex: num,
    shownMs: num,
    segments: arrayOf(object({ state: str, startMs: num, endMs: num, powerMw: num })),
    packets: arrayOf(object({ atMs: num, bytesUp: num, bytesDown: num })),
  },
  "an object or null",
);

const radioEnergySchema = object(
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
    /** `{state: share}`. */
    stateShare: z.record(z.string(), share, expecting("an object")),
    truncated: bool,
    sample: radioSampleSchema.nullable(),
  },
  "an object or null",
);

const deliveryPathSchema = object({
  proxy: oneOf(PROXY_KINDS),
  proxyBuffering: bool,
  proxyReadTimeoutMs: num,
  honourAccelBuffering: bool,
  upstreamKeepAlive: bool,
  clientKeepAliveTimeoutMs: num,
  tls: bool,
  http2: bool,
  tlsResumption: bool,
});

/** `RunResult.deliveryPath` (optional: older files and runs read as direct HTTP/1.1). */
const deliveryPathResultSchema = object({
  path: deliveryPathSchema,
  proxy: object(
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
  ).nullable(),
  tls: object(
    { full: num, resumed: num, perDelivered: nullableNum },
    "an object or null",
  ).nullable(),
  h2: object(
    { sessionsOpened: num, streamsOpened: num, maxConcurrentStreams: num, openSessions: num },
    "an object or null",
  ).nullable(),
});

export const runResultSchema = object({
  scenario: str,
  step: stepSchema,
  strategy,
  repetition: num,
  params: paramsSchema,
  valid: bool,
  invalidReasons: strings,
  warnings: strings,
  timing: object({ startedAt: str, measuredMs: num, drainedMs: num }),
  delivery: deliverySchema,
  latency: latencySchema,
  http: httpSchema,
  perDelivered: object({ requests: nullableNum, bytes: nullableNum }),
  server: serverSchema.nullable(),
  redis: redisSchema.nullable(),
  driver: driverSchema.nullable(),
  fault: faultSchema.nullable(),
  publisher: publisherSchema.nullable(),
  energy: radioEnergySchema.nullable(),
  deliveryPath: deliveryPathResultSchema.optional(),
});

const capacityStepSchema = object({
  targetRps: nullableNum,
  achievedRps: num,
  p50Ms: num,
  p99Ms: num,
  requests: num,
  non2xx: num,
  errors: num,
  timeouts: num,
});

export const capacityResultSchema = object({
  scenario: str,
  strategy,
  route: str,
  connections: num,
  saturationMs: num,
  stepMs: num,
  p99BoundMs: num,
  saturation: capacityStepSchema,
  steps: arrayOf(capacityStepSchema),
  maxSustainedRps: nullableNum,
  clientsPerProcess: arrayOf(
    object({ label: str, requestsPerClientPerSec: num, clients: nullableNum }),
  ),
  server: object({ cpuSeconds: num, peakRssBytes: num }),
  valid: bool,
  invalidReasons: strings,
  warnings: strings,
});

export const failedRunSchema = object({
  scenario: str,
  step: stepSchema,
  strategy,
  repetition: num,
  error: str,
});

const figureIntervalSchema = object(
  { n: num, mean: num, lo: nullableNum, hi: nullableNum, values: arrayOf(num) },
  "an object or null",
);

type FiguresShape = {
  [F in (typeof HEADLINE_FIGURES)[number]]: z.ZodNullable<typeof figureIntervalSchema>;
};

export const runSummarySchema = object({
  scenario: str,
  step: stepSchema,
  strategy,
  runs: num,
  validRuns: num,
  figures: object(
    Object.fromEntries(
      HEADLINE_FIGURES.map((figure) => [figure, figureIntervalSchema.nullable()]),
    ) as FiguresShape,
  ),
  pooledLatency: latencySchema.nullable(),
});

/** A results file of the current version (older ones are upgraded before they meet it). */
export const benchResultsSchema = object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION, expecting(String(RESULTS_SCHEMA_VERSION))),
  tool: object({ name: oneOf(["push-vs-poll"]), version: str }),
  createdAt: str,
  environment: environmentSchema,
  method: methodSchema,
  runs: arrayOf(runResultSchema),
  capacity: arrayOf(capacityResultSchema),
  failedRuns: arrayOf(failedRunSchema),
  summaries: arrayOf(runSummarySchema),
});

/** The first problem of `json` against the current schema as one line, or null when it fits. */
export function resultsProblem(json: unknown): string | null {
  const parsed = benchResultsSchema.safeParse(json);
  if (parsed.success) return null;
  const first = parsed.error.issues[0];
  return first ? formatResultsIssue(first) : "results is not a results file";
}

// ---- the schema and the declared types are one type ------------------------------------------

/** true when A and B are the same type (the compiler's identity, stricter than assignability). */
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type Out<S extends z.ZodType> = z.output<S>;

/**
 * Compile-time proof that each schema infers exactly its declared interface. A failure here
 * names the pair that drifted: change the schema above or the interface until they agree.
 * (The whole file last: its leaves are checked first so a drift is reported where it is.)
 */
export type ResultsSchemaInSync = [
  Assert<Same<Out<typeof paramsSchema>, ResolvedParams>>,
  Assert<Same<Out<typeof latencySchema>, LatencyStats>>,
  Assert<Same<Out<typeof deliveryPathSchema>, DeliveryPath>>,
  Assert<Same<Out<typeof deliveryPathResultSchema>, DeliveryPathResult>>,
  Assert<Same<Out<typeof deliverySchema>, DeliveryStats>>,
  Assert<Same<Out<typeof httpSchema>, HttpStats>>,
  Assert<Same<Out<typeof serverSchema>, ServerCost>>,
  Assert<Same<Out<typeof redisSchema>, RedisCost>>,
  Assert<Same<Out<typeof driverWorkerShareSchema>, DriverWorkerShare>>,
  Assert<Same<Out<typeof driverSchema>, DriverCost>>,
  Assert<Same<Out<typeof faultSchema>, FaultResult>>,
  Assert<Same<Out<typeof radioSampleSchema>, RadioSample>>,
  Assert<Same<Out<typeof radioEnergySchema>, RadioEnergy>>,
  Assert<Same<Out<typeof externalTargetSchema>, ExternalTarget>>,
  Assert<Same<Out<typeof environmentSchema>, EnvironmentInfo>>,
  Assert<Same<Out<typeof methodSchema>, MethodInfo>>,
  Assert<Same<Out<typeof runResultSchema>, RunResult>>,
  Assert<Same<Out<typeof capacityStepSchema>, CapacityStep>>,
  Assert<Same<Out<typeof capacityResultSchema>, CapacityResult>>,
  Assert<Same<Out<typeof failedRunSchema>, FailedRun>>,
  Assert<Same<Out<typeof figureIntervalSchema>, FigureInterval>>,
  Assert<Same<Out<typeof runSummarySchema>, RunSummary>>,
  Assert<Same<Out<typeof benchResultsSchema>, BenchResults>>,
];
