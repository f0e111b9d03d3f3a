import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO_IDS, SCENARIO_IDS, SCENARIOS } from "../../scenarios/index.ts";
import { DEFAULT_CLIENT_BOUNDS } from "../driver/clients/client-bounds.ts";
import { flagRange, type NumericParam, PARAM_LIMITS } from "../model/param-limits.ts";
import { targetScenarioIds } from "../target/target-scenarios.ts";
import { UsageError } from "../util/usage-error.ts";
import {
  BENCH_HELP,
  type BenchOptions,
  DEFAULT_MAX_REPEAT,
  DEFAULT_TIME_BUDGET_MS,
  MAX_DRIVER_WORKERS,
  MAX_REPEAT,
  MIN_CONFIDENT_REPEAT,
  MIN_REPEAT,
  parseBenchOptions,
} from "./bench-options.ts";
import { benchUsageErrorOf } from "./test-support/usage-error.ts";

describe("parseBenchOptions: defaults", () => {
  it("no flags: the default suite, every strategy, reports/, table output", () => {
    expect(parseBenchOptions([])).toEqual({
      scenarios: [...DEFAULT_SCENARIO_IDS],
      strategies: ["short-polling", "long-polling", "sse"],
      repeat: null,
      untilConfident: null,
      quick: false,
      outDir: "reports",
      json: false,
      targetUsers: null,
      dryRun: false,
      help: false,
      target: null,
      clientBounds: DEFAULT_CLIENT_BOUNDS,
      energy: { radioProfile: "lte", radioTailMs: null, heartbeatMs: null },
      deliveryPath: {},
      fileScenarios: [],
      workload: { overrides: {}, sweep: null, historyMaxLen: null },
      driverWorkers: 0,
    });
  });
});

describe("--driver-workers", () => {
  it("takes a whole number of worker processes, 0 (in process) to the cap", () => {
    expect(parseBenchOptions(["--driver-workers", "2"]).driverWorkers).toBe(2);
    expect(parseBenchOptions(["--driver-workers", "0"]).driverWorkers).toBe(0);
    expect(parseBenchOptions(["--driver-workers", String(MAX_DRIVER_WORKERS)]).driverWorkers).toBe(
      MAX_DRIVER_WORKERS,
    );
  });

  it.each([["1.5"], ["two"], [""], [String(MAX_DRIVER_WORKERS + 1)]])(
    "refuses %j with one line naming the flag and the range",
    (value) => {
      expect(() => parseBenchOptions(["--driver-workers", value])).toThrow(UsageError);
      expect(() => parseBenchOptions(["--driver-workers", value])).toThrow(
        new RegExp(`--driver-workers .* from 0 to ${MAX_DRIVER_WORKERS}`),
      );
    },
  );
});

