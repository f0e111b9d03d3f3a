/**
 * Finds the driver's marker (src/model/receipt.ts) in a received notification. The driver
 * publishes `{title, message, meta: {seq, intendedAtUs, userId}}`; our servers deliver it as
 * `{id, userId, seq, sentAt, title, message, meta}`, but an external server may wrap the body
 * (`{data: {payload: {...}}}`) or send it as a JSON string. The marker is what the ledger and
 * the latency recorder need, wherever it sits. What counts as a marker is the model's
 * `parseDriverMarker`; this file only searches.
 */
import { type DriverMarker, parseDriverMarker } from "../model/receipt.ts";

/** The marker as found in a receipt. */
export type Receipt = DriverMarker;

/**
 * How deep the search goes (the received value is depth 0). Deep enough for a body wrapped
 * twice and its `meta`, shallow enough that a large foreign document costs little.
 */
export const MAX_RECEIPT_DEPTH = 5;

/** Strings longer than this are not parsed as JSON: a notification body is far smaller. */
const MAX_JSON_STRING_CHARS = 1 << 20;

/** The marker in `value`, or null when there is none. Never throws. */
export function extractReceipt(value: unknown): Receipt | null {
  // Fast path: our own servers and any server that passes the body through at the top level.
  if (isObject(value)) {
    const fromMeta = parseDriverMarker(value.meta);
    if (fromMeta) return fromMeta;
  }
  return search(value, 0);
}

/**
 * Depth-first, first marker wins. Unwrapping a JSON string counts as one level, like a key or
 * an array slot, so every kind of wrapping is bounded alike.
 */
function search(value: unknown, depth: number): Receipt | null {
  if (typeof value === "string") {
    if (depth >= MAX_RECEIPT_DEPTH) return null;
    const parsed = parseJsonText(value);
    return parsed === undefined ? null : search(parsed, depth + 1);
  }
  if (!isObject(value) && !Array.isArray(value)) return null;
  const receipt = parseDriverMarker(value);
  if (receipt) return receipt;
  if (depth >= MAX_RECEIPT_DEPTH) return null;
  for (const child of Object.values(value)) {
    const found = search(child, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * A string that holds a JSON object, array or string (a body stringified twice), parsed;
 * undefined otherwise. Other strings (titles, messages) are not worth a parse attempt.
 */
function parseJsonText(text: string): unknown {
  if (text.length > MAX_JSON_STRING_CHARS) return undefined;
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[" && first !== '"') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
