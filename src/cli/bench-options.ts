/**
 * `npm run bench` options: parsed and checked up front so a typo fails in a second with a
 * message naming the flag and the fix, never halfway through a ten-minute run.
 */

import {
  DEFAULT_SCENARIO_IDS,
  FAULT_SCENARIO_IDS,
  getScenario,
  SCENARIO_IDS,
  SCENARIOS,
} from "../../scenarios/index.ts";
import { type ClientBounds, DEFAULT_CLIENT_BOUNDS } from "../driver/clients/client-bounds.ts";
import type { DeliveryPath } from "../model/delivery-path.ts";
import { flagRange, PLAN_LIMITS, REPEAT_LIMITS } from "../model/param-limits.ts";
import type { Scenario } from "../model/scenario.ts";
import {
  DEFAULT_STRATEGIES,
  isStrategyId,
  STRATEGIES,
  type StrategyId,
} from "../model/strategies.ts";
import type { HeadlineFigure } from "../model/summaries.ts";
import { readScenarioFiles } from "../plan/scenario-file.ts";
import {
  type BenchTarget,
  PUBLISH_EXAMPLE,
  parseBenchTarget,
  SUBSCRIBE_EXAMPLES,
} from "../target/external-target.ts";
import { targetScenarioIds, whyNotForTarget } from "../target/target-scenarios.ts";
import { parseDurationMs, parseFlags, parseIntegerFlag } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";
import {
  CLIENT_BOUND_FLAG_SPEC,
  clientBoundsHelp,
  parseClientBounds,
} from "./client-bound-flags.ts";
import { DELIVERY_FLAG_SPEC, deliveryFlagsHelp, parseDeliveryFlags } from "./delivery-flags.ts";
import {
  DEFAULT_ENERGY_OPTIONS,
  ENERGY_FLAG_SPEC,
  type EnergyOptions,
  energyFlagsHelp,
  parseEnergyFlags,
} from "./energy-flags.ts";
import { takeTargetPids } from "./target-pid-flag.ts";
import { parseTargetUsers } from "./target-users-flag.ts";
import {
  parseWorkloadFlags,
  takeScenarioFiles,
  WORKLOAD_FLAG_SPEC,
  type WorkloadOptions,
  workloadFlagsHelp,
} from "./workload-flags.ts";

/** Where results and reports go unless `--out` says otherwise. */
export const DEFAULT_OUT_DIR = "reports";
/** `--clients` bounds: `params.clients`' own (src/model/param-limits.ts). */
export const { min: MIN_CLIENTS, max: MAX_CLIENTS } = flagRange("clients");
/** `--instances` bounds: `params.instances`' own; more on a laptop measures the scheduler. */
export const { min: MIN_INSTANCES, max: MAX_INSTANCES } = flagRange("instances");
/** `--duration` bounds: 1 s .. 10 min (a higher floor than `params.durationMs`; see the table). */
export const { min: MIN_DURATION_MS, max: MAX_DURATION_MS } = flagRange("durationMs");

// Repetitions. These bound bench options, not ScenarioParams, so they live here rather than in
// src/model/param-limits.ts; the plan's wall time is still bounded there (PLAN_LIMITS.planMs).

/** `--repeat` and `--max-repeat` bounds (the table's, shared with scenarios' `defaultRepeat`). */
export const MIN_REPEAT = REPEAT_LIMITS.min;
export const MAX_REPEAT = REPEAT_LIMITS.max;
/** `--until-confident` always starts with this many repetitions (no spread below 3 is worth a stop rule). */
export const MIN_CONFIDENT_REPEAT = 3;
/** `--max-repeat` default: the cap on repetitions per step with `--until-confident`. */
export const DEFAULT_MAX_REPEAT = 10;
/** `--until-confident` default horizon: a difference is settled once clear of, or inside, ±5 %. */
export const DEFAULT_HORIZON = 0.05;
/** Horizon bounds: 0.1 % .. 50 %. */
export const MIN_HORIZON = 0.001;
export const MAX_HORIZON = 0.5;
/** `--time-budget` default and bounds; the ceiling is the plan's own (PLAN_LIMITS.planMs). */
export const DEFAULT_TIME_BUDGET_MS = 20 * 60_000;
export const MIN_TIME_BUDGET_MS = 10_000;
export const MAX_TIME_BUDGET_MS = PLAN_LIMITS.planMs.max;

