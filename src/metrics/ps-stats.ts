/**
 * Process costs where there is no `/proc` (macOS): CPU time, RSS and state from
 * `ps -o stat=,rss=,time= -p PID`, open fds and TCP connections from
 * `lsof -n -P -w -a -p PID -F ftPT -Ts` (the field output, one field per line, stable across
 * lsof versions). Both tools ship with macOS; the same commands work on Linux, which is how this
 * reader is tested against /proc there. The parsers are pure functions, unit-tested with
 * recorded outputs.
 *
 * macOS keeps no high-water mark of RSS: `peakRssBytes` is the highest RSS this reader saw.
 * `lsof` is the slow part (tens of ms), so it runs only when sockets are counted; between
 * counts `openFds` is the last one read (as the sampler carries its socket count).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ProcessGoneError, type ProcStats, type ReadProcStatsOptions } from "./proc-types.ts";

const execFileAsync = promisify(execFile);

/** What `ps -o stat=,rss=,time=` says of one process. */
export interface PsFields {
  /** The state letters, e.g. "Ss", "R+", "Z". */
  state: string;
  rssBytes: number;
  cpuSeconds: number;
}

/**
 * `[[DD-]HH:]MM:SS[.frac]` as seconds: macOS prints `0:01.23` or `1:02:03.45`, Linux procps
 * `00:00:01` or `2-03:04:05`. NaN when it is none of these.
 */
export function parsePsTime(text: string): number {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const [, days, hours, minutes, seconds] = match;
  return (
    Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3_600 + Number(minutes) * 60 + Number(seconds)
  );
}

/** The one line of `ps -o stat=,rss=,time= -p PID` (rss in KiB); null when there is none. */
export function parsePsLine(output: string): PsFields | null {
  const line = output.split("\n").find((l) => l.trim() !== "");
  if (line === undefined) return null;
  const [state, rssKib, time] = line.trim().split(/\s+/);
  const rss = Number(rssKib);
  const cpuSeconds = parsePsTime(time ?? "");
  if (state === undefined || !Number.isFinite(rss) || !Number.isFinite(cpuSeconds)) {
    throw new Error(`unexpected ps output: ${JSON.stringify(line)}`);
  }
  return { state, rssBytes: rss * 1024, cpuSeconds };
}

/** What `lsof -F ftPT -Ts` says of one process. */
export interface LsofCounts {
  /** Numbered descriptors (not cwd, txt, mem, rtd...). */
  openFds: number;
  /** TCP files in any state but LISTEN. */
  openSockets: number;
}

/**
 * Counts fds and non-listening TCP sockets in lsof's field output: a `p` line per process, then
 * per file an `f` line (the descriptor) followed by its `t` (type), `P` (protocol) and `T`
 * (`TST=ESTABLISHED`, `TQR=0`...) lines.
 */
export function parseLsofFields(output: string): LsofCounts {
  let openFds = 0;
  let openSockets = 0;
  let file: { numbered: boolean; tcp: boolean; state: string | null } | null = null;
  const close = (): void => {
    if (file === null) return;
    if (file.numbered) openFds += 1;
    if (file.tcp && file.state !== null && file.state !== "LISTEN") openSockets += 1;
    file = null;
  };
  for (const raw of output.split("\n")) {
    const line = raw.trimEnd();
    if (line === "") continue;
    const field = line[0];
    const value = line.slice(1);
    if (field === "p") close();
    else if (field === "f") {
      close();
      file = { numbered: /^\d+$/.test(value), tcp: false, state: null };
    } else if (file !== null && field === "P") file.tcp = value === "TCP";
    else if (file !== null && field === "T" && value.startsWith("ST=")) file.state = value.slice(3);
  }
  close();
  return { openFds, openSockets };
}

/** The highest RSS seen per pid (macOS has no VmHWM), and the last fd count. */
const seen = new Map<number, { peakRssBytes: number; openFds: number | null }>();

async function run(tool: string, args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await execFileAsync(tool, args, { timeout: 10_000, maxBuffer: 64 << 20 });
    return { stdout, code: 0 };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; code?: number | string };
    if (typeof e.code === "number") return { stdout: e.stdout ?? "", code: e.code };
    throw new Error(`cannot run ${tool}: ${e.message}`, { cause: error });
  }
}

/**
 * Reads the cost counters of process `pid` with ps and lsof.
 * @throws {ProcessGoneError} ps knows no such process, or it is a zombie.
 * @throws Error when ps or lsof cannot be run, or print what this reader does not understand.
 */
export async function readPsStats(
  pid: number,
  options: ReadProcStatsOptions = {},
): Promise<ProcStats> {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`invalid pid: ${pid}`);
  const ps = await run("ps", ["-o", "stat=,rss=,time=", "-p", String(pid)]);
  const fields = parsePsLine(ps.stdout);
  if (fields === null) {
    seen.delete(pid);
    throw new ProcessGoneError(pid, "ps does not list it");
  }
  if (fields.state.startsWith("Z")) {
    seen.delete(pid);
    throw new ProcessGoneError(pid, "it has exited and not yet been reaped (zombie)");
  }
  const known = seen.get(pid) ?? { peakRssBytes: 0, openFds: null };
  known.peakRssBytes = Math.max(known.peakRssBytes, fields.rssBytes);
  seen.set(pid, known);
  const countSockets = options.countSockets ?? true;
  let openSockets = 0;
  if (countSockets || known.openFds === null) {
    // lsof exits 1 when it finds nothing to list (the process went meanwhile).
    const lsof = await run("lsof", [
      "-n",
      "-P",
      "-w",
      "-a",
      "-p",
      String(pid),
      "-F",
      "ftPT",
      "-Ts",
    ]);
    if (lsof.code !== 0 && lsof.stdout.trim() === "") {
      seen.delete(pid);
      throw new ProcessGoneError(pid, "lsof does not list it");
    }
    const counts = parseLsofFields(lsof.stdout);
    known.openFds = counts.openFds;
    if (countSockets) openSockets = counts.openSockets;
  }
  return {
    cpuSeconds: fields.cpuSeconds,
    rssBytes: fields.rssBytes,
    peakRssBytes: known.peakRssBytes,
    openFds: known.openFds ?? 0,
    openSockets,
  };
}
