/**
 * Prometheus metrics of one server, in its own Registry (so several servers can live in one
 * test process). The names are a contract: the load driver scrapes exactly these.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

export interface ServerMetrics {
  registry: Registry;
  httpRequests: Counter<"route" | "status">;
  heldPolls: Gauge;
  openStreams: Gauge;
  notificationsDelivered: Counter;
  /** Connections refused with 503 because the server held maxConnections. */
  rejectedConnections: Counter;
  /** Reset answers / SSE `reset` events: a client was told its cursor fell behind the history. */
  resets: Counter;
  /** SSE streams the server cut because the client did not keep up. */
  sseStreamsCut: Counter<"reason">;
  /** Records one stream's unsent bytes; the gauge keeps the largest value ever seen. */
  observeSseBufferedBytes(bytes: number): void;
  /** Counts connections and socket-level bytes of `server`. */
  trackSockets(server: Server): void;
}

/** Why the server cut an SSE stream (the `reason` label of pvp_sse_streams_cut_total). */
export type SseCutReason = "stalled" | "buffer-full";
export const SSE_CUT_REASONS: readonly SseCutReason[] = ["stalled", "buffer-full"];

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const liveSockets = new Set<Socket>();
  // Bytes of sockets that already closed; live sockets are added at scrape time.
  let closedBytesRead = 0;
  let closedBytesWritten = 0;

  const httpRequests = new Counter({
    name: "pvp_http_requests_total",
    help: "HTTP responses by matched route and status code (SSE streams count when they end)",
    labelNames: ["route", "status"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "pvp_open_connections",
    help: "TCP connections currently open",
    registers: [registry],
    collect() {
      this.set(liveSockets.size);
    },
  });
  const acceptedConnections = new Counter({
    name: "pvp_accepted_connections_total",
    help: "TCP connections accepted",
    registers: [registry],
  });
  new Counter({
    name: "pvp_bytes_received_total",
    help: "Bytes read from client sockets, headers included",
    registers: [registry],
    collect() {
      let live = 0;
      for (const socket of liveSockets) live += socket.bytesRead;
      this.reset();
      this.inc(closedBytesRead + live);
    },
  });
  new Counter({
    name: "pvp_bytes_sent_total",
    help: "Bytes written to client sockets, headers included",
    registers: [registry],
    collect() {
      let live = 0;
      for (const socket of liveSockets) live += socket.bytesWritten;
      this.reset();
      this.inc(closedBytesWritten + live);
    },
  });
  const heldPolls = new Gauge({
    name: "pvp_held_polls",
    help: "Long-poll requests currently held open",
    registers: [registry],
  });
  const openStreams = new Gauge({
    name: "pvp_open_streams",
    help: "SSE streams (or WebSockets, on the websocket server) currently open",
    registers: [registry],
  });
  const notificationsDelivered = new Counter({
    name: "pvp_notifications_delivered_total",
    help: "Notifications written to clients (response bodies, SSE push events, WebSocket pushes)",
    registers: [registry],
  });

  const rejectedConnections = new Counter({
    name: "pvp_rejected_connections_total",
    help: "TCP connections answered 503 and closed because the server held maxConnections",
    registers: [registry],
  });

  const resets = new Counter({
    name: "pvp_resets_total",
    help:
      "Explicit resets sent: polling answers with reset:true and SSE reset events (the " +
      "client's cursor was older than the trimmed history)",
    registers: [registry],
  });
  const sseStreamsCut = new Counter({
    name: "pvp_sse_streams_cut_total",
    help:
      "SSE streams (or WebSockets, on the websocket server) cut because the client did not " +
      "keep up: stalled (no drain within sseMaxStallMs) or buffer-full (unsent bytes above " +
      "sseMaxBufferedBytes)",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  // Both reasons show from the start, so a scrape can tell "none" from "not exported".
  for (const reason of SSE_CUT_REASONS) sseStreamsCut.inc({ reason }, 0);
  let maxSseBufferedBytes = 0;
  const sseMaxBuffered = new Gauge({
    name: "pvp_sse_max_buffered_bytes",
    help: "Largest number of unsent bytes any SSE stream (or WebSocket) held since the process started",
    registers: [registry],
  });

  return {
    registry,
    rejectedConnections,
    resets,
    sseStreamsCut,
    observeSseBufferedBytes(bytes) {
      if (bytes <= maxSseBufferedBytes) return;
      maxSseBufferedBytes = bytes;
      sseMaxBuffered.set(bytes);
    },
    httpRequests,
    heldPolls,
    openStreams,
    notificationsDelivered,
    trackSockets(server) {
      server.on("connection", (socket: Socket) => {
        acceptedConnections.inc();
        liveSockets.add(socket);
        socket.once("close", () => {
          liveSockets.delete(socket);
          closedBytesRead += socket.bytesRead;
          closedBytesWritten += socket.bytesWritten;
        });
      });
    },
  };
}