describe("parseBenchOptions: valid flags", () => {
  it("--scenario all runs every registered scenario, opt-in ones included", () => {
    expect(parseBenchOptions(["--scenario", "all"]).scenarios).toEqual([...SCENARIO_IDS]);
    expect(SCENARIO_IDS.length).toBeGreaterThan(DEFAULT_SCENARIO_IDS.length);
  });

  it("websocket is opt-in: by name or with --strategies all, never in the default suite", () => {
    expect(parseBenchOptions([]).strategies).not.toContain("websocket");
    expect(parseBenchOptions(["--strategies", "websocket,sse"]).strategies).toEqual([
      "websocket",
      "sse",
    ]);
    expect(parseBenchOptions(["--strategies", " all "]).strategies).toEqual([
      "short-polling",
      "long-polling",
      "sse",
      "websocket",
    ]);
  });

  it("--instances N sets the server processes per run", () => {
    expect(parseBenchOptions(["--instances", "3"]).instances).toBe(3);
    expect(() => parseBenchOptions(["--instances", "0"])).toThrow(
      "--instances 0 is out of range; give one from 1 to 8.",
    );
  });

  it("--scenario keeps the given order and drops repeats", () => {
    expect(parseBenchOptions(["--scenario", "idle, steady,idle"]).scenarios).toEqual([
      "idle",
      "steady",
    ]);
    expect(parseBenchOptions(["--scenario=rate-sweep"]).scenarios).toEqual(["rate-sweep"]);
  });
  it("--strategies", () => {
    expect(parseBenchOptions(["--strategies", "sse,long-polling"]).strategies).toEqual([
      "sse",
      "long-polling",
    ]);
  });
  it("--clients", () => {
    expect(parseBenchOptions(["--clients", "1"]).clients).toBe(1);
    expect(parseBenchOptions(["--clients", "10000"]).clients).toBe(10_000);
  });
  it("--duration", () => {
    expect(parseBenchOptions(["--duration", "30s"]).durationMs).toBe(30_000);
    expect(parseBenchOptions(["--duration", "1s"]).durationMs).toBe(1_000);
    expect(parseBenchOptions(["--duration", "10m"]).durationMs).toBe(600_000);
    expect(parseBenchOptions(["--duration", "1500ms"]).durationMs).toBe(1_500);
  });
  it("--quick, --json, --out, --redis-url", () => {
    const options = parseBenchOptions([
      "--quick",
      "--json",
      "--out",
      "/tmp/bench",
      "--redis-url",
      "rediss://user:pw@cache.example:6380/2",
    ]);
    expect(options).toMatchObject({
      quick: true,
      json: true,
      outDir: "/tmp/bench",
      redisUrl: "rediss://user:pw@cache.example:6380/2",
    });
    expect(parseBenchOptions(["--redis-url", "redis://127.0.0.1:6379"]).redisUrl).toBe(
      "redis://127.0.0.1:6379",
    );
  });
  it("--allow-remote HOST and --dry-run", () => {
    const options = parseBenchOptions([
      "--redis-url",
      "redis://redis.internal:6379",
      "--allow-remote",
      "redis.internal",
      "--dry-run",
    ]);
    expect(options).toMatchObject({ allowRemote: "redis.internal", dryRun: true });
    expect(parseBenchOptions(["--allow-remote", "2001:db8::1"]).allowRemote).toBe("2001:db8::1");
    expect(parseBenchOptions(["--allow-remote", " 10.0.0.5 "]).allowRemote).toBe("10.0.0.5");
    expect(parseBenchOptions([]).allowRemote).toBeUndefined();
  });
  it("--repeat N: runs per scenario step x strategy, 1..20", () => {
    expect(parseBenchOptions(["--repeat", "3"]).repeat).toBe(3);
    expect(parseBenchOptions(["--repeat", String(MIN_REPEAT)]).repeat).toBe(1);
    expect(parseBenchOptions(["--repeat", String(MAX_REPEAT)]).repeat).toBe(20);
    expect(parseBenchOptions(["--repeat=5"]).untilConfident).toBeNull();
  });
  it("--until-confident alone: 5 %, 20 min, at most 10, on p50 and requests, from 3 repetitions", () => {
    for (const argv of [["--until-confident"], ["--until-confident", "--quick"]]) {
      const options = parseBenchOptions(argv);
      expect(options.repeat).toBe(MIN_CONFIDENT_REPEAT);
      expect(options.untilConfident).toEqual({
        horizon: 0.05,
        budgetMs: DEFAULT_TIME_BUDGET_MS,
        minRepeat: MIN_CONFIDENT_REPEAT,
        maxRepeat: DEFAULT_MAX_REPEAT,
        figures: ["latencyP50Ms", "requestsPerDelivered"],
      });
    }
    expect(parseBenchOptions(["--quick", "--until-confident"]).quick).toBe(true);
  });
  it("--until-confident H takes 5%, 5 %, 0.05 and .05 alike", () => {
    for (const h of ["5%", "5 %", "0.05", ".05", "5.0%"]) {
      expect(parseBenchOptions(["--until-confident", h]).untilConfident?.horizon, h).toBe(0.05);
    }
    expect(parseBenchOptions(["--until-confident=2.5%"]).untilConfident?.horizon).toBe(0.025);
    expect(parseBenchOptions(["--until-confident", "7%"]).untilConfident?.horizon).toBe(0.07);
    expect(parseBenchOptions(["--until-confident", "50%"]).untilConfident?.horizon).toBe(0.5);
    expect(parseBenchOptions(["--until-confident", "0.1%"]).untilConfident?.horizon).toBe(0.001);
  });
  it("--time-budget, --max-repeat, --confident-on and --repeat with --until-confident", () => {
    const options = parseBenchOptions([
      "--until-confident",
      "--time-budget",
      "45m",
      "--max-repeat",
      "12",
      "--repeat",
      "4",
      "--confident-on",
      "p99,bytes,cpu,rss,p99",
    ]);
    expect(options.repeat).toBe(4);
    expect(options.untilConfident).toEqual({
      horizon: 0.05,
      budgetMs: 45 * 60_000,
      minRepeat: 4,
      maxRepeat: 12,
      figures: [
        "latencyP99Ms",
        "bytesPerDelivered",
        "serverCpuMsPer1000Deliveries",
        "serverRssPerConnectionBytes",
      ],
    });
    expect(
      parseBenchOptions(["--time-budget", "90s", "--until-confident"]).untilConfident?.budgetMs,
    ).toBe(90_000);
  });
  it("--target-users N: the scale estimate's user count", () => {
    expect(parseBenchOptions(["--target-users", "200k"]).targetUsers).toBe(200_000);
    expect(parseBenchOptions(["--target-users", "40,000"]).targetUsers).toBe(40_000);
  });

  it("--help and -h skip the other checks", () => {
    expect(parseBenchOptions(["--help"]).help).toBe(true);
    expect(parseBenchOptions(["-h", "--clients", "0"]).help).toBe(true);
  });
});

