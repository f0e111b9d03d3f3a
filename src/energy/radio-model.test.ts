/**
 * The radio model against timelines whose energy is worked out by hand (on a profile with round
 * numbers, so every term can be checked on paper), the published LTE profile on one packet, and
 * the invariants any replay must keep.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  promotionEnergyJ,
  type RadioSegment,
  replayRadio,
  type TrafficBurst,
  transferMicrojoules,
} from "./radio-model.ts";
import {
  LTE_PARAMETERS,
  RADIO_PROFILES,
  type RadioProfile,
  tailMsOf,
  withTailMs,
} from "./radio-profiles.ts";

/**
 * Round numbers: promotion 100 ms at 1000 mW; idle 10 mW; tail 100 ms continuous at 800 mW then
 * 900 ms DRX at 500 mW; 8 Mbit/s both ways, so 1000 bytes take 1 ms; beta 2000 mW, alpha_d
 * 100 mW/Mbps, alpha_u 1000 mW/Mbps. 1000 bytes down: 100 x 0.008 = 0.8 mJ + 2000 mW x 1 ms
 * = 2 mJ, so 2800 µJ per transfer.
 */
const ROUND: RadioProfile = {
  id: "lte",
  label: "round numbers",
  promotion: { durationMs: 100, powerMw: 1000 },
  idlePowerMw: 10,
  tail: [
    { state: "continuous", durationMs: 100, powerMw: 800 },
    { state: "long-drx", durationMs: 900, powerMw: 500 },
  ],
  data: {
    alphaUpMwPerMbps: 1000,
    alphaDownMwPerMbps: 100,
    betaMw: 2000,
    uplinkMbps: 8,
    downlinkMbps: 8,
  },
};

const down = (atMs: number, bytesDown = 1000): TrafficBurst => ({ atMs, bytesUp: 0, bytesDown });
const WINDOW = { fromMs: 0, toMs: 5000 };
/** µJ -> J. */
const J = (microjoules: number) => microjoules / 1e6;

