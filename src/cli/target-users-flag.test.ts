import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TARGET_USERS_LIMITS } from "../model/target-users.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseTargetUsers } from "./target-users-flag.ts";

describe("--target-users", () => {
  it("reads the ways engineers write user counts", () => {
    expect(parseTargetUsers("200000")).toBe(200_000);
    expect(parseTargetUsers("200,000")).toBe(200_000);
    expect(parseTargetUsers("200_000")).toBe(200_000);
    expect(parseTargetUsers("200k")).toBe(200_000);
    expect(parseTargetUsers("1.5M")).toBe(1_500_000);
    expect(parseTargetUsers(" 40K ")).toBe(40_000);
  });

  it("names the flag and the fix on bad input", () => {
    expect(() => parseTargetUsers("lots")).toThrow(
      /--target-users 'lots' is not a user count; give a whole number from 1 to/,
    );
    expect(() => parseTargetUsers("0")).toThrow(/--target-users 0 is out of range/);
    expect(() => parseTargetUsers("-5")).toThrow(UsageError);
    expect(() => parseTargetUsers("1.2345k")).toThrow(/not a whole number of users/);
    expect(() => parseTargetUsers("2000000000")).toThrow(/out of range/);
  });

  it("any input gives a count within the limits or a UsageError, never another error", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          const value = parseTargetUsers(text);
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(TARGET_USERS_LIMITS.min);
          expect(value).toBeLessThanOrEqual(TARGET_USERS_LIMITS.max);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).toMatch(/^--target-users /);
        }
      }),
    );
  });
});
