import { describe, expect, it } from "vitest";
import { BENCH_HELP, parseBenchOptions } from "./bench-options.ts";
import { benchUsageErrorOf } from "./test-support/usage-error.ts";
import { parseRate, WORKLOAD_PARAM_FLAGS } from "./workload-flags.ts";

describe("workload flags", () => {
  it("every parameter but --clients/--duration/--instances has a flag, all in --help", () => {
    expect(WORKLOAD_PARAM_FLAGS.map((f) => f.flag)).toEqual([
      "rate",
      "publish-model",
      "fanout",
      "poll-interval",
      "jitter",
      "hold",
      "ramp",
      "warmup",
      "drain",
      "payload-bytes",
    ]);
    for (const { flag } of WORKLOAD_PARAM_FLAGS) expect(BENCH_HELP).toContain(`--${flag} `);
    for (const flag of ["--history", "--sweep", "--scenario-file"])
      expect(BENCH_HELP).toContain(flag);
  });

  it("reads values as people write them, in each parameter's unit", () => {
    const { workload } = parseBenchOptions([
      "--rate",
      "1/min",
      "--payload-bytes",
      "2KiB",
      "--poll-interval",
      "5s",
      "--hold",
      "30s",
      "--fanout",
      "all-users",
      "--publish-model",
      "fixed",
      "--ramp",
      "500ms",
      "--warmup",
      "1s",
      "--drain",
      "3s",
      "--jitter",
      "20%",
      "--history",
      "500",
    ]);
    expect(workload.overrides).toEqual({
      ratePerSec: 1 / 60,
      payloadBytes: 2_048,
      shortPollIntervalMs: 5_000,
      longPollHoldMs: 30_000,
      fanout: "all-users",
      publishModel: "fixed",
      rampMs: 500,
      warmupMs: 1_000,
      drainMs: 3_000,
      jitterRatio: 0.2,
    });
    expect(workload.historyMaxLen).toBe(500);
    expect(parseRate("5/s", "--rate")).toBe(5);
    expect(parseRate("0.1", "--rate")).toBe(0.1);
    expect(parseRate("2/h", "--rate")).toBe(2 / 3_600);
  });

  it("bad values: one line naming the flag, the value and the fix", () => {
    expect(benchUsageErrorOf(["--rate", "fast"])).toBe(
      "--rate 'fast' is not a rate; give notifications per user, e.g. 0.1, 5/s, 1/min or 2/h.",
    );
    expect(benchUsageErrorOf(["--rate", "-1"])).toMatch(/^--rate '-1' is not a rate/);
    expect(benchUsageErrorOf(["--rate", "200/s"])).toBe(
      "--rate 200/s is out of range; give one from 0/s to 100/s (notifications per user per second).",
    );
    expect(benchUsageErrorOf(["--poll-interval", "5"])).toBe(
      "--poll-interval 5 is out of range; give one from 10ms to 1m, e.g. --poll-interval 1s.",
    );
    expect(benchUsageErrorOf(["--payload-bytes", "1MiB"])).toMatch(
      /^--payload-bytes 1MiB is out of range; give one from 0 bytes to 65536 bytes/,
    );
    expect(benchUsageErrorOf(["--fanout", "everyone"])).toBe(
      "--fanout 'everyone' is not allowed; use one of per-user, all-users.",
    );
    expect(benchUsageErrorOf(["--jitter", "2"])).toMatch(
      /^--jitter 2 is out of range; give one from 0 to 1/,
    );
    expect(benchUsageErrorOf(["--rate", "1", "--rate", "2"])).toBe(
      "--rate was given more than once; give it once.",
    );
  });

  it("--sweep: any numeric parameter by name or flag, values in its syntax", () => {
    expect(parseBenchOptions(["--sweep", "rate=1/min,1/s"]).workload.sweep).toEqual({
      parameter: "ratePerSec",
      steps: [
        { label: "1/min", value: 1 / 60 },
        { label: "1/s", value: 1 },
      ],
    });
    expect(parseBenchOptions(["--sweep", "payloadBytes=200,2KiB"]).workload.sweep?.steps).toEqual([
      { label: "200", value: 200 },
      { label: "2KiB", value: 2_048 },
    ]);
    expect(benchUsageErrorOf(["--sweep", "fanout=a,b"])).toMatch(
      /^--sweep 'fanout' is not numeric; sweep one of/,
    );
    expect(benchUsageErrorOf(["--sweep", "speed=1"])).toMatch(
      /^--sweep 'speed' is not a parameter/,
    );
    expect(benchUsageErrorOf(["--sweep", "rate"])).toMatch(/^--sweep 'rate' has no '='/);
    expect(benchUsageErrorOf(["--sweep", "rate=1,,2"])).toMatch(/has an empty value/);
    expect(benchUsageErrorOf(["--sweep", "rate=1,1/s"])).toBe(
      "--sweep ratePerSec: '1/s' repeats a value; give each once.",
    );
    expect(benchUsageErrorOf(["--sweep", "rate=1,2", "--rate", "3"])).toBe(
      "--sweep ratePerSec and --rate both set ratePerSec; drop one of them.",
    );
    expect(benchUsageErrorOf(["--sweep", "clients=10,20", "--clients", "5"])).toBe(
      "--sweep clients and --clients both set clients; drop one of them.",
    );
  });

  it("--scenario-file: repeatable, alone runs the file's scenarios, --scenario may name them", () => {
    const file = "examples/chat-unread-badge.json";
    const other = "examples/rare-alerts.json";
    expect(parseBenchOptions(["--scenario-file", file]).scenarios).toEqual(["chat-unread-badge"]);
    expect(
      parseBenchOptions(["--scenario-file", file, `--scenario-file=${other}`]).scenarios,
    ).toEqual(["chat-unread-badge", "rare-alerts"]);
    expect(
      parseBenchOptions(["--scenario-file", file, "--scenario", "steady,chat-unread-badge"])
        .scenarios,
    ).toEqual(["steady", "chat-unread-badge"]);
    expect(benchUsageErrorOf(["--scenario-file"])).toMatch(/^--scenario-file needs a value/);
    expect(benchUsageErrorOf(["--scenario-file", file, "--scenario-file", file])).toMatch(
      /'chat-unread-badge' is also in examples\/chat-unread-badge\.json/,
    );
  });
});
