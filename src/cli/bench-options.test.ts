import { describe, expect, it } from "vitest";
import { DEFAULT_SCENARIO_IDS, SCENARIO_IDS } from "../../scenarios/index.ts";
import { BENCH_HELP, parseBenchOptions } from "./bench-options.ts";
import { UsageError } from "./usage-error.ts";

function errorOf(argv: string[]): string {
  try {
    parseBenchOptions(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(" ")}`);
}

describe("parseBenchOptions: defaults", () => {
  it("no flags: the default suite, every strategy, reports/, table output", () => {
    expect(parseBenchOptions([])).toEqual({
      scenarios: [...DEFAULT_SCENARIO_IDS],
      strategies: ["short-polling", "long-polling", "sse"],
      quick: false,
      outDir: "reports",
      json: false,
      dryRun: false,
      help: false,
    });
  });
});

describe("parseBenchOptions: valid flags", () => {
  it("--scenario all runs every registered scenario, opt-in ones included", () => {
    expect(parseBenchOptions(["--scenario", "all"]).scenarios).toEqual([...SCENARIO_IDS]);
    expect(SCENARIO_IDS.length).toBeGreaterThan(DEFAULT_SCENARIO_IDS.length);
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
      ["--strategies", "sse,websocket"],
      "--strategies: unknown strategy 'websocket'; use one of: short-polling, long-polling, sse.",
    ],
    [["--strategies", ""], /^--strategies '' has an empty item/],
    [["--clients", "0"], "--clients 0 is out of range; give one from 1 to 10000."],
    [["--clients", "10001"], "--clients 10001 is out of range; give one from 1 to 10000."],
    [["--clients", "many"], "--clients 'many' is not a whole number; give one from 1 to 10000."],
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
      "--allow-remote 'redis.internal:6379' is not a host; give the bare host of --redis-url, e.g. --allow-remote redis.internal.",
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
  ];
  for (const [argv, message] of cases) {
    it(argv.join(" ") || "(empty)", () => {
      const actual = errorOf(argv);
      if (typeof message === "string") expect(actual).toBe(message);
      else expect(actual).toMatch(message);
    });
  }
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
      "--help",
    ]) {
      expect(BENCH_HELP).toContain(flag);
    }
    for (const id of SCENARIO_IDS) expect(BENCH_HELP).toContain(id);
    expect(BENCH_HELP).toContain("default: reports");
    expect(BENCH_HELP).toMatch(/Examples:/);
  });
});
