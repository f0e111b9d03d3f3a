/**
 * A streaming text/event-stream parser following the WHATWG HTML "Server-sent events"
 * interpretation rules (section 9.2.6), so every SSE byte the driver counts is interpreted
 * exactly as a browser's EventSource would:
 * - UTF-8 decoded (a character split across chunks survives; invalid bytes become U+FFFD),
 *   one leading BOM ignored;
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
 * Bytes are split into lines before they are decoded (CR and LF never occur inside a UTF-8
 * character), so a line is decoded once, whole. A line that spans chunks is held as the chunks
 * it came in (slivers under 4 KiB are copied together, so a byte-by-byte drip cannot pile up a
 * million tiny buffers) and joined once it ends: a stream cut at the line bound costs the bytes
 * it sent, no copy of them. push() may keep a reference to the bytes it was given until their
 * line ends: do not reuse a buffer after pushing it (socket chunks never are).
 *
 * Bounds (not in the spec; a browser has its own): a line longer than `maxLineLength` or an
 * event whose data and type exceed `maxEventLength` throws SseLimitError from push(), so a
 * stream that never ends a line cannot grow the parser without end; an `id` longer than
 * `maxIdLength` is ignored like one with NUL. A line is measured in bytes when bytes are pushed
 * (in UTF-16 code units when text is), an event and an id in code units of the decoded text
 * (= bytes for ASCII). Invalid UTF-8 is still replaced as the spec says, and reported once
 * through `onInvalidUtf8`.
 */
import { Buffer, isUtf8 } from "node:buffer";

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
    super(`SSE ${what} over ${limit}`);
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
/** Pieces of a pending line shorter than this are copied into a shared block, not held. */
const SLIVER_BYTES = 4096;
const SLIVER_BLOCK_BYTES = 16 * 1024;
const encoder = new TextEncoder();

export function createSseParser(options: SseParserOptions): SseParser {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true }); // we strip the BOM ourselves
  const maxLine = options.maxLineLength ?? Number.POSITIVE_INFINITY;
  const maxEvent = options.maxEventLength ?? Number.POSITIVE_INFINITY;
  const maxId = options.maxIdLength ?? Number.POSITIVE_INFINITY;
  let reportInvalidUtf8 = options.onInvalidUtf8;
  let sawFirstText = false;
  /** Text of the current line not yet terminated (text pushed). */
  let partialLine = "";
  /** The current line not yet terminated (bytes pushed): its pieces, in order, and their size. */
  const pieces: Uint8Array[] = [];
  let partialBytes = 0;
  /** Where slivers are copied together; the used part is a piece once a big piece follows. */
  let block: Uint8Array | null = null;
  let blockUsed = 0;
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

  /** One complete line, decoded (its length already checked against the bound). */
  const processLine = (line: string): void => {
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

  const firstLineOfStream = (text: string): string => {
    sawFirstText = true;
    return text.startsWith(BOM) ? text.slice(1) : text;
  };
  /** Text that may start the stream (text pushed): the first that is not empty does. */
  const stripBom = (text: string): string =>
    sawFirstText || text === "" ? text : firstLineOfStream(text);

  const checkUtf8 = (bytes: Uint8Array): void => {
    if (reportInvalidUtf8 === undefined || isUtf8(bytes)) return;
    const report = reportInvalidUtf8;
    reportInvalidUtf8 = undefined;
    report();
  };

  const closeBlock = (): void => {
    if (block !== null && blockUsed > 0) pieces.push(block.subarray(0, blockUsed));
    block = null;
    blockUsed = 0;
  };

  /** Adds bytes to the pending line: big pieces held as they are, slivers copied together. */
  const gather = (bytes: Uint8Array): void => {
    if (bytes.length === 0) return;
    const needed = partialBytes + bytes.length;
    if (needed > maxLine) throw new SseLimitError("line", maxLine);
    partialBytes = needed;
    if (bytes.length >= SLIVER_BYTES) {
      closeBlock();
      pieces.push(bytes);
      return;
    }
    if (block === null || blockUsed + bytes.length > block.length) {
      closeBlock();
      block = new Uint8Array(SLIVER_BLOCK_BYTES);
    }
    block.set(bytes, blockUsed);
    blockUsed += bytes.length;
  };

  /** The pending line's bytes in one piece; the pending line is then empty. */
  const takePending = (): Uint8Array => {
    closeBlock();
    const bytes =
      pieces.length === 1 ? (pieces[0] as Uint8Array) : Buffer.concat(pieces, partialBytes);
    pieces.length = 0;
    partialBytes = 0;
    return bytes;
  };

  /** The pending bytes of a line become text (text pushed after bytes). */
  const bytesToText = (): void => {
    if (partialBytes === 0) return;
    const pending = takePending();
    checkUtf8(pending);
    const decoded = decoder.decode(pending);
    partialLine = sawFirstText ? decoded : firstLineOfStream(decoded);
  };

  const processBytes = (chunk: Uint8Array): void => {
    if (partialLine !== "") {
      // Bytes pushed after text: the pending text joins the bytes.
      const pending = partialLine;
      partialLine = "";
      gather(encoder.encode(pending));
    }
    const length = chunk.length;
    let start = 0;
    if (length === 0) return;
    if (skipLeadingLf) {
      skipLeadingLf = false;
      if (chunk[0] === LF) start = 1;
    }
    // Next CR and LF from `start`, each searched again only once passed: linear in the chunk.
    let nextLf = chunk.indexOf(LF, start);
    let nextCr = chunk.indexOf(CR, start);
    while (start < length) {
      if (nextLf !== -1 && nextLf < start) nextLf = chunk.indexOf(LF, start);
      if (nextCr !== -1 && nextCr < start) nextCr = chunk.indexOf(CR, start);
      const end = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (end === -1) {
        gather(chunk.subarray(start));
        return;
      }
      let lineBytes: Uint8Array;
      if (partialBytes === 0) {
        if (end - start > maxLine) throw new SseLimitError("line", maxLine);
        lineBytes = chunk.subarray(start, end);
      } else {
        gather(chunk.subarray(start, end));
        lineBytes = takePending();
      }
      checkUtf8(lineBytes);
      const decoded = decoder.decode(lineBytes);
      // The first line starts the stream, whatever it holds: only there is a BOM dropped.
      const line = sawFirstText ? decoded : firstLineOfStream(decoded);
      start = end + 1;
      if (chunk[end] === CR) {
        if (start === length) skipLeadingLf = true;
        else if (chunk[start] === LF) start += 1;
      }
      processLine(line);
    }
  };

  const processText = (input: string): void => {
    bytesToText();
    if (input === "") return;
    const text = partialLine === "" ? stripBom(input) : input;
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
      if (line.length > maxLine) throw new SseLimitError("line", maxLine);
      processLine(line);
    }
    if (start < text.length) {
      if (partialLine.length + text.length - start > maxLine) {
        throw new SseLimitError("line", maxLine);
      }
      partialLine += text.slice(start);
    }
  };

  return {
    push(chunk) {
      if (typeof chunk === "string") processText(chunk);
      else processBytes(chunk);
    },
    end() {
      // The unterminated line is dropped; a character cut off by the end is still invalid.
      if (partialBytes > 0) checkUtf8(takePending());
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
