import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../util/usage-error.ts";
import { MAX_PID, takeTargetPids } from "./target-pid-flag.ts";

describe("--target-pid", () => {
  it("takes repeated flags, comma lists and = forms out of argv, in order", () => {
    expect(
      takeTargetPids([
        "--scenario",
        "steady",
        "--target-pid",
        "12",
        "--target-pid=13,14",
        "--quick",
      ]),
    ).toEqual({ argv: ["--scenario", "steady", "--quick"], pids: [12, 13, 14] });
    expect(takeTargetPids(["--quick"])).toEqual({ argv: ["--quick"], pids: [] });
  });

  it("names the flag and the fix on bad input", () => {
    expect(() => takeTargetPids(["--target-pid"])).toThrow(
      "--target-pid needs a value, e.g. --target-pid 12345",
    );
    expect(() => takeTargetPids(["--target-pid", "nginx"])).toThrow(
      /^--target-pid 'nginx' is not a process id/,
    );
    expect(() => takeTargetPids(["--target-pid", "0"])).toThrow(/is not a process id/);
    expect(() => takeTargetPids(["--target-pid", String(MAX_PID + 1)])).toThrow(
      /is not a process id/,
    );
    expect(() => takeTargetPids(["--target-pid", "5,5"])).toThrow("--target-pid 5 was given twice");
  });

  it("any value gives pids in range or a UsageError naming the flag", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        try {
          const { pids } = takeTargetPids(["--target-pid", value]);
          for (const pid of pids) {
            expect(Number.isInteger(pid) && pid >= 1 && pid <= MAX_PID).toBe(true);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).toMatch(/^--target-pid /);
        }
      }),
    );
  });
});