describe("parseBenchOptions: each error names the flag and the fix", () => {
  const cases: [argv: string[], message: string | RegExp][] = [
    [
      ["--scenario", "stedy"],
      `--scenario: unknown scenario 'stedy'; use one of: ${SCENARIO_IDS.join(", ")}.`,
    ],
    [
      ["--scenario", "steady,,idle"],
      "--scenario 'steady,,idle' has an empty item; give a comma-separated list, e.g. --scenario steady,burst.",
    ],
    [["--scenario"], /^--scenario needs a value/],
    [
      ["--strategies", "sse,websockets"],
      "--strategies: unknown strategy 'websockets'; use one of: short-polling, long-polling, sse, websocket.",
    ],
    [["--strategies", ""], /^--strategies '' has an empty item/],
    [["--clients", "0"], "--clients 0 is out of range; give one from 1 to 40000."],
    [
      ["--target-users", "lots"],
      /^--target-users 'lots' is not a user count; give a whole number from 1 to/,
    ],
    [["--target-users", "0"], /^--target-users 0 is out of range/],
    [["--clients", "40001"], "--clients 40001 is out of range; give one from 1 to 40000."],
    [["--clients", "many"], "--clients 'many' is not a whole number; give one from 1 to 40000."],
    [["--clients", "1.5"], /^--clients '1.5' is not a whole number/],
    [
      ["--duration", "500ms"],
      "--duration 500ms is out of range; give one from 1s to 10m, e.g. --duration 30s.",
    ],
    [["--duration", "11m"], /^--duration 11m is out of range/],
    [["--duration", "soon"], "--duration 'soon' is not a duration; use e.g. 500ms, 30s or 2m."],
    [["--out", ""], "--out is empty; give a directory, e.g. --out reports."],
    [
      ["--redis-url", "localhost:6379"],
      "--redis-url 'localhost:6379' must start with redis:// or rediss://; give e.g. --redis-url redis://localhost:6379.",
    ],
    [
      ["--redis-url", "http://localhost"],
      /^--redis-url 'http:\/\/localhost' must start with redis:\/\//,
    ],
    [["--redis-url", "redis://"], /^--redis-url 'redis:\/\/' is not a valid URL/],
    [["--quick=yes"], "--quick takes no value; write --quick alone (see --help)."],
    [["--dry-run=1"], "--dry-run takes no value; write --dry-run alone (see --help)."],
    [["--allow-remote"], /^--allow-remote needs a value/],
    [
      ["--allow-remote", "redis.internal:6379"],
      "--allow-remote 'redis.internal:6379' is not a host; give the bare host of --redis-url, --target or --publish-url, e.g. --allow-remote redis.internal.",
    ],
    [
      ["--allow-remote", "redis://redis.internal"],
      /^--allow-remote 'redis:\/\/redis.internal' is not a host/,
    ],
    [["--allow-remote", " "], /^--allow-remote ' ' is not a host/],
    [["--json=false"], "--json takes no value; write --json alone (see --help)."],
    [["--verbose"], /^unknown flag --verbose; known flags: --scenario, --strategies/],
    [["steady"], "unexpected argument 'steady'; every option is a --flag (see --help)."],
    [["--quick", "--quick"], "--quick was given more than once; give it once."],
    [["--repeat", "0"], "--repeat 0 is out of range; give one from 1 to 20."],
    [["--repeat", "21"], "--repeat 21 is out of range; give one from 1 to 20."],
    [["--repeat", "three"], "--repeat 'three' is not a whole number; give one from 1 to 20."],
    [["--repeat"], /^--repeat needs a value/],
    [["--repeat", "2", "--repeat", "3"], "--repeat was given more than once; give it once."],
    [
      ["--until-confident", "5"],
      "--until-confident 5 is out of range (a bare number is a fraction; for percent write 5%); give a horizon from 0.1% to 50%, e.g. --until-confident 5% (or 0.05).",
    ],
    [
      ["--until-confident", "0%"],
      "--until-confident 0% is out of range; give a horizon from 0.1% to 50%, e.g. --until-confident 5% (or 0.05).",
    ],
    [["--until-confident", "60%"], /^--until-confident 60% is out of range; /],
    [
      ["--until-confident", "lots"],
      "--until-confident 'lots' is not a horizon; give a percentage or a fraction, e.g. --until-confident 5% (or 0.05).",
    ],
    [["--until-confident", "-0.05"], /^--until-confident '-0.05' is not a horizon/],
    [
      ["--until-confident", "--until-confident"],
      "--until-confident was given more than once; give it once.",
    ],
    [
      ["--until-confident=5%", "--until-confident"],
      "--until-confident was given more than once; give it once.",
    ],
    [
      ["--time-budget", "5m"],
      "--time-budget applies only with --until-confident; add --until-confident or drop --time-budget.",
    ],
    [
      ["--max-repeat", "5"],
      "--max-repeat applies only with --until-confident; add --until-confident or drop --max-repeat.",
    ],
    [
      ["--confident-on", "p99"],
      "--confident-on applies only with --until-confident; add --until-confident or drop --confident-on.",
    ],
    [
      ["--until-confident", "--time-budget", "soon"],
      "--time-budget 'soon' is not a duration; use e.g. 500ms, 30s or 2m.",
    ],
    [
      ["--until-confident", "--time-budget", "2h"],
      "--time-budget '2h' is not a duration; use e.g. 500ms, 30s or 2m.",
    ],
    [
      ["--until-confident", "--time-budget", "61m"],
      "--time-budget 61m is out of range; give one from 10s to 60m, e.g. --time-budget 20m.",
    ],
    [
      ["--until-confident", "--max-repeat", "2"],
      "--max-repeat 2 is out of range; give one from 3 to 20.",
    ],
    [
      ["--until-confident", "--repeat", "2"],
      "--repeat 2 is below the 3 repetitions --until-confident starts with; give --repeat 3 or more, or drop --repeat.",
    ],
    [
      ["--until-confident", "--repeat", "12"],
      "--repeat 12 is above --max-repeat 10; give --max-repeat 12 or more, or a lower --repeat.",
    ],
    [
      ["--until-confident", "--confident-on", "p50,latency"],
      "--confident-on: unknown figure 'latency'; use one of: p50, p99, requests, bytes, cpu, rss.",
    ],
    [
      ["--until-confident", "--strategies", "sse"],
      "--until-confident compares strategies, and --strategies names only sse; use --repeat N for intervals of one strategy.",
    ],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(" ") || "(empty)", () => {
      const actual = benchUsageErrorOf(argv);
      if (typeof message === "string") expect(actual).toBe(message);
      else expect(actual).toMatch(message);
    });
  }
});

