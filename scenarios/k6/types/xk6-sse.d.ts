/**
 * Types for the xk6-sse extension (`import sse from "k6/x/sse"`), which only exists in a k6
 * binary built with `xk6 build --with github.com/phymbert/xk6-sse`.
 *
 * Written from the extension's own documentation and source, not guessed:
 * - README example (https://github.com/phymbert/xk6-sse#example): `sse.open(url, params,
 *   function (client) { client.on("open" | "event" | "error", ...); client.close() })`,
 *   `event.id`, `event.name`, `event.data`, `e.error()`, `response.status`.
 * - sse.go (https://github.com/phymbert/xk6-sse/blob/master/sse.go): `Open(url, args...)`
 *   takes an optional params object (`method`, `headers`, `body`, `tags`, `jar`) and a
 *   required setup function, BLOCKS the VU until the stream ends (client.close(), the server
 *   closing it, or the VU's context ending) and then returns `HTTPResponse {url, status,
 *   headers, error}`; events are `Event {ID, Comment, Name, Data}` exposed to JS through k6's
 *   field-name mapper as `id`, `comment`, `name`, `data`. Multi-line `data:` is joined with
 *   "\n"; `retry:` is ignored; a comment (heartbeat) or `retry:` block is delivered as an event
 *   with an empty name, so handlers must filter on `name`. The extension records the built-in
 *   `http_reqs` (one per stream, when it ends) and a Counter `sse_event`.
 * Newer releases also have a non-blocking `sse.openAsync`; the scripts use the blocking API,
 * which every release has.
 */
declare module "k6/x/sse" {
  /** Second argument of `sse.open`. */
  export interface SSEParams {
    /** Default "GET". */
    method?: string;
    /** Sent as given; `Accept: text/event-stream` is always set by the extension. */
    headers?: Record<string, string>;
    body?: string;
    /** Extra metric tags for this stream's samples. */
    tags?: Record<string, string>;
    /** A cookie jar from `http.cookieJar()` (k6/http). */
    jar?: object;
  }

  /** One server-sent event. Fields absent on the wire are empty strings. */
  export interface SSEEvent {
    /** The `id:` field (our servers: the notification's stream id = cursor). */
    id: string;
    /** The `event:` field ("push", "count"); empty for comments and `retry:` blocks. */
    name: string;
    /** The `data:` lines joined with "\n". */
    data: string;
    /** The text of a `:` comment line (our servers: "heartbeat"). */
    comment: string;
  }

  /** What error handlers receive: a Go error wrapped for JS. */
  export interface SSEError {
    error(): string;
  }

  export interface SSEClient {
    on(event: "open", handler: () => void): void;
    on(event: "event", handler: (event: SSEEvent) => void): void;
    on(event: "error", handler: (error: SSEError) => void): void;
    /** Ends the stream; `sse.open` then returns. */
    close(): void;
  }

  /** Returned by `sse.open` once the stream has ended. */
  export interface SSEResponse {
    url: string;
    /** 0 when the connection failed (then `error` says why). */
    status: number;
    headers: Record<string, string>;
    /** Empty when the stream opened. */
    error: string;
  }

  interface SSEModule {
    open(url: string, params: SSEParams | null, setup: (client: SSEClient) => void): SSEResponse;
    open(url: string, setup: (client: SSEClient) => void): SSEResponse;
  }

  const sse: SSEModule;
  export default sse;
}
