/**
 * The results file (`reports/<run>/results.json`): one versioned JSON document per bench run.
 * The report reads only this schema; it never imports the driver or the servers.
 * Units are in the field names. `null` means "not measurable for this run" (for example a
 * per-delivered ratio when nothing was delivered), never zero.
 */

import type { DeliveryPath } from "./delivery-path.ts";
import type { FaultKind } from "./fault-kinds.ts";
import type { LatencyStats } from "./latency-stats.ts";
import type { ScenarioParams } from "./scenario.ts";
import type { StrategyId } from "./strategies.ts";
import type { RunSummary } from "./summaries.ts";

/**
 * 4 added the estimated radio energy of the clients' traffic (`RunResult.energy`; null in older
 * files). 3 added repetitions (`RunResult.repetition`, `method.repeat`, `method.sampling`), summaries
 * with 95 % intervals (`summaries`), the publisher's issue lag (`RunResult.publisher`) and the
 * instrument's floor (`method.instrumentFloor`), and errors by reason with the clients' backoff
 * (`http.errorsByReason`, `http.backoffs`, `http.reconnectBackoffMaxMs`; null in files written
 * before them). 2 added fault results (`RunResult.fault`) and
 * explicit resets (`http.resets`, `delivery.skippedByReset`). Version 1 and 2 files are
 * upgraded on read (see src/results/upgrade-results.ts): every older run is a single run.
 */
export const RESULTS_SCHEMA_VERSION = 4 as const;

export interface BenchResults {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  tool: { name: "push-vs-poll"; version: string };
  /** ISO 8601 time the run started. */
  createdAt: string;
  environment: EnvironmentInfo;
  method: MethodInfo;
  runs: RunResult[];
  /** Capacity runs (autocannon against the polling endpoints); empty when none were planned. */
  capacity: CapacityResult[];
  /** Planned runs that could not finish (server crashed, Redis gone...): never silently dropped. */
  failedRuns: FailedRun[];
  /**
   * One per scenario step x strategy: the valid repetitions folded into headline figures with
   * 95 % intervals and pooled latency. Written by the bench, recomputed on read of older files.
   */
  summaries: RunSummary[];
}

export interface FailedRun {
  scenario: string;
  step: { parameter: string; label: string; value: number } | null;
  strategy: StrategyId;
  /** Which repetition of its group failed, 1-based. */
  repetition: number;
  /** What went wrong, one line. */
  error: string;
}

export interface EnvironmentInfo {
  nodeVersion: string;
  /** e.g. "Linux 6.1.0-18-amd64". */
  os: string;
  arch: string;
  cpuModel: string;
  /** null when the tool that produced the run did not record it (k6 imports). */
  cpuCount: number | null;
  totalMemoryBytes: number | null;
  redisVersion: string;
  /** null when not run from a git checkout. */
  gitSha: string | null;
}

export interface MethodInfo {
  /** What produced the runs: `npm run bench`, or a k6 summary imported with `npm run report -- --k6`. */
  source: "bench" | "k6";
  /** e.g. "push-vs-poll driver (node:http clients, in-process publisher)". */
  tool: string;
  quick: boolean;
  /** The CLI arguments as given, for reproduction. */
  argv: string[];
  scenarios: string[];
  strategies: StrategyId[];
  /** "managed" (spawned redis-server) or "external" (REDIS_URL / --redis-url); null with `--target` (no Redis of ours). */
  redis: "managed" | "external" | null;
  /**
   * Set when the runs measured an external server (`--target`): its URL templates. Server and
   * Redis costs are then null: the bench does not own that process.
   */
  target: ExternalTarget | null;
  /**
   * Repetitions asked for per scenario step x strategy (`--repeat`); null when not given (each
   * scenario's own default; the runs' `repetition` fields say what ran); 1 in older files.
   */
  repeat: number | null;
  /** How the number of repetitions was decided; null for a fixed `--repeat`. */
  sampling: SamplingInfo | null;
  /**
   * The instrument's own floor, measured once per bench: publishes from the driver's publisher
   * to a subscriber inside the driver through the same Redis, no server in between. Latencies
   * below it cannot be told apart. null when not measured (--target, k6, older files).
   */
  instrumentFloor: InstrumentFloor | null;
  /**
   * The user count the report's scale estimate is for (`--target-users`); absent or null: the
   * report's default (100,000). Optional, so older files read as they are.
   */
  targetUsers?: number | null;
}

