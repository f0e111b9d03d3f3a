import { describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import { PARAM_LIMITS, PLAN_LIMITS } from "../model/param-limits.ts";
import { DEFAULT_STRATEGIES as STRATEGIES } from "../model/strategies.ts";
import { parseBenchTarget } from "../target/external-target.ts";
import { UsageError } from "../util/usage-error.ts";
import { type PlannedRun, resolveRuns } from "./resolve-runs.ts";
import {
  checkExternalTarget,
  checkPlanBounds,
  checkTarget,
  describeRunCount,
  errorRateAbortReason,
  formatPlan,
  impliedRequestsPerSec,
  isLoopbackAddress,
  MAX_CLIENTS_PER_PROCESS,
  MAX_ERROR_RATIO,
  MAX_NOTIFICATIONS_PER_SEC,
  MAX_PLAN_MS,
  MAX_REQUESTS_PER_SEC,
  MAX_RUN_CLIENTS,
  MAX_RUN_WINDOW_MS,
  MIN_REQUESTS_FOR_ERROR_RATE,
  planTotals,
  type Resolver,
} from "./safety.ts";

/** A fake DNS: names to addresses; an unknown name fails like ENOTFOUND. */
function fakeResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (host: string): Promise<string[]> => {
    calls.push(host);
    const addresses = table[host];
    if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return addresses;
  };
  return Object.assign(resolve, { calls });
}

async function refusal(promise: Promise<void>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected a refusal");
}

const DNS = fakeResolver({
  localhost: ["127.0.0.1", "::1"],
  "loop.test": ["127.0.1.1"],
  "redis.example": ["203.0.113.7"],
  "redis-alias.example": ["203.0.113.7"],
  "half.example": ["127.0.0.1", "203.0.113.7"],
  "other.example": ["198.51.100.1"],
  "v6.example": ["2001:db8::1"],
  "v6-long.example": ["2001:0db8:0:0:0:0:0:1"],
});

describe("isLoopbackAddress", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.255.3.4", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["::ffff:127.0.0.1", true],
    ["128.0.0.1", false],
    ["10.0.0.1", false],
    ["::", false],
    ["::2", false],
    ["2001:db8::1", false],
    ["localhost", false],
  ])("%s -> %s", (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});

describe("checkTarget: loopback only", () => {
  it("accepts loopback v4 and v6 literals without resolving", async () => {
    const dns = fakeResolver({});
    await checkTarget("redis://127.0.0.1:6379", undefined, dns);
    await checkTarget("redis://127.3.2.1:6379/0", undefined, dns);
    await checkTarget("redis://[::1]:6379", undefined, dns);
    expect(dns.calls).toEqual([]);
  });

  it("accepts a name that resolves to loopback only", async () => {
    await checkTarget("redis://localhost:6379", undefined, DNS);
    await checkTarget("rediss://user:pw@loop.test:6380", undefined, DNS);
  });

  it("refuses a remote host, by name or address, naming --allow-remote as the fix", async () => {
    expect(await refusal(checkTarget("redis://redis.example:6379", undefined, DNS))).toBe(
      "--redis-url host 'redis.example' is not loopback (203.0.113.7); the bench only targets 127.0.0.0/8 and ::1. If that Redis is yours, add --allow-remote redis.example.",
    );
    expect(await refusal(checkTarget("redis://10.1.2.3", undefined, DNS))).toMatch(
      /^--redis-url host '10\.1\.2\.3' is not loopback/,
    );
    expect(await refusal(checkTarget("redis://[2001:db8::1]:6379", undefined, DNS))).toMatch(
      /host '2001:db8::1' is not loopback/,
    );
  });

  it("refuses a name with any non-loopback address", async () => {
    expect(await refusal(checkTarget("redis://half.example", undefined, DNS))).toMatch(
      /is not loopback \(203\.0\.113\.7\)/,
    );
  });

  it("refuses a name that does not resolve", async () => {
    expect(await refusal(checkTarget("redis://nope.example", undefined, DNS))).toMatch(
      /^--redis-url host 'nope\.example' does not resolve \(getaddrinfo ENOTFOUND nope\.example\)/,
    );
  });
});

describe("checkTarget: --allow-remote", () => {
  it("accepts the allowed host, or another name with the same addresses", async () => {
    await checkTarget("redis://redis.example:6379", "redis.example", DNS);
    await checkTarget("redis://redis-alias.example:6379", "redis.example", DNS);
    await checkTarget("redis://203.0.113.7:6379", "redis.example", DNS);
    await checkTarget("redis://v6-long.example", "v6.example", DNS);
    // Loopback stays allowed whatever --allow-remote says.
    await checkTarget("redis://localhost", "redis.example", DNS);
  });

  it("refuses a host whose addresses are not the allowed host's", async () => {
    expect(await refusal(checkTarget("redis://other.example", "redis.example", DNS))).toBe(
      "--redis-url host 'other.example' resolves to 198.51.100.1, which --allow-remote redis.example does not; give --allow-remote other.example if that Redis is yours.",
    );
  });

  it("refuses when the allowed host itself does not resolve", async () => {
    expect(await refusal(checkTarget("redis://redis.example", "gone.example", DNS))).toMatch(
      /^--allow-remote host 'gone\.example' does not resolve/,
    );
  });
});

