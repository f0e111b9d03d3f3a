/**
 * `npm run server` flags -> options, as a pure function (no I/O), so it can be tested with
 * arbitrary argv. Throws UsageError (one line naming the flag) on bad input.
 */

import { isStrategyId, STRATEGIES, type StrategyId } from "../src/model/strategies.ts";
import { DEFAULT_HISTORY_MAX_LEN } from "../src/notifications/index.ts";
import { parseFlags, parseIntegerFlag } from "../src/util/parse-flags.ts";
import { UsageError } from "../src/util/usage-error.ts";
import { LIMIT_DEFAULTS } from "./connection-limits.ts";
import { SSE_DEFAULTS } from "./strategy-context.ts";

export interface ServerCliOptions {
  /** `--help`: print SERVER_HELP and exit; the other fields are then not set. */
  help: boolean;
  strategy?: StrategyId;
  port?: number;
  host: string;
  redisUrl?: string;
  keyPrefix?: string;
  heartbeatMs?: number;
  maxConnections?: number;
  adminConnections?: number;
  maxDeliveryPerUser?: number;
  maxHeaderSize?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Unsent bytes one SSE stream may hold before it is cut ("buffer-full"). */
  sseMaxBufferedBytes?: number;
  /** How long an SSE client may take nothing before its stream is cut ("stalled"), in ms. */
  sseMaxStallMs?: number;
  /** Entries kept per user stream by publishes through this server (NotificationSourceOptions). */
  historyMaxLen?: number;
}

