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
  /** Counts connections and socket-level bytes of `server`. */
  trackSockets(server: Server): void;
}

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
    help: "SSE streams currently open",
    registers: [registry],
  });
  const notificationsDelivered = new Counter({
    name: "pvp_notifications_delivered_total",
    help: "Notifications written to clients (response bodies and SSE push events)",
    registers: [registry],
  });

  const rejectedConnections = new Counter({
    name: "pvp_rejected_connections_total",
    help: "TCP connections answered 503 and closed because the server held maxConnections",
    registers: [registry],
  });

  return {
    registry,
    rejectedConnections,
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
