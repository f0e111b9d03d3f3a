import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  clientBoundsProblem,
  DEFAULT_CLIENT_BOUNDS,
  formatBytes,
  formatMs,
} from "./client-bounds.ts";
import {
  copyClientStats,
  countError,
  createClientStats,
  diffErrorsByReason,
  MAX_ERROR_REASONS,
  MAX_REASON_CHARS,
  OTHER_ERROR_REASONS,
  retryDelayMs,
} from "./client-context.ts";

describe("backoffDelayMs", () => {
  const options = (random: () => number) => ({ floorMs: 100, capMs: 30_000, random });

  it("one failure waits exactly the normal delay: a server restart costs what it always did", () => {
    expect(
      backoffDelayMs(
        1000,
        1,
        options(() => 0.99),
      ),
    ).toBe(1000);
    expect(
      backoffDelayMs(
        2000,
        1,
        options(() => 0),
      ),
    ).toBe(2000);
  });

  it("repeated failures: uniform between the normal delay and a doubling ceiling, capped", () => {
    const low = options(() => 0);
    const high = options(() => 1);
    expect(backoffDelayMs(1000, 2, low)).toBe(1000);
    expect(backoffDelayMs(1000, 2, high)).toBe(2000);
    expect(backoffDelayMs(1000, 3, high)).toBe(4000);
    expect(backoffDelayMs(1000, 6, high)).toBe(30_000);
    expect(backoffDelayMs(1000, 1000, high)).toBe(30_000);
    expect(
      backoffDelayMs(
        1000,
        4,
        options(() => 0.5),
      ),
    ).toBe(1000 + 0.5 * 7000);
  });

  it("a Retry-After of 0 is raised to the floor, so no failure loops at once", () => {
    expect(
      backoffDelayMs(
        0,
        1,
        options(() => 1),
      ),
    ).toBe(100);
    expect(
      backoffDelayMs(
        0,
        3,
        options(() => 1),
      ),
    ).toBe(400);
  });

  it("a normal delay above the cap is kept (the server asked for it), never doubled", () => {
    expect(
      backoffDelayMs(
        45_000,
        5,
        options(() => 1),
      ),
    ).toBe(45_000);
    expect(
      backoffDelayMs(
        Number.POSITIVE_INFINITY,
        1,
        options(() => 1),
      ),
    ).toBe(30_000);
  });

  it("many clients that fail together come back spread out", () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const waits = Array.from({ length: 200 }, () =>
      backoffDelayMs(1000, 5, { floorMs: 100, capMs: 30_000, random }),
    );
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(16_000);
    expect(new Set(waits.map((w) => Math.floor(w / 1000))).size).toBeGreaterThan(10);
  });
});

describe("retryDelayMs", () => {
  it("honours Retry-After within [retryMinMs, retryMaxMs], else the fallback", () => {
    const bounds = { retryMinMs: 100, retryMaxMs: 60_000 };
    expect(retryDelayMs("1", 1000, bounds)).toBe(1000);
    expect(retryDelayMs("0", 1000, bounds)).toBe(100);
    expect(retryDelayMs("1000000000000", 1000, bounds)).toBe(60_000);
    expect(retryDelayMs("soon", 1000, bounds)).toBe(1000);
    expect(retryDelayMs(undefined, 2000, bounds)).toBe(2000);
  });
});

describe("errors by reason", () => {
  it("counts errors and their reasons together; a copy shares nothing", () => {
    const stats = createClientStats();
    countError(stats, "HTTP 503");
    countError(stats, "HTTP 503");
    countError(stats, "no bytes for 45 s");
    expect(stats.errors).toBe(3);
    expect(stats.errorsByReason).toEqual({ "HTTP 503": 2, "no bytes for 45 s": 1 });
    const copy = copyClientStats(stats);
    countError(stats, "HTTP 503");
    expect(copy.errorsByReason["HTTP 503"]).toBe(2);
    expect(diffErrorsByReason(copy.errorsByReason, stats.errorsByReason)).toEqual({
      "HTTP 503": 1,
    });
  });

  it("keeps at most MAX_ERROR_REASONS reasons of bounded length, whatever a target sends", () => {
    const stats = createClientStats();
    for (let i = 0; i < 1000; i++) countError(stats, `redirect to /r/${i} not followed`);
    countError(stats, `redirect to /${"x".repeat(10_000)}`);
    const reasons = Object.keys(stats.errorsByReason);
    expect(reasons).toHaveLength(MAX_ERROR_REASONS);
    expect(stats.errorsByReason[OTHER_ERROR_REASONS]).toBe(1000 - (MAX_ERROR_REASONS - 1) + 1);
    expect(Math.max(...reasons.map((r) => r.length))).toBeLessThanOrEqual(MAX_REASON_CHARS);
    // A reason already kept is still counted under its own name.
    countError(stats, "redirect to /r/0 not followed");
    expect(stats.errorsByReason["redirect to /r/0 not followed"]).toBe(2);
    expect(stats.errors).toBe(1002);
  });
});

describe("bounds", () => {
  it("the defaults are valid, and what the issue asks for", () => {
    expect(clientBoundsProblem({ ...DEFAULT_CLIENT_BOUNDS })).toBeNull();
    expect(DEFAULT_CLIENT_BOUNDS).toMatchObject({
      maxSseLineBytes: 1024 * 1024,
      maxSseEventBytes: 1024 * 1024,
      maxBodyBytes: 8 * 1024 * 1024,
    });
    // The stall allowance exceeds our servers' 15 s heartbeat.
    expect(DEFAULT_CLIENT_BOUNDS.sseIdleTimeoutMs).toBeGreaterThan(15_000);
  });

  it("names a bound out of range", () => {
    expect(clientBoundsProblem({ ...DEFAULT_CLIENT_BOUNDS, maxBodyBytes: 0 })).toMatch(
      /^maxBodyBytes must be a whole number from 1/,
    );
    expect(clientBoundsProblem({ ...DEFAULT_CLIENT_BOUNDS, retryMaxMs: 2 ** 31 })).toMatch(
      /^retryMaxMs must be/,
    );
    expect(
      clientBoundsProblem({ ...DEFAULT_CLIENT_BOUNDS, retryMinMs: 5000, retryMaxMs: 1000 }),
    ).toBe("retryMinMs 5000 exceeds retryMaxMs 1000");
  });

  it("formats sizes and times as people read them", () => {
    expect(formatBytes(1024 * 1024)).toBe("1 MiB");
    expect(formatBytes(64 * 1024)).toBe("64 KiB");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(100)).toBe("100 B");
    expect(formatMs(45_000)).toBe("45 s");
    expect(formatMs(1500)).toBe("1.5 s");
    expect(formatMs(250)).toBe("250 ms");
  });
});