describe("checkExternalTarget: --target and --publish-url hosts, by the same rule", () => {
  const target = (subscribeHost: string, publishHost = subscribeHost) =>
    parseBenchTarget({
      target: `http://${subscribeHost}:3000/api/notifications/{userId}/sse`,
      targetStrategy: "sse",
      publishUrl: `http://${publishHost}:3000/api/notifications/{userId}`,
    });

  it("accepts loopback literals without resolving, and names resolving to loopback", async () => {
    const dns = fakeResolver({});
    await checkExternalTarget(target("127.0.0.1"), undefined, dns);
    await checkExternalTarget(target("[::1]", "127.9.9.9"), undefined, dns);
    expect(dns.calls).toEqual([]);
    await checkExternalTarget(target("localhost", "loop.test"), undefined, DNS);
  });

  it("refuses a remote subscribe host, naming --target and --allow-remote as the fix", async () => {
    expect(
      await refusal(checkExternalTarget(target("redis.example", "127.0.0.1"), undefined, DNS)),
    ).toBe(
      "--target host 'redis.example' is not loopback (203.0.113.7); the bench only targets 127.0.0.0/8 and ::1. If that server is yours, add --allow-remote redis.example.",
    );
  });

  it("refuses a remote publish host, naming --publish-url", async () => {
    expect(
      await refusal(checkExternalTarget(target("127.0.0.1", "half.example"), undefined, DNS)),
    ).toBe(
      "--publish-url host 'half.example' is not loopback (203.0.113.7); the bench only targets 127.0.0.0/8 and ::1. If that server is yours, add --allow-remote half.example.",
    );
    expect(
      await refusal(checkExternalTarget(target("localhost", "nope.example"), undefined, DNS)),
    ).toMatch(/^--publish-url host 'nope\.example' does not resolve/);
  });

  it("--allow-remote admits the named host, and only addresses it has", async () => {
    await checkExternalTarget(target("redis.example", "203.0.113.7"), "redis-alias.example", DNS);
    await checkExternalTarget(target("v6.example", "localhost"), "v6-long.example", DNS);
    expect(
      await refusal(
        checkExternalTarget(target("redis.example", "other.example"), "redis.example", DNS),
      ),
    ).toBe(
      "--publish-url host 'other.example' resolves to 198.51.100.1, which --allow-remote redis.example does not; give --allow-remote other.example if that server is yours.",
    );
  });

  it("resolves a host shared by both templates once", async () => {
    const dns = fakeResolver({ "bench.test": ["127.0.0.5"] });
    await checkExternalTarget(target("bench.test"), undefined, dns);
    expect(dns.calls).toEqual(["bench.test"]);
  });
});

