/**
 * The SSE client against small real HTTP servers: template endpoints (external servers),
 * resets, failover after a refused connection or a cut stream, and drop().
 */
import type http from "node:http";
import { describe, expect, it } from "vitest";
import {
  openSse,
  recordingContext,
  refusedEndpoint,
  type StubServer,
  sseEvent,
  startStubServer,
  templateEndpoint,
  trackForCleanup,
  waitFor,
} from "../test-support/clients.ts";
import { createSseClient } from "./sse-client.ts";

const track = trackForCleanup();

/** A stub SSE server that keeps every open stream, so the test can write to it. */
async function streamServer(
  onOpen: (res: http.ServerResponse, lastEventId: string | undefined) => void = (res) =>
    openSse(res, 20),
): Promise<StubServer & { streams: http.ServerResponse[] }> {
  const streams: http.ServerResponse[] = [];
  const stub = await startStubServer((_req, res, request) => {
    streams.push(res);
    onOpen(res, request.headers["last-event-id"] as string | undefined);
  });
  return Object.assign(stub, { streams });
}

describe("SSE client, template endpoints", () => {
  it("connects on headers, sends no Last-Event-ID until an id arrived, takes push and unnamed events", async () => {
    const server = track(await streamServer());
    const rec = recordingContext([templateEndpoint(server.url, "/events/{userId}", false)]);
    const client = track(createSseClient(rec.ctx, "user 1"));
    // No `count` event from an external server: the headers are the connection.
    await client.start();
    expect(server.requests[0]?.path).toBe("/events/user%201");
    expect(server.requests[0]?.headers["last-event-id"]).toBeUndefined();
    const stream = server.streams[0] as http.ServerResponse;
    sseEvent(stream, { data: "hello" }); // a plain-text greeting: no notification, no error
    sseEvent(stream, { data: JSON.stringify({ a: 1 }) });
    sseEvent(stream, { event: "push", id: "e2", data: JSON.stringify({ b: 2 }) });
    sseEvent(stream, { event: "other", data: JSON.stringify({ c: 3 }) });
    await waitFor(() => rec.notifications().length === 2, "two notifications");
    expect(rec.notifications()).toEqual([{ a: 1 }, { b: 2 }]);
    expect(rec.stats.errors).toBe(0);
    // The server ends the stream: resume from the last id, after the retry hint.
    stream.end();
    await waitFor(() => server.requests.length === 2, "the reconnect");
    expect(server.requests[1]?.headers["last-event-id"]).toBe("e2");
    expect(rec.stats).toMatchObject({ requests: 2, reconnects: 1, errors: 0 });
    // The server has the request before the client has its answer's headers.
    await waitFor(() => rec.calls.length === 5, "the reconnected stream's headers");
    expect(rec.calls.map((c) => c.hook)).toEqual([
      "connected",
      "notifications",
      "notifications",
      "disrupted",
      "connected",
    ]);
  });
});

describe("SSE client, our servers", () => {
  it("sends Last-Event-ID 0-0 first, connects on `count`, ignores unnamed events", async () => {
    const server = track(await streamServer());
    const rec = recordingContext([server.endpoint]);
    const client = track(createSseClient(rec.ctx, "u1"));
    const started = client.start();
    await waitFor(() => server.streams.length === 1, "the stream");
    expect(server.requests[0]?.path).toBe("/api/notifications/u1/sse");
    expect(server.requests[0]?.headers["last-event-id"]).toBe("0-0");
    const stream = server.streams[0] as http.ServerResponse;
    sseEvent(stream, { data: JSON.stringify({ stray: true }) });
    sseEvent(stream, { event: "count", data: "0" });
    await started;
    expect(rec.notifications()).toEqual([]);
  });

  it("event: reset is counted and announced before the push events that follow it", async () => {
    const server = track(await streamServer());
    const rec = recordingContext([server.endpoint]);
    const client = track(createSseClient(rec.ctx, "u1"));
    const started = client.start();
    await waitFor(() => server.streams.length === 1, "the stream");
    const stream = server.streams[0] as http.ServerResponse;
    sseEvent(stream, { event: "push", id: "5-0", data: JSON.stringify({ seq: 1 }) });
    sseEvent(stream, { event: "reset", data: JSON.stringify({ reason: "history-trimmed" }) });
    sseEvent(stream, { event: "push", id: "9-0", data: JSON.stringify({ seq: 7 }) });
    sseEvent(stream, { event: "count", data: "7" });
    await started;
    await waitFor(() => rec.notifications().length === 2, "both notifications");
    expect(rec.stats.resets).toBe(1);
    expect(rec.calls.map((c) => c.hook)).toEqual([
      "connected",
      "notifications",
      "reset",
      "notifications",
    ]);
    // The reset carries no id: the resume point is the last push.
    stream.end();
    await waitFor(() => server.requests.length === 2, "the reconnect");
    expect(server.requests[1]?.headers["last-event-id"]).toBe("9-0");
  });
});

