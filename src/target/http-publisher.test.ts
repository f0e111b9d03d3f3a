import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationPayload } from "../notifications/types.ts";
import { bodyExcerpt, createHttpPublisher, type HttpPublisher } from "./http-publisher.ts";
import { parseUrlTemplate } from "./url-template.ts";

interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real HTTP server on 127.0.0.1, port 0; records requests and counts TCP connections. */
async function startServer(handler: Handler) {
  const received: Received[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        contentType: req.headers["content-type"],
        body,
      });
      handler(req, res, body);
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port, received, connections: () => connections };
}

function publisherFor(port: number, options: { timeoutMs?: number; maxSockets?: number } = {}) {
  const template = parseUrlTemplate(
    `http://127.0.0.1:${port}/api/notifications/{userId}`,
    "--publish-url",
    { required: ["userId"], optional: [] },
  );
  const publisher: HttpPublisher = createHttpPublisher({ template, ...options });
  cleanups.push(() => publisher.close());
  return publisher;
}

const PAYLOAD: NotificationPayload = {
  title: "t",
  message: "hello",
  meta: { seq: 1, intendedAtUs: 12.5, userId: "user 1/é" },
};

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).not.toMatch(/[\r\n]/);
    return message;
  }
  throw new Error("expected a rejection");
}

describe("createHttpPublisher", () => {
  it("POSTs the payload as-is, as JSON, to the expanded template", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(201, { "content-type": "application/json" }).end('{"id":"1-0"}');
    });
    const publisher = publisherFor(server.port);
    await publisher.publish("user 1/é", PAYLOAD);
    expect(server.received).toEqual([
      {
        method: "POST",
        url: "/api/notifications/user%201%2F%C3%A9",
        contentType: "application/json",
        body: JSON.stringify(PAYLOAD),
      },
    ]);
    expect(JSON.parse(server.received[0]?.body ?? "")).toEqual(PAYLOAD);
  });

  it("accepts any 2xx, with or without a body", async () => {
    const statuses = [200, 202, 204];
    const server = await startServer((_req, res) => {
      res.writeHead(statuses.shift() ?? 500).end();
    });
    const publisher = publisherFor(server.port);
    for (let i = 0; i < 3; i += 1) await publisher.publish("u", PAYLOAD);
    expect(server.received).toHaveLength(3);
  });

  it("reuses keep-alive sockets", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(201).end("{}");
    });
    const publisher = publisherFor(server.port);
    for (let i = 0; i < 20; i += 1) await publisher.publish(`u${i}`, PAYLOAD);
    expect(server.received).toHaveLength(20);
    expect(server.connections()).toBe(1);
  });

  it("opens no more than maxSockets connections, queueing the rest", async () => {
    const held: http.ServerResponse[] = [];
    const server = await startServer((_req, res) => {
      held.push(res);
      // Answer only once two are held, so both sockets are busy at the same time.
      if (held.length >= 2) for (const r of held.splice(0)) r.writeHead(201).end();
    });
    const publisher = publisherFor(server.port, { maxSockets: 2 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => publisher.publish(`u${i}`, PAYLOAD)));
    expect(server.received).toHaveLength(10);
    expect(server.connections()).toBe(2);
  });

  it("rejects a non-2xx answer naming the URL, the status and a body excerpt", async () => {
    const server = await startServer((_req, res) => {
      res
        .writeHead(400, { "content-type": "application/json" })
        .end('{"error":"invalid body",\n"detail":"title is required"}');
    });
    const publisher = publisherFor(server.port);
    expect(await rejection(publisher.publish("u", PAYLOAD))).toBe(
      `POST http://127.0.0.1:${server.port}/api/notifications/u answered 400 Bad Request: {"error":"invalid body", "detail":"title is required"}`,
    );
  });

  it("quotes at most the start of a long error body, and still reuses the socket", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(503).end("x".repeat(100_000));
    });
    const publisher = publisherFor(server.port);
    const message = await rejection(publisher.publish("u", PAYLOAD));
    expect(message).toMatch(/answered 503 Service Unavailable: x{200}…$/);
    await rejection(publisher.publish("u", PAYLOAD));
    expect(server.connections()).toBe(1);
  });

  it("rejects when the answer does not come within timeoutMs", async () => {
    const server = await startServer(() => {
      // Never answers.
    });
    const publisher = publisherFor(server.port, { timeoutMs: 50 });
    expect(await rejection(publisher.publish("u", PAYLOAD))).toBe(
      `POST http://127.0.0.1:${server.port}/api/notifications/u timed out after 50 ms`,
    );
  });

  it("rejects when nothing listens, naming the URL", async () => {
    const server = await startServer(() => {});
    const port = server.port;
    // Close it, so the port is (very likely) free and the connect is refused.
    await cleanups.pop()?.();
    const publisher = publisherFor(port);
    expect(await rejection(publisher.publish("u", PAYLOAD))).toMatch(
      new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/api/notifications/u failed: .*ECONNREFUSED`),
    );
  });

  it("rejects when the server drops the connection mid-answer", async () => {
    const server = await startServer((req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setImmediate(() => req.socket.destroy());
    });
    const publisher = publisherFor(server.port);
    expect(await rejection(publisher.publish("u", PAYLOAD))).toMatch(
      new RegExp(`^POST http://127\\.0\\.0\\.1:${server.port}/api/notifications/u failed: `),
    );
  });

  it("after close(), publishes reject at once", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(201).end();
    });
    const publisher = publisherFor(server.port);
    await publisher.publish("u", PAYLOAD);
    publisher.close();
    expect(await rejection(publisher.publish("u", PAYLOAD))).toMatch(/not sent: publisher closed$/);
    expect(server.received).toHaveLength(1);
  });
});

describe("bodyExcerpt", () => {
  it("one line, control characters escaped, empty said so", () => {
    expect(bodyExcerpt("a\r\n\tb  c")).toBe("a b c");
    expect(bodyExcerpt("a\u0000b\u007f")).toBe("a\\u0000b\\u007f");
    expect(bodyExcerpt("  ")).toBe("(empty body)");
  });
});
