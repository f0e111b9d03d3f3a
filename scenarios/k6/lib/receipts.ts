/**
 * What a receiver does with each notification it gets, as pure functions: parse the server's
 * JSON, check the per-user `seq` order, and decide what to record. common.ts turns the result
 * into k6 metric samples. No k6 imports, so this is unit-tested in Node.
 */

/** A notification as every strategy delivers it (see docs/architecture.md, "Notification JSON"). */
export interface ReceivedNotification {
  id: string;
  userId: string;
  seq: number;
  sentAt: number;
  meta?: Record<string, string | number | boolean>;
}

/** A polling answer: `200 {notifications, cursor, count}`. */
export interface PollAnswer {
  notifications: ReceivedNotification[];
  cursor: string;
  count: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks one notification object; throws an Error naming the bad field. */
export function toNotification(value: unknown, where: string): ReceivedNotification {
  if (!isRecord(value)) throw new Error(`${where} is not an object`);
  const { id, userId, seq, sentAt, meta } = value;
  if (typeof id !== "string") throw new Error(`${where}.id is not a string`);
  if (typeof userId !== "string") throw new Error(`${where}.userId is not a string`);
  if (typeof seq !== "number" || !Number.isInteger(seq) || seq < 1) {
    throw new Error(`${where}.seq is not a positive integer`);
  }
  if (typeof sentAt !== "number") throw new Error(`${where}.sentAt is not a number`);
  const notification: ReceivedNotification = { id, userId, seq, sentAt };
  if (isRecord(meta)) notification.meta = meta as Record<string, string | number | boolean>;
  return notification;
}

/** Parses a polling response body; throws an Error naming what is wrong. */
export function parsePollAnswer(body: string): PollAnswer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error("poll answer is not JSON");
  }
  if (!isRecord(json)) throw new Error("poll answer is not a JSON object");
  const { notifications, cursor, count } = json;
  if (!Array.isArray(notifications)) throw new Error("poll answer has no notifications array");
  if (typeof cursor !== "string") throw new Error("poll answer has no cursor string");
  if (typeof count !== "number") throw new Error("poll answer has no count number");
  return {
    notifications: notifications.map((n, i) => toNotification(n, `notifications[${i}]`)),
    cursor,
    count,
  };
}

/** Parses the data of an SSE `push` event (one notification as JSON). */
export function parsePushData(data: string): ReceivedNotification {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw new Error("push event data is not JSON");
  }
  return toNotification(json, "push event data");
}

/** Per-user ledger: which seqs arrived, so gaps, duplicates and reordering are counted. */
export class SeqTracker {
  private readonly seen = new Set<number>();
  private highest = 0;

  /** Records `seq`. `gap` = seqs skipped over at this moment (highest+1 .. seq-1). */
  observe(seq: number): { duplicate: boolean; gap: number; reordered: boolean } {
    if (this.seen.has(seq)) return { duplicate: true, gap: 0, reordered: false };
    this.seen.add(seq);
    if (seq < this.highest) return { duplicate: false, gap: 0, reordered: true };
    const gap = seq - this.highest - 1;
    this.highest = seq;
    return { duplicate: false, gap, reordered: false };
  }

  get highestSeq(): number {
    return this.highest;
  }
}

/** What to record for one received notification. */
export interface ReceiptRecord {
  /** Reached the wrong user: the server mixed users up. Nothing else is recorded. */
  foreign: boolean;
  duplicate: boolean;
  reordered: boolean;
  gap: number;
  /** Receipt time inside the measured window (then it counts for deliveredInWindow). */
  inWindow: boolean;
  /**
   * now - meta.sentAtMs in ms, only for new receipts inside the window (the bench's rule), null
   * otherwise or when the notification has no numeric meta.sentAtMs (not from this publisher).
   */
  latencyMs: number | null;
}

export function classifyReceipt(
  notification: ReceivedNotification,
  expectedUserId: string,
  tracker: SeqTracker,
  nowMs: number,
  window: { startMs: number; endMs: number },
): ReceiptRecord {
  if (notification.userId !== expectedUserId) {
    return {
      foreign: true,
      duplicate: false,
      reordered: false,
      gap: 0,
      inWindow: false,
      latencyMs: null,
    };
  }
  const { duplicate, gap, reordered } = tracker.observe(notification.seq);
  const inWindow = !duplicate && nowMs >= window.startMs && nowMs < window.endMs;
  const sentAtMs = notification.meta?.sentAtMs;
  const latencyMs =
    inWindow && typeof sentAtMs === "number" && Number.isFinite(sentAtMs)
      ? Math.max(0, nowMs - sentAtMs)
      : null;
  return { foreign: false, duplicate, reordered, gap, inWindow, latencyMs };
}