describe("replayRadio on hand-computed timelines", () => {
  it("one packet: idle, promotion, transfer, the whole tail, idle again", () => {
    const r = replayRadio(ROUND, [down(1000)], WINDOW);
    // idle 0..1000 at 10 mW = 10,000 µJ; promotion 1000..1100 = 100,000; transfer
    // 1100..1101 = 2,800; continuous 1101..1201 = 80,000; DRX 1201..2101 = 450,000;
    // idle 2101..5000 = 28,990
    expect(transferMicrojoules(ROUND, down(0))).toBeCloseTo(2800, 9);
    expect(r.energyJ).toBeCloseTo(J(10_000 + 100_000 + 2_800 + 80_000 + 450_000 + 28_990), 9);
    expect(r.promotions).toBe(1);
    expect(r.highPowerMs).toBeCloseTo(1101, 9);
    expect(r.stateMs).toEqual({
      idle: expect.closeTo(3899, 9),
      promotion: expect.closeTo(100, 9),
      data: expect.closeTo(1, 9),
      continuous: expect.closeTo(100, 9),
      "long-drx": expect.closeTo(900, 9),
    });
  });

  it("two packets inside one tail: one promotion, the tail restarts at the second", () => {
    const r = replayRadio(ROUND, [down(1000), down(1500)], WINDOW);
    // as above up to the DRX, cut after 299 ms (1201..1500 = 149,500), then transfer 2,800,
    // continuous 80,000, DRX 450,000 (1601..2501), idle 2501..5000 = 24,990
    const expected = 10_000 + 100_000 + 2_800 + 80_000 + 149_500 + 2_800 + 80_000 + 450_000;
    expect(r.energyJ).toBeCloseTo(J(expected + 24_990), 9);
    expect(r.promotions).toBe(1);
    expect(r.highPowerMs).toBeCloseTo(1501, 9);
  });

  it("two packets a tail apart: each pays its own promotion and tail", () => {
    const r = replayRadio(ROUND, [down(1000), down(3000)], WINDOW);
    const perPacket = 100_000 + 2_800 + 80_000 + 450_000;
    const idleMs = 5000 - 2 * 1101;
    expect(r.energyJ).toBeCloseTo(J(2 * perPacket + idleMs * 10), 9);
    expect(r.promotions).toBe(2);
  });

  it("continuous polling every 200 ms: awake the whole window after one promotion", () => {
    const polls = Array.from({ length: 25 }, (_, k) => down(200 * k));
    const r = replayRadio(ROUND, polls, WINDOW);
    // promotion 0..100; 25 transfers; continuous 99 ms (101..200) + 24 x 100 ms;
    // DRX 24 x 99 ms (the last one clipped at 5000)
    const expected = 100_000 + 25 * 2_800 + (99 + 2400) * 800 + 24 * 99 * 500;
    expect(r.energyJ).toBeCloseTo(J(expected), 9);
    expect(r.promotions).toBe(1);
    expect(r.highPowerMs).toBeCloseTo(5000, 9);
    expect(r.stateMs.idle).toBeUndefined();
  });

  it("an extra packet that keeps the radio connected can spare a later promotion", () => {
    // without B: A's tail ends at 1101, C at 1110 wakes the radio again (promotion 100,000 µJ)
    const without = replayRadio(ROUND, [down(0), down(1110)], WINDOW);
    // 100,000 + 2,800 + 80,000 + 450,000 + 90 (idle 9 ms) + 100,000 + 2,800 + 80,000 +
    // 450,000 + 27,890 (idle 2211..5000)
    expect(without.energyJ).toBeCloseTo(J(1_293_580), 9);
    // with B at 1000: C lands in B's tail; DRX 201..1000 = 399,500, B 2,800 + 80,000, DRX
    // 1101..1110 = 4,500, C 2,800 + 80,000 + 450,000, idle 2111..5000 = 28,890
    const withB = replayRadio(ROUND, [down(0), down(1000), down(1110)], WINDOW);
    expect(withB.energyJ).toBeCloseTo(J(1_231_290), 9);
    expect([without.promotions, withB.promotions]).toEqual([2, 1]);
  });

  it("a packet arriving during a promotion waits for it and moves its bytes after the first", () => {
    const r = replayRadio(ROUND, [down(1000), down(1050)], { ...WINDOW, keepSegments: true });
    const states = (r.segments as RadioSegment[]).map((s) => [s.state, s.startMs, s.endMs]);
    expect(states.slice(0, 4)).toEqual([
      ["idle", 0, 1000],
      ["promotion", 1000, 1100],
      ["data", 1100, 1102],
      ["continuous", 1102, 1202],
    ]);
    expect(r.promotions).toBe(1);
  });

  it("a burst before the window sets the state the window starts in, and only the window counts", () => {
    // the packet at -500 ms: transfer ends at -399, so the window opens 399 ms into the tail
    const r = replayRadio(ROUND, [down(-500)], { fromMs: 0, toMs: 1000 });
    // DRX 0..601 at 500 mW, then idle 601..1000 at 10 mW; the promotion was before the window
    expect(r.energyJ).toBeCloseTo(J(601 * 500 + 399 * 10), 9);
    expect(r.promotions).toBe(0);
  });

  it("the published LTE profile: one small packet costs a promotion plus an 11.6 s tail", () => {
    const lte = RADIO_PROFILES.lte;
    const r = replayRadio(lte, [down(0, 500)], { fromMs: 0, toMs: 20_000 });
    expect(tailMsOf(lte)).toBe(LTE_PARAMETERS.tailMs);
    // 260.1 ms x 1210.7 mW = 0.315 J; the tail ~ 11.6 s x ~1.08 W = 12.5 J; idle ~ 0.16 J
    expect(r.energyJ).toBeGreaterThan(12.5);
    expect(r.energyJ).toBeLessThan(13.5);
    expect(promotionEnergyJ(lte)).toBeCloseTo(0.2601 * 1.2107, 6);
    expect(r.highPowerMs).toBeCloseTo(260.1 + 11_576 + (500 * 8) / 13 / 1000, 6);
  });
});

