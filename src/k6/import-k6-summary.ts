/**
 * Turns k6's end-of-test summary (the object `handleSummary(data)` receives, written as JSON by
 * the scenarios/k6 scripts) into a BenchResults document, so k6 runs land in the same report
 * as `npm run bench` runs.
 *
 * k6's summary format (k6 internal/js/summary.go, summarizeMetricsToObject; docs:
 * https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/):
 *   { root_group, options: {summaryTrendStats, summaryTimeUnit, noColor},
 *     state: {isStdOutTTY, isStdErrTTY, testRunDurationMs},
 *     metrics: { <name or name{tag:value}>: { type: "counter"|"gauge"|"rate"|"trend",
 *                contains: "default"|"time"|"data", values: {...}, thresholds?: {...} } },
 *     setup_data? }
 * Counter values are {count, rate}; Rate {rate, passes, fails}; Gauge {value, min, max}; Trend
 * values hold exactly the stats named in summaryTrendStats (avg, min, med, max, count, p(N)),
 * time trends in milliseconds. A metric that never got a sample is absent.
 *
 * What k6 cannot measure is never reported as a measured zero: nullable schema fields are null,
 * and every non-nullable placeholder is named in the run's warnings (see docs/distributed.md).
 */
import {
  K6_METRICS,
  type K6SetupData,
  RECEIVER_DATA_RECEIVED,
  RECEIVER_DATA_SENT,
} from "../../scenarios/k6/lib/metric-names.ts";
import { emptyLatencyStats } from "../model/latency-stats.ts";
import {
  type BenchResults,
  type EnvironmentInfo,
  RESULTS_SCHEMA_VERSION,
  type ResolvedParams,
  type RunResult,
} from "../model/results.ts";
import { isStrategyId, STRATEGIES, type StrategyId } from "../model/strategies.ts";
import { TOOL_VERSION } from "../model/tool-version.ts";
import { groupKey, summarizeRuns } from "../results/summarize-runs.ts";
import { ResultsError, validateResults } from "../results/validate-results.ts";

/** A summary that cannot be imported. The message names the JSON path and the fix. */
export class K6SummaryError extends Error {
  override readonly name = "K6SummaryError";
}

export interface ImportK6Options {
  /** Default: the summary's setup_data.strategy (written by the scenarios/k6 scripts). */
  strategy?: StrategyId;
  /** Default: setup_data.scenario. */
  scenario?: string;
  /** The run's resolved params. Default: setup_data.params. */
  params?: ResolvedParams;
  /** Sweep step. Default: setup_data.step, else null. */
  step?: RunResult["step"];
  /** ISO time the run started. Default: setup_data.startedAtMs, else `now`. */
  startedAt?: string;
  /** Where the load ran (k6's summary does not say); every field defaults to "not recorded". */
  environment?: Partial<EnvironmentInfo>;
  /** The command that produced the summary, for the report's footer. */
  argv?: string[];
  /** Clock for defaults (tests). */
  now?: () => Date;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const fail = (message: string): never => {
  throw new K6SummaryError(`k6 summary: ${message}`);
};

const describe = (value: unknown): string =>
  value === undefined
    ? "nothing"
    : Array.isArray(value)
      ? "an array"
      : isObject(value)
        ? "an object"
        : JSON.stringify(value);

/** Where the scenarios/k6 scripts record a metric, for "is missing" messages. */
const FROM_SCRIPTS =
  "the scenarios/k6 scripts record it in every run: was this summary written by them (handleSummary -> summary.json)?";

class SummaryReader {
  readonly metrics: Json;
  readonly trendStats: string[] | null;

  constructor(readonly root: Json) {
    if (!isObject(root.metrics)) {
      fail(`metrics must be an object of k6 metrics, got ${describe(root.metrics)}`);
    }
    this.metrics = root.metrics as Json;
    const options = root.options;
    const stats = isObject(options) ? options.summaryTrendStats : undefined;
    this.trendStats = Array.isArray(stats) ? stats.map(String) : null;
  }

  /** The metric object, or null when absent. Checks its type when present. */
  metric(name: string, type: "counter" | "trend"): Json | null {
    const metric = this.metrics[name];
    if (metric === undefined) return null;
    if (!isObject(metric)) fail(`metrics.${name} must be an object, got ${describe(metric)}`);
    const m = metric as Json;
    if (m.type !== type) {
      fail(`metrics.${name}.type must be "${type}", got ${describe(m.type)}`);
    }
    if (!isObject(m.values)) {
      fail(`metrics.${name}.values must be an object, got ${describe(m.values)}`);
    }
    return m;
  }

