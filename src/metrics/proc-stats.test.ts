import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import {
  countTcpConnectionsInTable,
  ProcessGoneError,
  parseProcStat,
  readProcStats,
  statusKbField,
} from "./proc-stats.ts";
import { type RunningChild, spawnNodeScript } from "./test-support/processes.ts";

const children: RunningChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
});

// Listens, opens 3 connections to itself (3 client + 3 server-side sockets), burns some CPU,
// then idles.
const SOCKET_SCRIPT = `
const net = require("node:net");
const server = net.createServer((s) => { s.on("error", () => {}); });
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  const clients = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => { const c = net.connect(port, "127.0.0.1", r); clients.push(c); });
  }
  const until = Date.now() + 150; while (Date.now() < until) {}
  setTimeout(() => process.stdout.write("ready\\n"), 100);
  setInterval(() => {}, 1000);
});`;

describe("parseProcStat", () => {
  it("reads utime and stime after a command name with spaces and parentheses", () => {
    const text = "123 (a) b) (c) S 1 123 123 0 -1 4194560 10 0 0 0 250 37 0 0 20 0 1 0 99 1 2\n";
    expect(parseProcStat(text)).toEqual({ state: "S", utimeTicks: 250, stimeTicks: 37 });
  });

  it("rejects text without the command name", () => {
    expect(() => parseProcStat("garbage")).toThrow(/malformed/);
  });
});

describe("statusKbField", () => {
  it("converts kB to bytes and yields 0 when the field is absent", () => {
    const status = "Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n";
    expect(statusKbField(status, "VmRSS")).toBe(1024 * 1024);
    expect(statusKbField(status, "VmHWM")).toBe(2048 * 1024);
    expect(statusKbField("Name:\tkthreadd\n", "VmRSS")).toBe(0);
  });
});

describe("countTcpConnectionsInTable", () => {
  it("counts the process's non-listening sockets only", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0",
      "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 20 4 30 10 -1",
      "   2: 0100007F:1F90 0100007F:C351 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0",
      "   3: 0100007F:1F90 0100007F:C352 08 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 20 4 30 10 -1",
      "   4: 0100007F:1F90 0100007F:C353 01 00000000:00000000 00:00000000 00000000  1000        0 444 1 0 20 4 30 10 -1",
      "",
    ].join("\n");
    // 111 is a listener, 0 is TIME_WAIT, 444 belongs to another process.
    expect(countTcpConnectionsInTable(table, new Set(["111", "222", "333", "0"]))).toBe(2);
    expect(countTcpConnectionsInTable(table, new Set(["999"]))).toBe(0);
  });
});

describe("readProcStats", () => {
  it("reads this process", async () => {
    const stats = await readProcStats(process.pid);
    expect(stats.cpuSeconds).toBeGreaterThan(0);
    expect(stats.rssBytes).toBeGreaterThan(0);
    expect(stats.peakRssBytes).toBeGreaterThanOrEqual(stats.rssBytes);
    expect(stats.openFds).toBeGreaterThanOrEqual(3);
  });

  it("measures a child's CPU, memory, fds and exactly its TCP connections", async () => {
    const t0 = performance.now();
    const child = await spawnNodeScript(SOCKET_SCRIPT);
    children.push(child);
    const stats = await readProcStats(child.pid);
    const wallSeconds = (performance.now() - t0) / 1000;

    expect(stats.cpuSeconds).toBeGreaterThan(0);
    // Cannot have used more CPU than it existed for on every core (+1 tick of rounding).
    expect(stats.cpuSeconds).toBeLessThanOrEqual(wallSeconds * availableParallelism() + 0.01);
    expect(stats.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(stats.peakRssBytes).toBeGreaterThanOrEqual(stats.rssBytes);
    // 3 stdio + 7 sockets at least.
    expect(stats.openFds).toBeGreaterThanOrEqual(10);
    // 3 outgoing + 3 accepted; the listener and the stdio socketpairs are not connections.
    expect(stats.openSockets).toBe(6);

    const cheap = await readProcStats(child.pid, { countSockets: false });
    expect(cheap.openSockets).toBe(0);
    expect(cheap.openFds).toBe(stats.openFds);
  });

  it("rejects with ProcessGoneError once the process has exited", async () => {
    const child = await spawnNodeScript(
      `process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`,
    );
    await child.stop();
    const err = await readProcStats(child.pid).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessGoneError);
    expect((err as Error).message).toMatch(new RegExp(`process ${child.pid} is gone`));
  });

  it("rejects an invalid pid", async () => {
    await expect(readProcStats(-1)).rejects.toThrow(/invalid pid/);
  });
});