/** `--confident-on` names and the headline figure each stands for (src/model/summaries.ts). */
export const CONFIDENT_ON_FIGURES = {
  p50: "latencyP50Ms",
  p99: "latencyP99Ms",
  requests: "requestsPerDelivered",
  bytes: "bytesPerDelivered",
  cpu: "serverCpuMsPer1000Deliveries",
  rss: "serverRssPerConnectionBytes",
} as const satisfies Record<string, HeadlineFigure>;
export type ConfidentOnName = keyof typeof CONFIDENT_ON_FIGURES;
const CONFIDENT_ON_NAMES = Object.keys(CONFIDENT_ON_FIGURES) as ConfidentOnName[];
/** `--confident-on` default: typical latency and what waiting costs. */
export const DEFAULT_CONFIDENT_ON: readonly ConfidentOnName[] = ["p50", "requests"];

/** `--until-confident`: keep adding repetitions until the strategies' differences are clear. */
export interface UntilConfidentOptions {
  /** Relative horizon (0.05 = ±5 %): resolved = interval clear of ±horizon or inside it. */
  horizon: number;
  /** `--time-budget`: wall time of the whole bench's load runs, ms, shared by all steps. */
  budgetMs: number;
  /** Repetitions of the first round per step x strategy: `--repeat`, at least MIN_CONFIDENT_REPEAT. */
  minRepeat: number;
  /** `--max-repeat`: repetitions per step x strategy, at most. */
  maxRepeat: number;
  /** `--confident-on`: the figures whose differences must be resolved, in the order given. */
  figures: HeadlineFigure[];
}

export interface BenchOptions {
  /** Scenario ids in the order given (deduplicated). Default: the default suite; "all": every one. */
  scenarios: string[];
  /** Strategies in the order given (deduplicated). Default: short-polling, long-polling, sse. */
  strategies: StrategyId[];
  /** `--clients`: replaces every run's client count (not in sweeps over clients). */
  clients?: number;
  /** `--duration`: replaces every run's measured window, in ms. */
  durationMs?: number;
  /** `--instances`: server processes per run (1..MAX_INSTANCES), clients spread over them. */
  instances?: number;
  /**
   * `--repeat`: runs per scenario step x strategy, interleaved (A B C, A B C, ...). With
   * `--until-confident` the first round's repetitions (at least MIN_CONFIDENT_REPEAT). null
   * when not given: each scenario's own `defaultRepeat` for full-size runs, 1 with --quick.
   */
  repeat: number | null;
  /** `--until-confident` and its companions; null = a fixed `--repeat`. */
  untilConfident: UntilConfidentOptions | null;
  /** `--quick`: seconds-long smoke runs with few clients. Default false. */
  quick: boolean;
  /** Output directory; each run writes `<outDir>/<timestamp>/`. Default "reports". */
  outDir: string;
  /** External Redis (`--redis-url`); undefined = spawn a private redis-server. */
  redisUrl?: string;
  /**
   * `--allow-remote HOST`: the one non-loopback host `--redis-url`, `--target` and
   * `--publish-url` may name (the bench refuses any other; see src/bench/safety.ts).
   */
  allowRemote?: string;
  /**
   * `--target`, `--target-strategy`, `--publish-url`: measure this external server instead of
   * starting ours; null = our own servers. With a target, `strategies` is just its strategy
   * and `scenarios` holds only scenarios that need neither our server processes nor Redis.
   */
  target: BenchTarget | null;
  /** Print the results JSON on stdout instead of the summary table. Default false. */
  json: boolean;
  /** `--target-users`: the user count of the answer's scale estimate; null = the report's default. */
  targetUsers: number | null;
  /** `--dry-run`: check and print the plan on stderr, then exit 0 without starting anything. */
  dryRun: boolean;
  /** `--help`: print BENCH_HELP and exit. Other flags are then not checked. */
  help: boolean;
  /**
   * What every simulated client puts up with before it ends a connection (`--max-sse-line-bytes`,
   * `--answer-timeout`, ...; src/cli/client-bound-flags.ts); the defaults when no flag is given.
   */
  clientBounds: ClientBounds;
  /** `--radio-profile`, `--radio-tail-ms`, `--heartbeat-ms` (src/cli/energy-flags.ts). */
  energy: EnergyOptions;
  /**
   * `--proxy`, `--proxy-buffering`, `--proxy-read-timeout`, `--tls`, `--http2`
   * (src/cli/delivery-flags.ts): the fields given, for every run; {} = direct HTTP/1.1.
   */
  deliveryPath: Partial<DeliveryPath>;
  /**
   * `--scenario-file FILE` (repeatable): the files' scenarios, parsed and checked; `scenarios`
   * names them by id next to the built-ins'. [] without the flag.
   */
  fileScenarios: Scenario[];
  /**
   * `--rate`, `--payload-bytes`, `--poll-interval`, ... (every parameter in every run),
   * `--history` and `--sweep` (src/cli/workload-flags.ts).
   */
  workload: WorkloadOptions;
  /**
   * `--driver-workers N`: the simulated users in N child processes (0 = in the bench's own
   * process, the default). Fault runs keep theirs in process.
   */
  driverWorkers: number;
}