/** `--until-confident`: repetitions were added until the chosen differences were clear. */
export interface SamplingInfo {
  mode: "until-confident";
  /** Relative horizon: a difference is resolved when its interval is clear of ±horizon or inside it. */
  horizon: number;
  /** The time budget, ms. */
  budgetMs: number;
  minRuns: number;
  maxRuns: number;
  /** Per scenario step: how many repetitions ran and what ended the sampling. */
  groups: {
    scenario: string;
    step: string | null;
    repetitions: number;
    endedBy: "resolved" | "time-budget" | "max-runs";
  }[];
}

export interface InstrumentFloor {
  samples: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** The publisher's own issue lag in that measurement (intended time -> publish issued). */
  issueLagP99Us: number;
  /** The probe's publish rate, per second. Absent in files written before it was kept (300/s). */
  ratePerSec?: number;
  /**
   * What the machine takes from a process that never yields (src/metrics/machine-jitter.ts):
   * a spinning timer cannot be more precise than these gaps (one that sleeps between events
   * can). Absent in files written before it was kept.
   */
  machineJitter?: {
    probeMs: number;
    /** A gap between two clock reads longer than this counted as time taken away, µs. */
    gapThresholdUs: number;
    gapsPerSec: number;
    lostShare: number;
    maxGapUs: number;
  };
}

/** How late the publisher issued publishes against their intended times, over the whole run. */
export interface PublisherLag {
  events: number;
  issueLagP50Us: number;
  issueLagP99Us: number;
  issueLagMaxUs: number;
}

export interface ExternalTarget {
  strategy: StrategyId;
  /** Subscribe / poll URL template with `{userId}` (and `{cursor}` for polling). */
  subscribeUrl: string;
  /** Publish URL template with `{userId}`: POST, JSON body passed through to subscribers. */
  publishUrl: string;
  /** `--target-pid`: the server processes sampled for its cost; absent when none were given. */
  pids?: number[];
  /** `--target-cursor headers`: polling resumed by Last-Modified / ETag; absent: by `{cursor}`. */
  cursorMode?: "headers";
}

/**
 * The params a run really used (steps, `--quick` and CLI overrides applied): exactly
 * ScenarioParams, so a field added there is recorded here (and the results validator, whose
 * check is built from src/model/param-limits.ts, follows).
 */
export type ResolvedParams = ScenarioParams;

export interface RunResult {
  scenario: string;
  /** Present for sweep steps. */
  step: { parameter: string; label: string; value: number } | null;
  strategy: StrategyId;
  /** Which repetition of its scenario step x strategy this is, 1-based (1 in older files). */
  repetition: number;
  params: ResolvedParams;
  /** false when the numbers must not be trusted; `invalidReasons` says why. */
  valid: boolean;
  invalidReasons: string[];
  /** Things worth knowing that do not invalidate the run. */
  warnings: string[];
  timing: {
    startedAt: string;
    /** Actual length of the measured window. */
    measuredMs: number;
    /** Actual drain time until all expected notifications arrived (or drainMs when not). */
    drainedMs: number;
  };
  delivery: DeliveryStats;
  latency: LatencyStats;
  /** Client-side counts over the measured window. */
  http: HttpStats;
  /** Over the measured window; null when nothing was delivered in it. */
  perDelivered: { requests: number | null; bytes: number | null };
  /** null when the tool that produced the run cannot measure the server (k6 imports). */
  server: ServerCost | null;
  /** null when the tool that produced the run cannot read Redis INFO (k6 imports). */
  redis: RedisCost | null;
  /** null when the load generator has no self-check (k6 imports). */
  driver: DriverCost | null;
  /** What a fault scenario injected and how the strategy recovered; null for other scenarios. */
  fault: FaultResult | null;
  /** The publisher's issue lag; null when not measured (k6 imports, older files). */
  publisher: PublisherLag | null;
  /**
   * What the clients' own traffic would cost a phone's cellular radio (src/energy): a model
   * replayed over each sampled client's timeline, not a measurement; null when no timeline was
   * recorded (k6 imports, older files, a transport with no per-client socket).
   */
  energy: RadioEnergy | null;
  /**
   * How the clients reached the servers (a proxy, TLS, HTTP/2) and what that path cost: nginx's
   * own CPU and memory, TLS handshakes, HTTP/2 streams. Absent in files written before the
   * proxy existed and for direct plain HTTP/1.1 runs of older versions: read as direct.
   */
  deliveryPath?: DeliveryPathResult;
}

