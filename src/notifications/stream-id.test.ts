import { describe, expect, it } from "vitest";
import { compareStreamIds, isStreamId } from "./stream-id.ts";

describe("isStreamId", () => {
  it.each(["0-0", "1-0", "1795568466397-12", "18446744073709551615-18446744073709551614"])(
    "accepts %s",
    (id) => expect(isStreamId(id)).toBe(true),
  );
  it.each([
    "",
    "1",
    "-1-0",
    "1-",
    "a-b",
    "1-0\n",
    "1-0\0",
    " 1-0",
    "18446744073709551616-0", // above u64
    "18446744073709551615-18446744073709551615", // nothing can follow the largest id
    `${"0".repeat(21)}-0`,
  ])("rejects %j", (id) => expect(isStreamId(id)).toBe(false));
});

describe("compareStreamIds", () => {
  it("orders by milliseconds, then by sequence, numerically", () => {
    expect(compareStreamIds("9-0", "10-0")).toBeLessThan(0);
    expect(compareStreamIds("10-2", "10-10")).toBeLessThan(0);
    expect(compareStreamIds("10-10", "10-10")).toBe(0);
    expect(compareStreamIds("11-0", "10-99")).toBeGreaterThan(0);
  });
});