const SSE = "http://127.0.0.1:3000/api/notifications/{userId}/sse";
const POLL = "http://127.0.0.1:3000/api/notifications/{userId}/poll?after={cursor}&timeoutMs=25000";
const PUBLISH = "http://127.0.0.1:3000/api/notifications/{userId}";
const SSE_TARGET = ["--target", SSE, "--target-strategy", "sse", "--publish-url", PUBLISH];

describe("parseBenchOptions: --target", () => {
  it("all three flags give a target, its one strategy, and the scenarios it can run", () => {
    const options = parseBenchOptions(["--scenario", "steady", ...SSE_TARGET]);
    expect(options.scenarios).toEqual(["steady"]);
    expect(options.strategies).toEqual(["sse"]);
    expect(options.target?.strategy).toBe("sse");
    expect(options.target?.subscribe).toMatchObject({ text: SSE, host: "127.0.0.1", port: 3000 });
    expect(options.target?.publish.expand({ userId: "user-1" }).href).toBe(
      "http://127.0.0.1:3000/api/notifications/user-1",
    );
  });

  it("--target-pid names the target's processes (repeatable, comma lists), only with --target", () => {
    const options = parseBenchOptions([...SSE_TARGET, "--target-pid", "41", "--target-pid=42,43"]);
    expect(options.target?.pids).toEqual([41, 42, 43]);
    expect(parseBenchOptions(SSE_TARGET).target?.pids).toBeUndefined();
    expect(benchUsageErrorOf(["--target-pid", "41"])).toBe(
      "--target-pid only applies with --target: the bench samples its own servers already; drop --target-pid or add --target.",
    );
  });

  it("--target-cursor headers: a polling target resumed by Last-Modified / ETag", () => {
    const options = parseBenchOptions([
      "--target",
      "http://127.0.0.1:3000/lp/{userId}",
      "--target-strategy",
      "long-polling",
      "--publish-url",
      PUBLISH,
      "--target-cursor",
      "headers",
    ]);
    expect(options.target?.cursorMode).toBe("headers");
    expect(benchUsageErrorOf(["--target-cursor", "headers"])).toMatch(
      /^--target-cursor only applies with --target/,
    );
  });

  it("a polling target; --strategies naming just its strategy is fine", () => {
    const options = parseBenchOptions([
      "--target-strategy=long-polling",
      `--target=${POLL}`,
      `--publish-url=${PUBLISH}`,
      "--strategies",
      "long-polling",
      "--quick",
    ]);
    expect(options.strategies).toEqual(["long-polling"]);
    expect(options.target?.subscribe.expand({ userId: "u", cursor: "" }).search).toBe(
      "?after=&timeoutMs=25000",
    );
  });

  it("the default suite and 'all' keep to the scenarios a target can run", () => {
    const allowed = targetScenarioIds(SCENARIOS);
    expect(parseBenchOptions(SSE_TARGET).scenarios).toEqual(
      DEFAULT_SCENARIO_IDS.filter((id) => allowed.includes(id)),
    );
    expect(parseBenchOptions(["--scenario", "all", ...SSE_TARGET]).scenarios).toEqual(allowed);
    expect(allowed).not.toContain("capacity");
    expect(allowed).not.toContain("two-instances");
  });

  it("--allow-remote and --dry-run combine with a target", () => {
    expect(
      parseBenchOptions([...SSE_TARGET, "--allow-remote", "bench.internal", "--dry-run"]),
    ).toMatchObject({ allowRemote: "bench.internal", dryRun: true });
  });
});

