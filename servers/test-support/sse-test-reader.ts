/**
 * A deliberately minimal SSE reader for the conformance tests (LF line endings, which is what
 * our servers send). The spec-complete parser lives in src/driver and is not used here, so the
 * servers are checked independently of it.
 */
import { type ClientRequest, type IncomingMessage, request } from "node:http";
import { PushEventRecorder } from "./push-event-recorder.ts";

export class SseTestReader extends PushEventRecorder {
  readonly comments: string[] = [];
  readonly retries: number[] = [];
  status = 0;
  headers: IncomingMessage["headers"] = {};
  /** The raw body bytes seen so far, for wire-format assertions. */
  raw = "";
  private buffer = "";
  private readonly req: ClientRequest;
  private res: IncomingMessage | undefined;

  private constructor(url: string, headers: Record<string, string>) {
    super("SSE reader");
    this.req = request(url, { headers: { Accept: "text/event-stream", ...headers } });
    this.req.on("error", () => {
      this.ended = true;
    });
  }

  /** Connects and resolves once the response head arrived (any status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseTestReader> {
    const reader = new SseTestReader(url, headers);
    return new Promise((resolve, reject) => {
      reader.req.once("error", reject);
      reader.req.once("response", (res) => {
        reader.res = res;
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => reader.feed(chunk));
        res.on("close", () => {
          reader.ended = true;
        });
        resolve(reader);
      });
      reader.req.end();
    });
  }

  /**
   * Stops reading: Node stops reading the socket once its small buffers fill, so the server's
   * writes pile up in the kernel and then in the server (a slow consumer).
   */
  pause(): void {
    this.res?.pause();
  }

  /** Reads again: what the kernel still holds arrives, then the end if the server cut the stream. */
  resume(): void {
    this.res?.resume();
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end < 0) return;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parseBlock(block);
    }
  }

  private parseBlock(block: string): void {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "id") id = value;
      else if (field === "data") data.push(value);
      else if (field === "retry") this.retries.push(Number(value));
    }
    if (data.length > 0) this.events.push({ event, id, data: data.join("\n") });
  }
}
