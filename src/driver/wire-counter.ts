/**
 * Counts what the simulated clients put on the wire, at socket level: every TCP connection the
 * clients open and every byte read or written on it, HTTP headers and chunk framing included.
 * Counting at the socket (not the body) is what makes the three strategies comparable: a short
 * poll's cost is mostly headers, an SSE event's cost is mostly body.
 */
import http from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

export interface WireSnapshot {
  connectionsOpened: number;
  /** Bytes written to client sockets (queued bytes of a live socket included). */
  bytesSent: number;
  /** Bytes read from client sockets. */
  bytesReceived: number;
  openConnections: number;
}

export class WireCounter {
  private readonly liveSockets = new Set<Socket>();
  private connectionsOpened = 0;
  private closedBytesSent = 0;
  private closedBytesReceived = 0;

  /** Starts counting a socket; its bytes move to the closed totals when it closes. */
  track(socket: Socket): void {
    // A connection counts once it is established; a refused one put nothing on the wire even
    // though Node's bytesWritten already includes the request queued for it.
    let connected = false;
    socket.once("connect", () => {
      connected = true;
      this.connectionsOpened += 1;
      this.liveSockets.add(socket);
    });
    socket.once("close", () => {
      if (!connected) return;
      this.liveSockets.delete(socket);
      this.closedBytesSent += socket.bytesWritten;
      this.closedBytesReceived += socket.bytesRead;
    });
  }

  /** Totals since the counter was created; subtract two snapshots to get a window. */
  snapshot(): WireSnapshot {
    let bytesSent = this.closedBytesSent;
    let bytesReceived = this.closedBytesReceived;
    for (const socket of this.liveSockets) {
      bytesSent += socket.bytesWritten;
      bytesReceived += socket.bytesRead;
    }
    return {
      connectionsOpened: this.connectionsOpened,
      bytesSent,
      bytesReceived,
      openConnections: this.liveSockets.size,
    };
  }

  /**
   * An HTTP agent whose sockets are counted. Keep-alive with no socket cap, and a free pool as
   * large as the client count, so idle polling clients keep their connections the way a
   * browser would instead of the agent closing all but 256 of them.
   */
  createAgent(options: { keepAlive: boolean; maxFreeSockets: number }): http.Agent {
    const agent = new http.Agent({
      keepAlive: options.keepAlive,
      maxSockets: Number.POSITIVE_INFINITY,
      maxFreeSockets: options.maxFreeSockets,
      scheduling: "lifo",
    });
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (connectOptions, callback) => {
      const socket = createConnection(connectOptions, callback) as Duplex | null | undefined;
      if (socket) this.track(socket as Socket);
      return socket;
    };
    return agent;
  }
}

/** Difference of two snapshots (end - start); open connections are taken from `end`. */
export function diffWire(start: WireSnapshot, end: WireSnapshot): WireSnapshot {
  return {
    connectionsOpened: end.connectionsOpened - start.connectionsOpened,
    bytesSent: end.bytesSent - start.bytesSent,
    bytesReceived: end.bytesReceived - start.bytesReceived,
    openConnections: end.openConnections,
  };
}
