/**
 * The `npm run bench` flags of the delivery path (src/model/delivery-path.ts): `--proxy`,
 * `--proxy-buffering`, `--proxy-read-timeout`, `--tls`, `--http2`. Each bad value or
 * combination is one line naming the flag and the fix (exit 2).
 */
import {
  DEFAULT_PROXY_READ_TIMEOUT_MS,
  type DeliveryPath,
  PROXY_KINDS,
  PROXY_READ_TIMEOUT_LIMITS,
  type ProxyKind,
} from "../model/delivery-path.ts";
import { type FlagValues, parseDurationMs } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";

export const DELIVERY_FLAG_SPEC = {
  proxy: { type: "string" },
  "proxy-buffering": { type: "string" },
  "proxy-read-timeout": { type: "string" },
  tls: { type: "boolean" },
  http2: { type: "boolean" },
} as const;

export function deliveryFlagsHelp(): string {
  return `Delivery path (a real nginx, TLS, HTTP/2; needs nginx-light, see npm run setup):
  --proxy none|nginx   nginx in front of every run's instances, load-balancing with upstream
                       keep-alive; its CPU and memory are their own line (default: none)
  --proxy-buffering on|off
                       nginx proxy_buffering (default: off); needs --proxy nginx
  --proxy-read-timeout D
                       nginx proxy_read_timeout, ${PROXY_READ_TIMEOUT_LIMITS.min} ms..${PROXY_READ_TIMEOUT_LIMITS.max / 60_000} min, e.g. 10s (default: ${DEFAULT_PROXY_READ_TIMEOUT_MS / 1000}s);
                       needs --proxy nginx
  --tls                TLS from the clients to nginx, certificate made per run; needs --proxy nginx
  --http2              HTTP/2 from the clients to nginx; needs --tls and --proxy nginx
                       (websocket clients stay on HTTP/1.1: nginx has no WebSocket over h2)
`;
}

/** The fields the flags set (only those given); the planner puts them on the direct path. */
export function parseDeliveryFlags(
  values: FlagValues<typeof DELIVERY_FLAG_SPEC>,
  context: { target: boolean },
): Partial<DeliveryPath> {
  const out: Partial<DeliveryPath> = {};
  const given = (["proxy", "proxy-buffering", "proxy-read-timeout", "tls", "http2"] as const)
    .filter((name) => values[name] !== undefined && values[name] !== false)
    .map((name) => `--${name}`);
  if (context.target && given.length > 0) {
    throw new UsageError(
      `${given.join(", ")} does not apply with --target: the bench starts no proxy in front of an external server; drop ${given.join(", ")}.`,
    );
  }
  if (values.proxy !== undefined) {
    const kind = values.proxy.trim().toLowerCase();
    if (!(PROXY_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(
        `--proxy '${values.proxy}' is not a proxy; give one of ${PROXY_KINDS.join(", ")}, e.g. --proxy nginx.`,
      );
    }
    out.proxy = kind as ProxyKind;
  }
  const viaProxy = out.proxy === "nginx";
  if (values["proxy-buffering"] !== undefined) {
    const value = values["proxy-buffering"].trim().toLowerCase();
    if (value !== "on" && value !== "off") {
      throw new UsageError(
        `--proxy-buffering '${values["proxy-buffering"]}' is neither on nor off; give --proxy-buffering on or --proxy-buffering off.`,
      );
    }
    if (!viaProxy) {
      throw new UsageError("--proxy-buffering needs --proxy nginx; add --proxy nginx.");
    }
    out.proxyBuffering = value === "on";
  }
  if (values["proxy-read-timeout"] !== undefined) {
    const ms = parseDurationMs(values["proxy-read-timeout"], "--proxy-read-timeout");
    if (
      !Number.isInteger(ms) ||
      ms < PROXY_READ_TIMEOUT_LIMITS.min ||
      ms > PROXY_READ_TIMEOUT_LIMITS.max
    ) {
      throw new UsageError(
        `--proxy-read-timeout ${values["proxy-read-timeout"]} is out of range; give a whole number of ms from ${PROXY_READ_TIMEOUT_LIMITS.min} ms to ${PROXY_READ_TIMEOUT_LIMITS.max / 60_000} min, e.g. --proxy-read-timeout 10s.`,
      );
    }
    if (!viaProxy) {
      throw new UsageError("--proxy-read-timeout needs --proxy nginx; add --proxy nginx.");
    }
    out.proxyReadTimeoutMs = ms;
  }
  if (values.tls === true) {
    if (!viaProxy) {
      throw new UsageError(
        "--tls needs --proxy nginx (nginx terminates TLS in front of the Node servers); add --proxy nginx.",
      );
    }
    out.tls = true;
  }
  if (values.http2 === true) {
    if (out.tls !== true) {
      throw new UsageError(
        "--http2 needs --tls (HTTP/2 is spoken over TLS here, as browsers do) and --proxy nginx; add --tls --proxy nginx.",
      );
    }
    out.http2 = true;
  }
  return out;
}