describe("parseBenchOptions: --target errors name the flag and the fix", () => {
  const allowed = () => targetScenarioIds(SCENARIOS).join(", ");
  const cases: [argv: string[], message: string | RegExp][] = [
    [
      ["--target", SSE],
      `--target-strategy and --publish-url missing: --target, --target-strategy, --publish-url go together; add --target-strategy short-polling|long-polling|sse|websocket --publish-url '${PUBLISH}' (see --help).`,
    ],
    [
      ["--target-strategy", "sse", "--publish-url", PUBLISH],
      `--target missing: --target, --target-strategy, --publish-url go together; add --target '${SSE}' (see --help).`,
    ],
    [["--publish-url", PUBLISH], /^--target and --target-strategy missing: /],
    [["--target"], /^--target needs a value/],
    [
      [...SSE_TARGET, "--strategies", "sse,long-polling"],
      "--strategies long-polling cannot run with --target: the target is one sse server; drop --strategies (--target-strategy sse decides).",
    ],
    [
      [...SSE_TARGET, "--instances", "1"],
      "--instances does not apply with --target: the bench starts no server processes; drop --instances.",
    ],
    [
      [...SSE_TARGET, "--redis-url", "redis://127.0.0.1:6379"],
      /^--redis-url does not apply with --target: .*; drop --redis-url\.$/,
    ],
    [
      ["--scenario", "steady,capacity", ...SSE_TARGET],
      `--scenario capacity cannot run with --target: it drives our own servers' routes with autocannon; with --target use: ${allowed()}.`,
    ],
    [
      ["--scenario", "two-instances", ...SSE_TARGET],
      /^--scenario two-instances cannot run with --target: it starts 2 of our server processes; with --target use: steady, /,
    ],
    [
      ["--target", SSE, "--target-strategy", "push", "--publish-url", PUBLISH],
      /^--target-strategy: unknown strategy 'push'; use one of: short-polling, long-polling, sse/,
    ],
    [
      [
        "--target",
        "https://127.0.0.1/s/{userId}",
        "--target-strategy",
        "sse",
        "--publish-url",
        PUBLISH,
      ],
      /^--target 'https:\/\/127\.0\.0\.1\/s\/\{userId\}' uses https, which the bench does not support/,
    ],
    [
      ["--target", SSE, "--target-strategy", "short-polling", "--publish-url", PUBLISH],
      /^--target '.*' has no \{cursor\}; the driver needs \{userId\} and \{cursor\}/,
    ],
    [
      ["--target", POLL, "--target-strategy", "sse", "--publish-url", PUBLISH],
      /^--target '.*' may not contain \{cursor\} with --target-strategy sse: an SSE client resumes with the Last-Event-ID header/,
    ],
    [
      ["--target", SSE, "--target-strategy", "sse", "--publish-url", "http://127.0.0.1:3000/p"],
      /^--publish-url 'http:\/\/127\.0\.0\.1:3000\/p' has no \{userId\}/,
    ],
    [
      [...SSE_TARGET, "--until-confident"],
      "--until-confident compares strategies, and --target measures one server; use --repeat N for intervals of one strategy.",
    ],
  ];
  for (const [argv, message] of cases) {
    it(argv.join(" "), () => {
      const actual = benchUsageErrorOf(argv);
      if (typeof message === "string") expect(actual).toBe(message);
      else expect(actual).toMatch(message);
    });
  }

  it("--repeat applies to a target's runs too", () => {
    expect(parseBenchOptions([...SSE_TARGET, "--repeat", "3"]).repeat).toBe(3);
  });

  it("refuses every scenario that needs our servers or Redis, listing the allowed ones", () => {
    const allowedIds = targetScenarioIds(SCENARIOS);
    for (const id of SCENARIO_IDS.filter((i) => !allowedIds.includes(i))) {
      expect(benchUsageErrorOf(["--scenario", id, ...SSE_TARGET])).toMatch(
        new RegExp(
          `^--scenario ${id} cannot run with --target: it .+; with --target use: ${allowedIds.join(", ")}\\.$`,
        ),
      );
    }
  });
});