/** The delivery path of one run and its costs over the measured window. */
export interface DeliveryPathResult {
  path: DeliveryPath;
  /** nginx's master + worker over the window, like `server`; null without a proxy. */
  proxy: ProxyCost | null;
  /** TLS handshakes over the window; null without TLS. */
  tls: TlsHandshakeCounts | null;
  /** HTTP/2 sessions and streams over the window; null without HTTP/2. */
  h2: Http2Counts | null;
}

export interface ProxyCost {
  cpuSeconds: number;
  /** cpuSeconds / window: 1.0 = one core busy the whole window. */
  cpuUtilization: number;
  /** nginx CPU per 1,000 notifications delivered in the window, ms; null when none. */
  cpuMsPer1000Deliveries: number | null;
  /** Master + worker RSS, summed, bytes. */
  peakRssBytes: number;
  meanRssBytes: number;
  /** Most TCP connections nginx held at once (clients and upstreams together). */
  maxOpenSockets: number;
  /** Processes sampled (1 master + workers). */
  processes: number;
}

export interface TlsHandshakeCounts {
  full: number;
  resumed: number;
  /** (full + resumed) per notification delivered in the window; null when none. */
  perDelivered: number | null;
}

export interface Http2Counts {
  /** Sessions (TCP + TLS connections) opened in the window. */
  sessionsOpened: number;
  /** Streams (requests, SSE streams) opened in the window. */
  streamsOpened: number;
  /** The most streams one session carried at once, over the run. */
  maxConcurrentStreams: number;
  /** Sessions open at the end of the window. */
  openSessions: number;
}

/**
 * Estimated radio energy per user over the measured window (docs/methodology.md, "Radio
 * energy"). Per-hour figures extrapolate the window: a window shorter than a few tails says
 * little (`shortWindow`).
 */
export interface RadioEnergy {
  /** The radio profile's id (e.g. "lte") and its label with its source. */
  profile: string;
  profileLabel: string;
  /** The profile's tail (last packet -> idle, the RRC inactivity timer) and promotion, ms. */
  tailMs: number;
  promotionMs: number;
  /** The battery voltage the mAh figures are stated at. */
  batteryVoltageV: number;
  /** The heartbeat interval our servers ran with (SSE comments), ms; null with --target. */
  heartbeatMs: number | null;
  /** Clients whose timelines were replayed (an even sample of the run's clients). */
  sampledClients: number;
  windowMs: number;
  /** The window is shorter than twice the tail: the figures mostly show one tail, not a rhythm. */
  shortWindow: boolean;
  /** Mean over the sampled clients, per user and hour (the window extrapolated). */
  energyPerUserHourJ: number;
  energyPerUserHourMah: number;
  /** Share of the window the radio spent out of idle (promotion, transfer, tail), 0..1. */
  highPowerShare: number;
  /** Radio wake-ups (idle -> connected promotions) per user and hour. */
  promotionsPerUserHour: number;
  /** Energy of all clients over the window / notifications delivered in it, J; null when none. */
  energyPerDeliveredJ: number | null;
  /** Mean share of the window per radio state (idle, promotion, data, the tail's phases). */
  stateShare: Record<string, number>;
  /** A sampled timeline hit its bound: the figures cover what was kept. */
  truncated: boolean;
  /** One sampled client's radio states and packets, for the timeline chart; null when none. */
  sample: RadioSample | null;
}

/** One client's radio over (the start of) the window; times in ms from the window's start. */
export interface RadioSample {
  /** The client's place among the run's clients, 0-based. */
  clientIndex: number;
  /** How much of the window the sample covers (all of it unless the bounds cut it). */
  shownMs: number;
  segments: { state: string; startMs: number; endMs: number; powerMw: number }[];
  packets: { atMs: number; bytesUp: number; bytesDown: number }[];
}

