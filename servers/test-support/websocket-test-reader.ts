/**
 * A small WebSocket reader for the conformance tests, on the `ws` package directly (not the
 * driver's client), so the server is checked independently of it. It records what the SSE test
 * reader records, in the same shape: each JSON message becomes an event `{event: type, id, data}`
 * with `data` as the SSE event would carry it (a push's notification JSON, a count's number as
 * text), so a case can compare the two push strategies line by line. A refused upgrade is kept as
 * an HTTP status, headers and body.
 */
import type { IncomingMessage } from "node:http";
import WebSocket from "ws";
import { PushEventRecorder } from "./push-event-recorder.ts";

export class WebSocketTestReader extends PushEventRecorder {
  /** Text of every message, as received. */
  readonly messages: string[] = [];
  pings = 0;
  /** 101 once upgraded; the status of a refused upgrade otherwise. */
  status = 0;
  headers: IncomingMessage["headers"] = {};
  /** The body of a refused upgrade. */
  body = "";
  closeCode: number | undefined;
  closeReason = "";
  private constructor(readonly ws: WebSocket) {
    super("WebSocket reader");
  }

  /**
   * Connects and resolves once the upgrade succeeded or was refused (any status). `url` may be
   * http:// (our base URLs); it is sent as ws://.
   */
  static open(url: string, headers: Record<string, string> = {}): Promise<WebSocketTestReader> {
    const ws = new WebSocket(url.replace(/^http:/, "ws:"), { headers, perMessageDeflate: false });
    const reader = new WebSocketTestReader(ws);
    return new Promise((resolve, reject) => {
      ws.on("unexpected-response", (_req, res) => {
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          reader.body += chunk;
        });
        res.on("end", () => {
          reader.ended = true;
          resolve(reader);
        });
      });
      ws.on("upgrade", (res) => {
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
      });
      ws.on("open", () => resolve(reader));
      ws.on("error", (error) => {
        reader.ended = true;
        if (reader.status === 0) reject(error);
      });
      ws.on("ping", () => {
        reader.pings += 1;
      });
      ws.on("message", (data) => reader.feed(String(data)));
      ws.on("close", (code, reason) => {
        reader.ended = true;
        reader.closeCode = code;
        reader.closeReason = String(reason);
      });
    });
  }

  /** Stops reading the socket (a slow consumer): the server's sends pile up. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(): void {
    this.ws.terminate();
  }

  private feed(text: string): void {
    this.messages.push(text);
    const message = JSON.parse(text) as { type: string; id?: string; data: unknown };
    const data =
      typeof message.data === "number" ? String(message.data) : JSON.stringify(message.data);
    this.events.push({ event: message.type, id: message.id, data });
  }
}
