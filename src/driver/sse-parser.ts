/**
 * A streaming text/event-stream parser following the WHATWG HTML "Server-sent events"
 * interpretation rules (section 9.2.6), so every SSE byte the driver counts is interpreted
 * exactly as a browser's EventSource would:
 * - UTF-8 decoded with a streaming decoder (a character split across chunks survives;
 *   invalid bytes become U+FFFD), one leading BOM ignored;
 * - lines end with CRLF, LF or CR - also a CR ending one chunk and an LF starting the next;
 * - an empty line dispatches the event; a line starting with ":" is a comment;
 * - "field: value" with one leading space of the value removed; a line without a colon is a
 *   field with an empty value; unknown fields are ignored;
 * - data lines are joined with "\n"; an event whose data buffer is empty is not dispatched;
 * - `id` containing NUL is ignored; the last event ID persists across events (and, passed as
 *   `lastEventId`, across reconnects);
 * - `retry` only when its value is all ASCII digits;
 * - the event type defaults to "message";
 * - an incomplete event (or line) at the end of the stream is dropped.
 *
 * Bounds (not in the spec; a browser has its own): a line longer than `maxLineLength` or an
 * event whose data and type exceed `maxEventLength` throws SseLimitError from push(), so a
 * stream that never ends a line cannot grow the parser without end; an `id` longer than
 * `maxIdLength` is ignored like one with NUL. Lengths are UTF-16 code units of the decoded
 * text (= bytes for ASCII). Invalid UTF-8 is still replaced as the spec says, and reported once
 * through `onInvalidUtf8`.
 */
import { isUtf8 } from "node:buffer";

/** One dispatched event, as a `MessageEvent` would carry it. */
export interface SseEvent {
  /** The `event:` field, or "message" when there was none (or it was empty). */
  type: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last event ID at dispatch time (persists until the server sets another). */
  lastEventId: string;
}

export interface SseParserOptions {
  onEvent(event: SseEvent): void;
  /** A comment line, without its leading ":" (heartbeats are usually ":" or ": ping"). */
  onComment?(text: string): void;
  /** A valid `retry:` field: the reconnection time in milliseconds. */
  onRetry?(ms: number): void;
  /** The last event ID carried over from an earlier connection. Default "". */
  lastEventId?: string;
  /** Longest line (without its line end); past it push() throws SseLimitError. Default: none. */
  maxLineLength?: number;
  /** Longest event (data buffer + event type); past it push() throws SseLimitError. Default: none. */
  maxEventLength?: number;
  /** Longest `id` taken; a longer one is ignored (`onIgnoredId("too-long")`). Default: none. */
  maxIdLength?: number;
  /** An `id` field was ignored: it held NUL (the spec's rule) or was longer than maxIdLength. */
  onIgnoredId?(why: "nul" | "too-long"): void;
  /** The byte stream was not valid UTF-8 (replaced with U+FFFD as the spec says); called once. */
  onInvalidUtf8?(): void;
  /** A complete line (of any kind) was read: the stream is alive. */
  onLine?(): void;
}

/** A line or an event over its bound: the stream must be dropped (the parser is unusable after). */
export class SseLimitError extends Error {
  override readonly name = "SseLimitError";
  constructor(
    readonly what: "line" | "event",
    readonly limit: number,
  ) {
    super(`SSE ${what} over ${limit} characters`);
  }
}

