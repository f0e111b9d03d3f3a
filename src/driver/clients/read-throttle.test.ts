/**
 * setReadRate against real sockets: a throttled client really stops reading (the server's
 * send buffer fills and its writes block), takes in no more than the rate allows, and reads
 * everything once the throttle is lifted.
 */
import { describe, expect, it } from "vitest";
import {
  openSse,
  recordingContext,
  sseEvent,
  startStubServer,
  trackForCleanup,
  waitFor,
} from "../test-support/clients.ts";
import { READ_BURST_SECONDS, ReadThrottle } from "./read-throttle.ts";
import { createShortPollingClient } from "./short-polling-client.ts";
import { createSseClient } from "./sse-client.ts";

const track = trackForCleanup();

const EVENT_DATA_BYTES = 16 * 1024;
/** Far more than loopback's socket buffers hold, so a reader that stops reading blocks the writer. */
const STREAM_TOTAL_BYTES = 48 * 1024 * 1024;
/**
 * What may be read beyond the rate: Node reads the socket in chunks of up to 64 KiB and buffers
 * up to a high-water mark in the socket and the response before it stops reading.
 */
const READ_AHEAD_SLACK_BYTES = 512 * 1024;

describe("ReadThrottle", () => {
  it("refuses a negative or non-finite rate", () => {
    const throttle = new ReadThrottle();
    expect(() => throttle.setRate(-1)).toThrow(RangeError);
    expect(() => throttle.setRate(Number.NaN)).toThrow(/read rate/);
    expect(() => throttle.setRate(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    throttle.setRate(0);
    throttle.setRate(null);
    expect(throttle.bytesPerSec).toBeNull();
  });
});

describe("setReadRate", () => {
  it("SSE: the socket stops being read, intake stays under the rate, and null reads it all", async () => {
    let blocked = false;
    let written = 0;
    let events = 0;
    const data = JSON.stringify({ pad: "x".repeat(EVENT_DATA_BYTES) });
    const server = track(
      await startStubServer((_req, res) => {
        openSse(res);
        sseEvent(res, { event: "count", data: "0" });
        // As fast as the socket takes it: write until blocked, continue on drain, then end.
        const pump = (): void => {
          while (written < STREAM_TOTAL_BYTES) {
            events += 1;
            written += data.length;
            if (!sseEvent(res, { event: "push", id: String(events), data })) {
              blocked = true;
              res.once("drain", () => {
                blocked = false;
                pump();
              });
              return;
            }
          }
          res.end();
        };
        pump();
      }),
    );
    const rec = recordingContext([server.endpoint]);
    const client = track(createSseClient(rec.ctx, "u1"));
    const rateBytesPerSec = 256 * 1024;
    client.setReadRate(rateBytesPerSec);
    const startMs = performance.now();
    await client.start();
    await waitFor(() => blocked, "the server's writes to block");
    // Give the reader time to read on (it must, at the rate), then check the intake bound.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const elapsedSec = (performance.now() - startMs) / 1000;
    const readBytes = rec.wire.snapshot().bytesReceived;
    expect(blocked).toBe(true);
    expect(readBytes).toBeLessThanOrEqual(
      rateBytesPerSec * (elapsedSec + READ_BURST_SECONDS) + READ_AHEAD_SLACK_BYTES,
    );
    // The bytes not read are the server's problem now: far more written than read.
    expect(written - readBytes).toBeGreaterThan(READ_AHEAD_SLACK_BYTES);
    // It did read, slowly: something arrived.
    expect(rec.notifications().length).toBeGreaterThan(0);

    client.setReadRate(null);
    await waitFor(
      () => rec.notifications().length === events && written >= STREAM_TOTAL_BYTES,
      "every event",
    );
    expect(rec.stats.errors).toBe(0);
  });

  it("polling: a throttled answer is read at the rate; null resumes the paused read at once", async () => {
    const body = JSON.stringify({
      notifications: [{ pad: "x".repeat(512 * 1024) }],
      cursor: "1-0",
    });
    const server = track(
      await startStubServer((_req, res, request) => {
        res.setHeader("content-type", "application/json");
        res.end(
          request.query.get("after") === "0-0"
            ? body
            : JSON.stringify({ notifications: [], cursor: "1-0" }),
        );
      }),
    );
    const rec = recordingContext([server.endpoint]);
    const client = track(
      createShortPollingClient(rec.ctx, "u1", { intervalMs: 60_000, jitterRatio: 0 }),
    );
    // 1 KiB/s: reading the 512 KiB answer would take minutes.
    client.setReadRate(1024);
    let answered = false;
    void client.start().then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    expect(rec.wire.snapshot().bytesReceived).toBeLessThan(body.length);
    // A new (finite) rate re-times the paused read; lifting it resumes at once.
    client.setReadRate(2048);
    client.setReadRate(null);
    await waitFor(() => answered, "the answer");
    expect(rec.notifications()).toHaveLength(1);
    expect(rec.stats.errors).toBe(0);
  });

  it("polling: with a finite rate the answer takes at least its size over the rate", async () => {
    const sizeBytes = 256 * 1024;
    const body = JSON.stringify({ notifications: [{ pad: "x".repeat(sizeBytes) }], cursor: "1-0" });
    const server = track(
      await startStubServer((_req, res) => {
        res.end(body);
      }),
    );
    const rec = recordingContext([server.endpoint]);
    const client = track(
      createShortPollingClient(rec.ctx, "u1", { intervalMs: 60_000, jitterRatio: 0 }),
    );
    const rateBytesPerSec = 1024 * 1024;
    client.setReadRate(rateBytesPerSec);
    const startMs = performance.now();
    await client.start();
    const elapsedSec = (performance.now() - startMs) / 1000;
    // A lower bound the throttle guarantees however fast the machine is.
    expect(elapsedSec).toBeGreaterThanOrEqual(
      body.length / rateBytesPerSec - READ_BURST_SECONDS - 0.01,
    );
    expect(rec.notifications()).toHaveLength(1);
  });
});