/** `--driver-workers` bounds: a hard cap, well above what a machine's cores can feed. */
export const MAX_DRIVER_WORKERS = 16;

/** The scenario an id of `options.scenarios` names: one of the files' or a built-in. */
export function scenarioOf(options: Pick<BenchOptions, "fileScenarios">, id: string): Scenario {
  return options.fileScenarios.find((s) => s.id === id) ?? getScenario(id);
}

/** The planner's options for the workload flags (src/plan/resolve-runs.ts ResolveOptions). */
export function workloadPlanOptions(options: Pick<BenchOptions, "workload">): {
  overrides?: WorkloadOptions["overrides"];
  sweep?: NonNullable<WorkloadOptions["sweep"]>;
  historyMaxLen?: number;
} {
  const { overrides, sweep, historyMaxLen } = options.workload;
  return {
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(sweep ? { sweep } : {}),
    ...(historyMaxLen !== null ? { historyMaxLen } : {}),
  };
}

const FLAGS = {
  scenario: { type: "string" },
  strategies: { type: "string" },
  clients: { type: "string" },
  duration: { type: "string" },
  instances: { type: "string" },
  repeat: { type: "string" },
  "until-confident": { type: "string" },
  "time-budget": { type: "string" },
  "max-repeat": { type: "string" },
  "confident-on": { type: "string" },
  quick: { type: "boolean" },
  "driver-workers": { type: "string" },
  out: { type: "string" },
  "redis-url": { type: "string" },
  "allow-remote": { type: "string" },
  target: { type: "string" },
  "target-strategy": { type: "string" },
  "target-cursor": { type: "string" },
  "publish-url": { type: "string" },
  json: { type: "boolean" },
  "target-users": { type: "string" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...CLIENT_BOUND_FLAG_SPEC,
  ...WORKLOAD_FLAG_SPEC,
  ...ENERGY_FLAG_SPEC,
  ...DELIVERY_FLAG_SPEC,
} as const;

export const BENCH_HELP = `Usage: npm run bench -- [options]

Runs each scenario against each strategy (a fresh server per run) and writes
<out>/<timestamp>/results.json plus the report.

Options:
  --scenario a,b       scenarios to run, "faults" or "all" (default: ${DEFAULT_SCENARIO_IDS.join(", ")})
                       faults: ${FAULT_SCENARIO_IDS.join(", ")}
                       all: ${SCENARIO_IDS.join(", ")}
  --strategies a,b     strategies to run, in this order (default: ${DEFAULT_STRATEGIES.join(",")});
                       "all" = ${STRATEGIES.join(",")} (websocket is opt-in)
  --clients N          clients in every run, ${MIN_CLIENTS}..${MAX_CLIENTS} (default: per scenario;
                       ignored with a warning by sweeps over clients)
  --duration D         measured window of every run, ${formatFlagDuration(MIN_DURATION_MS)}..${formatFlagDuration(MAX_DURATION_MS)}, e.g. 30s, 2m, 1500ms
                       (default: per scenario)
  --instances N        server processes per run on the one Redis, ${MIN_INSTANCES}..${MAX_INSTANCES}; clients are
                       spread over them (default: per scenario, usually 1)
  --scenario-file F    your own scenarios (JSON; see "Workload" below); repeatable
  --sweep P=a,b,c      an ad hoc sweep of any numeric parameter (see "Workload" below)
  --repeat N           runs per scenario step x strategy, ${MIN_REPEAT}..${MAX_REPEAT} (default: per scenario, 1 with --quick), interleaved
                       within each step (A B C, A B C, ...); with N >= 2 the summary shows
                       95 % intervals. Capacity runs run once
  --until-confident [H]
                       sample until confident: run each step ${MIN_CONFIDENT_REPEAT} times (or --repeat, if more), then
                       add one interleaved repetition at a time until every difference
                       between strategies of the --confident-on figures is clear of +/-H or
                       inside it (H: ${formatHorizon(MIN_HORIZON)}..${formatHorizon(MAX_HORIZON)}, e.g. 5% or 0.05; default: ${formatHorizon(DEFAULT_HORIZON)}), or
                       until --time-budget or --max-repeat ends it
  --time-budget D      with --until-confident: wall time of the whole bench, shared by its
                       steps, ${formatFlagDuration(MIN_TIME_BUDGET_MS)}..${formatFlagDuration(MAX_TIME_BUDGET_MS)} (default: ${formatFlagDuration(DEFAULT_TIME_BUDGET_MS)})
  --max-repeat N       with --until-confident: repetitions per step at most, ${MIN_CONFIDENT_REPEAT}..${MAX_REPEAT} (default: ${DEFAULT_MAX_REPEAT})
  --confident-on a,b   with --until-confident: the figures to be confident on, of
                       ${CONFIDENT_ON_NAMES.join(",")} (default: ${DEFAULT_CONFIDENT_ON.join(",")})
  --quick              seconds-long runs with few clients: a smoke test of the whole suite
                       (under a minute), not a measurement
  --driver-workers N   hold the simulated users in N driver processes (0..${MAX_DRIVER_WORKERS}; default 0:
                       in this one), user i in worker i mod N, figures merged exactly; the
                       bench process keeps the servers and the publisher. For client counts
                       or rates one event loop cannot drive; fault runs stay in process
  --out DIR            output directory (default: ${DEFAULT_OUT_DIR})
  --redis-url URL      use this Redis (redis:// or rediss://) instead of spawning one;
                       loopback only (127.0.0.0/8, ::1) unless --allow-remote names its host
  --allow-remote HOST  let --redis-url, --target or --publish-url use this one
                       non-loopback host (yours)
  --target URL         measure this external server instead of starting ours: its subscribe
                       (SSE) or poll URL, with {userId} (polling: and {cursor}, empty on the
                       first request; SSE resumes with Last-Event-ID, so no {cursor}); needs
                       --target-strategy and --publish-url. Loopback only unless
                       --allow-remote names its host. Only scenarios that need neither our
                       server processes nor Redis run (the default suite and "all" keep to
                       those); --instances and --redis-url do not apply, and --strategies
                       may name only the target's
  --target-strategy S  how the target delivers: ${STRATEGIES.join(", ")}
  --target-cursor M    with a polling --target: url (default: the answer's cursor into
                       {cursor}) or headers (Last-Modified / ETag sent back as
                       If-Modified-Since / If-None-Match, one notification per answer,
                       304 = nothing new: nchan's longpoll and intervalpoll)
  --target-pid PID     with --target: a process of the target server on this machine
                       (repeatable, or a comma list: nginx's master and workers), sampled
                       like our servers so the run reports its CPU, memory and sockets
  --publish-url URL    where the driver POSTs each notification (JSON body, passed through to
                       the subscriber), with {userId}
  --dry-run            print the plan (runs, estimated time, peak load) and exit
  --json               print the results JSON on stdout instead of the summary table
  --target-users N     the user count the answer's scale estimate is for, e.g. 200000 or
                       200k (default: 100,000; npm run report -- <run> --target-users N
                       re-estimates an existing run)
  -h, --help           show this help

${workloadFlagsHelp()}
${clientBoundsHelp()}
${energyFlagsHelp()}
${deliveryFlagsHelp()}
Examples:
  npm run bench                                   # the full suite, about 11 minutes
  npm run bench -- --quick                        # everything, in under a minute
  npm run bench -- --scenario steady,idle --strategies sse,long-polling
  npm run bench -- --scenario steady --clients 5000 --duration 1m
  # your workload: 2,000 users, one notification per user per minute, 2 KiB, polling every 5 s
  npm run bench -- --scenario steady --clients 2000 --rate 1/min --payload-bytes 2KiB --poll-interval 5s
  npm run bench -- --scenario steady --sweep rate=1/min,1/s,5/s   # where does the choice flip?
  npm run bench -- --scenario-file examples/chat-unread-badge.json --quick
  npm run bench -- --quick --json > results.json
  npm run bench -- --scenario steady --repeat 5   # 95 % intervals from 5 runs each
  npm run bench -- --until-confident 5% --time-budget 30m
  npm run bench -- --scenario all --dry-run       # the plan only, nothing started
  # a server you started (npm run server -- --strategy sse --port 3000), measured as is:
  npm run bench -- --scenario steady --target-strategy sse \\
    --target '${SUBSCRIBE_EXAMPLES.sse}' \\
    --publish-url '${PUBLISH_EXAMPLE}'
`;

/** Parses `argv` (without node and the script path). Throws UsageError on bad input. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  rejectValuedSwitches(argv);
  const { argv: withoutPids, pids: targetPids } = takeTargetPids(argv);
  const { argv: withoutFiles, files } = takeScenarioFiles(withoutPids);
  const { argv: rest, bare: bareUntilConfident } = takeBareUntilConfident(withoutFiles);
  const { values } = parseFlags(rest, FLAGS);
  const options: BenchOptions = {
    scenarios: [...DEFAULT_SCENARIO_IDS],
    strategies: [...DEFAULT_STRATEGIES],
    repeat: null,
    untilConfident: null,
    quick: values.quick ?? false,
    outDir: DEFAULT_OUT_DIR,
    json: values.json ?? false,
    targetUsers: null,
    dryRun: values["dry-run"] ?? false,
    help: values.help ?? false,
    target: null,
    clientBounds: { ...DEFAULT_CLIENT_BOUNDS },
    energy: { ...DEFAULT_ENERGY_OPTIONS },
    deliveryPath: {},
    fileScenarios: [],
    workload: { overrides: {}, sweep: null, historyMaxLen: null },
    driverWorkers: 0,
  };
  if (options.help) return options;
  if (values["target-users"] !== undefined) {
    options.targetUsers = parseTargetUsers(values["target-users"]);
  }

  options.fileScenarios = readScenarioFiles(files, SCENARIO_IDS);
  const fileIds = options.fileScenarios.map((s) => s.id);
  // A file alone runs its scenarios; with --scenario, the list may name built-ins and file ids.
  if (fileIds.length > 0) options.scenarios = [...fileIds];

  if (values.scenario !== undefined) {
    options.scenarios =
      values.scenario.trim() === "all"
        ? [...SCENARIO_IDS, ...fileIds]
        : parseList(
            // "faults" stands for the six fault scenarios, alone or in a list.
            values.scenario
              .split(",")
              .flatMap((id) => (id.trim() === "faults" ? [...FAULT_SCENARIO_IDS] : [id]))
              .join(","),
            "--scenario",
            [...SCENARIO_IDS, ...fileIds],
            "scenario",
          );
  }
  if (values.strategies !== undefined) {
    // "all" adds the opt-in WebSocket strategy to the default three.
    options.strategies =
      values.strategies.trim() === "all"
        ? [...STRATEGIES]
        : parseList(values.strategies, "--strategies", STRATEGIES, "strategy").filter(isStrategyId);
  }
  if (values.instances !== undefined) {
    options.instances = parseIntegerFlag(
      values.instances,
      "--instances",
      MIN_INSTANCES,
      MAX_INSTANCES,
    );
  }
  if (values.clients !== undefined) {
    options.clients = parseIntegerFlag(values.clients, "--clients", MIN_CLIENTS, MAX_CLIENTS);
  }
  if (values.duration !== undefined) {
    const durationMs = parseDurationMs(values.duration, "--duration");
    if (durationMs < MIN_DURATION_MS || durationMs > MAX_DURATION_MS) {
      throw new UsageError(
        `--duration ${values.duration} is out of range; give one from ${formatFlagDuration(MIN_DURATION_MS)} to ${formatFlagDuration(MAX_DURATION_MS)}, e.g. --duration 30s.`,
      );
    }
    options.durationMs = durationMs;
  }
  if (values["driver-workers"] !== undefined) {
    options.driverWorkers = parseIntegerFlag(
      values["driver-workers"],
      "--driver-workers",
      0,
      MAX_DRIVER_WORKERS,
    );
  }
  if (values.out !== undefined) {
    if (values.out.trim() === "") {
      throw new UsageError(`--out is empty; give a directory, e.g. --out ${DEFAULT_OUT_DIR}.`);
    }
    options.outDir = values.out;
  }
  if (values["redis-url"] !== undefined) {
    options.redisUrl = parseRedisUrl(values["redis-url"]);
  }
  if (values["allow-remote"] !== undefined) {
    options.allowRemote = parseHost(values["allow-remote"]);
  }
  const target = parseTargetFlags(values);
  if (target !== null) applyTarget(options, target, values);
  if (targetPids.length > 0) {
    if (options.target === null) {
      throw new UsageError(
        "--target-pid only applies with --target: the bench samples its own servers already; drop --target-pid or add --target.",
      );
    }
    options.target = { ...options.target, pids: targetPids };
  }
  applyRepeats(options, values, bareUntilConfident);
  options.workload = parseWorkloadFlags(values, {
    clients: values.clients !== undefined,
    duration: values.duration !== undefined,
    instances: values.instances !== undefined,
  });
  options.clientBounds = parseClientBounds(values, options.target !== null);
  options.deliveryPath = parseDeliveryFlags(values, { target: options.target !== null });
  options.energy = parseEnergyFlags(values, {
    target: options.target !== null,
    sseIdleTimeoutMs: options.clientBounds.sseIdleTimeoutMs,
  });
  return options;
}

type RepeatFlagValues = Partial<
  Record<"repeat" | "until-confident" | "time-budget" | "max-repeat" | "confident-on", string>
>;

/** The `--until-confident` companions, which mean nothing without it. */
const CONFIDENT_COMPANIONS = ["time-budget", "max-repeat", "confident-on"] as const;

/** `--repeat`, and `--until-confident` with its companions. */
function applyRepeats(
  options: BenchOptions,
  values: RepeatFlagValues,
  bareUntilConfident: boolean,
): void {
  const repeat =
    values.repeat === undefined
      ? undefined
      : parseIntegerFlag(values.repeat, "--repeat", MIN_REPEAT, MAX_REPEAT);
  if (repeat !== undefined) options.repeat = repeat;
  const wanted = bareUntilConfident || values["until-confident"] !== undefined;
  if (!wanted) {
    const stray = CONFIDENT_COMPANIONS.find((flag) => values[flag] !== undefined);
    if (stray !== undefined) {
      throw new UsageError(
        `--${stray} applies only with --until-confident; add --until-confident or drop --${stray}.`,
      );
    }
    return;
  }
  const horizon =
    values["until-confident"] === undefined
      ? DEFAULT_HORIZON
      : parseHorizon(values["until-confident"]);
  let budgetMs = DEFAULT_TIME_BUDGET_MS;
  if (values["time-budget"] !== undefined) {
    budgetMs = parseDurationMs(values["time-budget"], "--time-budget");
    if (budgetMs < MIN_TIME_BUDGET_MS || budgetMs > MAX_TIME_BUDGET_MS) {
      throw new UsageError(
        `--time-budget ${values["time-budget"]} is out of range; give one from ${formatFlagDuration(MIN_TIME_BUDGET_MS)} to ${formatFlagDuration(MAX_TIME_BUDGET_MS)}, e.g. --time-budget 20m.`,
      );
    }
  }
  const maxRepeat =
    values["max-repeat"] === undefined
      ? DEFAULT_MAX_REPEAT
      : parseIntegerFlag(values["max-repeat"], "--max-repeat", MIN_CONFIDENT_REPEAT, MAX_REPEAT);
  if (repeat !== undefined && repeat < MIN_CONFIDENT_REPEAT) {
    throw new UsageError(
      `--repeat ${repeat} is below the ${MIN_CONFIDENT_REPEAT} repetitions --until-confident starts with; give --repeat ${MIN_CONFIDENT_REPEAT} or more, or drop --repeat.`,
    );
  }
  options.repeat = Math.max(repeat ?? MIN_CONFIDENT_REPEAT, MIN_CONFIDENT_REPEAT);
  if (options.repeat > maxRepeat) {
    throw new UsageError(
      `--repeat ${options.repeat} is above --max-repeat ${maxRepeat}; give --max-repeat ${options.repeat} or more, or a lower --repeat.`,
    );
  }
  if (options.strategies.length < 2) {
    const why = options.target
      ? "--target measures one server"
      : `--strategies names only ${options.strategies.join(",")}`;
    throw new UsageError(
      `--until-confident compares strategies, and ${why}; use --repeat N for intervals of one strategy.`,
    );
  }
  const names =
    values["confident-on"] === undefined
      ? [...DEFAULT_CONFIDENT_ON]
      : (parseList(
          values["confident-on"],
          "--confident-on",
          CONFIDENT_ON_NAMES,
          "figure",
        ) as ConfidentOnName[]);
  options.untilConfident = {
    horizon,
    budgetMs,
    minRepeat: options.repeat,
    maxRepeat,
    figures: names.map((name) => CONFIDENT_ON_FIGURES[name]),
  };
}

/** `5%`, `0.5 %` or `0.05`: a relative horizon within [MIN_HORIZON, MAX_HORIZON]. */
function parseHorizon(text: string): number {
  const example = `e.g. --until-confident ${formatHorizon(DEFAULT_HORIZON)} (or ${DEFAULT_HORIZON})`;
  const percent = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(text.trim());
  const plain = /^(\d+(?:\.\d+)?|\.\d+)$/.exec(text.trim());
  const value =
    percent?.[1] !== undefined ? Number(percent[1]) / 100 : plain?.[1] ? Number(plain[1]) : null;
  if (value === null) {
    throw new UsageError(
      `--until-confident '${text}' is not a horizon; give a percentage or a fraction, ${example}.`,
    );
  }
  // Rounding noise of the percent division (7% -> 0.07000000000000001) is not a user's choice.
  const horizon = Number(value.toPrecision(12));
  if (horizon < MIN_HORIZON || horizon > MAX_HORIZON) {
    const hint =
      percent === null && horizon > 1
        ? ` (a bare number is a fraction; for percent write ${text}%)`
        : "";
    throw new UsageError(
      `--until-confident ${text} is out of range${hint}; give a horizon from ${formatHorizon(MIN_HORIZON)} to ${formatHorizon(MAX_HORIZON)}, ${example}.`,
    );
  }
  return horizon;
}

/** 0.05 -> "5%", 0.001 -> "0.1%". */
function formatHorizon(horizon: number): string {
  return `${Number((horizon * 100).toPrecision(6))}%`;
}

/**
 * `--until-confident` takes an optional value: alone (at the end, or before another flag) it
 * means the default horizon. parseArgs has no optional values, so a bare one is taken out of
 * argv here (and counted, so giving it twice is still refused), and a value is glued on with
 * `=` (so parseArgs does not take "-0.05" for a flag and the message can be about the value).
 */
function takeBareUntilConfident(argv: readonly string[]): { argv: string[]; bare: boolean } {
  const out: string[] = [];
  let bare = 0;
  let given = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === "--until-confident" || arg.startsWith("--until-confident=")) given += 1;
    const next = argv[i + 1];
    // A value is anything but a flag; "-0.05" is a (bad) value, so the message is about it.
    const nextIsValue = next !== undefined && (!next.startsWith("-") || /^-[\d.]/.test(next));
    if (arg === "--until-confident") {
      if (nextIsValue) out.push(`${arg}=${next}`);
      else bare += 1;
      if (nextIsValue) i += 1;
      continue;
    }
    out.push(arg);
  }
  if (given > 1) {
    throw new UsageError("--until-confident was given more than once; give it once.");
  }
  return { argv: out, bare: bare > 0 };
}

