/**
 * How a notification is laid out in Redis: keys per user, the atomic publish script and the
 * stream entry fields. Kept apart from the connection logic so it can be tested alone.
 */
import type { Notification, NotificationPayload } from "./types.ts";

/** Same rule the HTTP layer enforces; checked here too because user ids become key names. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const DEFAULT_KEY_PREFIX = "pvp:";
export const DEFAULT_HISTORY_MAX_LEN = 1000;

export interface UserKeys {
  /** INCR counter: the newest seq, which is also the user's total count. */
  seq: string;
  /** The history stream. */
  stream: string;
}

export function userKeys(keyPrefix: string, userId: string): UserKeys {
  // The {userId} hash tag keeps both keys in one slot, should this ever run on a cluster.
  return { seq: `${keyPrefix}{${userId}}:seq`, stream: `${keyPrefix}{${userId}}:stream` };
}

/** One channel for all wake-up hints of a prefix: subscribed once, before any listener exists. */
export function wakeChannel(keyPrefix: string): string {
  return `${keyPrefix}wake`;
}

/**
 * KEYS: seq, stream. ARGV: maxLen, channel, userId, sentAt, payload JSON.
 * One script = one atomic step: no reader can see a seq without its entry, and the hint is
 * published only after the entry exists. Returns {seq, id}.
 */
export const PUBLISH_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*',
  'seq', seq, 'sentAt', ARGV[4], 'payload', ARGV[5])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {seq, id}
`;

/** Only the known payload fields are kept, so an entry never carries stray data. */
export function pickPayload(payload: NotificationPayload): NotificationPayload {
  const stored: NotificationPayload = { title: payload.title, message: payload.message };
  if (payload.link !== undefined) stored.link = payload.link;
  if (payload.serviceType !== undefined) stored.serviceType = payload.serviceType;
  if (payload.meta !== undefined) stored.meta = payload.meta;
  return stored;
}

/** Turns an XRANGE entry `[id, [field, value, ...]]` back into a notification. */
export function decodeEntry(userId: string, id: string, fields: string[]): Notification {
  let seq = 0;
  let sentAt = 0;
  let payload: NotificationPayload = { title: "", message: "" };
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1] ?? "";
    switch (fields[i]) {
      case "seq":
        seq = Number(value);
        break;
      case "sentAt":
        sentAt = Number(value);
        break;
      case "payload":
        payload = JSON.parse(value) as NotificationPayload;
        break;
    }
  }
  return { id, userId, seq, sentAt, ...payload };
}
