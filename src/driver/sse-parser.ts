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
 */

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
        dataBuffer += `${value}\n`;
        break;
      case "id":
        if (!value.includes("\0")) lastEventIdBuffer = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) options.onRetry?.(Number.parseInt(value, 10));
        break;
      default:
      // Unknown fields are ignored.
    }
  };

  const processLine = (line: string): void => {
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
    if (start < text.length) partialLine += text.slice(start);
  };

  return {
    push(chunk) {
      processText(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      // Flushes a dangling partial character as U+FFFD; the unterminated line is then dropped.
      decoder.decode();
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
