/**
 * HTTP/2 between the simulated clients and nginx (node:http2): many users' requests and SSE
 * streams multiplexed on a few TLS sessions, as one browser's tabs share one connection per
 * host. Sessions ride on counted TLS connections (tls-agent.ts), so bytes include h2 frames and
 * TLS records; streams per session are counted.
 *
 * The clients speak node:http's ClientRequest / IncomingMessage (get-json.ts, sse-client.ts).
 * `H2Request` gives them the part of that surface they use (`response`, `error`, `finish`
 * events, `destroy()`, `end()`, `reusedSocket`; on the response `statusCode`, `headers`,
 * `complete`, and the stream's own data / end / close / error / pause / resume), so one client
 * implementation measures both protocols.
 */
import { EventEmitter } from "node:events";
import type http from "node:http";
import http2 from "node:http2";
import { connectCountedTls } from "./tls-agent.ts";
import type { TransportStats } from "./transport-stats.ts";
import type { WireCounter } from "./wire-counter.ts";

/**
 * Streams one session carries before the pool opens another: below nginx's
 * http2_max_concurrent_streams (128), the order of what browsers and servers allow (100).
 */
export const H2_STREAMS_PER_SESSION = 100;

export interface H2PoolOptions {
  /** `https://127.0.0.1:<port>`: the one origin every session goes to. */
  origin: URL;
  ca: string;
  resumption: boolean;
  /** Largest response header block accepted (the client bound), bytes. */
  maxHeaderBytes: number;
  streamsPerSession?: number;
}

interface PooledSession {
  session: http2.ClientHttp2Session;
  active: number;
}

/** Sessions to one origin, each filled up to `streamsPerSession` concurrent streams. */
export class H2SessionPool {
  readonly #options: H2PoolOptions;
  readonly #wire: WireCounter;
  readonly #stats: TransportStats;
  readonly #sessions = new Set<PooledSession>();
  /** The last TLS session seen, offered to new sessions when resumption is on. */
  #tlsSession: Buffer | undefined;
  #closed = false;

  constructor(options: H2PoolOptions, wire: WireCounter, stats: TransportStats) {
    this.#options = options;
    this.#wire = wire;
    this.#stats = stats;
  }

  /** Open sessions now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** A session with room for one more stream, opened when none has any. */
  #sessionWithRoom(): PooledSession {
    const limit = this.#options.streamsPerSession ?? H2_STREAMS_PER_SESSION;
    for (const pooled of this.#sessions) {
      if (pooled.active < limit && !pooled.session.closed && !pooled.session.destroyed) {
        return pooled;
      }
    }
    const { origin, ca, resumption } = this.#options;
    const session = http2.connect(origin, {
      settings: { maxHeaderListSize: this.#options.maxHeaderBytes },
      createConnection: () => {
        const socket = connectCountedTls(this.#wire, this.#stats, {
          host: origin.hostname,
          port: Number(origin.port),
          ca,
          ALPNProtocols: ["h2"],
          servername: "localhost",
          ...(resumption && this.#tlsSession ? { session: this.#tlsSession } : {}),
        });
        if (resumption) {
          socket.on("session", (tlsSession: Buffer) => {
            this.#tlsSession = tlsSession;
          });
        }
        return socket;
      },
    });
    const pooled: PooledSession = { session, active: 0 };
    this.#stats.h2SessionsOpened += 1;
    this.#sessions.add(pooled);
    // A session that fails or is closed by nginx (GOAWAY) takes no new streams; its streams
    // fail on their own and their clients reconnect onto another session.
    session.on("error", () => {});
    session.on("goaway", () => this.#sessions.delete(pooled));
    session.on("close", () => this.#sessions.delete(pooled));
    return pooled;
  }

  /** One GET on a pooled session. */
  request(url: URL, headers: Record<string, string>): H2Request {
    const request = new H2Request();
    if (this.#closed) {
      queueMicrotask(() => request.emit("error", new Error("HTTP/2 pool closed")));
      return request;
    }
    const pooled = this.#sessionWithRoom();
    pooled.active += 1;
    this.#stats.h2StreamsOpened += 1;
    this.#stats.h2MaxConcurrentStreams = Math.max(
      this.#stats.h2MaxConcurrentStreams,
      pooled.active,
    );
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      pooled.active -= 1;
    };
    let stream: http2.ClientHttp2Stream;
    try {
      stream = pooled.session.request(
        { ":method": "GET", ":path": `${url.pathname}${url.search}`, ...headers },
        { endStream: true },
      );
    } catch (error) {
      release();
      queueMicrotask(() => request.emit("error", error));
      return request;
    }
    request.attach(stream, release);
    return request;
  }

  /** Closes every session (their streams end). */
  close(): void {
    this.#closed = true;
    for (const pooled of this.#sessions) pooled.session.destroy();
    this.#sessions.clear();
  }
}

/** The response side the clients read: the h2 stream itself, with IncomingMessage's fields. */
type H2Response = http2.ClientHttp2Stream & {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  complete: boolean;
};

/** A request on an h2 stream that behaves like http.ClientRequest where the clients look. */
export class H2Request extends EventEmitter {
  /** h2 has no kept-alive socket to go stale under a request: never re-sent. */
  readonly reusedSocket = false;
  #stream: http2.ClientHttp2Stream | null = null;
  #destroyed = false;

  attach(stream: http2.ClientHttp2Stream, release: () => void): void {
    this.#stream = stream;
    let responded = false;
    let failed = false;
    const fail = (error: Error): void => {
      if (responded || failed || this.#destroyed) return;
      failed = true;
      this.emit("error", error);
    };
    stream.once("ready", () => this.emit("finish"));
    stream.once("response", (headers) => {
      responded = true;
      const response = stream as H2Response;
      response.statusCode = Number(headers[":status"] ?? 0);
      const plain: http.IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(headers)) {
        if (!name.startsWith(":")) plain[name] = value as string | string[];
      }
      response.headers = plain;
      response.complete = false;
      stream.once("end", () => {
        response.complete = true;
      });
      this.emit("response", response);
    });
    stream.on("error", fail);
    stream.once("close", () => {
      release();
      // Closed before any answer (session gone, stream reset) and no error said so.
      if (!responded) {
        fail(
          Object.assign(
            new Error(`HTTP/2 stream closed before an answer (code ${stream.rstCode})`),
            {
              code: "ECONNRESET",
            },
          ),
        );
      }
    });
  }

  /** The request went out with its headers (GET, no body): nothing more to send. */
  end(): this {
    return this;
  }

  destroy(): this {
    this.#destroyed = true;
    this.#stream?.close(http2.constants.NGHTTP2_CANCEL);
    return this;
  }

  /** For the clients' types: they hold it as an http.ClientRequest (see the file comment). */
  asClientRequest(): http.ClientRequest {
    return this as unknown as http.ClientRequest;
  }
}