describe("SSE client, errors and failover", () => {
  it("fails over to the second endpoint after the first refuses", async () => {
    const live = track(
      await streamServer((res) => {
        openSse(res, 20);
        sseEvent(res, { event: "count", data: "0" });
      }),
    );
    const rec = recordingContext([await refusedEndpoint(), live.endpoint]);
    const client = track(createSseClient(rec.ctx, "u1"));
    // The first retry waits EventSource's default (2 s): the refused endpoint never sent a hint.
    await client.start();
    expect(rec.stats).toMatchObject({ errors: 1, reconnects: 1, requests: 2 });
    expect(live.requests[0]?.headers["last-event-id"]).toBe("0-0");
    const disrupted = rec.calls.find((c) => c.hook === "disrupted");
    expect(disrupted?.hook === "disrupted" && disrupted.reason).toMatch(/ECONNREFUSED/);
  });

  it("a stream cut mid-way fails over and resumes there from the last id", async () => {
    const a = track(await streamServer());
    const b = track(
      await streamServer((res) => {
        openSse(res, 20);
        sseEvent(res, { event: "count", data: "2" });
      }),
    );
    const rec = recordingContext([a.endpoint, b.endpoint]);
    const client = track(createSseClient(rec.ctx, "u1"));
    const started = client.start();
    await waitFor(() => a.streams.length === 1, "the stream on A");
    const stream = a.streams[0] as http.ServerResponse;
    sseEvent(stream, { event: "count", data: "0" });
    await started;
    sseEvent(stream, { event: "push", id: "2-0", data: JSON.stringify({ seq: 1 }) });
    await waitFor(() => rec.notifications().length === 1, "the first notification");
    await a.crash();
    await waitFor(() => b.requests.length === 1, "the reconnect to B");
    expect(b.requests[0]?.headers["last-event-id"]).toBe("2-0");
    expect(rec.stats).toMatchObject({ errors: 1, reconnects: 1 });
  });

  it("a 503 counts as an error and retries the same endpoint after Retry-After", async () => {
    let refusals = 1;
    const first = track(
      await startStubServer((_req, res) => {
        if (refusals-- > 0) {
          res.writeHead(503, { "retry-after": "0" }).end();
          return;
        }
        openSse(res);
        sseEvent(res, { event: "count", data: "0" });
      }),
    );
    const second = track(await streamServer());
    const rec = recordingContext([first.endpoint, second.endpoint]);
    await track(createSseClient(rec.ctx, "u1")).start();
    expect(rec.stats.errors).toBe(1);
    expect(rec.calls[0]).toEqual({ hook: "disrupted", userId: "u1", reason: "HTTP 503" });
    expect(second.requests).toHaveLength(0);
  });
});

describe("SSE client, drop()", () => {
  it("cuts the stream and reconnects after the delay with Last-Event-ID, counting a reconnect", async () => {
    const server = track(await streamServer());
    const rec = recordingContext([server.endpoint]);
    const client = track(createSseClient(rec.ctx, "u1"));
    client.drop(0); // before start: nothing
    const started = client.start();
    await waitFor(() => server.streams.length === 1, "the stream");
    const first = server.streams[0] as http.ServerResponse;
    sseEvent(first, { event: "count", data: "0" });
    sseEvent(first, { event: "push", id: "3-0", data: JSON.stringify({ seq: 1 }) });
    await started;
    await waitFor(() => rec.notifications().length === 1, "the notification");
    const closed = new Promise((resolve) => first.once("close", resolve));
    client.drop(30);
    client.drop(30); // again at once: still one reconnect
    await closed; // the server saw the connection go
    await waitFor(() => server.requests.length === 2, "the reconnect");
    expect(server.requests[1]?.headers["last-event-id"]).toBe("3-0");
    expect(rec.stats).toMatchObject({ requests: 2, reconnects: 1, errors: 0 });
    expect(rec.calls.filter((c) => c.hook === "disrupted")).toEqual([
      { hook: "disrupted", userId: "u1", reason: "dropped" },
      { hook: "disrupted", userId: "u1", reason: "dropped" },
    ]);
    client.stop();
    client.drop(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests).toHaveLength(2);
  });
});
