import { describe, expect, test } from "vitest";
import { formatBytes, formatLatencyUs, formatNumber, formatPercent } from "./format.ts";

describe("formatting", () => {
  test("null is n/a, never 0", () => {
    expect(formatNumber(null)).toBe("n/a");
    expect(formatLatencyUs(null)).toBe("n/a");
    expect(formatBytes(null)).toBe("n/a");
    expect(formatPercent(null)).toBe("n/a");
    expect(formatNumber(0)).toBe("0");
  });

  test("units read naturally", () => {
    expect(formatLatencyUs(850)).toBe("850 µs");
    expect(formatLatencyUs(12_345)).toBe("12.3 ms");
    expect(formatLatencyUs(2_500_000)).toBe("2.50 s");
    expect(formatBytes(1536)).toBe("1.50 KiB");
    expect(formatNumber(0.08333)).toBe("0.0833");
    expect(formatNumber(123_456)).toBe("123,456");
    expect(formatPercent(0.125)).toBe("+12.5 %");
  });
});
