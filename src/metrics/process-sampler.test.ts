import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessGoneError } from "./proc-stats.ts";
import { startProcessSampler } from "./process-sampler.ts";
import { type RunningChild, spawnNodeScript } from "./test-support/processes.ts";

const children: RunningChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
});

async function spawn(script: string): Promise<RunningChild> {
  const child = await spawnNodeScript(script);
  children.push(child);
  return child;
}

const BUSY = `process.stdout.write("ready\\n"); for (;;) {}`;
const IDLE = `process.stdout.write("ready\\n"); setInterval(() => {}, 1000);`;
// One clock tick of rounding on each end of the window.
const TICK_SLACK_SECONDS = 0.02;

describe("startProcessSampler", () => {
  it("measures a busy child's CPU over the marked window only", async () => {
    const child = await spawn(BUSY);
    const sampler = startProcessSampler(child.pid, { intervalMs: 50 });
    await sleep(100);
    await sampler.mark();
    await sleep(400);
    const w = await sampler.stop();

    expect(w.exited).toBe(false);
    expect(w.samples).toBeGreaterThanOrEqual(2);
    expect(w.wallSeconds).toBeGreaterThan(0.3);
    expect(w.cpuSeconds).toBeGreaterThan(0);
    expect(w.cpuSeconds).toBeLessThanOrEqual(
      w.wallSeconds * availableParallelism() + TICK_SLACK_SECONDS,
    );
    expect(w.cpuUtilization).toBeCloseTo(w.cpuSeconds / w.wallSeconds, 10);
    expect(w.meanRssBytes).toBeGreaterThan(0);
    expect(w.peakRssBytes).toBeGreaterThanOrEqual(w.meanRssBytes);
    expect(w.peakRssBytes).toBeGreaterThanOrEqual(w.startRssBytes);
    expect(w.maxOpenFds).toBeGreaterThanOrEqual(3);
    expect(sampler.latest()?.rssBytes).toBe(w.endRssBytes);
    // The CPU burnt before mark() (start-up + 100 ms of spinning) is not in the window.
    expect(w.cpuSeconds).toBeLessThan(sampler.latest()?.cpuSeconds ?? 0);
  });

  it("sees an idle child use almost no CPU", async () => {
    const child = await spawn(IDLE);
    const sampler = startProcessSampler(child.pid, { intervalMs: 50, countSockets: false });
    await sampler.mark();
    await sleep(300);
    const w = await sampler.stop();
    expect(w.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(w.cpuUtilization).toBeLessThan(0.5);
    expect(w.maxOpenSockets).toBe(0);
  });

  it("stop() is idempotent and mark() after stop() is refused", async () => {
    const child = await spawn(IDLE);
    const sampler = startProcessSampler(child.pid, { intervalMs: 50 });
    const a = await sampler.stop();
    const b = await sampler.stop();
    expect(b).toBe(a);
    await expect(sampler.mark()).rejects.toThrow(/already stopped/);
  });

  it("summarises up to the exit when the process dies in the window", async () => {
    const child = await spawn(IDLE);
    const sampler = startProcessSampler(child.pid, { intervalMs: 30 });
    await sampler.mark();
    await sleep(60);
    await child.stop();
    await sleep(60);
    const w = await sampler.stop();
    expect(w.exited).toBe(true);
    expect(w.samples).toBeGreaterThanOrEqual(1);
  });

  it("mark() rejects with ProcessGoneError when the process is already gone", async () => {
    const child = await spawn(IDLE);
    await child.stop();
    const sampler = startProcessSampler(child.pid, { intervalMs: 30 });
    await expect(sampler.mark()).rejects.toBeInstanceOf(ProcessGoneError);
    await expect(sampler.stop()).rejects.toBeInstanceOf(ProcessGoneError);
  });
});

describe("startProcessSampler countCpuSinceStart", () => {
  it("counts the CPU used before the first sample in the first window only", async () => {
    const child = await spawn(BUSY);
    await sleep(200); // spinning before the sampler starts
    const since = startProcessSampler(child.pid, { intervalMs: 50, countCpuSinceStart: true });
    const fromFirst = startProcessSampler(child.pid, { intervalMs: 50 });
    await sleep(100);
    const [a, b] = await Promise.all([since.stop(), fromFirst.stop()]);
    const latestCpu = since.latest()?.cpuSeconds ?? 0;
    expect(a.cpuSeconds).toBeCloseTo(latestCpu, 10);
    expect(a.cpuSeconds).toBeGreaterThan(b.cpuSeconds);

    // After mark() the window is the marked one, as without the option.
    const marked = startProcessSampler(child.pid, { intervalMs: 50, countCpuSinceStart: true });
    await marked.mark();
    const w = await marked.stop();
    expect(w.cpuSeconds).toBeLessThan(marked.latest()?.cpuSeconds ?? 0);
  });
});

describe("startProcessSampler without awaiting mark()", () => {
  it("still measures from mark() when it is not awaited", async () => {
    const child = await spawn(IDLE);
    const sampler = startProcessSampler(child.pid, { intervalMs: 50 });
    void sampler.mark();
    await sleep(120);
    const w = await sampler.stop();
    expect(w.samples).toBeGreaterThanOrEqual(2);
    expect(w.exited).toBe(false);
  });

  it("reports a failed, unawaited mark() from stop() without an unhandled rejection", async () => {
    const child = await spawn(IDLE);
    await child.stop();
    const sampler = startProcessSampler(child.pid, { intervalMs: 30 });
    void sampler.mark();
    await sleep(50);
    await expect(sampler.stop()).rejects.toBeInstanceOf(ProcessGoneError);
  });
});

describe("startProcessSampler socket counting", () => {
  it("counts connections at the window edges and carries the count between them", async () => {
    const child = await spawn(`
const net = require("node:net");
const server = net.createServer(() => {});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  let up = 0;
  for (let i = 0; i < 2; i++) {
    net.connect(port, "127.0.0.1", () => { if (++up === 2) process.stdout.write("ready\\n"); });
  }
  setInterval(() => {}, 1000);
});`);
    const sampler = startProcessSampler(child.pid, { intervalMs: 30, socketIntervalMs: 60_000 });
    await sampler.mark();
    await sleep(100);
    // Periodic samples in between did not count, but must not read as 0 connections.
    expect(sampler.latest()?.openSockets).toBe(4);
    const w = await sampler.stop();
    expect(w.maxOpenSockets).toBe(4);
    expect(w.samples).toBeGreaterThanOrEqual(3);
  });
});