  private value(name: string, metric: Json, key: string): number | undefined {
    const value = (metric.values as Json)[key];
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      fail(`metrics.${name}.values.${key} must be a finite number, got ${describe(value)}`);
    }
    return value as number;
  }

  /** A Counter's count; `fallback` when the metric is absent (undefined = required). */
  count(name: string, fallback?: number): number {
    const metric = this.metric(name, "counter");
    if (metric === null) {
      if (fallback !== undefined) return fallback;
      return fail(`metrics.${name} is missing; ${FROM_SCRIPTS}`);
    }
    const value = this.value(name, metric, "count");
    if (value === undefined) return fail(`metrics.${name}.values.count is missing`);
    if (value < 0) fail(`metrics.${name}.values.count must be >= 0, got ${value}`);
    return value;
  }

  /** A Trend stat; throws naming summaryTrendStats when a required one is missing. */
  trendStat(name: string, metric: Json, stat: string, required: boolean): number | null {
    const value = this.value(name, metric, stat);
    if (value !== undefined) return value;
    if (!required) return null;
    const asked = this.trendStats ? ` (it asked for ${this.trendStats.join(", ")})` : "";
    return fail(
      `metrics.${name}.values.${stat} is missing; add '${stat}' to summaryTrendStats${asked}`,
    );
  }
}

/** ms (k6 time trend) -> integer µs (results schema). */
const msToUs = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 1000));

function setupDataOf(root: Json): Partial<K6SetupData> {
  const data = root.setup_data;
  if (data === undefined || data === null) return {};
  if (!isObject(data)) fail(`setup_data must be an object or absent, got ${describe(data)}`);
  return data as Partial<K6SetupData>;
}

function resolveStrategy(options: ImportK6Options, setup: Partial<K6SetupData>): StrategyId {
  if (options.strategy !== undefined) return options.strategy;
  const value = setup.strategy;
  if (typeof value === "string" && isStrategyId(value)) return value;
  return fail(
    value === undefined
      ? "no strategy: pass --strategy (setup_data.strategy is absent)"
      : `setup_data.strategy ${describe(value)} is not one of ${STRATEGIES.join(", ")}`,
  );
}

function resolveScenario(options: ImportK6Options, setup: Partial<K6SetupData>): string {
  if (options.scenario !== undefined) return options.scenario;
  if (typeof setup.scenario === "string" && setup.scenario !== "") return setup.scenario;
  return fail("no scenario: pass --scenario (setup_data.scenario is absent)");
}

function resolveParams(options: ImportK6Options, setup: Partial<K6SetupData>): ResolvedParams {
  if (options.params !== undefined) return options.params;
  if (isObject(setup.params)) return setup.params as unknown as ResolvedParams;
  return fail(
    "no params: setup_data.params is absent; pass the run's params (npm run report -- --k6 resolves them from --scenario)",
  );
}

/** Sentences for the run's warnings: every field k6 cannot provide, by name. */
export const ABSENT_FIELD_WARNINGS: readonly string[] = [
  "k6 cannot measure the server's CPU or memory: absent (server is null).",
  "k6 cannot read Redis INFO: absent (redis is null).",
  "k6 has no load-generator self-check: absent (driver is null); a saturated load generator is not detected here (watch k6's own CPU).",
  "k6 does not count TCP connections opened: absent (http.connectionsOpened is null).",
  "Bytes are k6-level: data_sent/data_received of the receivers scenario over the whole run (ramp, warm-up, window and drain), not the bench's socket counts over the window; bytes per delivered = whole-run bytes / whole-run deliveries.",
  "Latency is k6's delivery_latency trend (Date.now() in the script, 1 ms resolution); there is no HDR histogram, so latency.histogram is null and the latency CDF skips this run.",
];

/**
 * Imports one k6 summary as a BenchResults with one run. `options` default to what the
 * scenarios/k6 scripts put in setup_data. Throws K6SummaryError naming the bad path.
 */
