/**
 * The driver's real clients against targets that misbehave (issue 15): an endless line, one
 * huge event, invalid UTF-8, a wrong content type, 200 then a close, drips, silence, resets,
 * redirects, huge headers, poll answers of every wrong kind, odd `id:` and `retry:` fields. Each
 * case runs against every client kind it applies to, through the run's own client context
 * (ledger, marker lookup, counters), next to a healthy client of the same kind on a healthy
 * target sharing those counters. Each asserts: the right reason counted (and only it), the
 * driver took in no more than its bounds allow per attempt (bounded memory), the client tried
 * again as after any other error (or went on, for what is only noted), the healthy client got
 * exactly its notifications and was never disrupted, and stop() leaves nothing running.
 */
import { describe, expect, it } from "vitest";
import type { ClientBounds } from "../driver/clients/client-bounds.ts";
import {
  type ClientContext,
  type ClientStats,
  createClientStats,
  type SimulatedClient,
} from "../driver/clients/client-context.ts";
import { createClient } from "../driver/clients/create-client.ts";
import { monotonicClock } from "../driver/clock.ts";
import { LatencyRecorder } from "../driver/latency-recorder.ts";
import { Ledger } from "../driver/ledger.ts";
import { refusedEndpoint, templateEndpoint } from "../driver/test-support/clients.ts";
import {
  CASE_TIMEOUT_MS,
  type ClientKind,
  JSON_HEAD,
  MISBEHAVING_CASES,
  type MisbehavingCase,
  marked,
  type RawTarget,
  SSE_HEAD,
  startRawTarget,
  TABLE_BOUNDS,
  TABLE_HOLD_MS,
} from "../driver/test-support/misbehaving-targets.ts";
import { WireCounter } from "../driver/wire-counter.ts";
import { extractReceipt } from "../target/receipt.ts";
import { runClientContext } from "./run-client-context.ts";

