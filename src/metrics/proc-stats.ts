/**
 * One-shot cost reading of another process: CPU time, resident memory, open file descriptors
 * and open TCP connections. On Linux from `/proc`, the one source that gives all of these for
 * an arbitrary pid without instrumenting it; on macOS from `ps` and `lsof` (ps-stats.ts), behind
 * the same interface, so the README's macOS set-up measures costs too. On other platforms every
 * read rejects with {@link ProcUnavailableError}.
 */
import { execFile } from "node:child_process";
import { readlinkSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { promisify } from "node:util";
import {
  ProcessGoneError,
  type ProcStats,
  ProcUnavailableError,
  type ReadProcStatsOptions,
} from "./proc-types.ts";
import { readPsStats } from "./ps-stats.ts";

const execFileAsync = promisify(execFile);

export {
  ProcessGoneError,
  type ProcStats,
  ProcUnavailableError,
  type ReadProcStatsOptions,
} from "./proc-types.ts";

/** TCP state code for LISTEN in /proc/net/tcp (include/net/tcp_states.h). */
const TCP_LISTEN = "0A";

let clockTicksPromise: Promise<number> | undefined;

/**
 * Kernel clock ticks per second (`getconf CLK_TCK`), read once and cached. Falls back to
 * 100, the value on every mainstream Linux architecture, when getconf is unavailable.
 */
export function clockTicksPerSecond(): Promise<number> {
  clockTicksPromise ??= execFileAsync("getconf", ["CLK_TCK"], { timeout: 2_000 }).then(
    ({ stdout }) => {
      const ticks = Number.parseInt(stdout.trim(), 10);
      return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
    },
    () => 100,
  );
  return clockTicksPromise;
}

/** Fields of /proc/<pid>/stat this module uses. */
export interface ProcStatFields {
  /** Single-letter state: R, S, D, Z (zombie), X (dead), ... */
  state: string;
  /** User-mode CPU, clock ticks. */
  utimeTicks: number;
  /** Kernel-mode CPU, clock ticks. */
  stimeTicks: number;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name (field 2) is in parentheses and may
 * itself contain spaces and parentheses, so the fields are counted from the LAST ')'.
 */
export function parseProcStat(text: string): ProcStatFields {
  const close = text.lastIndexOf(")");
  if (close < 0) throw new Error("malformed /proc/<pid>/stat: no ')' after the command name");
  // After ")": field 3 (state) is index 0, so field N is index N - 3.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = rest[0];
  const utimeTicks = Number(rest[14 - 3]);
  const stimeTicks = Number(rest[15 - 3]);
  if (state === undefined || !Number.isFinite(utimeTicks) || !Number.isFinite(stimeTicks)) {
    throw new Error("malformed /proc/<pid>/stat: missing state, utime or stime");
  }
  return { state, utimeTicks, stimeTicks };
}

/** Reads a `Key:   1234 kB` line of /proc/<pid>/status as bytes; 0 when absent (kernel threads). */
export function statusKbField(statusText: string, key: string): number {
  const match = new RegExp(`^${key}:\\s*(\\d+)\\s*kB`, "m").exec(statusText);
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
}

/**
 * One row of /proc/net/tcp or tcp6: sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid,
 * timeout, inode. A regex over the whole text is ~3x faster than splitting every line, which
 * matters with tens of thousands of rows.
 */
const TCP_ROW = /^\s*\d+:\s+\S+\s+\S+\s+([0-9A-Fa-f]{2})\s+\S+\s+\S+\s+\S+\s+\d+\s+\d+\s+(\d+)/gm;

/**
 * Counts the rows of a /proc/net/tcp or tcp6 text whose inode is in `socketInodes` and whose
 * state is not LISTEN. Rows with inode 0 (TIME_WAIT, orphans) belong to no process.
 */
export function countTcpConnectionsInTable(tableText: string, socketInodes: Set<string>): number {
  let count = 0;
  TCP_ROW.lastIndex = 0;
  for (let m = TCP_ROW.exec(tableText); m !== null; m = TCP_ROW.exec(tableText)) {
    const [, state, inode] = m;
    const owned = inode !== undefined && inode !== "0" && socketInodes.has(inode);
    if (owned && state?.toUpperCase() !== TCP_LISTEN) {
      count++;
    }
  }
  return count;
}

/** fd links read per synchronous batch before yielding to the event loop. */
const READLINK_BATCH = 500;

/**
 * Inodes of the socket fds of `pid` (`socket:[inode]` links). Synchronous readlink in
 * batches: ~3x cheaper in CPU than one promise per fd (which also floods the libuv pool),
 * while yielding between batches keeps the caller's event loop responsive.
 */
async function socketInodesOf(pid: number, fdNames: string[]): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (let i = 0; i < fdNames.length; i += READLINK_BATCH) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const fd of fdNames.slice(i, i + READLINK_BATCH)) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        // Closed between readdir and readlink (or the process exited): not open any more.
        continue;
      }
      if (link.startsWith("socket:[")) inodes.add(link.slice(8, -1));
    }
  }
  return inodes;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** Maps fs errors on /proc/<pid>/... to the errors callers can act on. */
