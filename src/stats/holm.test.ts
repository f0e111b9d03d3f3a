// Holm–Bonferroni known answers, worked by hand from Holm (1979), "A simple sequentially
// rejective multiple test procedure", Scand. J. Statist. 6:65-70: sort ascending, multiply the
// k-th smallest of m by (m - k + 1), cap at 1, and make the sequence non-decreasing.
// p = [0.01, 0.04, 0.03, 0.005]: sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06,
// 0.04*1 = 0.04 -> max(0.06, 0.04) = 0.06; back in input order [0.03, 0.06, 0.06, 0.02].
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holmAdjust } from "./holm.ts";

function expectCloseList(actual: (number | null)[], expected: (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, index) => {
    if (value === null) expect(actual[index]).toBeNull();
    else expect(actual[index]).toBeCloseTo(value, 12);
  });
}

describe("holmAdjust", () => {
  it("adjusts a textbook list", () => {
    expectCloseList(holmAdjust([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]);
  });

  it("passes nulls through without counting them", () => {
    expectCloseList(holmAdjust([null, 0.01, null, 0.04]), [null, 0.02, null, 0.04]);
    expect(holmAdjust([null, null])).toEqual([null, null]);
    expect(holmAdjust([])).toEqual([]);
  });

  it("caps at 1 and leaves a single p-value alone", () => {
    expectCloseList(holmAdjust([0.5, 0.6, 0.7]), [1, 1, 1]);
    expectCloseList(holmAdjust([0.2]), [0.2]);
  });

  it("gives tied p-values the same adjusted value", () => {
    expectCloseList(holmAdjust([0.02, 0.02, 0.5]), [0.06, 0.06, 0.5]);
  });

  it("rejects values that are not probabilities", () => {
    expect(() => holmAdjust([0.1, 1.2])).toThrow(/\[1\] must be in \[0, 1\]/);
    expect(() => holmAdjust([Number.NaN])).toThrow(/must be in/);
  });

  it("property: adjusted >= raw, <= 1, and ordered like the raw p-values", () => {
    const pList = fc.array(fc.oneof(fc.constant(null), fc.double({ min: 0, max: 1, noNaN: true })));
    fc.assert(
      fc.property(pList, (raw) => {
        const adjusted = holmAdjust(raw);
        return raw.every((p, i) => {
          const q = adjusted[i];
          if (p === null) return q === null;
          if (q === null || q === undefined || q < p || q > 1) return false;
          return raw.every((p2, j) => p2 === null || p2 > p || (adjusted[j] ?? 2) <= q);
        });
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
