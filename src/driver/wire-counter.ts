/**
 * Counts what the simulated clients put on the wire, at socket level: every TCP connection the
 * clients open and every byte read or written on it, HTTP headers and chunk framing included.
 * Counting at the socket (not the body) is what makes the three strategies comparable: a short
 * poll's cost is mostly headers, an SSE event's cost is mostly body.
 */
import http from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import {
  chunkBytes,
  type TimelineLimits,
  type TimelineRecorder,
  TrafficTimelines,
} from "./traffic-timeline.ts";

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
  /**
   * When each sampled client moved its bytes (the radio energy model's input): every agent of
   * createAgent() is one client and records into its own timeline when it is in the sample.
   */
  readonly timelines: TrafficTimelines;

  /** `timelineLimits`: the energy sample's bounds (a driver worker samples its share of them). */
  constructor(timelineLimits?: TimelineLimits) {
    this.timelines = new TrafficTimelines(timelineLimits);
  }

  /** A timeline for one client's sockets (pass it to track()), or null outside the sample. */
  openTimeline(): TimelineRecorder | null {
    return this.timelines.open();
  }

  /**
   * Records a socket's chunks into a client's timeline without counting its bytes: for a stream
   * on top of a counted socket whose own reads and writes bypass it (TLS takes over the TCP
   * socket's handle, so only the TLS socket sees the client's chunks; its timing is what the
   * radio model needs, the counters stay with the TCP socket).
   */
  recordTimeline(socket: Duplex, recorder: TimelineRecorder | null): void {
    if (recorder) recordChunks(socket as Socket, recorder);
  }

  /**
   * Starts counting a socket; its bytes move to the closed totals when it closes. With a
   * recorder, every chunk written or read is also recorded with its time (traffic-timeline.ts).
   */
  track(socket: Socket, recorder: TimelineRecorder | null = null): void {
    if (recorder) recordChunks(socket, recorder);
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
    const recorder = this.openTimeline();
    const agent = new http.Agent(countedAgentPool(options));
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (connectOptions, callback) => {
      const socket = createConnection(connectOptions, callback) as Duplex | null | undefined;
      if (socket) this.track(socket as Socket, recorder);
      return socket;
    };
    return agent;
  }
}

/**
 * Records every chunk of `socket` into `recorder`: reads from its 'data' events (added while
 * the socket is still connecting, so the HTTP parser or ws attaches beside it and no byte is
 * read early), writes by wrapping its own write() (the entry point of every write, corked or
 * not), at the time the client wrote them, which is when a phone's radio would wake.
 */
function recordChunks(socket: Socket, recorder: TimelineRecorder): void {
  socket.on("data", (chunk: Buffer) => recorder.record(0, chunk.byteLength));
  const write = socket.write;
  socket.write = function (this: Socket, ...args: unknown[]) {
    recorder.record(chunkBytes(args[0], args[1]), 0);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Socket["write"];
}

/** Difference of two snapshots (end - start); open connections are taken from `end`. */
/**
 * The pool every counted agent (HTTP here, TLS in tls-agent.ts) keeps: no socket cap, the free
 * pool the caller asks for, the most recently used socket first.
 */
export function countedAgentPool(options: { keepAlive: boolean; maxFreeSockets: number }): {
  keepAlive: boolean;
  maxSockets: number;
  maxFreeSockets: number;
  scheduling: "lifo";
} {
  return {
    keepAlive: options.keepAlive,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: options.maxFreeSockets,
    scheduling: "lifo",
  };
}

export function diffWire(start: WireSnapshot, end: WireSnapshot): WireSnapshot {
  return {
    connectionsOpened: end.connectionsOpened - start.connectionsOpened,
    bytesSent: end.bytesSent - start.bytesSent,
    bytesReceived: end.bytesReceived - start.bytesReceived,
    openConnections: end.openConnections,
  };
}
