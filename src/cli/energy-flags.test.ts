/** The radio energy flags of `npm run bench`: defaults, values, and one clear message per bad input. */
import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "./bench-options.ts";
import { benchUsageErrorOf, TARGET_ARGV } from "./test-support/usage-error.ts";

describe("--radio-profile, --radio-tail-ms, --heartbeat-ms", () => {
  it("default to LTE with its own tail and the servers' own heartbeat", () => {
    expect(parseBenchOptions([]).energy).toEqual({
      radioProfile: "lte",
      radioTailMs: null,
      heartbeatMs: null,
    });
  });

  it("take a profile, a tail and a heartbeat", () => {
    const options = parseBenchOptions([
      "--radio-profile",
      "3G",
      "--radio-tail-ms",
      "5000",
      "--heartbeat-ms",
      "30000",
    ]);
    expect(options.energy).toEqual({ radioProfile: "3g", radioTailMs: 5000, heartbeatMs: 30_000 });
  });

  it.each([
    [["--radio-profile", "5g"], "--radio-profile '5g' is not a radio profile; give one of lte, 3g"],
    [
      ["--radio-tail-ms", "2.5s"],
      "--radio-tail-ms '2.5s' is not a whole number; give one from 0 to 600000.",
    ],
    [
      ["--radio-tail-ms", "700000"],
      "--radio-tail-ms 700000 is out of range; give one from 0 to 600000.",
    ],
    [["--heartbeat-ms", "0"], "--heartbeat-ms 0 is out of range; give one from 1 to 3600000."],
    [
      ["--heartbeat-ms", "60000"],
      "--heartbeat-ms 60000 is not below the clients' SSE idle bound (45000 ms)",
    ],
  ])("%j is refused with a message naming the flag and the fix", (argv, message) => {
    expect(benchUsageErrorOf(argv)).toContain(message);
  });

  it("refuses --heartbeat-ms against a --target (its heartbeat is the target's own)", () => {
    expect(() => parseBenchOptions([...TARGET_ARGV, "--heartbeat-ms", "5000"])).toThrow(
      "--heartbeat-ms sets our servers' heartbeat, and --target measures a server of yours",
    );
  });
});