describe("checkPlanBounds", () => {
  const plan = (id: string, options: Partial<Parameters<typeof resolveRuns>[1]> = {}) =>
    resolveRuns([getScenario(id)], {
      quick: false,
      strategies: ["short-polling", "long-polling", "sse"],
      ...options,
    });

  it("accepts every shipped scenario, full and quick", () => {
    for (const id of [
      "steady",
      "burst",
      "idle",
      "ramp",
      "rate-sweep",
      "interval-sweep",
      "two-instances",
      "capacity",
    ]) {
      expect(() => checkPlanBounds(plan(id)), id).not.toThrow();
      expect(() => checkPlanBounds(plan(id, { quick: true })), id).not.toThrow();
    }
  });

  it("refuses a request rate above MAX_REQUESTS_PER_SEC, naming the run, the bound and the fix", () => {
    const runs = plan("interval-sweep", { clients: 10_000 });
    expect(() => checkPlanBounds(runs)).toThrow(
      `plan refused: interval-sweep [250 ms] short-polling implies 40000 requests/s (10000 clients), above MAX_REQUESTS_PER_SEC ${MAX_REQUESTS_PER_SEC} per driver process; lower --clients or add --driver-workers.`,
    );
  });

  it("refuses a plan longer than MAX_PLAN_MS", () => {
    const runs = plan("rate-sweep", { durationMs: 600_000 });
    expect(() => checkPlanBounds(runs)).toThrow(
      /^plan refused: about \d+ min estimated, above MAX_PLAN_MS \(60 min\); run fewer scenarios or give a shorter --duration\.$/,
    );
    expect(MAX_PLAN_MS).toBe(3_600_000);
  });

  it("takes its bounds from src/model/param-limits.ts", () => {
    expect(MAX_RUN_CLIENTS).toBe(PARAM_LIMITS.clients.max);
    expect(MAX_RUN_WINDOW_MS).toBe(PARAM_LIMITS.durationMs.max);
    expect(MAX_NOTIFICATIONS_PER_SEC).toBe(PLAN_LIMITS.notificationsPerSec.max);
    expect(MAX_REQUESTS_PER_SEC).toBe(PLAN_LIMITS.requestsPerSec.max);
    expect(MAX_PLAN_MS).toBe(PLAN_LIMITS.planMs.max);
  });

  it("refuses a window or client count beyond the bounds (a hand-built run)", () => {
    const [base] = plan("steady");
    if (!base) throw new Error("no run");
    const withParams = (params: Partial<PlannedRun["params"]>): PlannedRun[] => [
      { ...base, params: { ...base.params, ...params } },
    ];
    expect(() => checkPlanBounds(withParams({ durationMs: 700_000 }))).toThrow(
      /above MAX_RUN_WINDOW_MS/,
    );
    expect(() => checkPlanBounds(withParams({ clients: 40_001 }))).toThrow(
      /above MAX_RUN_CLIENTS 40000/,
    );
    expect(() =>
      checkPlanBounds(withParams({ clients: 10_000, ratePerSec: 3, shortPollIntervalMs: 5_000 })),
    ).toThrow(/above MAX_NOTIFICATIONS_PER_SEC 20000/);
  });

  it("past 10,000 clients a run needs driver workers and server instances, a fault run refuses", () => {
    const [base] = plan("steady");
    if (!base) throw new Error("no run");
    const run = (params: Partial<PlannedRun["params"]>, extra: Partial<PlannedRun> = {}) => [
      { ...base, ...extra, params: { ...base.params, ...params } },
    ];
    expect(MAX_CLIENTS_PER_PROCESS).toBe(PLAN_LIMITS.clientsPerProcess.max);
    expect(() => checkPlanBounds(run({ clients: 10_000 }))).not.toThrow();
    expect(() => checkPlanBounds(run({ clients: 20_000, instances: 2 }))).toThrow(
      /20000 clients, above MAX_CLIENTS_PER_PROCESS 10000 per driver process .*add --driver-workers 2/,
    );
    expect(() => checkPlanBounds(run({ clients: 20_000 }), { driverWorkers: 2 })).toThrow(
      /on 1 server process, above MAX_CLIENTS_PER_PROCESS 10000 each .*add --instances 2/,
    );
    expect(() =>
      checkPlanBounds(run({ clients: 20_000, instances: 2 }), { driverWorkers: 2 }),
    ).not.toThrow();
    // an external target's descriptors are its own business; the driver's are ours
    expect(() =>
      checkPlanBounds(run({ clients: 20_000 }), { driverWorkers: 2, external: true }),
    ).not.toThrow();
    const fault = plan("server-restart")[0]?.fault ?? null;
    expect(fault).not.toBeNull();
    expect(() =>
      checkPlanBounds(run({ clients: 20_000, instances: 2 }, { fault }), { driverWorkers: 2 }),
    ).toThrow(/a fault run keeps its clients in one driver process/);
  });

  it("the request-rate bound is per driver process", () => {
    const [base] = plan("steady");
    if (!base) throw new Error("no run");
    const polling = [
      {
        ...base,
        strategy: "short-polling" as const,
        params: { ...base.params, clients: 10_000, shortPollIntervalMs: 250 },
      },
    ];
    // 40,000 requests/s: two processes' worth, not one's
    expect(() => checkPlanBounds(polling)).toThrow(
      /40000 requests\/s .*above MAX_REQUESTS_PER_SEC 20000 per driver process; lower --clients or add --driver-workers/,
    );
    expect(() => checkPlanBounds(polling, { driverWorkers: 1 })).toThrow(/per driver process/);
    expect(() => checkPlanBounds(polling, { driverWorkers: 2 })).not.toThrow();
  });

  it("implied request rate per strategy", () => {
    const [run] = plan("steady");
    if (!run) throw new Error("no run");
    const p = { ...run.params, clients: 1000, shortPollIntervalMs: 500, longPollHoldMs: 25_000 };
    expect(impliedRequestsPerSec("short-polling", p)).toBe(2000);
    expect(impliedRequestsPerSec("long-polling", p)).toBe(40 + 1000 * p.ratePerSec);
    expect(impliedRequestsPerSec("sse", p)).toBe(0);
  });
});

