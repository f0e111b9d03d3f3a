/** A run's energy figures from sampled timelines: means, the hour extrapolation, the sample's bounds. */
import { describe, expect, it } from "vitest";
import { replayRadio } from "./radio-model.ts";
import { RADIO_PROFILES } from "./radio-profiles.ts";
import { joulesToMah, runEnergy, SAMPLE_MAX_PACKETS } from "./run-energy.ts";

const lte = RADIO_PROFILES.lte;
const options = { profile: lte, clients: 1000, deliveredInWindow: 0, heartbeatMs: 15_000 };

describe("runEnergy", () => {
  it("averages the sampled clients and extrapolates the window to a user-hour", () => {
    const busy = Array.from({ length: 60 }, (_, k) => ({
      atMs: 1000 * k,
      bytesUp: 200,
      bytesDown: 300,
    }));
    const input = {
      fromMs: 0,
      toMs: 60_000,
      clients: [
        { clientIndex: 0, bursts: busy, truncated: false },
        { clientIndex: 10, bursts: [], truncated: false },
      ],
    };
    const e = runEnergy(input, { ...options, deliveredInWindow: 500 });
    if (e === null) throw new Error("two clients were sampled");
    const busyJ = replayRadio(lte, busy, { fromMs: 0, toMs: 60_000 }).energyJ;
    const idleJ = (lte.idlePowerMw * 60_000) / 1e6;
    expect(e.energyPerUserHourJ).toBeCloseTo(((busyJ + idleJ) / 2) * 60, 9);
    expect(e.energyPerUserHourMah).toBeCloseTo(joulesToMah(e.energyPerUserHourJ, 3.85), 9);
    // one client awake all the time, one never
    expect(e.highPowerShare).toBeCloseTo(0.5, 9);
    expect(e.promotionsPerUserHour).toBeCloseTo(0.5 * 60, 9);
    expect(e.energyPerDeliveredJ).toBeCloseTo((((busyJ + idleJ) / 2) * 1000) / 500, 9);
    expect(e.stateShare.idle).toBeCloseTo(0.5, 9);
    expect(e.shortWindow).toBe(false);
    expect(e.sample?.clientIndex).toBe(0);
    expect(e.sample?.packets).toHaveLength(60);
    expect(e.sample?.segments[0]).toEqual({
      state: "promotion",
      startMs: 0,
      endMs: 260.1,
      powerMw: 1210.7,
    });
  });

  it("3.85 V: 1 J is 0.0722 mAh", () => {
    expect(joulesToMah(1, 3.85)).toBeCloseTo(1 / 3.85 / 3.6, 12);
  });

  it("a window shorter than two tails says so; nothing sampled is null, not zero", () => {
    const input = {
      fromMs: 0,
      toMs: 1000,
      clients: [{ clientIndex: 0, bursts: [], truncated: false }],
    };
    expect(runEnergy(input, options)?.shortWindow).toBe(true);
    expect(runEnergy({ ...input, clients: [] }, options)).toBeNull();
  });

  it("bounds the chart sample and says how much of the window it shows", () => {
    const many = Array.from({ length: 1000 }, (_, k) => ({
      atMs: 100 * k,
      bytesUp: 0,
      bytesDown: 100,
    }));
    const e = runEnergy(
      { fromMs: 0, toMs: 100_000, clients: [{ clientIndex: 0, bursts: many, truncated: true }] },
      options,
    );
    expect(e?.truncated).toBe(true);
    expect(e?.sample?.packets.length).toBeLessThanOrEqual(SAMPLE_MAX_PACKETS);
    expect(e?.sample?.shownMs).toBeLessThan(100_000);
    for (const s of e?.sample?.segments ?? [])
      expect(s.endMs).toBeLessThanOrEqual(e?.sample?.shownMs ?? 0);
  });
});