export function importK6Summary(summary: unknown, options: ImportK6Options = {}): BenchResults {
  if (!isObject(summary)) {
    fail(`must be a JSON object (the data handleSummary receives), got ${describe(summary)}`);
  }
  const root = summary as Json;
  const reader = new SummaryReader(root);
  const state = root.state;
  if (!isObject(state) || typeof state.testRunDurationMs !== "number") {
    fail(
      `state.testRunDurationMs must be a number, got ${describe(isObject(state) ? state.testRunDurationMs : state)}`,
    );
  }
  const setup = setupDataOf(root);
  const strategy = resolveStrategy(options, setup);
  const scenario = resolveScenario(options, setup);
  const params = resolveParams(options, setup);
  const now = options.now ?? (() => new Date());
  const startedAt =
    options.startedAt ??
    (typeof setup.startedAtMs === "number"
      ? new Date(setup.startedAtMs).toISOString()
      : now().toISOString());
  const step =
    options.step !== undefined
      ? options.step
      : isObject(setup.step)
        ? (setup.step as RunResult["step"])
        : null;

  const m = K6_METRICS;
  const published = reader.count(m.published);
  const received = reader.count(m.received);
  const inWindow = reader.count(m.receivedInWindow);
  const requestsInWindow = reader.count(m.receiverRequestsInWindow);
  const errorsInWindow = reader.count(m.receiverErrorsInWindow);
  const publishErrors = reader.count(m.publishErrors);
  const foreign = reader.count(m.foreign);
  // k6 reports dropped_iterations only when some were dropped.
  const dropped = reader.count("dropped_iterations", 0);

  const warnings: string[] = [...ABSENT_FIELD_WARNINGS];
  const invalidReasons: string[] = [];
  if (Array.isArray(setup.notes)) warnings.push(...setup.notes.map(String));

  // Latency: a trend with no samples is absent from the summary.
  const latencyMetric = reader.metric(m.deliveryLatency, "trend");
  let latency: RunResult["latency"];
  if (latencyMetric === null) {
    if (inWindow > 0) {
      fail(
        `metrics.${m.deliveryLatency} is missing although ${m.receivedInWindow} is ${inWindow}; ${FROM_SCRIPTS}`,
      );
    }
    latency = emptyLatencyStats(null);
  } else {
    if (latencyMetric.contains !== "time") {
      fail(
        `metrics.${m.deliveryLatency}.contains must be "time" (a Trend created with isTime true, in ms), got ${describe(latencyMetric.contains)}`,
      );
    }
    const stat = (name: string, required = true): number | null =>
      reader.trendStat(m.deliveryLatency, latencyMetric, name, required);
    const count = stat("count", false);
    if (count === null) {
      warnings.push(
        `latency.count is ${m.receivedInWindow} (summaryTrendStats has no 'count', so the trend's own sample count is unknown).`,
      );
    }
    const p999 = stat("p(99.9)", false);
    if (p999 === null) {
      warnings.push("latency p99.9 is absent (null): summaryTrendStats has no 'p(99.9)'.");
    }
    latency = {
      count: count ?? inWindow,
      minUs: msToUs(stat("min")),
      meanUs: msToUs(stat("avg")),
      p50Us: msToUs(stat("med")),
      p90Us: msToUs(stat("p(90)")),
      p99Us: msToUs(stat("p(99)")),
      p999Us: msToUs(p999),
      maxUs: msToUs(stat("max")),
      histogram: null,
    };
  }

  // Bytes: the receivers' submetrics, else the whole test (publisher POSTs included).
  let bytesSent = reader.count(RECEIVER_DATA_SENT, -1);
  let bytesReceived = reader.count(RECEIVER_DATA_RECEIVED, -1);
  if (bytesSent < 0 || bytesReceived < 0) {
    bytesSent = reader.count("data_sent");
    bytesReceived = reader.count("data_received");
    warnings.push(
      `metrics.${RECEIVER_DATA_SENT} / ${RECEIVER_DATA_RECEIVED} are absent, so bytes are k6's whole-test data_sent/data_received, publisher POSTs included (the scripts declare thresholds on the receivers' submetrics so they appear).`,
    );
  }

  if (dropped > 0) {
    invalidReasons.push(
      `k6 dropped ${dropped} publish iterations (the publisher ran out of VUs: raise maxVUs); the schedule was not kept and the missing publishes do not show in the latency`,
    );
  }
  if (foreign > 0) invalidReasons.push(`${foreign} notifications reached the wrong user`);
  if (params.ratePerSec > 0 && published === 0) {
    invalidReasons.push("nothing was published (check BASE_URL and the publisher's errors)");
  }
  if (publishErrors > 0) warnings.push(`${publishErrors} publish requests failed`);
  if (errorsInWindow > 0) {
    warnings.push(`${errorsInWindow} client requests failed during the window`);
  }
  if (params.publishModel === "poisson" && params.ratePerSec > 0) {
    warnings.push(
      "publish times are evenly spaced by k6's constant-arrival-rate executor (each to a random user), not Poisson-spaced as in npm run bench.",
    );
  }
  const gaps = reader.count(m.seqGaps);
  if (gaps > 0)
    warnings.push(`${gaps} seqs were skipped when a higher seq arrived first (seq_gaps).`);
  const lost = Math.max(0, published - received);
  if (lost > 0) {
    warnings.push(
      `lost = published - received over the whole run (${lost}); k6 cannot tell a notification still in flight when it stopped from one never delivered.`,
    );
  }

  const windowMinutes = params.durationMs / 60_000;
  const bytes = bytesSent + bytesReceived;
  const run: RunResult = {
    scenario,
    step,
    strategy,
    // One k6 summary is one run; mergeImportedResults numbers repeats of a group.
    repetition: 1,
    params,
    valid: invalidReasons.length === 0,
    invalidReasons,
    warnings,
    timing: {
      startedAt,
      // k6 keeps the window by schedule; it does not measure the window's actual length.
      measuredMs: params.durationMs,
      drainedMs: params.drainMs,
    },
    delivery: {
      published,
      expected: published,
      delivered: received,
      lost,
      duplicates: reader.count(m.seqDuplicates),
      skippedByReset: 0,
      reordered: reader.count(m.seqReordered),
      deliveredInWindow: inWindow,
    },
    latency,
    http: {
      requests: requestsInWindow,
      emptyResponses: reader.count(m.emptyPollsInWindow),
      errors: errorsInWindow,
      // k6 counts failed requests, not why, and has no backoff of ours.
      errorsByReason: null,
      backoffs: null,
      reconnectBackoffMaxMs: null,
      connectionsOpened: null,
      bytesSent,
      bytesReceived,
      reconnects: reader.count(m.reconnects),
      resets: null,
      requestsPerClientMinute:
        windowMinutes > 0 && params.clients > 0
          ? requestsInWindow / params.clients / windowMinutes
          : 0,
    },
    perDelivered: {
      requests: inWindow > 0 ? requestsInWindow / inWindow : null,
      bytes: received > 0 ? bytes / received : null,
    },
    // Absent, never zero: k6 sees only its own side of the wire.
    server: null,
    redis: null,
    driver: null,
    fault: null,
    // k6 drives its own schedule; the publisher's issue lag is not measured.
    publisher: null,
    // k6 keeps no per-client timeline of its sockets: no radio energy estimate.
    energy: null,
  };
  const notRecorded = "not recorded (k6 summary)";
  const results: BenchResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: "push-vs-poll", version: TOOL_VERSION },
    createdAt: startedAt,
    environment: {
      nodeVersion: "n/a (k6)",
      os: notRecorded,
      arch: notRecorded,
      cpuModel: notRecorded,
      cpuCount: null,
      totalMemoryBytes: null,
      redisVersion: notRecorded,
      gitSha: null,
      ...options.environment,
    },
    method: {
      source: "k6",
      tool: `k6 end-of-test summary imported by push-vs-poll (scenarios/k6/${strategy}.ts${typeof setup.baseUrl === "string" ? ` against ${setup.baseUrl}` : ""})`,
      quick: setup.quick === true,
      argv: options.argv ?? [],
      scenarios: [scenario],
      strategies: [strategy],
      redis: "external",
      target: null,
      repeat: 1,
      sampling: null,
      instrumentFloor: null,
    },
    runs: [run],
    capacity: [],
    failedRuns: [],
    summaries: summarizeRuns([run]),
  };
  return checked(results);
}