describe("errorRateAbortReason", () => {
  it("says nothing before MIN_REQUESTS_FOR_ERROR_RATE requests, however bad", () => {
    expect(errorRateAbortReason(MIN_REQUESTS_FOR_ERROR_RATE - 1, 199)).toBeNull();
    expect(errorRateAbortReason(0, 0)).toBeNull();
  });

  it("says nothing at or below MAX_ERROR_RATIO", () => {
    expect(MAX_ERROR_RATIO).toBe(0.5);
    expect(errorRateAbortReason(1000, 500)).toBeNull();
    expect(errorRateAbortReason(1000, 0)).toBeNull();
  });

  it("aborts above it, with the rate, the bound and the fix", () => {
    expect(errorRateAbortReason(1000, 730)).toBe(
      "aborted: error rate 73 % > 50 %: the server is failing; lower --clients",
    );
    expect(errorRateAbortReason(200, 101)).toMatch(/^aborted: error rate 51 %/);
    // Errors without a counted request (e.g. a refused SSE connect) still count.
    expect(errorRateAbortReason(10, 300)).toMatch(/^aborted: error rate 100 %/);
  });
});

describe("plans with repetitions", () => {
  it("refuses a repeated plan longer than MAX_PLAN_MS, naming the repetitions and the fix", () => {
    const runs = resolveRuns([getScenario("steady")], {
      quick: false,
      strategies: ["short-polling", "long-polling", "sse"],
      durationMs: 120_000,
      repeat: 10,
    });
    expect(() => checkPlanBounds(runs)).toThrow(
      /^plan refused: about \d+ min estimated for 30 runs \(3 x 10 repetitions\), above MAX_PLAN_MS \(60 min\); run fewer scenarios, fewer repetitions \(--repeat\) or give a shorter --duration\.$/,
    );
    // The same plan once fits.
    expect(() =>
      checkPlanBounds(
        resolveRuns([getScenario("steady")], {
          quick: false,
          strategies: ["short-polling", "long-polling", "sse"],
          durationMs: 120_000,
        }),
      ),
    ).not.toThrow();
  });

  it("describeRunCount names the repetitions, and runs that run once", () => {
    const steady = (repeat: number) =>
      resolveRuns([getScenario("steady")], { quick: true, strategies: STRATEGIES, repeat });
    expect(describeRunCount(steady(1))).toBe("3 runs");
    expect(describeRunCount(steady(3))).toBe("9 runs (3 x 3 repetitions)");
    const withCapacity = resolveRuns([getScenario("steady"), getScenario("capacity")], {
      quick: true,
      strategies: STRATEGIES,
      repeat: 3,
    });
    expect(describeRunCount(withCapacity)).toBe("11 runs (3 x 3 repetitions + 2 once)");
  });

  it("formatPlan: one row per step x strategy with its repetitions, and the totals line", () => {
    const runs = resolveRuns([getScenario("steady"), getScenario("burst")], {
      quick: false,
      strategies: ["short-polling", "sse"],
      repeat: 3,
    });
    const lines = formatPlan(runs).split("\n");
    expect(lines[0]).toMatch(/^scenario\s+step\s+strategy\s+reps\s+clients\s+window\s+est\. time$/);
    expect(lines).toHaveLength(4 + 2);
    // steady: 13.5 s per run (1 s ramp + 1 s warm-up + 8 s window + 2 s drain + overhead),
    // three of them.
    expect(lines[1]).toMatch(/^steady\s+-\s+short-polling\s+3\s+1000\s+0:08\s+0:41$/);
    expect(lines.at(-1)).toMatch(/^plan: 12 runs \(4 x 3 repetitions\), about \d+ min, peak /);
  });
});

describe("formatPlan", () => {
  it("prints one row per run and the totals", () => {
    const runs = resolveRuns([getScenario("steady"), getScenario("capacity")], {
      quick: false,
      strategies: ["short-polling", "sse"],
      repeat: 1,
    });
    const lines = formatPlan(runs).split("\n");
    expect(lines[0]).toMatch(/^scenario\s+step\s+strategy\s+clients\s+window\s+est\. time$/);
    expect(lines).toHaveLength(runs.length + 2);
    expect(lines[1]).toMatch(/^steady\s+-\s+short-polling\s+1000\s+0:08\s+0:14$/);
    expect(lines.at(-2)).toMatch(/^capacity\s+-\s+short-polling\s+50 conn\s+capacity\s+\d+:\d\d$/);
    const totals = planTotals(runs);
    expect(totals).toMatchObject({ runs: 3, peakClients: 1000, peakRequestsPerSec: 1000 });
    expect(lines.at(-1)).toBe(
      `plan: 3 runs, about ${Math.ceil(totals.estimatedMs / 60_000)} min, peak 1000 clients, peak ${totals.peakPublishesPerSec} publishes/s, peak 1000 requests/s`,
    );
  });
});