type TargetFlagValues = Partial<
  Record<"target" | "target-strategy" | "publish-url" | "target-cursor" | "scenario", string>
>;

const TARGET_FLAGS = ["--target", "--target-strategy", "--publish-url"] as const;

/** The three `--target` flags: all or none. */
function parseTargetFlags(values: TargetFlagValues): BenchTarget | null {
  const given = {
    "--target": values.target,
    "--target-strategy": values["target-strategy"],
    "--publish-url": values["publish-url"],
  };
  const missing = TARGET_FLAGS.filter((flag) => given[flag] === undefined);
  if (missing.length === TARGET_FLAGS.length) {
    if (values["target-cursor"] !== undefined) {
      throw new UsageError(
        "--target-cursor only applies with --target: our own servers resume by their cursor; drop --target-cursor or add --target.",
      );
    }
    return null;
  }
  if (missing.length > 0) {
    throw new UsageError(
      `${missing.join(" and ")} missing: ${TARGET_FLAGS.join(", ")} go together; add ${missing.map(exampleOf).join(" ")} (see --help).`,
    );
  }
  return parseBenchTarget({
    target: given["--target"] ?? "",
    targetStrategy: given["--target-strategy"] ?? "",
    publishUrl: given["--publish-url"] ?? "",
    ...(values["target-cursor"] !== undefined ? { targetCursor: values["target-cursor"] } : {}),
  });
}