/** Polls `condition` until true; the message is built when it fails, with what is known then. */
async function waitFor(
  condition: () => boolean,
  what: string | (() => string),
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The healthy user's notifications, published before the clients start. */
const GOOD_SEQS = [1, 2, 3];
/** Per attempt, what a client may take in beyond the largest size bound (one read chunk or so). */
const READ_SLACK_BYTES = 256 * 1024;

const params = { shortPollIntervalMs: 100, jitterRatio: 0, longPollHoldMs: TABLE_HOLD_MS };

function endpointFor(target: RawTarget, kind: ClientKind) {
  return kind === "sse"
    ? templateEndpoint(target.url, "/sse/{userId}", false)
    : templateEndpoint(target.url, "/poll/{userId}", true);
}

/** A target that does everything right: the good user's three notifications, then quiet. */
function startGoodTarget(kind: ClientKind): Promise<RawTarget> {
  const notifications = GOOD_SEQS.map((seq) => marked("good", seq));
  return startRawTarget((c) => {
    if (kind === "sse") {
      c.socket.write(SSE_HEAD);
      for (const n of notifications) c.socket.write(`data: ${JSON.stringify(n)}\n\n`);
      const timer = setInterval(() => c.socket.write(":\n"), 200);
      c.socket.once("close", () => clearInterval(timer));
      return;
    }
    const after = c.request.query.get("after") ?? "";
    const answer =
      after === "" ? { notifications, cursor: "3" } : { notifications: [], cursor: "3" };
    const hold = kind === "long-polling" && after !== "" ? TABLE_HOLD_MS : 0;
    setTimeout(() => c.socket.end(`${JSON_HEAD}${JSON.stringify(answer)}`), hold);
  });
}

interface Side {
  ctx: ClientContext;
  wire: WireCounter;
  /** Marker seqs received, in order. */
  received: number[];
  disruptions: string[];
}

/** The run's client context for one side, sharing the run's counters and ledger. */
function side(
  target: RawTarget,
  kind: ClientKind,
  shared: { stats: ClientStats; ledger: Ledger; bounds: ClientBounds },
): Side {
  const wire = new WireCounter();
  const ctx = runClientContext({
    endpoints: [endpointFor(target, kind)],
    bounds: shared.bounds,
    wire,
    stats: shared.stats,
    clock: monotonicClock,
    ledger: shared.ledger,
    receipts: { unrecognized: 0 },
    tracker: undefined,
  });
  const out: Side = { ctx, wire, received: [], disruptions: [] };
  const { onNotifications, onDisrupted } = ctx;
  ctx.onNotifications = (userId, notifications) => {
    onNotifications(userId, notifications);
    for (const n of notifications) {
      const receipt = extractReceipt(n);
      if (receipt) out.received.push(receipt.seq);
    }
  };
  ctx.onDisrupted = (userId, reason) => {
    onDisrupted?.(userId, reason);
    out.disruptions.push(reason);
  };
  return out;
}

async function runCase(kase: MisbehavingCase, kind: ClientKind): Promise<void> {
  const what = `${kase.name} / ${kind}`;
  const bad = await startRawTarget((c) => kase.serve(c, kind));
  const good = await startGoodTarget(kind);
  const clients: SimulatedClient[] = [];
  try {
    const stats = createClientStats();
    const ledger = new Ledger(new LatencyRecorder());
    for (const seq of GOOD_SEQS) ledger.recordPublished("good", seq);
    for (const seq of kase.delivers ?? []) ledger.recordPublished("bad", seq);
    const shared = { stats, ledger, bounds: TABLE_BOUNDS };
    const badSide = side(bad, kind, shared);
    const goodSide = side(good, kind, shared);
    const badClient = createClient(kind, badSide.ctx, "bad", params);
    const goodClient = createClient(kind, goodSide.ctx, "good", params);
    clients.push(badClient, goodClient);
    // Not awaited: against a target that never answers, start() resolves only on stop().
    void badClient.start();
    void goodClient.start();

    const reason = kase.reason(kind, TABLE_BOUNDS);
    await waitFor(
      () => (stats.errorsByReason[reason] ?? 0) >= 1,
      () => `${what}: the error "${reason}" (counted: ${JSON.stringify(stats.errorsByReason)})`,
      CASE_TIMEOUT_MS,
    );
    if (kase.effect === "cut" || kase.timing) {
      // The client tries again, as after any other error (or after the server's retry:).
      await waitFor(() => bad.requests.length >= 2, `${what}: the next attempt`, CASE_TIMEOUT_MS);
    }
    for (const seq of kase.delivers ?? []) {
      await waitFor(
        () => badSide.received.includes(seq),
        `${what}: the bad target's notification ${seq}, used anyway`,
        CASE_TIMEOUT_MS,
      );
    }
    await waitFor(
      () => GOOD_SEQS.every((seq) => goodSide.received.includes(seq)),
      `${what}: the healthy client's notifications`,
      CASE_TIMEOUT_MS,
    );

    // The right reason, and only it.
    expect(Object.keys(stats.errorsByReason), what).toEqual([reason]);
    expect(stats.errors, what).toBe(stats.errorsByReason[reason]);
    // Bounded memory: per attempt, the client took in no more than its largest size bound
    // and a read chunk, however much the target had to give.
    const largestBound = Math.max(
      TABLE_BOUNDS.maxSseLineBytes,
      TABLE_BOUNDS.maxSseEventBytes,
      TABLE_BOUNDS.maxBodyBytes,
      TABLE_BOUNDS.maxHeaderBytes,
    );
    const attempts = Math.max(1, bad.accepted);
    expect(badSide.wire.snapshot().bytesReceived, what).toBeLessThanOrEqual(
      attempts * (largestBound + READ_SLACK_BYTES),
    );
    // The healthy client: exactly its notifications, once each, never disrupted.
    expect([...goodSide.received].sort(), what).toEqual(GOOD_SEQS);
    expect(goodSide.disruptions, what).toEqual([]);
    expect(ledger.summary().lost, what).toBe(0);
    if (kase.timing) {
      const closedAt = bad.closedAtMs[0] ?? Number.NaN;
      const gap = (bad.requests[1]?.atMs ?? Number.NaN) - closedAt;
      if (kase.timing.minGapMs !== undefined) {
        expect(gap, `${what}: wait before the reconnect`).toBeGreaterThanOrEqual(
          kase.timing.minGapMs,
        );
      }
      if (kase.timing.maxGapMs !== undefined) {
        expect(gap, `${what}: wait before the reconnect`).toBeLessThanOrEqual(kase.timing.maxGapMs);
      }
    }

    // stop() ends everything: every connection closed, no attempt after it.
    for (const client of clients) client.stop();
    await waitFor(() => bad.open === 0, `${what}: the bad connections closed`, 2000);
    const requestsAtStop = bad.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bad.requests.length, `${what}: nothing after stop()`).toBe(requestsAtStop);
  } finally {
    for (const client of clients) client.stop();
    await Promise.all([bad.close(), good.close()]);
  }
}