/** Over the whole run (warm-up + window + drain): every published seq per user is accounted for. */
export interface DeliveryStats {
  /** Notifications published (one per user per fanout). */
  published: number;
  /** Notifications the clients should have received (= published: every client connects before publishing starts). */
  expected: number;
  /** Distinct expected notifications received. */
  delivered: number;
  /** Expected but never received by the end of the drain. */
  lost: number;
  /** Received more than once. */
  duplicates: number;
  /** Received after a higher seq of the same user. */
  reordered: number;
  /**
   * Expected but explicitly announced as gone by the server (a reset after the client's cursor
   * fell behind the kept history): accounted for, never counted in `lost`.
   */
  skippedByReset: number;
  /** Deliveries whose receipt fell in the measured window. */
  deliveredInWindow: number;
}

export interface HttpStats {
  /** HTTP requests sent (an SSE stream counts one request per (re)connect). */
  requests: number;
  /** Responses that carried no notification (polls that returned nothing). */
  emptyResponses: number;
  /** Failed requests: network errors, non-2xx answers, crossed client bounds, broken protocol. */
  errors: number;
  /**
   * `errors` by reason, e.g. `{"HTTP 503": 40, "SSE event over 1 MiB": 2}` (at most 32 reasons,
   * the rest under "(other reasons)"); null when not counted (k6 imports, older files).
   */
  errorsByReason: Record<string, number> | null;
  /**
   * Retries that waited longer than the normal delay because the failures repeated (exponential
   * backoff with jitter, capped); null when not counted (k6 imports, older files).
   */
  backoffs: number | null;
  /**
   * The longest wait before a retry after an error (a reconnect or the next poll), ms; 0 when
   * nothing failed; null when not counted (k6 imports, older files).
   */
  reconnectBackoffMaxMs: number | null;
  /** TCP connections opened by the clients; null when not counted (k6 imports). */
  connectionsOpened: number | null;
  /** Bytes written to client sockets (headers included). */
  bytesSent: number;
  /** Bytes read from client sockets (headers included). */
  bytesReceived: number;
  /** SSE reconnects (0 for polling). */
  reconnects: number;
  /** Explicit resets received (SSE `event: reset`, polling `reset: true`); null when not counted (k6 imports). */
  resets: number | null;
  /** Requests per client per minute over the window: what waiting costs when idle. */
  requestsPerClientMinute: number;
}

export interface ServerCost {
  /** user + sys CPU over the measured window. */
  cpuSeconds: number;
  /** cpuSeconds / window length: 1.0 = one core busy. */
  cpuUtilization: number;
  /** Server CPU ms per 1,000 deliveries in the window; null when none. */
  cpuMsPer1000Deliveries: number | null;
  peakRssBytes: number;
  meanRssBytes: number;
  /** RSS at window end before clients connected vs after, divided by open connections; null when < 1 connection. */
  rssPerConnectionBytes: number | null;
  /** Peak open TCP connections seen by the server. */
  openConnections: number;
  openFds: number;
  eventLoopDelayP99Ms: number | null;
  /** One entry per server process (several with `instances` > 1); the fields above are sums. */
  instances: InstanceCost[];
}

export interface InstanceCost {
  /** user + sys CPU over the measured window. */
  cpuSeconds: number;
  peakRssBytes: number;
  /** Highest count of the process's TCP connections seen in the window (Redis ones included). */
  maxOpenSockets: number;
}

export interface RedisCost {
  /** Commands processed during the measured window (INFO delta). */
  commands: number;
  /** used_cpu_sys + used_cpu_user delta over the window. */
  cpuSeconds: number;
  usedMemoryBytes: number;
  connectedClients: number;
}

export interface DriverCost {
  cpuSeconds: number;
  /** cpuSeconds / window length. The driver is one Node process: near 1.0 means it was the bottleneck. */
  cpuUtilization: number;
  eventLoopDelayP99Ms: number;
  rssBytes: number;
  /** Driver RSS growth from before clients connected, divided by clients. */
  rssPerClientBytes: number | null;
  /**
   * `--driver-workers N`: each worker process's share, whose sums are the run's figures. Absent
   * when the clients ran in the bench's own process. With workers, cpuUtilization and
   * eventLoopDelayP99Ms are the busiest driver process's (the coordinator's included), and
   * cpuSeconds and rssBytes the sums.
   */
  workers?: DriverWorkerShare[];
}

/** One `--driver-workers` process: its users and what it counted. */
export interface DriverWorkerShare {
  clients: number;
  /** Its users' ledger over the whole run. */
  published: number;
  delivered: number;
  lost: number;
  duplicates: number;
  /** Requests and bytes on the wire (both directions) in the measured window. */
  requests: number;
  bytes: number;
  cpuUtilization: number;
  eventLoopDelayP99Ms: number;
  rssBytes: number;
}

