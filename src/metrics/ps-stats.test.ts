/**
 * The macOS process-cost reader (ps + lsof). These machines are Linux, so its parsers are tested
 * with recorded outputs: the Linux ones captured from procps `ps` and lsof 4.9x on this project's
 * machine, the macOS ones in the format of macOS's `ps` (BSD: `M:SS.cc` CPU time) and lsof
 * 4.91's field output. Where ps and lsof exist (here they do), the reader itself runs against a
 * real child and must agree with /proc.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessGoneError, readLinuxProcStats } from "./proc-stats.ts";
import { parseLsofFields, parsePsLine, parsePsTime, readPsStats } from "./ps-stats.ts";
import { type RunningChild, spawnNodeScript } from "./test-support/processes.ts";

/** Recorded: `ps -o stat=,rss=,time= -p PID` on Linux (procps-ng), a Node server. */
const LINUX_PS = "Sl   43588 00:00:00\n";
/** Recorded: the same for a long-running root process (PID 1). */
const LINUX_PS_BUSY = "S<Ll 11400 00:00:25\n";
/** macOS `ps -o stat=,rss=,time= -p PID`: BSD state flags, rss in KiB, CPU as M:SS.cc. */
const MACOS_PS = "S      61728   0:01.37\n";
const MACOS_PS_HOURS = "R+   1048576 123:04.50\n";

/** Recorded: `lsof -n -P -w -a -p PID -F ftPT -Ts` on Linux, a Node process with a listener and one connection to itself. */
const LINUX_LSOF = [
  "p9605",
  "fcwd",
  "tDIR",
  "frtd",
  "tDIR",
  "ftxt",
  "tREG",
  "fmem",
  "tREG",
  "f0",
  "tCHR",
  "f1",
  "tREG",
  "f2",
  "tREG",
  "f3",
  "ta_inode",
  "f4",
  "tFIFO",
  "f19",
  "tIPv4",
  "PTCP",
  "TST=LISTEN",
  "f20",
  "tIPv4",
  "PTCP",
  "TST=ESTABLISHED",
  "f21",
  "tIPv4",
  "PTCP",
  "TST=ESTABLISHED",
  "f251",
  "tFIFO",
  "",
].join("\n");

/** macOS lsof 4.91 field output: kqueue, unix sockets, IPv6 listener, connections in several states, UDP. */
const MACOS_LSOF = [
  "p4242",
  "fcwd",
  "tDIR",
  "ftxt",
  "tREG",
  "ftxt",
  "tREG",
  "f0",
  "tCHR",
  "f1",
  "tCHR",
  "f2",
  "tCHR",
  "f3",
  "tKQUEUE",
  "f4",
  "tPIPE",
  "f5",
  "tunix",
  "f17",
  "tIPv6",
  "PTCP",
  "TST=LISTEN",
  "TQR=0",
  "TQS=0",
  "f18",
  "tIPv4",
  "PTCP",
  "TST=ESTABLISHED",
  "TQR=0",
  "TQS=0",
  "f19",
  "tIPv4",
  "PTCP",
  "TST=CLOSE_WAIT",
  "TQR=0",
  "TQS=0",
  "f20",
  "tIPv4",
  "PUDP",
  "f21",
  "tIPv6",
  "PTCP",
  "TST=ESTABLISHED",
  "TQR=0",
  "TQS=512",
  "",
].join("\n");

