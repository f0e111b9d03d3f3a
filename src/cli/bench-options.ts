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
import { isStrategyId, STRATEGIES, type StrategyId } from "../model/strategies.ts";
import {
  type BenchTarget,
  PUBLISH_EXAMPLE,
  parseBenchTarget,
  SUBSCRIBE_EXAMPLES,
} from "../target/external-target.ts";
import { targetScenarioIds, whyNotForTarget } from "../target/target-scenarios.ts";
import { parseDurationMs, parseFlags, parseIntegerFlag } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";

/** Where results and reports go unless `--out` says otherwise. */
export const DEFAULT_OUT_DIR = "reports";
export const MIN_CLIENTS = 1;
/** More server processes than this on a laptop measures the scheduler, not the strategy. */
export const MAX_INSTANCES = 8;
export const MAX_CLIENTS = 10_000;
/** `--duration` bounds: 1 s .. 10 min. */
export const MIN_DURATION_MS = 1_000;
export const MAX_DURATION_MS = 600_000;

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
  /** `--dry-run`: check and print the plan on stderr, then exit 0 without starting anything. */
  dryRun: boolean;
  /** `--help`: print BENCH_HELP and exit. Other flags are then not checked. */
  help: boolean;
}

const FLAGS = {
  scenario: { type: "string" },
  strategies: { type: "string" },
  clients: { type: "string" },
  duration: { type: "string" },
  instances: { type: "string" },
  quick: { type: "boolean" },
  out: { type: "string" },
  "redis-url": { type: "string" },
  "allow-remote": { type: "string" },
  target: { type: "string" },
  "target-strategy": { type: "string" },
  "publish-url": { type: "string" },
  json: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export const BENCH_HELP = `Usage: npm run bench -- [options]

Runs each scenario against each strategy (a fresh server per run) and writes
<out>/<timestamp>/results.json plus the report.

Options:
  --scenario a,b       scenarios to run, "faults" or "all" (default: ${DEFAULT_SCENARIO_IDS.join(", ")})
                       faults: ${FAULT_SCENARIO_IDS.join(", ")}
                       all: ${SCENARIO_IDS.join(", ")}
  --strategies a,b     strategies to run, in this order (default: ${STRATEGIES.join(",")})
  --clients N          clients in every run, ${MIN_CLIENTS}..${MAX_CLIENTS} (default: per scenario;
                       ignored with a warning by sweeps over clients)
  --duration D         measured window of every run, 1s..10m, e.g. 30s, 2m, 1500ms
                       (default: per scenario)
  --instances N        server processes per run on the one Redis, 1..${MAX_INSTANCES}; clients are
                       spread over them (default: per scenario, usually 1)
  --quick              seconds-long runs with few clients: a smoke test of the whole suite
                       (under a minute), not a measurement
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
  --publish-url URL    where the driver POSTs each notification (JSON body, passed through to
                       the subscriber), with {userId}
  --dry-run            print the plan (runs, estimated time, peak load) and exit
  --json               print the results JSON on stdout instead of the summary table
  -h, --help           show this help

Examples:
  npm run bench                                   # the full suite, about 10 minutes
  npm run bench -- --quick                        # everything, in under a minute
  npm run bench -- --scenario steady,idle --strategies sse,long-polling
  npm run bench -- --scenario steady --clients 5000 --duration 1m
  npm run bench -- --quick --json > results.json
  npm run bench -- --scenario all --dry-run       # the plan only, nothing started
  # a server you started (npm run server -- --strategy sse --port 3000), measured as is:
  npm run bench -- --scenario steady --target-strategy sse \\
    --target '${SUBSCRIBE_EXAMPLES.sse}' \\
    --publish-url '${PUBLISH_EXAMPLE}'
`;

/** Parses `argv` (without node and the script path). Throws UsageError on bad input. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  rejectValuedSwitches(argv);
  const { values } = parseFlags(argv, FLAGS);
  const options: BenchOptions = {
    scenarios: [...DEFAULT_SCENARIO_IDS],
    strategies: [...STRATEGIES],
    quick: values.quick ?? false,
    outDir: DEFAULT_OUT_DIR,
    json: values.json ?? false,
    dryRun: values["dry-run"] ?? false,
    help: values.help ?? false,
    target: null,
  };
  if (options.help) return options;

  if (values.scenario !== undefined) {
    options.scenarios =
      values.scenario.trim() === "all"
        ? [...SCENARIO_IDS]
        : parseList(
            // "faults" stands for the six fault scenarios, alone or in a list.
            values.scenario
              .split(",")
              .flatMap((id) => (id.trim() === "faults" ? [...FAULT_SCENARIO_IDS] : [id]))
              .join(","),
            "--scenario",
            SCENARIO_IDS,
            "scenario",
          );
  }
  if (values.strategies !== undefined) {
    options.strategies = parseList(
      values.strategies,
      "--strategies",
      STRATEGIES,
      "strategy",
    ).filter(isStrategyId);
  }
  if (values.instances !== undefined) {
    options.instances = parseIntegerFlag(values.instances, "--instances", 1, MAX_INSTANCES);
  }
  if (values.clients !== undefined) {
    options.clients = parseIntegerFlag(values.clients, "--clients", MIN_CLIENTS, MAX_CLIENTS);
  }
  if (values.duration !== undefined) {
    const durationMs = parseDurationMs(values.duration, "--duration");
    if (durationMs < MIN_DURATION_MS || durationMs > MAX_DURATION_MS) {
      throw new UsageError(
        `--duration ${values.duration} is out of range; give one from 1s to 10m, e.g. --duration 30s.`,
      );
    }
    options.durationMs = durationMs;
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
  return options;
}

type TargetFlagValues = Partial<
  Record<"target" | "target-strategy" | "publish-url" | "scenario", string>
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
  if (missing.length === TARGET_FLAGS.length) return null;
  if (missing.length > 0) {
    throw new UsageError(
      `${missing.join(" and ")} missing: ${TARGET_FLAGS.join(", ")} go together; add ${missing.map(exampleOf).join(" ")} (see --help).`,
    );
  }
  return parseBenchTarget({
    target: given["--target"] ?? "",
    targetStrategy: given["--target-strategy"] ?? "",
    publishUrl: given["--publish-url"] ?? "",
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
  const explicit = values.scenario !== undefined && values.scenario.trim() !== "all";
  if (explicit) {
    for (const id of options.scenarios) {
      const reason = whyNotForTarget(getScenario(id));
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
