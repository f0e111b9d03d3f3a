/**
 * `npm run bench` options: parsed and checked up front so a typo fails in a second with a
 * message naming the flag and the fix, never halfway through a ten-minute run.
 */
import { DEFAULT_SCENARIO_IDS, SCENARIO_IDS } from "../../scenarios/index.ts";
import { isStrategyId, STRATEGIES, type StrategyId } from "../strategies.ts";
import { parseDurationMs, parseFlags, parseIntegerFlag } from "./parse-flags.ts";
import { UsageError } from "./usage-error.ts";

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
   * `--allow-remote HOST`: the one non-loopback host `--redis-url` may name (the bench refuses
   * any other; see src/bench/safety.ts).
   */
  allowRemote?: string;
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
  json: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export const BENCH_HELP = `Usage: npm run bench -- [options]

Runs each scenario against each strategy (a fresh server per run) and writes
<out>/<timestamp>/results.json plus the report.

Options:
  --scenario a,b       scenarios to run, or "all" (default: ${DEFAULT_SCENARIO_IDS.join(", ")})
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
  --allow-remote HOST  let --redis-url use this one non-loopback host (yours)
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
  };
  if (options.help) return options;

  if (values.scenario !== undefined) {
    options.scenarios =
      values.scenario.trim() === "all"
        ? [...SCENARIO_IDS]
        : parseList(values.scenario, "--scenario", SCENARIO_IDS, "scenario");
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
  return options;
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
      `--allow-remote '${text}' is not a host; give the bare host of --redis-url, e.g. --allow-remote redis.internal.`,
    );
  }
  return host;
}