function procError(pid: number, path: string, err: unknown): Error {
  const code = errorCode(err);
  if (code === "ENOENT" || code === "ESRCH") return new ProcessGoneError(pid, `${path} vanished`);
  if (code === "EACCES" || code === "EPERM") {
    return new Error(
      `cannot read ${path}: permission denied (is process ${pid} owned by another user?)`,
      { cause: err },
    );
  }
  return new Error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}

async function readProcFile(pid: number, name: string): Promise<string> {
  const path = `/proc/${pid}/${name}`;
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw procError(pid, path, err);
  }
}

async function countTcpConnections(pid: number, fdNames: string[]): Promise<number> {
  const socketInodes = await socketInodesOf(pid, fdNames);
  if (socketInodes.size === 0) return 0;
  // /proc/<pid>/net/* is the table of the process's own network namespace, which may differ
  // from ours (containers). tcp6 is missing when IPv6 is disabled.
  let count = 0;
  for (const table of ["tcp", "tcp6"]) {
    const path = `/proc/${pid}/net/${table}`;
    try {
      count += countTcpConnectionsInTable(await readFile(path, "utf8"), socketInodes);
    } catch (err) {
      if (errorCode(err) !== "ENOENT") throw procError(pid, path, err);
    }
  }
  return count;
}

/**
 * Reads the cost counters of process `pid`: from /proc on Linux, from ps and lsof on macOS.
 *
 * @throws {ProcessGoneError} the pid does not exist, or the process has exited (zombie).
 * @throws {ProcUnavailableError} neither Linux nor macOS.
 * @throws Error with the path when /proc/<pid> cannot be read (for example permission), or
 *   when ps or lsof cannot be run.
 */
export async function readProcStats(
  pid: number,
  options: ReadProcStatsOptions = {},
): Promise<ProcStats> {
  if (process.platform === "darwin") return readPsStats(pid, options);
  if (process.platform !== "linux") throw new ProcUnavailableError(process.platform);
  return readLinuxProcStats(pid, options);
}

/** {@link readProcStats} from Linux /proc. */
export async function readLinuxProcStats(
  pid: number,
  options: ReadProcStatsOptions = {},
): Promise<ProcStats> {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`invalid pid: ${pid}`);
  const countSockets = options.countSockets ?? true;

  const [ticks, statText, statusText] = await Promise.all([
    clockTicksPerSecond(),
    readProcFile(pid, "stat"),
    readProcFile(pid, "status"),
  ]);
  const stat = parseProcStat(statText);
  // A zombie keeps its pid until reaped but has no memory or fds any more: reporting zeros
  // would look like a real (and absurdly cheap) sample.
  if (stat.state === "Z" || stat.state === "X") {
    throw new ProcessGoneError(pid, "it has exited and not yet been reaped (zombie)");
  }

  let fdNames: string[];
  const fdPath = `/proc/${pid}/fd`;
  try {
    fdNames = await readdir(fdPath);
  } catch (err) {
    throw procError(pid, fdPath, err);
  }

  return {
    cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / ticks,
    rssBytes: statusKbField(statusText, "VmRSS"),
    peakRssBytes: statusKbField(statusText, "VmHWM"),
    openFds: fdNames.length,
    openSockets: countSockets ? await countTcpConnections(pid, fdNames) : 0,
  };
}