describe("clients against misbehaving targets", () => {
  it.concurrent.each(MISBEHAVING_CASES)(
    "$name",
    async (kase) => {
      // Every client kind the case applies to, at once: the table runs in seconds.
      await Promise.all(kase.kinds.map((kind) => runCase(kase, kind)));
    },
    CASE_TIMEOUT_MS * 2,
  );
});

describe("reconnects back off against a target that fails every connection", () => {
  /** Polls of `clients` short-polling clients against `endpoint` for `ms`: attempts and stats. */
  async function hammer(endpointOf: () => Promise<{ target: RawTarget | null; url: URL }>) {
    const { target, url } = await endpointOf();
    const stats = createClientStats();
    const ledger = new Ledger(new LatencyRecorder());
    const ctx = runClientContext({
      endpoints: [templateEndpoint(url, "/poll/{userId}", true)],
      bounds: TABLE_BOUNDS,
      wire: new WireCounter(),
      stats,
      clock: monotonicClock,
      ledger,
      receipts: { unrecognized: 0 },
      tracker: undefined,
    });
    const clients = Array.from({ length: 10 }, (_, i) =>
      createClient("short-polling", ctx, `u${i}`, params),
    );
    for (const client of clients) void client.start();
    await new Promise((resolve) => setTimeout(resolve, 4500));
    for (const client of clients) client.stop();
    await target?.close();
    return stats;
  }

  it.concurrent("refused: each client retries at 1 s, then ever less often, with jitter", async () => {
    const endpoint = await refusedEndpoint();
    if (endpoint.kind !== "server") throw new Error("expected a server endpoint");
    const stats = await hammer(async () => ({ target: null, url: endpoint.baseUrl }));
    // Without backoff: 5 attempts per client in 4.5 s (0, 1, 2, 3, 4 s); with it 3 or 4
    // (0, 1, 1 + [1, 2], + [1, 4]), fewer only when the machine is slow.
    expect(stats.requests).toBeLessThanOrEqual(10 * 4);
    expect(stats.requests).toBeGreaterThanOrEqual(10 * 2.5);
    expect(stats.backoffs).toBeGreaterThanOrEqual(10);
    expect(stats.backoffMaxMs).toBeGreaterThan(1000);
    expect(Object.keys(stats.errorsByReason).every((r) => r.includes("ECONNREFUSED"))).toBe(true);
  });

  it.concurrent("reset on accept: the same", async () => {
    const stats = await hammer(async () => {
      const target = await startRawTarget(
        () => {},
        (socket) => socket.resetAndDestroy(),
      );
      return { target, url: target.url };
    });
    expect(stats.requests).toBeLessThanOrEqual(10 * 4);
    expect(stats.backoffs).toBeGreaterThanOrEqual(10);
    expect(stats.errors).toBe(stats.requests);
  });

  it.concurrent("a success starts over: one failure after it waits the normal delay", async () => {
    // fail, fail, answer, fail, answer: only the second failure backs off.
    let n = 0;
    const target = await startRawTarget((c) => {
      n += 1;
      if (n === 1 || n === 2 || n === 4) c.socket.end(`${JSON_HEAD}not json`);
      else c.socket.end(`${JSON_HEAD}{"notifications":[],"cursor":"1"}`);
    });
    const stats = createClientStats();
    const ctx = runClientContext({
      endpoints: [templateEndpoint(target.url, "/poll/{userId}", true)],
      bounds: TABLE_BOUNDS,
      wire: new WireCounter(),
      stats,
      clock: monotonicClock,
      ledger: new Ledger(new LatencyRecorder()),
      receipts: { unrecognized: 0 },
      tracker: undefined,
    });
    const client = createClient("short-polling", ctx, "u", params);
    void client.start();
    try {
      await waitFor(() => target.requests.length >= 5, "five polls", 10_000);
      expect(stats.errors).toBe(3);
      // Only the second failure in a row backed off: the one after the success waited the
      // normal delay (and no less).
      expect(stats.backoffs).toBe(1);
      const gap = (target.requests[4]?.atMs ?? 0) - (target.requests[3]?.atMs ?? 0);
      expect(gap).toBeGreaterThanOrEqual(950);
    } finally {
      client.stop();
      await target.close();
    }
  });
});
