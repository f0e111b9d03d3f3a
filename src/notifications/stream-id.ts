/**
 * Redis stream ids (`<ms>-<seq>`, both unsigned 64-bit) are the cursors of every strategy.
 * Validating them here keeps malformed client input from ever reaching Redis as an error.
 */

/** The cursor meaning "from the very start of the stream". */
export const START_CURSOR = "0-0";

/** Longest accepted id: two 20-digit u64 values and the dash. */
export const MAX_STREAM_ID_LENGTH = 41;

const U64_MAX = 18446744073709551615n;
const STREAM_ID_PATTERN = /^(\d{1,20})-(\d{1,20})$/;

/** True when `text` is a stream id that XRANGE accepts as an exclusive start. */
export function isStreamId(text: string): boolean {
  if (text.length > MAX_STREAM_ID_LENGTH) return false;
  const match = STREAM_ID_PATTERN.exec(text);
  if (!match) return false;
  const ms = BigInt(match[1] ?? "");
  const seq = BigInt(match[2] ?? "");
  if (ms > U64_MAX || seq > U64_MAX) return false;
  // Nothing can come after the largest id, and Redis rejects it as an exclusive start.
  return !(ms === U64_MAX && seq === U64_MAX);
}

/** Orders two valid stream ids: negative when a < b, 0 when equal, positive when a > b. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = "0", aSeq = "0"] = a.split("-");
  const [bMs = "0", bSeq = "0"] = b.split("-");
  const byMs = BigInt(aMs) - BigInt(bMs);
  if (byMs !== 0n) return byMs < 0n ? -1 : 1;
  const bySeq = BigInt(aSeq) - BigInt(bSeq);
  return bySeq === 0n ? 0 : bySeq < 0n ? -1 : 1;
}