describe("BENCH_HELP", () => {
  it("lists every flag, the scenario ids, the defaults and examples", () => {
    for (const flag of [
      "--scenario",
      "--strategies",
      "--clients",
      "--duration",
      "--quick",
      "--out",
      "--redis-url",
      "--json",
      "--allow-remote",
      "--dry-run",
      "--target",
      "--target-strategy",
      "--publish-url",
      "--repeat",
      "--until-confident",
      "--time-budget",
      "--max-repeat",
      "--confident-on",
      "--help",
    ]) {
      expect(BENCH_HELP).toContain(flag);
    }
    for (const id of SCENARIO_IDS) expect(BENCH_HELP).toContain(id);
    expect(BENCH_HELP).toContain("default: reports");
    expect(BENCH_HELP).toMatch(/Examples:/);
  });
});

describe("flag ranges come from PARAM_LIMITS (src/model/param-limits.ts)", () => {
  const flagged = Object.entries(PARAM_LIMITS).flatMap(([param, limit]) =>
    limit.kind === "number" && limit.flag !== undefined
      ? [{ param: param as NumericParam, name: limit.flag.name, unit: limit.unit }]
      : [],
  );

  it("names the flags the bench has", () => {
    expect(flagged.map((f) => f.name)).toEqual([
      "--clients",
      "--rate",
      "--poll-interval",
      "--jitter",
      "--hold",
      "--ramp",
      "--warmup",
      "--duration",
      "--drain",
      "--payload-bytes",
      "--instances",
    ]);
  });

  for (const { param, name, unit } of flagged) {
    it(`${name} takes ${param}'s flag range, its edges included, and nothing beyond`, () => {
      const { min, max } = flagRange(param);
      const arg = (n: number): string => (unit === "ms" ? `${n}ms` : String(n));
      // --clients, --duration, --instances are options of their own; the rest workload overrides.
      const flagValue = (options: BenchOptions): unknown =>
        options[param as keyof BenchOptions] ?? options.workload.overrides[param];
      expect(BENCH_HELP).toContain(name);
      expect(flagValue(parseBenchOptions([name, arg(min)]))).toBe(min);
      expect(flagValue(parseBenchOptions([name, arg(max)]))).toBe(max);
      // Below a 0 floor the value is negative: not a rate / duration / number at all.
      expect(benchUsageErrorOf([name, arg(min - 1)])).toMatch(
        min - 1 < 0
          ? new RegExp(`^${name} '-1(ms)?' is not a `)
          : / is out of range; give one from /,
      );
      expect(benchUsageErrorOf([name, arg(max + 1)])).toMatch(/ is out of range; give one from /);
    });
  }

  it("--duration keeps its own floor above params.durationMs' (quick forms go lower)", () => {
    expect(flagRange("durationMs")).toEqual({ min: 1_000, max: PARAM_LIMITS.durationMs.max });
    expect(PARAM_LIMITS.durationMs.min).toBeLessThan(flagRange("durationMs").min);
  });
});