describe("replayRadio invariants", () => {
  const profiles = [ROUND, ...Object.values(RADIO_PROFILES)];
  const burst = fc.record({
    atMs: fc.double({ min: 0, max: 60_000, noNaN: true }),
    bytesUp: fc.integer({ min: 0, max: 50_000 }),
    bytesDown: fc.integer({ min: 1, max: 50_000 }),
  });
  const timeline = fc.array(burst, { maxLength: 40 });
  const window = { fromMs: 0, toMs: 60_000 };

  it("an idle client costs the idle power only", () => {
    for (const profile of profiles) {
      const r = replayRadio(profile, [], window);
      expect(r.energyJ).toBeCloseTo((profile.idlePowerMw * 60_000) / 1e6, 9);
      expect(r.highPowerMs).toBe(0);
      expect(r.promotions).toBe(0);
    }
  });

  it("time in the states adds up to the window, and no client costs less than idling", () => {
    fc.assert(
      fc.property(fc.constantFrom(...profiles), timeline, (profile, bursts) => {
        const r = replayRadio(profile, bursts, window);
        const total = Object.values(r.stateMs).reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(60_000, 6);
        expect(r.energyJ).toBeGreaterThanOrEqual((profile.idlePowerMw * 60_000) / 1e6 - 1e-9);
        expect(r.highPowerMs).toBeLessThanOrEqual(60_000 + 1e-6);
      }),
    );
  });

  it("more traffic never costs less, except by the promotions an extra packet spares", () => {
    // A packet that keeps the radio connected can spare a later promotion: the real state
    // machine does this too, so the bound is "at most one promotion's energy per spared one".
    fc.assert(
      fc.property(fc.constantFrom(...profiles), timeline, burst, (profile, bursts, extra) => {
        const without = replayRadio(profile, bursts, window);
        const withExtra = replayRadio(profile, [...bursts, extra], window);
        const spared = Math.max(0, without.promotions - withExtra.promotions);
        expect(withExtra.energyJ + spared * promotionEnergyJ(profile)).toBeGreaterThanOrEqual(
          without.energyJ - 1e-9,
        );
      }),
    );
  });

  it("while the radio never sleeps, more traffic or more bytes never cost less", () => {
    // gaps under half the tail: no promotion after the first one can be spared
    const dense = fc
      .array(
        fc.record({
          gapMs: fc.double({ min: 0, max: 4_000, noNaN: true }),
          bytesUp: fc.integer({ min: 0, max: 5_000 }),
          bytesDown: fc.integer({ min: 1, max: 5_000 }),
        }),
        { minLength: 1, maxLength: 30 },
      )
      .map((items) => {
        let at = 0;
        return items.map(({ gapMs, bytesUp, bytesDown }) => {
          at += gapMs;
          return { atMs: at, bytesUp, bytesDown };
        });
      });
    const lte = RADIO_PROFILES.lte;
    fc.assert(
      fc.property(
        dense,
        fc.nat({ max: 1_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (bursts, more, where) => {
          const base = replayRadio(lte, bursts, window);
          const last = bursts.at(-1) as TrafficBurst;
          const inserted = { atMs: last.atMs * where, bytesUp: 0, bytesDown: 1 + more };
          const first = bursts[0] as TrafficBurst;
          if (inserted.atMs < first.atMs) inserted.atMs = first.atMs;
          const busier = replayRadio(lte, [...bursts, inserted], window);
          const bigger = replayRadio(
            lte,
            bursts.map((b) => ({ ...b, bytesDown: b.bytesDown + more })),
            window,
          );
          expect(busier.energyJ).toBeGreaterThanOrEqual(base.energyJ - 1e-9);
          expect(bigger.energyJ).toBeGreaterThanOrEqual(base.energyJ - 1e-9);
        },
      ),
    );
  });

  it("the inactivity timer override sets the tail, and a shorter one costs a lone packet less", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 11_576, noNaN: true }), (tailMs) => {
        const lte = RADIO_PROFILES.lte;
        const shorter = withTailMs(lte, tailMs);
        expect(tailMsOf(shorter)).toBeCloseTo(tailMs, 6);
        const once = [down(1000, 500)];
        expect(replayRadio(shorter, once, window).energyJ).toBeLessThanOrEqual(
          replayRadio(lte, once, window).energyJ + 1e-9,
        );
      }),
    );
  });
});