function exampleOf(flag: (typeof TARGET_FLAGS)[number]): string {
  if (flag === "--target") return `--target '${SUBSCRIBE_EXAMPLES.sse}'`;
  if (flag === "--target-strategy") return `--target-strategy ${STRATEGIES.join("|")}`;
  return `--publish-url '${PUBLISH_EXAMPLE}'`;
}

/**
 * Narrows the plan to what an external server can run: its one strategy, one instance (we
 * start none), and scenarios that need neither our processes nor Redis.
 */
function applyTarget(
  options: BenchOptions,
  target: BenchTarget,
  values: TargetFlagValues & { strategies?: string; instances?: string; "redis-url"?: string },
): void {
  const others = options.strategies.filter((strategy) => strategy !== target.strategy);
  if (values.strategies !== undefined && others.length > 0) {
    throw new UsageError(
      `--strategies ${others.join(",")} cannot run with --target: the target is one ${target.strategy} server; drop --strategies (--target-strategy ${target.strategy} decides).`,
    );
  }
  if (values.instances !== undefined) {
    throw new UsageError(
      "--instances does not apply with --target: the bench starts no server processes; drop --instances.",
    );
  }
  if (values["redis-url"] !== undefined) {
    throw new UsageError(
      "--redis-url does not apply with --target: the target server brings its own store and the bench publishes over HTTP; drop --redis-url.",
    );
  }
  const allowed = targetScenarioIds(SCENARIOS);
  const explicit =
    (values.scenario !== undefined && values.scenario.trim() !== "all") ||
    options.fileScenarios.length > 0;
  if (explicit) {
    for (const id of options.scenarios) {
      const reason = whyNotForTarget(scenarioOf(options, id));
      if (reason !== null) {
        throw new UsageError(
          `--scenario ${id} cannot run with --target: ${reason}; with --target use: ${allowed.join(", ")}.`,
        );
      }
    }
  } else {
    // The default suite and "all" mean "everything that applies", as with --strategies.
    options.scenarios = options.scenarios.filter((id) => allowed.includes(id));
  }
  options.strategies = [target.strategy];
  options.target = target;
}