describe("parseBenchOptions: client bounds", () => {
  it("the defaults without flags; each flag sets its bound, sizes and durations as people write them", () => {
    expect(parseBenchOptions([]).clientBounds).toEqual(DEFAULT_CLIENT_BOUNDS);
    const bounds = parseBenchOptions([
      "--max-sse-line-bytes",
      "2MiB",
      "--max-sse-event-bytes",
      "1.5MiB",
      "--max-cursor-bytes",
      "512",
      "--max-body-bytes",
      "16 MiB",
      "--max-header-bytes",
      "32KiB",
      "--header-timeout",
      "5s",
      "--first-byte-timeout",
      "2500ms",
      "--answer-timeout",
      "1m",
      "--sse-idle-timeout",
      "90s",
      "--retry-min",
      "250",
      "--retry-max",
      "2m",
      "--backoff-max",
      "10s",
    ]).clientBounds;
    expect(bounds).toEqual({
      maxSseLineBytes: 2 * 1024 * 1024,
      maxSseEventBytes: 1.5 * 1024 * 1024,
      maxCursorBytes: 512,
      maxBodyBytes: 16 * 1024 * 1024,
      maxHeaderBytes: 32 * 1024,
      headerTimeoutMs: 5000,
      firstByteTimeoutMs: 2500,
      answerTimeoutMs: 60_000,
      sseIdleTimeoutMs: 90_000,
      retryMinMs: 250,
      retryMaxMs: 120_000,
      backoffMaxMs: 10_000,
    });
  });

  it("refuses what is not a size or a duration, or out of range, in one line naming the flag", () => {
    expect(benchUsageErrorOf(["--max-body-bytes", "lots"])).toBe(
      "--max-body-bytes 'lots' is not a size; use e.g. 65536, 64KiB or 1MiB.",
    );
    expect(benchUsageErrorOf(["--max-header-bytes", "10"])).toBe(
      "--max-header-bytes 10 is out of range; give one from 1KiB to 1024MiB, e.g. --max-header-bytes 64KiB.",
    );
    expect(benchUsageErrorOf(["--answer-timeout", "soon"])).toBe(
      "--answer-timeout 'soon' is not a duration; use e.g. 500ms, 30s or 2m.",
    );
    expect(benchUsageErrorOf(["--first-byte-timeout", "0"])).toMatch(
      /^--first-byte-timeout 0 is out of range/,
    );
    expect(benchUsageErrorOf(["--retry-min", "5s", "--retry-max", "1s"])).toBe(
      "--retry-min 5s exceeds --retry-max 1s; give a smaller --retry-min or a larger --retry-max.",
    );
  });

  it("an idle bound at or under our servers' 15 s heartbeat is refused, except against --target", () => {
    expect(benchUsageErrorOf(["--sse-idle-timeout", "15s"])).toBe(
      "--sse-idle-timeout 15s would cut every idle stream of our servers, whose heartbeat comes every 15s; give more, e.g. --sse-idle-timeout 45s.",
    );
    const targeted = parseBenchOptions([...SSE_TARGET, "--sse-idle-timeout", "5s"]);
    expect(targeted.clientBounds.sseIdleTimeoutMs).toBe(5000);
  });

  it("--help lists every bound flag with its default", () => {
    for (const [flag, text] of [
      ["--max-sse-line-bytes N", "(default: 1MiB)"],
      ["--max-sse-event-bytes N", "(default: 1MiB)"],
      ["--max-cursor-bytes N", "(default: 4KiB)"],
      ["--max-body-bytes N", "(default: 8MiB)"],
      ["--max-header-bytes N", "(default: 64KiB)"],
      ["--header-timeout D", "(default: 10s)"],
      ["--first-byte-timeout D", "(default: 10s)"],
      ["--answer-timeout D", "(default: 30s)"],
      ["--sse-idle-timeout D", "(default: 45s)"],
      ["--retry-min D", "(default: 100ms)"],
      ["--retry-max D", "(default: 60s)"],
      ["--backoff-max D", "(default: 30s)"],
    ] as const) {
      const at = BENCH_HELP.indexOf(`  ${flag}`);
      expect(at, flag).toBeGreaterThan(0);
      const next = BENCH_HELP.indexOf("\n  --", at + 1);
      expect(BENCH_HELP.slice(at, next), flag).toContain(text);
    }
  });
});
