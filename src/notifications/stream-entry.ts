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
  /**
   * The id of the newest entry ever trimmed from the stream (absent: nothing was ever trimmed).
   * Redis itself cannot say afterwards what trimming removed, so the trim scripts record it;
   * a reader whose cursor is older learns that it missed notifications (a reset).
   */
  trimmed: string;
}

export function userKeys(keyPrefix: string, userId: string): UserKeys {
  // The {userId} hash tag keeps all keys in one slot, should this ever run on a cluster.
  const tag = `${keyPrefix}{${userId}}`;
  return { seq: `${tag}:seq`, stream: `${tag}:stream`, trimmed: `${tag}:trimmed` };
}

/** One channel for all wake-up hints of a prefix: subscribed once, before any listener exists. */
export function wakeChannel(keyPrefix: string): string {
  return `${keyPrefix}wake`;
}

/**
 * Lua shared by both trim paths: trims `stream` to exactly its newest `keep` entries and moves
 * the `trimmed` marker forward to the newest removed id. Returns how many entries were removed.
 * Ids are compared as numbers (ms, then seq) by digit count first, because Lua numbers are
 * doubles and a u64 seq could lose precision.
 */
const TRIM_FUNCTIONS = `
local function digitsLess(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
local function idLess(a, b)
  local ams, aseq = string.match(a, '^(%d+)-(%d+)$')
  local bms, bseq = string.match(b, '^(%d+)-(%d+)$')
  if ams ~= bms then return digitsLess(ams, bms) end
  return digitsLess(aseq, bseq)
end
local function trimTo(stream, marker, keep)
  local excess = redis.call('XLEN', stream) - keep
  if excess <= 0 then return 0 end
  -- The newest entry to remove: walk from whichever end is nearer, so a publish that trims a
  -- few entries off a long history reads only those few.
  local newestRemoved
  if excess <= keep + 1 then
    local oldest = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
    newestRemoved = oldest[#oldest][1]
  else
    local newest = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', keep + 1)
    newestRemoved = newest[#newest][1]
  end
  redis.call('XTRIM', stream, 'MAXLEN', '=', keep)
  local previous = redis.call('GET', marker)
  if not previous or idLess(previous, newestRemoved) then
    redis.call('SET', marker, newestRemoved)
  end
  return excess
end
`;

/**
 * KEYS: seq, stream, trimmed. ARGV: maxLen, channel, userId, sentAt, payload JSON.
 * One script = one atomic step: no reader can see a seq without its entry, the trim marker
 * moves together with the trim, and the hint is published only after the entry exists.
 * Trimming is amortised like `MAXLEN ~`: only once the stream exceeds maxLen by a slack of
 * max(1, ceil(maxLen / 10)), then exactly down to maxLen. Returns {seq, id}.
 *
 * The hint carries the entry itself and the id of the entry before it (encodeWakeHint): a
 * follower whose cursor is that previous id can deliver the entry straight from the hint,
 * since nothing else lies between its cursor and it (and trimming only ever removes the
 * oldest entries, never the one just added). Any other follower re-reads the stream.
 */
export const PUBLISH_SCRIPT = `${TRIM_FUNCTIONS}
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local previous = ''
if last[1] then previous = last[1][1] end
local seq = redis.call('INCR', KEYS[1])
local id = redis.call('XADD', KEYS[2], '*', 'seq', seq, 'sentAt', ARGV[4], 'payload', ARGV[5])
local maxLen = tonumber(ARGV[1])
local slack = math.max(1, math.ceil(maxLen / 10))
if redis.call('XLEN', KEYS[2]) > maxLen + slack then
  trimTo(KEYS[2], KEYS[3], maxLen)
end
redis.call('PUBLISH', ARGV[2], ARGV[3] .. '\\n' .. previous .. '\\n' .. id .. '\\n' .. seq .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5])
return {seq, id}
`;

/**
 * A wake-up hint as published: `userId`, then (newline-separated) the previous entry's id ("" when
 * the stream was empty), the new entry's id, its seq, sentAt and the payload JSON (JSON.stringify
 * never writes a raw newline, so the payload is everything after the fifth one). A bare user id
 * is a hint without an entry: the follower re-reads.
 */
export interface WakeMessage {
  userId: string;
  /** The entry, when the hint carried one. */
  entry: WakeEntry | null;
}

export interface WakeEntry {
  /** The id of the stream's newest entry before this one; "" when the stream was empty. */
  previousId: string;
  notification: Notification;
}

/** Parses a hint; null for a message that is neither form (never delivered, never thrown). */
export function decodeWakeHint(message: string): WakeMessage | null {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const end = message.indexOf("\n", start);
    if (end < 0) break;
    parts.push(message.slice(start, end));
    start = end + 1;
  }
  if (parts.length === 0)
    return USER_ID_PATTERN.test(message) ? { userId: message, entry: null } : null;
  const [userId = "", previousId = "", id = "", seqText = "", sentAtText = ""] = parts;
  if (parts.length < 5 || !USER_ID_PATTERN.test(userId)) return null;
  let payload: NotificationPayload;
  try {
    payload = JSON.parse(message.slice(start)) as NotificationPayload;
  } catch {
    return { userId, entry: null }; // the user is known: a re-read still delivers
  }
  const seq = Number(seqText);
  const sentAt = Number(sentAtText);
  if (!/^\d+-\d+$/.test(id) || !Number.isSafeInteger(seq) || !Number.isFinite(sentAt)) {
    return { userId, entry: null };
  }
  return { userId, entry: { previousId, notification: { id, userId, seq, sentAt, ...payload } } };
}

/**
 * KEYS: stream, trimmed. ARGV: keep. Exact trim to the newest `keep` entries (how the bench
 * simulates retention expiring). Returns the number of entries removed.
 */
export const TRIM_SCRIPT = `${TRIM_FUNCTIONS}
return trimTo(KEYS[1], KEYS[2], tonumber(ARGV[1]))
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
