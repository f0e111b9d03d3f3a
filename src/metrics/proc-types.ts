/**
 * What every process-cost reader returns and throws, whichever platform it reads: Linux `/proc`
 * (proc-stats.ts) or `ps` and `lsof` (ps-stats.ts, macOS). Its own file so both readers share it
 * without importing each other.
 */

/** A snapshot of one process's cost counters. */
export interface ProcStats {
  /**
   * user + system CPU time since the process started, seconds (Linux: clock-tick resolution,
   * usually 10 ms; macOS `ps`: 10 ms too).
   */
  cpuSeconds: number;
  /** Resident set size now (Linux VmRSS, macOS `ps` rss), bytes. 0 for processes without an address space. */
  rssBytes: number;
  /**
   * Highest RSS since the process started (Linux VmHWM). macOS has no such counter: the highest
   * RSS this reader has seen of the process.
   */
  peakRssBytes: number;
  /** Open file descriptors: entries in /proc/<pid>/fd, or numbered fds in `lsof` (files, pipes, sockets, ...). */
  openFds: number;
  /**
   * TCP sockets (IPv4 + IPv6) held by the process that are not in LISTEN state, i.e. open
   * connections in any state (ESTABLISHED, CLOSE_WAIT, ...). Linux: the `socket:[inode]` fd
   * links matched against /proc/<pid>/net/tcp and tcp6; macOS: `lsof`'s TCP files and their
   * states. Unix sockets (stdio pipes of a spawned child are socketpairs), UDP and listening
   * sockets are not counted. 0 when `countSockets` was false.
   */
  openSockets: number;
}

export interface ReadProcStatsOptions {
  /**
   * Count TCP connections (default true). Linux: one readlink per fd of the process plus
   * reading the TCP tables of its whole network namespace (driver and server sockets alike),
   * measured ~15 ms of CPU per 1,000 sockets; without it a read costs a few ms at most. macOS:
   * one `lsof` run (tens of ms); without it only `ps` runs and `openFds` is the last count.
   */
  countSockets?: boolean;
}

/** The process no longer exists (or has exited and is a zombie waiting to be reaped). */
export class ProcessGoneError extends Error {
  readonly pid: number;
  constructor(pid: number, detail: string) {
    super(`process ${pid} is gone: ${detail}`);
    this.name = "ProcessGoneError";
    this.pid = pid;
  }
}

/** Neither Linux /proc nor the macOS tools: process costs cannot be read on this platform. */
export class ProcUnavailableError extends Error {
  constructor(platform: string) {
    super(
      `process cost sampling needs Linux /proc or macOS ps and lsof (this platform is "${platform}"); ` +
        "run the benchmark on Linux or macOS",
    );
    this.name = "ProcUnavailableError";
  }
}
