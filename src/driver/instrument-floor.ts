/**
 * The instrument's own floor: what the driver measures when there is no server at all. The
 * driver's publisher publishes to a probe user through the same Redis the servers use, and a
 * CursorFollower inside the driver (the servers' own read path: register, read, re-read on the
 * wake-up hint) receives; latency is from the intended send time, exactly as in a run. What is
 * left is publisher issue lag + Redis script + Pub/Sub hint + stream read + the driver's event
 * loop: no latency a run reports can be told apart below it. Measured once per bench.
 */

import { parseDriverMarker } from "../model/receipt.ts";
import type { InstrumentFloor } from "../model/results.ts";
import { CursorFollower } from "../notifications/cursor-follower.ts";
import type { NotificationSource } from "../notifications/types.ts";
import { createLatencyHistogram } from "../results/latency-histogram.ts";
import { monotonicClock } from "./clock.ts";
import { startPlannedPublisher } from "./publish-plan.ts";

export interface FloorOptions {
  source: NotificationSource;
  /** Publishes in the measurement (default 1,000). */
  samples?: number;
  /**
   * Their rate, per second (default 1,000: one second of the bench's time, and the rate the
   * publisher's issue-lag target is stated at, p99 <= 100 µs at 1,000 publishes/s).
   */
  ratePerSec?: number;
  /** Longest wait for the last receipt after the last publish, ms (default 2000). */
  drainMs?: number;
  /**
   * Probe publishes first sent and thrown away (default 300): the floor is measured once, at
   * the bench's start, when the driver's code paths are not compiled yet; without a warm-up
   * its p99 measured the JIT (seen: p99 11.8 ms cold against ~1-2 ms warm).
   */
  warmupSamples?: number;
}

/** Publishes probe notifications to one probe user and times each receipt, after a warm-up. */
export async function measureInstrumentFloor(options: FloorOptions): Promise<InstrumentFloor> {
  const warmup = options.warmupSamples ?? 300;
  if (warmup > 0) await probe(options, warmup);
  return probe(options, options.samples ?? 1_000);
}

async function probe(options: FloorOptions, samples: number): Promise<InstrumentFloor> {
  const ratePerSec = options.ratePerSec ?? 1_000;
  const clock = monotonicClock;
  const latency = createLatencyHistogram();
  const userId = `floor-probe-${process.pid}-${Math.floor(clock.nowUs())}`;
  let received = 0;
  const follower = new CursorFollower({
    source: options.source,
    userId,
    from: { after: "0-0" },
    pageSize: 100,
    onBatch: (batch) => {
      const nowUs = clock.nowUs();
      for (const item of batch.notifications) {
        const marker = parseDriverMarker(item.meta);
        if (marker === null) continue;
        latency.recordValue(Math.max(1, Math.round(nowUs - marker.intendedAtUs)));
        received += 1;
      }
    },
  });
  await follower.start();
  follower.run();
  try {
    const startUs = clock.nowUs() + 20_000;
    // Evenly spaced, exactly `samples` of them: nothing here can phase-lock with it.
    const publisher = startPlannedPublisher(
      {
        userIds: [userId],
        fanout: "per-user",
        userChoice: "round-robin",
        userChoiceSeed: 0, // one user: no choice to make
        ratePerSec,
        model: "fixed",
        startUs,
        endUs: startUs + ((samples - 0.5) / ratePerSec) * 1_000_000,
        payloadBytes: 200,
      },
      {
        publish: (user, payload) => options.source.publish(user, payload),
        clock,
        onPublished: () => {},
      },
    );
    const deadlineMs = performance.now() + (samples / ratePerSec) * 1_000 + 5_000;
    while (publisher.stats().events < samples && performance.now() < deadlineMs) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stats = await publisher.stop();
    const drainUntilMs = performance.now() + (options.drainMs ?? 2_000);
    while (received < stats.published && performance.now() < drainUntilMs) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (received === 0) {
      throw new Error("instrument floor: no probe notification came back through Redis");
    }
    return {
      samples: received,
      p50Us: latency.getValueAtPercentile(50),
      p99Us: latency.getValueAtPercentile(99),
      maxUs: latency.maxValue,
      issueLagP99Us: stats.issueLagP99Us,
      ratePerSec,
    };
  } finally {
    follower.stop();
  }
}