/** One autocannon measurement: a closed loop (targetRps null) or a rate-limited step. */
export interface CapacityStep {
  /** Requested overall rate; null for the closed loop. */
  targetRps: number | null;
  achievedRps: number;
  p50Ms: number;
  p99Ms: number;
  /** 2xx answers. */
  requests: number;
  /** Non-2xx answers. */
  non2xx: number;
  /** Connection errors. */
  errors: number;
  timeouts: number;
}

/** How many clients one server process can serve, derived from the sustained rate. */
export interface ClientsPerProcess {
  /** e.g. "short polling every 5 s". */
  label: string;
  /** Requests one client makes per second under that assumption. */
  requestsPerClientPerSec: number;
  /** maxSustainedRps / requestsPerClientPerSec; null when no step was sustained. */
  clients: number | null;
}

export interface CapacityResult {
  scenario: string;
  strategy: StrategyId;
  /** The route driven, e.g. "GET /api/notifications/:userId?after=<cursor>". */
  route: string;
  connections: number;
  /** Length of the closed-loop run, ms. */
  saturationMs: number;
  /** Length of each rate-limited step, ms. */
  stepMs: number;
  p99BoundMs: number;
  saturation: CapacityStep;
  steps: CapacityStep[];
  /** Highest achieved rate of a step with p99 under the bound, no errors, >= 95 % of target. */
  maxSustainedRps: number | null;
  clientsPerProcess: ClientsPerProcess[];
  /** Server process cost over the whole capacity run. */
  server: { cpuSeconds: number; peakRssBytes: number };
  valid: boolean;
  invalidReasons: string[];
  warnings: string[];
}

/**
 * One injected fault and the recovery from it. Times are ms relative to the fault's start
 * unless named otherwise. "Back" means: every disrupted client connected again (a 2xx poll
 * answer or an open SSE stream after its last error) and the fault itself is over.
 * "Recovered" means: back, and every notification published before that moment has arrived
 * (or was explicitly announced gone by a reset).
 */
export interface FaultResult {
  kind: FaultKind;
  /** What the injector did, one sentence with its numbers, e.g. "kill -9 the server, restart it on port 40123". */
  action: string;
  /** When the fault started, ms after the measured window opened. */
  startMs: number;
  /** How long the fault itself lasted (outage, storm spread, slow or away phase), ms; 0 when instantaneous. */
  durationMs: number;
  /** Clients the fault was aimed at (all for server-wide faults; the slow or away share otherwise). */
  targetedClients: number;
  /** Clients that saw an error or lost their connection from the fault's start on. */
  disruptedClients: number;
  /** Disrupted clients connected again by the end of the drain. */
  reconnectedClients: number;
  /** Fault start -> the last disrupted client connected again (or the fault's end when later); null when some never did. */
  timeToBackMs: number | null;
  /** Fault start -> recovered; null when it did not recover before the drain ended. */
  timeToRecoverMs: number | null;
  recovered: boolean;
  /** Over the whole run, copied from `delivery` for the fault table. */
  lost: number;
  duplicates: number;
  skippedByReset: number;
  /** Resets the clients received from the fault's start on. */
  resets: number;
  /**
   * Requests and bytes (both directions) from the fault's start to recovery (or to the window's
   * end when it did not recover), minus what the pre-fault rate predicts for that time:
   * what recovering cost. Can be negative (a dead server receives no polls).
   */
  extraRequests: number;
  extraBytes: number;
  /** Failed client requests (network errors, 5xx, 503 + Retry-After) from the fault's start on. */
  errors: number;
  /** Publishes that failed while the fault lasted (Redis unreachable); never part of `published`. */
  publishFailures: number;
  /** Streams the server cut and why (slow-consumer); null when the fault cannot cause cuts. */
  serverCuts: number | null;
  cutReasons: string[];
  /** Largest send buffer one stream reached on the server, and the configured bound; null outside slow-consumer. */
  maxBufferedBytes: number | null;
  bufferBoundBytes: number | null;
  /**
   * p99 latency of the clients the fault was not aimed at, before the fault and from its
   * start to the end of the window (slow-consumer: "the others' p99 stays where it was");
   * null when all clients were targeted.
   */
  othersP99BeforeUs: number | null;
  othersP99DuringUs: number | null;
}
