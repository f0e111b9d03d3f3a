/**
 * nginx + nchan as a reference server: a C pub/sub server that speaks SSE, long polling and
 * interval polling, so our servers can be measured against one that is not ours, by the same
 * driver on the same machine (`--target`). One channel per user id; the publisher location takes
 * the driver's POST body as the message and passes it through unchanged (the receipt marker
 * travels inside it). Debian: `apt-get install nginx-light libnginx-mod-nchan`.
 *
 * One worker process by default, like one Node server process; history of 1,000 messages per
 * channel kept for an hour, like our servers' default history.
 */
import { existsSync } from "node:fs";

/** Where Debian's package puts the module. */
export const NCHAN_MODULE_PATHS = [
  "/usr/lib/nginx/modules/ngx_nchan_module.so",
  "/usr/lib64/nginx/modules/ngx_nchan_module.so",
] as const;

/** The module's path on this machine, or null when nchan is not installed. */
export function findNchanModule(): string | null {
  return NCHAN_MODULE_PATHS.find((p) => existsSync(p)) ?? null;
}

export interface NchanConfigOptions {
  modulePath: string;
  port: number;
  /** Directory for the pid file, temp files and the error log. */
  prefixDir: string;
  workers?: number;
  /** Messages kept per channel (our servers' --history-max-len). */
  historyLength?: number;
}

/** The routes, with `{userId}` as the driver's URL templates want them. */
export function nchanUrls(port: number): {
  sse: string;
  longPolling: string;
  shortPolling: string;
  publish: string;
} {
  const base = `http://127.0.0.1:${port}`;
  return {
    sse: `${base}/sse/{userId}`,
    longPolling: `${base}/lp/{userId}`,
    shortPolling: `${base}/poll/{userId}`,
    publish: `${base}/pub/{userId}`,
  };
}

/** nginx.conf text; every path is absolute, so nginx runs with `-p prefixDir -c <file>`. */
export function renderNchanConfig(options: NchanConfigOptions): string {
  const { modulePath, port, prefixDir } = options;
  const workers = options.workers ?? 1;
  const history = options.historyLength ?? 1000;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`port ${port} must be a whole number from 1 to 65535`);
  }
  // user ids as our servers accept them: letters, digits, _ and -, 1-64 characters (the regex
  // is quoted because nginx reads an unquoted "{" as the start of a block)
  const id = "([A-Za-z0-9_-]{1,64})";
  return `load_module ${modulePath};
worker_processes ${workers};
daemon off;
pid ${prefixDir}/nginx.pid;
error_log ${prefixDir}/error.log warn;
worker_rlimit_nofile 40000;
events { worker_connections 20000; }
http {
  access_log off;
  client_body_temp_path ${prefixDir}/body;
  proxy_temp_path ${prefixDir}/proxy;
  fastcgi_temp_path ${prefixDir}/fastcgi;
  uwsgi_temp_path ${prefixDir}/uwsgi;
  scgi_temp_path ${prefixDir}/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location ~ "^/sse/${id}$" { nchan_subscriber eventsource; nchan_channel_id $1; }
    location ~ "^/lp/${id}$" { nchan_subscriber longpoll; nchan_channel_id $1; }
    location ~ "^/poll/${id}$" { nchan_subscriber intervalpoll; nchan_channel_id $1; }
    location ~ "^/pub/${id}$" {
      nchan_publisher;
      nchan_channel_id $1;
      nchan_message_buffer_length ${history};
      nchan_message_timeout 1h;
    }
    location = /healthz { return 200 '{"ok":true}'; }
  }
}
`;
}