/**
 * `--quick=yes` would otherwise be reported by parseArgs as "needs a value", the opposite of
 * the fix; say what is wrong instead.
 */
function rejectValuedSwitches(argv: readonly string[]): void {
  for (const arg of argv) {
    if (arg === "--") return;
    const name = /^--([^=]+)=/.exec(arg)?.[1];
    if (
      name !== undefined &&
      name in FLAGS &&
      FLAGS[name as keyof typeof FLAGS].type === "boolean"
    ) {
      throw new UsageError(`--${name} takes no value; write --${name} alone (see --help).`);
    }
  }
}

/** A comma-separated list of known names: trimmed, deduplicated, in the order given. */
function parseList(text: string, flag: string, known: readonly string[], noun: string): string[] {
  const items = text.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new UsageError(
      `${flag} '${text}' has an empty item; give a comma-separated list, e.g. ${flag} ${known.slice(0, 2).join(",")}.`,
    );
  }
  for (const item of items) {
    if (!known.includes(item)) {
      throw new UsageError(`${flag}: unknown ${noun} '${item}'; use one of: ${known.join(", ")}.`);
    }
  }
  return [...new Set(items)];
}

function parseRedisUrl(text: string): string {
  const fix = "give e.g. --redis-url redis://localhost:6379";
  if (!/^rediss?:\/\//.test(text)) {
    throw new UsageError(`--redis-url '${text}' must start with redis:// or rediss://; ${fix}.`);
  }
  try {
    const url = new URL(text);
    if (url.hostname === "") throw new Error("no host");
  } catch {
    throw new UsageError(`--redis-url '${text}' is not a valid URL; ${fix}.`);
  }
  return text;
}

/** `--allow-remote`: a bare host name or address, no scheme, port or path. */
function parseHost(text: string): string {
  const host = text.trim();
  // One colon is host:port; an IPv6 address has at least two.
  if (host === "" || /[/\s@]/.test(host) || host.split(":").length === 2) {
    throw new UsageError(
      `--allow-remote '${text}' is not a host; give the bare host of --redis-url, --target or --publish-url, e.g. --allow-remote redis.internal.`,
    );
  }
  return host;
}

/** A flag bound in the unit `--duration` reads best in: 1s, 10m, 1500ms. */
function formatFlagDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