export interface SseParser {
  /** Feeds the next chunk: bytes (UTF-8) or already-decoded text. Do not mix the two mid-character. */
  push(chunk: Uint8Array | string): void;
  /** End of stream: a pending incomplete line or event is discarded, as the spec requires. */
  end(): void;
  /** The last event ID string, to send as `Last-Event-ID` when reconnecting. */
  readonly lastEventId: string;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = "\ufeff";

export function createSseParser(options: SseParserOptions): SseParser {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true }); // we strip the BOM ourselves, for strings too
  const maxLine = options.maxLineLength ?? Number.POSITIVE_INFINITY;
  const maxEvent = options.maxEventLength ?? Number.POSITIVE_INFINITY;
  const maxId = options.maxIdLength ?? Number.POSITIVE_INFINITY;
  const utf8 = options.onInvalidUtf8 ? createUtf8Check(options.onInvalidUtf8) : null;
  let sawFirstText = false;
  /** Text of the current line not yet terminated. */
  let partialLine = "";
  /** The previous chunk ended with CR: an LF at the start of this one belongs to it. */
  let skipLeadingLf = false;
  let dataBuffer = "";
  let eventTypeBuffer = "";
  let lastEventIdBuffer = options.lastEventId ?? "";
  let lastEventId = lastEventIdBuffer;

  const dispatch = (): void => {
    lastEventId = lastEventIdBuffer;
    if (dataBuffer === "") {
      eventTypeBuffer = "";
      return;
    }
    const data = dataBuffer.endsWith("\n") ? dataBuffer.slice(0, -1) : dataBuffer;
    const type = eventTypeBuffer === "" ? "message" : eventTypeBuffer;
    dataBuffer = "";
    eventTypeBuffer = "";
    options.onEvent({ type, data, lastEventId });
  };

  const processField = (field: string, value: string): void => {
    switch (field) {
      case "event":
        eventTypeBuffer = value;
        break;
      case "data":
        if (dataBuffer.length + value.length + 1 + eventTypeBuffer.length > maxEvent) {
          throw new SseLimitError("event", maxEvent);
        }
        dataBuffer += `${value}\n`;
        break;
      case "id":
        if (value.includes("\0")) options.onIgnoredId?.("nul");
        else if (value.length > maxId) options.onIgnoredId?.("too-long");
        else lastEventIdBuffer = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) options.onRetry?.(Number.parseInt(value, 10));
        break;
      default:
      // Unknown fields are ignored.
    }
  };

  const processLine = (line: string): void => {
    if (line.length > maxLine) throw new SseLimitError("line", maxLine);
    options.onLine?.();
    if (line === "") {
      dispatch();
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) {
      options.onComment?.(line.slice(1));
      return;
    }
    if (colon === -1) {
      processField(line, "");
      return;
    }
    const value =
      line.charCodeAt(colon + 1) === 0x20 ? line.slice(colon + 2) : line.slice(colon + 1);
    processField(line.slice(0, colon), value);
  };

  const processText = (input: string): void => {
    let text = input;
    if (text === "") return;
    if (!sawFirstText) {
      sawFirstText = true;
      if (text.startsWith(BOM)) text = text.slice(1);
    }
    let start = 0;
    if (skipLeadingLf) {
      skipLeadingLf = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const line = partialLine + text.slice(start, i);
      partialLine = "";
      if (code === CR) {
        if (i + 1 === text.length) skipLeadingLf = true;
        else if (text.charCodeAt(i + 1) === LF) i += 1;
      }
      start = i + 1;
      processLine(line);
    }
    if (start < text.length) {
      if (partialLine.length + text.length - start > maxLine) throw new SseLimitError("line", maxLine);
      partialLine += text.slice(start);
    }
  };

  return {
    push(chunk) {
      if (typeof chunk === "string") {
        processText(chunk);
        return;
      }
      utf8?.push(chunk);
      processText(decoder.decode(chunk, { stream: true }));
    },
    end() {
      // Flushes a dangling partial character as U+FFFD; the unterminated line is then dropped.
      decoder.decode();
      utf8?.end();
      partialLine = "";
      dataBuffer = "";
      eventTypeBuffer = "";
      skipLeadingLf = false;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}

/**
 * Tells whether a byte stream is valid UTF-8, chunk by chunk: a character split across chunks
 * is carried over (at most 3 bytes), every complete stretch is checked with Node's native
 * isUtf8. Reports the first invalid byte once, then stops checking.
 */
function createUtf8Check(onInvalid: () => void): { push(chunk: Uint8Array): void; end(): void } {
  let carry: Uint8Array | null = null;
  let done = false;
  const invalid = (): void => {
    done = true;
    carry = null;
    onInvalid();
  };
  return {
    push(chunk) {
      if (done) return;
      let bytes = chunk;
      if (carry !== null) {
        bytes = new Uint8Array(carry.length + chunk.length);
        bytes.set(carry);
        bytes.set(chunk, carry.length);
      }
      const cut = incompleteTailStart(bytes);
      carry = cut < bytes.length ? bytes.slice(cut) : null;
      if (!isUtf8(bytes.subarray(0, cut))) invalid();
    },
    end() {
      // A character cut off by the end of the stream is invalid too (the decoder writes U+FFFD).
      if (!done && carry !== null) invalid();
    },
  };
}

/** Where a multi-byte character that the chunk does not complete starts (or the length). */
function incompleteTailStart(bytes: Uint8Array): number {
  const len = bytes.length;
  for (let i = len - 1; i >= Math.max(0, len - 4); i--) {
    const b = bytes[i] as number;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    if (b < 0xc0) return len; // ASCII: nothing incomplete
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return len - i < needed ? i : len;
  }
  return len; // four continuation bytes in a row: invalid anyway, isUtf8 says so
}

/** What `serializeSseEvent` writes. */
export interface SseEventFields {
  /** Event type; omitted means "message". Must not contain CR or LF. */
  event?: string;
  /** Event id; must not contain NUL, CR or LF. An empty string resets the last event ID. */
  id?: string;
  /** Any text; CRLF, CR and LF all become separate `data:` lines (read back as "\n"). */
  data: string;
  /** Reconnection time hint in whole milliseconds. */
  retry?: number;
}

/** Serializes one event block, ending with the blank line that dispatches it. */
export function serializeSseEvent(fields: SseEventFields): string {
  let out = "";
  if (fields.event !== undefined) {
    assertSingleLine("event", fields.event);
    out += `event: ${fields.event}\n`;
  }
  if (fields.id !== undefined) {
    assertSingleLine("id", fields.id);
    if (fields.id.includes("\0")) throw new RangeError("SSE id must not contain NUL");
    out += `id: ${fields.id}\n`;
  }
  if (fields.retry !== undefined) {
    if (!Number.isInteger(fields.retry) || fields.retry < 0) {
      throw new RangeError(`SSE retry ${fields.retry} must be a whole number of ms >= 0`);
    }
    out += `retry: ${fields.retry}\n`;
  }
  // Always "data: " with the space: the parser strips exactly one, so a value that itself
  // starts with a space survives.
  for (const line of fields.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line (e.g. a heartbeat); `text` must not contain CR or LF. */
export function serializeSseComment(text = ""): string {
  assertSingleLine("comment", text);
  return `:${text}\n`;
}

function assertSingleLine(field: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new RangeError(`SSE ${field} must not contain CR or LF`);
}
