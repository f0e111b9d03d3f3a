/** A client that stops reading must not make the server buffer without bound. */
import { connect } from "node:net";
import { afterAll, beforeAll, it } from "vitest";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { createServer, type PushVsPollServer } from "./http-shell.ts";
import { waitUntil } from "./test-support/case-context.ts";

let redis: RedisHandle;
let source: NotificationSource;
let server: PushVsPollServer;
let baseUrl: string;
const logs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: "bp:" });
  server = createServer({
    strategy: "sse",
    source,
    sseMaxBufferedBytes: 256 * 1024,
    sseMaxStallMs: 300,
    log: (line) => logs.push(line),
  });
  baseUrl = await server.listen(0);
});
afterAll(async () => {
  await server?.close();
  await source?.close();
  await redis?.stop();
});

it("closes an SSE stream whose client stopped reading, with a logged reason", async () => {
  const { port } = new URL(baseUrl);
  const socket = connect(Number(port), "127.0.0.1");
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write("GET /api/notifications/slow/sse HTTP/1.1\r\nHost: x\r\n\r\n");
  socket.pause(); // never read: the kernel buffers fill, then the server's own buffer
  const open = async () =>
    (await (await fetch(`${baseUrl}/metrics`)).text()).match(/^pvp_open_streams (\d+)/m)?.[1];
  await waitUntil(async () => (await open()) === "1", "stream open");
  const message = "x".repeat(15_000);
  for (let i = 0; i < 600 && !logs.some((l) => l.includes("slow")); i++) {
    await source.publish("slow", { title: "big", message });
  }
  await waitUntil(
    () => logs.some((l) => l.includes("closed the stream of user slow")),
    "close log",
  );
  await waitUntil(async () => (await open()) === "0", "stream closed");
  socket.destroy();
});
