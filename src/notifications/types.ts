/** Public types of the notification source shared by the servers and the load driver. */

/** Free-form extra fields; passed through untouched (the driver stores its intended send time). */
export type NotificationMeta = Record<string, string | number | boolean>;

/** What a publisher supplies. */
export interface NotificationPayload {
  title: string;
  message: string;
  link?: string;
  serviceType?: string;
  meta?: NotificationMeta;
}

/** A stored notification as every strategy delivers it. */
export interface Notification extends NotificationPayload {
  /** Redis stream entry id, `<ms>-<n>`; doubles as the cursor / SSE event id. */
  id: string;
  userId: string;
  /** Per-user sequence number, 1, 2, 3... with no gaps at publish time. */
  seq: number;
  /** Epoch ms when the publish call was made (publisher's clock). */
  sentAt: number;
}

/** One read of a user's history. */
export interface ReadResult {
  /** Oldest first. */
  notifications: Notification[];
  /** Where to continue from: the last returned id, or the cursor that was read from. */
  cursor: string;
  /** Notifications ever published to the user (= the newest seq), read atomically with the page. */
  count: number;
  /**
   * True when notifications after the read's cursor were trimmed from the history before they
   * were read: the page continues from the oldest kept entry, and the client must be told about
   * the gap rather than silently skip it. `cursor` then moves at least to the newest trimmed id,
   * so the same gap is reported once, not on every later read.
   */
  reset: boolean;
}

/**
 * The entry a wake-up hint carried: the notification just published and the id of the entry
 * before it in the user's stream ("" when it was empty).
 */
export interface HintedEntry {
  previousId: string;
  notification: Notification;
}

/**
 * Called when a user's stream may have changed. With `entry`, the hint carried the new entry
 * (a follower whose cursor is `entry.previousId` may deliver it without a read); without it,
 * re-read from your cursor (a bare hint, or every listener after the subscriber reconnects).
 */
export type WakeListener = (entry?: HintedEntry) => void;

export interface NotificationSourceOptions {
  /** redis://host:port[/db] */
  redisUrl: string;
  /** Prefix of every key and channel, so runs sharing a Redis stay apart (default "pvp:"). */
  keyPrefix?: string;
  /**
   * Entries kept per user stream (default 1000). Publishing trims once the stream exceeds it by
   * a tenth (at least 1), then exactly down to it, recording the newest trimmed id.
   */
  historyMaxLen?: number;
  /** How long ready() waits for both connections, in ms (default 5000). */
  readyTimeoutMs?: number;
  /** Where connection problems are reported, one line each (default: stderr). */
  log?: (line: string) => void;
}

export interface NotificationSource {
  /** Resolves when the command and subscriber connections are up and subscribed. */
  ready(): Promise<void>;
  /** Atomically assigns the next seq, appends to the user's stream and sends a wake-up hint. */
  publish(userId: string, payload: NotificationPayload): Promise<Notification>;
  /**
   * Up to `limit` notifications after `cursor` ("0-0" = from the start), oldest first.
   * `reset` is true when entries after `cursor` were trimmed before this read (see ReadResult).
   */
  readAfter(userId: string, cursor: string, limit: number): Promise<ReadResult>;
  /**
   * The newest `limit` kept notifications, oldest first, and the newest kept id as cursor (when
   * nothing is kept: the newest trimmed id, or "0-0" when nothing was ever trimmed).
   * Never a reset: a reader without a cursor expected nothing in particular.
   */
  readLatest(userId: string, limit: number): Promise<ReadResult>;
  /**
   * Trims the user's history to exactly its newest `keep` entries (an integer >= 0) and records
   * the newest removed id, atomically; returns how many entries were removed. This is how the
   * bench simulates retention expiring for a client that was away (the history-trimmed fault).
   */
  trimHistory(userId: string, keep: number): Promise<number>;
  /**
   * Registers interest in `userId` (in memory; one Redis subscription per process).
   * Register BEFORE reading history so nothing published in between is missed.
   * The listener is also called after the subscriber reconnects. Returns an unregister function.
   */
  watch(userId: string, listener: WakeListener): () => void;
  /** True when both Redis connections are ready (what /healthz reports). */
  isHealthy(): boolean;
  /** PING over the command connection; rejects when Redis is unreachable. */
  ping(): Promise<void>;
  /** Closes both connections; pending watchers are not called again. */
  close(): Promise<void>;
}
