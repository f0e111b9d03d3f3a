/**
 * TLS under the counted transports: every TLS connection rides on a plain TCP socket that the
 * WireCounter tracks (`track()`), so the bytes counted are what crossed the wire, TLS records,
 * handshakes and certificates included (a TLS socket's own counters hold only plaintext), and
 * every handshake is counted full or resumed.
 */
import https from "node:https";
import net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { chunkBytes, type TimelineRecorder } from "./traffic-timeline.ts";
import type { TransportStats } from "./transport-stats.ts";
import { countedAgentPool, type WireCounter } from "./wire-counter.ts";

export interface TlsClientOptions {
  /** The run's certificate (PEM): the only one trusted; nothing is accepted unverified. */
  ca: string;
  /** Offer cached sessions / tickets on reconnect (a browser does); false = a full handshake each time. */
  resumption: boolean;
}

/** Counts the handshake of a TLS socket once it is established. */
export function countHandshake(socket: tls.TLSSocket, stats: TransportStats): void {
  socket.once("secureConnect", () => {
    if (socket.isSessionReused()) stats.tlsResumedHandshakes += 1;
    else stats.tlsFullHandshakes += 1;
  });
}

/**
 * The traffic timeline of a TLS connection (the radio energy model's input). Under TLS the
 * TCP socket's own events never fire (TLS reads its handle directly), so the chunks are taken
 * on the TLS socket: the times are the wire's, the sizes plaintext (TLS adds ~22-29 bytes a
 * record and the handshake; the byte totals, taken on the TCP socket, include them).
 */
function recordTlsChunks(socket: tls.TLSSocket, recorder: TimelineRecorder): void {
  socket.on("data", (chunk: Buffer) => recorder.record(0, chunk.byteLength));
  const write = socket.write;
  socket.write = function (this: tls.TLSSocket, ...args: unknown[]) {
    recorder.record(chunkBytes(args[0], args[1]), 0);
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as tls.TLSSocket["write"];
}

/** A TLS connection on a fresh TCP socket the wire counter tracks. */
export function connectCountedTls(
  wire: WireCounter,
  stats: TransportStats,
  options: tls.ConnectionOptions & { host: string; port: number },
): tls.TLSSocket {
  const raw = net.connect({ host: options.host, port: options.port });
  wire.track(raw);
  const socket = tls.connect({ ...options, socket: raw });
  countHandshake(socket, stats);
  // A TLS error (bad certificate) must also end the TCP socket under it.
  socket.once("close", () => raw.destroy());
  return socket;
}

/**
 * A keep-alive HTTPS agent like WireCounter.createAgent's, over counted TLS connections. The
 * agent keeps its own session cache (`maxCachedSessions`), which is what resumption uses;
 * `resumption: false` empties it so every connection pays the full handshake.
 */
export function createCountedHttpsAgent(
  wire: WireCounter,
  stats: TransportStats,
  options: { keepAlive: boolean; maxFreeSockets: number } & TlsClientOptions,
): https.Agent {
  const recorder = wire.openTimeline();
  const agent = new https.Agent({
    ...countedAgentPool(options),
    ca: options.ca,
    maxCachedSessions: options.resumption ? 100 : 0,
  });
  // https.Agent's createConnection takes TLS options (node's types give it http's).
  type TlsCreate = (
    options: tls.ConnectionOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ) => tls.TLSSocket;
  const tlsAgent = agent as unknown as { createConnection: TlsCreate };
  const createConnection = tlsAgent.createConnection.bind(agent);
  tlsAgent.createConnection = (connectOptions, callback) => {
    const host = connectOptions.host ?? "127.0.0.1";
    const port = Number(connectOptions.port);
    const raw = net.connect({ host, port });
    wire.track(raw);
    // The agent's own createConnection adds the cached session and caches the new one; it
    // gets our TCP socket to run TLS on.
    const socket = createConnection({ ...connectOptions, socket: raw }, callback);
    countHandshake(socket, stats);
    if (recorder) recordTlsChunks(socket, recorder);
    socket.once("close", () => raw.destroy());
    return socket;
  };
  return agent;
}