function checked(results: BenchResults): BenchResults {
  try {
    return validateResults(JSON.parse(JSON.stringify(results)));
  } catch (error) {
    if (error instanceof ResultsError) {
      throw new K6SummaryError(`k6 summary imported into invalid results: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Several imported summaries (e.g. one per strategy) as one BenchResults, so the report shows
 * them side by side. Runs keep their order; environment and method come from the first, with
 * the scenarios and strategies of all. Summaries of the same scenario step x strategy are
 * repetitions of one group: they are numbered 1, 2, ... in the order given, `method.repeat` is
 * the largest group, and the summaries are folded again over all runs.
 */
export function mergeImportedResults(all: readonly BenchResults[]): BenchResults {
  const [first] = all;
  if (first === undefined) throw new K6SummaryError("k6 summary: nothing to merge");
  const unique = <T>(values: T[]): T[] => [...new Set(values)];
  const seen = new Map<string, number>();
  const runs = all
    .flatMap((r) => r.runs)
    .map((run) => {
      const repetition = (seen.get(groupKey(run)) ?? 0) + 1;
      seen.set(groupKey(run), repetition);
      return { ...run, repetition };
    });
  return checked({
    ...first,
    method: {
      ...first.method,
      quick: all.some((r) => r.method.quick),
      scenarios: unique(all.flatMap((r) => r.method.scenarios)),
      strategies: unique(all.flatMap((r) => r.method.strategies)),
      repeat: Math.max(1, ...seen.values()),
    },
    runs,
    summaries: summarizeRuns(runs),
  });
}
