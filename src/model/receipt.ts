/**
 * The driver's marker: what the publisher puts in every notification's `meta` so that a
 * receipt can be matched to its publish, whatever server carried it. The seq is the driver's
 * own (1, 2, 3... per user, assigned when the publish is issued), not a server's: the ledger
 * keys on it for every strategy and for external servers alike, and a publish that failed
 * leaves a gap the ledger never expects instead of shifting every later number.
 *
 * Written by src/driver/publisher.ts, found in whatever arrives by src/target/receipt.ts.
 * Plain data and no imports: usable from every layer.
 */

/** A type, not an interface: it must fit `meta`'s string-keyed record of flat values. */
export type DriverMarker = {
  /** The driver's per-user sequence number, from 1. */
  seq: number;
  /** When the driver meant to publish it, µs on the driver's monotonic clock. */
  intendedAtUs: number;
  /** The user it was published to (a receipt on another user's stream is an isolation failure). */
  userId: string;
};

/** The marker for one publish, its fields in the order they go on the wire. */
export function driverMarker(userId: string, seq: number, intendedAtUs: number): DriverMarker {
  return { seq, intendedAtUs, userId };
}

/**
 * `value` itself as a marker (not a search through it), or null when it is none: an object
 * with a string `userId`, a safe-integer `seq` >= 1 and a finite `intendedAtUs`. Other fields
 * are ignored; the result holds the three fields only. Never throws.
 */
export function parseDriverMarker(value: unknown): DriverMarker | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { userId, seq, intendedAtUs } = value as Record<string, unknown>;
  if (typeof userId !== "string") return null;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof intendedAtUs !== "number" || !Number.isFinite(intendedAtUs)) return null;
  return driverMarker(userId, seq, intendedAtUs);
}
