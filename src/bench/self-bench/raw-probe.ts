/**
 * The raw probe: the smallest possible client of an SSE server, so a server's own delivery
 * time is what it measures. `streams` plain node:http SSE streams (no driver, no ledger), one
 * POST every `intervalMs` to the next user in turn, each body carrying its send time; the
 * latency is send -> the event's arrival on its stream, in µs, into an HDR histogram (after a
 * warm-up of unrecorded publishes). Our SSE
 * server and nchan take the same probe, so their figures compare.
 */
import http from "node:http";
import { clampLatencyUs, createLatencyHistogram } from "../../results/latency-histogram.ts";
import { sleep } from "../../util/sleep.ts";

export interface ProbeTarget {
  /** Subscribe URL of a user's stream. */
  sseUrl(userId: string): URL;
  /** Where a user's notification is POSTed (JSON body passed through to the stream). */
  publishUrl(userId: string): URL;
}

export interface RawProbeResult {
  streams: number;
  intervalMs: number;
  sent: number;
  received: number;
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
}

const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;

/** The probe's send time anywhere in an event's JSON (ours wraps it, nchan passes it as is). */
function probeSentAt(data: string): { id: number; sentUs: number } | null {
  try {
    const parsed = JSON.parse(data) as { meta?: { probeId?: unknown; probeSentUs?: unknown } };
    const { probeId, probeSentUs } = parsed.meta ?? {};
    return typeof probeId === "number" && typeof probeSentUs === "number"
      ? { id: probeId, sentUs: probeSentUs }
      : null;
  } catch {
    return null;
  }
}

export async function runRawProbe(
  target: ProbeTarget,
  options: {
    streams: number;
    intervalMs: number;
    durationMs: number;
    /** Publishes before the measured ones, not recorded: a cold server's JIT is not its speed. */
    warmupMs?: number;
    signal: AbortSignal;
  },
): Promise<RawProbeResult> {
  const warmupCount = Math.ceil((options.warmupMs ?? 1_000) / options.intervalMs);
  const histogram = createLatencyHistogram();
  const seen = new Set<number>();
  const requests: http.ClientRequest[] = [];
  const opened: Promise<void>[] = [];
  for (let i = 0; i < options.streams; i++) {
    const userId = `probe-${i}`;
    opened.push(
      new Promise<void>((resolve, reject) => {
        const request = http.get(target.sseUrl(userId), {
          headers: { accept: "text/event-stream" },
          agent: false,
        });
        requests.push(request);
        request.once("error", reject);
        request.once("response", (response) => {
          if (response.statusCode !== 200) {
            reject(new Error(`probe stream ${userId}: HTTP ${response.statusCode}`));
            return;
          }
          response.setEncoding("utf8");
          let buffer = "";
          let first = true;
          response.on("data", (chunk: string) => {
            if (first) {
              first = false;
              resolve(); // the server wrote to the stream: it is registered
            }
            const receivedUs = nowUs();
            buffer += chunk;
            let end = buffer.indexOf("\n\n");
            while (end >= 0) {
              const event = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = event
                .split("\n")
                .filter((line) => line.startsWith("data:"))
                .map((line) => line.slice(5).trimStart())
                .join("\n");
              const probe = data === "" ? null : probeSentAt(data);
              if (probe !== null && probe.id >= warmupCount && !seen.has(probe.id)) {
                seen.add(probe.id);
                histogram.recordValue(clampLatencyUs(receivedUs - probe.sentUs));
              }
              end = buffer.indexOf("\n\n");
            }
          });
        });
      }),
    );
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let sent = 0;
  try {
    await Promise.all(opened);
    await sleep(200, options.signal);
    const endAt = performance.now() + warmupCount * options.intervalMs + options.durationMs;
    let next = performance.now();
    while (performance.now() < endAt) {
      const id = sent;
      const userId = `probe-${id % options.streams}`;
      const body = JSON.stringify({
        title: "probe",
        message: "",
        meta: { probeId: id, probeSentUs: nowUs() },
      });
      const post = http.request(target.publishUrl(userId), {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      });
      post.on("response", (response) => response.resume());
      post.on("error", () => {});
      post.end(body);
      sent += 1;
      next += options.intervalMs;
      await sleep(Math.max(0, next - performance.now()), options.signal);
    }
    await sleep(500, options.signal); // the last ones arrive
  } finally {
    for (const request of requests) request.destroy();
    agent.destroy();
  }
  const has = histogram.totalCount > 0;
  return {
    streams: options.streams,
    intervalMs: options.intervalMs,
    sent: Math.max(0, sent - warmupCount),
    received: seen.size,
    p50Us: has ? histogram.getValueAtPercentile(50) : null,
    p99Us: has ? histogram.getValueAtPercentile(99) : null,
    maxUs: has ? histogram.maxValue : null,
  };
}