describe("parsePsTime", () => {
  it("reads BSD (macOS) and procps (Linux) CPU times", () => {
    expect(parsePsTime("0:01.37")).toBeCloseTo(1.37, 10);
    expect(parsePsTime("123:04.50")).toBeCloseTo(123 * 60 + 4.5, 10);
    expect(parsePsTime("1:02:03.45")).toBeCloseTo(3723.45, 10);
    expect(parsePsTime("00:00:25")).toBe(25);
    expect(parsePsTime("2-03:04:05")).toBe(2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
    expect(parsePsTime("soon")).toBeNaN();
  });
});

describe("parsePsLine", () => {
  it("state, RSS in bytes and CPU seconds, from either platform", () => {
    expect(parsePsLine(LINUX_PS)).toEqual({ state: "Sl", rssBytes: 43588 * 1024, cpuSeconds: 0 });
    expect(parsePsLine(LINUX_PS_BUSY)).toEqual({
      state: "S<Ll",
      rssBytes: 11400 * 1024,
      cpuSeconds: 25,
    });
    expect(parsePsLine(MACOS_PS)).toEqual({
      state: "S",
      rssBytes: 61728 * 1024,
      cpuSeconds: 1.37,
    });
    expect(parsePsLine(MACOS_PS_HOURS)?.cpuSeconds).toBeCloseTo(7384.5, 10);
  });

  it("no line: no such process; a line it cannot read: an error saying what it got", () => {
    expect(parsePsLine("")).toBeNull();
    expect(parsePsLine("\n  \n")).toBeNull();
    expect(() => parsePsLine("S lots 0:01.00\n")).toThrow(/unexpected ps output: "S lots 0:01.00"/);
  });
});

describe("parseLsofFields", () => {
  it("counts numbered fds and the TCP connections that are not listening (Linux, recorded)", () => {
    expect(parseLsofFields(LINUX_LSOF)).toEqual({ openFds: 9, openSockets: 2 });
  });

  it("the same on macOS: unix sockets, UDP and the listener are no connections; CLOSE_WAIT is", () => {
    expect(parseLsofFields(MACOS_LSOF)).toEqual({ openFds: 11, openSockets: 3 });
  });

  it("nothing listed: nothing counted", () => {
    expect(parseLsofFields("")).toEqual({ openFds: 0, openSockets: 0 });
  });
});

const tools = (() => {
  try {
    execFileSync("ps", ["-p", String(process.pid)], { stdio: "ignore" });
    execFileSync("lsof", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const children: RunningChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
});

// Listens, opens 3 connections to itself (3 client + 3 server-side sockets), then idles.
const SOCKET_SCRIPT = `
const net = require("node:net");
const server = net.createServer((s) => { s.on("error", () => {}); });
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  for (let i = 0; i < 3; i++) await new Promise((r) => net.connect(port, "127.0.0.1", r));
  const until = Date.now() + 100; while (Date.now() < until) {}
  process.stdout.write("ready\\n");
  setInterval(() => {}, 1000);
});`;

describe.skipIf(!tools)("readPsStats against a real process", () => {
  it("agrees with /proc on connections and fds, and roughly on memory", async () => {
    const child = await spawnNodeScript(SOCKET_SCRIPT);
    children.push(child);
    const viaPs = await readPsStats(child.pid);
    const viaProc = await readLinuxProcStats(child.pid);
    expect(viaPs.openSockets).toBe(6);
    expect(viaPs.openSockets).toBe(viaProc.openSockets);
    expect(viaPs.openFds).toBe(viaProc.openFds);
    expect(viaPs.rssBytes).toBeGreaterThan(0.8 * viaProc.rssBytes);
    expect(viaPs.rssBytes).toBeLessThan(1.25 * viaProc.rssBytes);
    expect(viaPs.peakRssBytes).toBeGreaterThanOrEqual(viaPs.rssBytes);
    // procps prints whole seconds: only a bound can be checked here.
    expect(viaPs.cpuSeconds).toBeLessThanOrEqual(viaProc.cpuSeconds + 1);
    // Without sockets only ps runs; the fd count is the last one read.
    const cheap = await readPsStats(child.pid, { countSockets: false });
    expect(cheap.openSockets).toBe(0);
    expect(cheap.openFds).toBe(viaPs.openFds);
  });

  it("rejects with ProcessGoneError once the process has exited", async () => {
    const child = await spawnNodeScript(
      `process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`,
    );
    await child.stop();
    await expect(readPsStats(child.pid)).rejects.toBeInstanceOf(ProcessGoneError);
  });
});