const FLAGS = {
  strategy: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  "redis-url": { type: "string" },
  "key-prefix": { type: "string" },
  "heartbeat-ms": { type: "string" },
  "max-connections": { type: "string" },
  "admin-connections": { type: "string" },
  "max-per-user": { type: "string" },
  "max-header-size": { type: "string" },
  "headers-timeout-ms": { type: "string" },
  "request-timeout-ms": { type: "string" },
  "sse-max-buffered-bytes": { type: "string" },
  "sse-max-stall-ms": { type: "string" },
  "history-max-len": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const SERVER_HELP = `Usage: npm run server -- --strategy <id> --port <n> [options]

  --strategy <id>      ${STRATEGIES.join(" | ")} (required)
  --port <n>           TCP port, 0 = any free port (required)
  --host <addr>        address to bind (default 127.0.0.1)
  --redis-url <url>    Redis to use (default: $REDIS_URL, else a managed redis-server)
  --key-prefix <p>     prefix of every Redis key (default pvp:)
  --heartbeat-ms <n>   SSE heartbeat / WebSocket ping interval in ms (default 15000)

Limits:
  --max-connections <n>     open connections at most; more get 503 + Retry-After: 1
                            (default: the open-files soft limit minus min(1000, limit/4),
                            at most 19000; 9000 where the limit cannot be read)
  --admin-connections <n>   connections above --max-connections that only GET /healthz and
                            GET /metrics may use, so a full server still answers its probe
                            and its scrape (default ${LIMIT_DEFAULTS.adminConnections}; 0 = none)
  --max-per-user <n>        held long polls + SSE streams + WebSockets per user id; more get 429
                            (default ${LIMIT_DEFAULTS.maxDeliveryPerUser})
  --max-header-size <n>     bytes of request line + headers; more get 431
                            (default ${LIMIT_DEFAULTS.maxHeaderSize})
  --headers-timeout-ms <n>  time to send the request headers; then 408
                            (default ${LIMIT_DEFAULTS.headersTimeoutMs})
  --request-timeout-ms <n>  time to send the whole request, >= headers timeout; then 408
                            (default ${LIMIT_DEFAULTS.requestTimeoutMs}); neither timeout cuts
                            held polls or SSE streams: the clocks stop once the request is in

Slow consumers and history:
  --sse-max-buffered-bytes <n>  unsent bytes one SSE stream (or WebSocket) may hold; past it
                                it is cut (reason buffer-full; default ${SSE_DEFAULTS.maxBufferedBytes})
  --sse-max-stall-ms <n>        an SSE (or WebSocket) client that takes nothing this long is
                                cut (reason stalled; default ${SSE_DEFAULTS.maxStallMs})
  --history-max-len <n>         notifications kept per user by POST publishes; older ones are
                                trimmed and a client behind them gets a reset (default ${DEFAULT_HISTORY_MAX_LEN})
  -h, --help                    show this help

Prints "push-vs-poll <strategy> server listening on <url>" once ready; SIGINT/SIGTERM shut down
gracefully (held polls answered, streams ended, Redis closed) and exit 0.
`;

/** Values shown in messages are quoted as JSON, so a control character cannot break the line. */
function shown(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function integer(text: string | undefined, flag: string, min: number, max: number) {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(
      `${flag} ${shown(text)} is not a whole number; give one from ${min} to ${max}.`,
    );
  }
  return parseIntegerFlag(text, flag, min, max);
}

/** Parses `argv` (without node and the script path). Throws UsageError on bad input. */
export function parseServerOptions(argv: readonly string[]): ServerCliOptions {
  const { values } = parseFlags(argv, FLAGS);
  if (values.help) return { help: true, host: "127.0.0.1" };
  const strategy = values.strategy;
  if (strategy === undefined || !isStrategyId(strategy)) {
    throw new UsageError(
      `--strategy ${strategy === undefined ? "is required" : `${shown(strategy)} is unknown`}; ` +
        `give one of ${STRATEGIES.join(", ")}.`,
    );
  }
  if (values.port === undefined) {
    throw new UsageError("--port is required; e.g. --port 3000 (0 = any free port).");
  }
  const keyPrefix = values["key-prefix"];
  if (keyPrefix !== undefined && /[\s]/.test(keyPrefix)) {
    throw new UsageError(`--key-prefix ${shown(keyPrefix)} must not contain whitespace.`);
  }
  const options: ServerCliOptions = {
    help: false,
    strategy,
    port: integer(values.port, "--port", 0, 65_535),
    host: values.host ?? "127.0.0.1",
    redisUrl: values["redis-url"],
    keyPrefix,
    heartbeatMs: integer(values["heartbeat-ms"], "--heartbeat-ms", 1, 3_600_000),
    maxConnections: integer(values["max-connections"], "--max-connections", 1, 10_000_000),
    adminConnections: integer(values["admin-connections"], "--admin-connections", 0, 1000),
    maxDeliveryPerUser: integer(values["max-per-user"], "--max-per-user", 1, 1_000_000),
    maxHeaderSize: integer(values["max-header-size"], "--max-header-size", 1024, 1024 * 1024),
    headersTimeoutMs: integer(values["headers-timeout-ms"], "--headers-timeout-ms", 1, 3_600_000),
    requestTimeoutMs: integer(values["request-timeout-ms"], "--request-timeout-ms", 1, 3_600_000),
    sseMaxBufferedBytes: integer(
      values["sse-max-buffered-bytes"],
      "--sse-max-buffered-bytes",
      1024,
      1024 * 1024 * 1024,
    ),
    sseMaxStallMs: integer(values["sse-max-stall-ms"], "--sse-max-stall-ms", 1, 3_600_000),
    historyMaxLen: integer(values["history-max-len"], "--history-max-len", 1, 10_000_000),
  };
  const headersTimeout = options.headersTimeoutMs ?? LIMIT_DEFAULTS.headersTimeoutMs;
  const requestTimeout = options.requestTimeoutMs ?? LIMIT_DEFAULTS.requestTimeoutMs;
  if (headersTimeout > requestTimeout) {
    throw new UsageError(
      `--headers-timeout-ms ${headersTimeout} exceeds --request-timeout-ms ${requestTimeout}; ` +
        "the whole request cannot arrive before its headers (Node requires headers <= request).",
    );
  }
  return options;
}
