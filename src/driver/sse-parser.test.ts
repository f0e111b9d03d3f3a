import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createSseParser,
  type SseEvent,
  SseLimitError,
  type SseParserOptions,
  serializeSseComment,
  serializeSseEvent,
} from "./sse-parser.ts";

interface Parsed {
  events: SseEvent[];
  comments: string[];
  retries: number[];
  lastEventId: string;
}

function parse(chunks: readonly (Uint8Array | string)[], lastEventId?: string): Parsed {
  const out: Parsed = { events: [], comments: [], retries: [], lastEventId: "" };
  const parser = createSseParser({
    onEvent: (e) => out.events.push(e),
    onComment: (text) => out.comments.push(text),
    onRetry: (ms) => out.retries.push(ms),
    ...(lastEventId === undefined ? {} : { lastEventId }),
  });
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  out.lastEventId = parser.lastEventId;
  return out;
}

const msg = (data: string, lastEventId = "", type = "message"): SseEvent => ({
  type,
  data,
  lastEventId,
});

interface Case {
  name: string;
  input: string;
  events: SseEvent[];
  comments?: string[];
  retries?: number[];
}

/** The WHATWG "interpreting an event stream" rules, one or more cases per rule. */
const CASES: Case[] = [
  { name: "LF line ends", input: "data: a\n\n", events: [msg("a")] },
  { name: "CRLF line ends", input: "data: a\r\n\r\n", events: [msg("a")] },
  { name: "CR line ends", input: "data: a\r\r", events: [msg("a")] },
  {
    name: "mixed line ends in one stream",
    input: "data: a\r\ndata: b\rdata: c\n\r\n",
    events: [msg("a\nb\nc")],
  },
  {
    name: "CR CR is two line ends, not one",
    input: "data: a\r\rdata: b\n\n",
    events: [msg("a"), msg("b")],
  },
  { name: "leading BOM ignored", input: "\ufeffdata: a\n\n", events: [msg("a")] },
  {
    name: "only one BOM ignored: a second makes the field name unknown",
    input: "\ufeff\ufeffdata: a\n\ndata: b\n\n",
    events: [msg("b")],
  },
  {
    name: "multi-line data joined with LF",
    input: "data: a\ndata: b\ndata: c\n\n",
    events: [msg("a\nb\nc")],
  },
  {
    name: "empty data line contributes an empty line",
    input: "data\ndata\n\n",
    events: [msg("\n")],
  },
  { name: "data with only 'data:' dispatches empty string", input: "data:\n\n", events: [msg("")] },
  { name: "single leading space removed", input: "data: a\n\n", events: [msg("a")] },
  { name: "no space after colon", input: "data:a\n\n", events: [msg("a")] },
  { name: "only one space removed", input: "data:  a \n\n", events: [msg(" a ")] },
  { name: "tab is not stripped", input: "data:\ta\n\n", events: [msg("\ta")] },
  { name: "value may contain colons", input: "data: a:b: c\n\n", events: [msg("a:b: c")] },
  { name: "field without colon has empty value", input: "data\n\n", events: [msg("")] },
  {
    name: "comments are reported and do not dispatch",
    input: ":heartbeat\n: ping\n:\n\n",
    events: [],
    comments: ["heartbeat", " ping", ""],
  },
  {
    name: "comment inside an event does not break it",
    input: "data: a\n: keep-alive\ndata: b\n\n",
    events: [msg("a\nb")],
    comments: [" keep-alive"],
  },
  { name: "event type", input: "event: push\ndata: x\n\n", events: [msg("x", "", "push")] },
  { name: "empty event type means message", input: "event:\ndata: x\n\n", events: [msg("x")] },
  {
    name: "event type resets after dispatch",
    input: "event: count\ndata: 1\n\ndata: 2\n\n",
    events: [msg("1", "", "count"), msg("2")],
  },
  {
    name: "event type without data is dropped and reset",
    input: "event: count\n\ndata: 2\n\n",
    events: [msg("2")],
  },
  { name: "id sets lastEventId", input: "id: 7\ndata: a\n\n", events: [msg("a", "7")] },
  {
    name: "lastEventId persists across events",
    input: "id: 7\ndata: a\n\ndata: b\n\n",
    events: [msg("a", "7"), msg("b", "7")],
  },
  {
    name: "id without data updates lastEventId for later events",
    input: "id: 9\n\ndata: b\n\n",
    events: [msg("b", "9")],
  },
  {
    name: "empty id resets lastEventId",
    input: "id: 7\n\nid\ndata: b\n\n",
    events: [msg("b", "")],
  },
  {
    name: "id containing NUL is ignored",
    input: "id: 7\n\nid: 8\u00009\ndata: b\n\n",
    events: [msg("b", "7")],
  },
  { name: "retry with digits", input: "retry: 1500\n\n", events: [], retries: [1500] },
  {
    name: "retry with non-digits ignored",
    input: "retry: 15x\nretry: -1\nretry: 1.5\nretry:\nretry: 1 \nretry: ١\n\n",
    events: [],
    retries: [],
  },
  { name: "unknown fields ignored", input: "foo: bar\nData: x\ndata: a\n\n", events: [msg("a")] },
  {
    name: "field names are case-sensitive (no event for 'Data')",
    input: "Data: x\n\n",
    events: [],
  },
  { name: "empty data buffer is not dispatched", input: "\n\n\nid: 1\n\n", events: [] },
  {
    name: "incomplete event at end of stream dropped",
    input: "data: a\n\ndata: b\n",
    events: [msg("a")],
  },
  { name: "unterminated last line dropped", input: "data: a\n\ndata: b", events: [msg("a")] },
  {
    name: "multi-byte UTF-8 (Korean, emoji)",
    input: "data: 알림 🔔 도착\n\n",
    events: [msg("알림 🔔 도착")],
  },
  {
    name: "design contract: push + count events with cursor ids",
    input:
      'retry: 3000\n\nevent: push\nid: 1700000000000-0\ndata: {"seq":1}\n\nevent: count\ndata: 1\n\n:\n',
    events: [msg('{"seq":1}', "1700000000000-0", "push"), msg("1", "1700000000000-0", "count")],
    retries: [3000],
    comments: [""],
  },
];

function expectCase(result: Parsed, c: Case): void {
  expect(result.events).toEqual(c.events);
  expect(result.comments).toEqual(c.comments ?? []);
  expect(result.retries).toEqual(c.retries ?? []);
}

describe("createSseParser: WHATWG interpretation rules", () => {
  for (const c of CASES) {
    it(c.name, () => {
      expectCase(parse([c.input]), c);
      expectCase(parse([Buffer.from(c.input, "utf8")]), c);
    });
  }

  it("a CR at the end of one chunk and LF at the start of the next are one line end", () => {
    expect(parse(["data: a\r", "\ndata: b\r", "\n\r", "\n"]).events).toEqual([msg("a\nb")]);
    // ...but a CR at a chunk end followed by a non-LF is still a line end by itself.
    expect(parse(["data: a\r", "\r"]).events).toEqual([msg("a")]);
  });

  it("the BOM is stripped even when its bytes are split across chunks", () => {
    const bytes = Buffer.from("\ufeffdata: a\n\n", "utf8");
    expect(parse([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]).events).toEqual([
      msg("a"),
    ]);
  });

  it("a BOM that is not at the start of the stream is kept", () => {
    expect(parse(["data: a\n\n", "\ufeffdata: b\n\n"]).events).toEqual([msg("a")]);
  });

  it("invalid UTF-8 becomes U+FFFD", () => {
    const bytes = Buffer.concat([Buffer.from("data: a"), Buffer.from([0xff]), Buffer.from("\n\n")]);
    expect(parse([bytes]).events).toEqual([msg("a\ufffd")]);
  });

  it("the last event ID carries over from an earlier connection", () => {
    const result = parse(["data: a\n\n"], "41");
    expect(result.events).toEqual([msg("a", "41")]);
    expect(result.lastEventId).toBe("41");
    expect(parse(["id: 42\ndata: a\n\n"], "41").lastEventId).toBe("42");
  });

  it("lastEventId is not updated by an incomplete event", () => {
    expect(parse(["id: 1\ndata: a\n\nid: 2\ndata: b\n"]).lastEventId).toBe("1");
  });
});

describe("createSseParser: chunk boundaries", () => {
  it("every case gives the same result split at every byte offset", () => {
    for (const c of CASES) {
      const bytes = Buffer.from(c.input, "utf8");
      for (let cut = 0; cut <= bytes.length; cut++) {
        expectCase(parse([bytes.subarray(0, cut), bytes.subarray(cut)]), c);
      }
    }
  });

  it("every case gives the same result fed one byte at a time", () => {
    for (const c of CASES) {
      const bytes = Buffer.from(c.input, "utf8");
      expectCase(parse([...bytes].map((b) => Uint8Array.of(b))), c);
    }
  });

  it("every case gives the same result as strings split at every character offset", () => {
    for (const c of CASES) {
      for (let cut = 0; cut <= c.input.length; cut++) {
        expectCase(parse([c.input.slice(0, cut), c.input.slice(cut)]), c);
      }
    }
  });

  it("every case gives the same result split at three offsets (pairs of cuts)", () => {
    for (const c of CASES) {
      const bytes = Buffer.from(c.input, "utf8");
      for (let a = 0; a <= bytes.length; a += 3) {
        for (let b = a; b <= bytes.length; b += 2) {
          expectCase(parse([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]), c);
        }
      }
    }
  });
});

describe("serializeSseEvent", () => {
  it("writes event, id, retry and one data line per input line", () => {
    expect(serializeSseEvent({ event: "push", id: "5-0", retry: 3000, data: "a\r\nb" })).toBe(
      "event: push\nid: 5-0\nretry: 3000\ndata: a\ndata: b\n\n",
    );
    expect(serializeSseComment("ping")).toBe(":ping\n");
  });

  it("refuses fields that would break the framing", () => {
    expect(() => serializeSseEvent({ event: "a\nb", data: "" })).toThrow(/CR or LF/);
    expect(() => serializeSseEvent({ id: "a\rb", data: "" })).toThrow(/CR or LF/);
    expect(() => serializeSseEvent({ id: "a\0b", data: "" })).toThrow(/NUL/);
    expect(() => serializeSseEvent({ retry: 1.5, data: "" })).toThrow(/whole number/);
    expect(() => serializeSseComment("a\nb")).toThrow(/CR or LF/);
  });

  it("round-trips any data and id through the parser, whatever the chunking", () => {
    const text = fc.string({ unit: "binary", maxLength: 40 });
    const id = fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !/[\0\r\n]/.test(s));
    const eventType = fc
      .string({ unit: "grapheme-ascii", maxLength: 8 })
      .filter((s) => !/[\r\n]/.test(s));
    const event = fc.record(
      { data: text, id, event: eventType, retry: fc.nat(100_000) },
      { requiredKeys: ["data"] },
    );
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 5 }), fc.nat(), (events, seed) => {
        const wire = Buffer.from(events.map((e) => serializeSseEvent(e)).join(""), "utf8");
        // Cut the bytes at a pseudo-random offset to exercise chunk joins too.
        const cut = wire.length === 0 ? 0 : seed % wire.length;
        const result = parse([wire.subarray(0, cut), wire.subarray(cut)]);
        let lastEventId = "";
        const expected = events.map((e) => {
          if (e.id !== undefined) lastEventId = e.id;
          return {
            type: e.event === undefined || e.event === "" ? "message" : e.event,
            // Every line end is a line end: CRLF and CR come back as LF.
            data: e.data.replace(/\r\n|\r/g, "\n"),
            lastEventId,
          };
        });
        expect(result.events).toEqual(expected);
        expect(result.retries).toEqual(
          events.flatMap((e) => (e.retry === undefined ? [] : [e.retry])),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe("bounds", () => {
  const bounded = (extra: Partial<SseParserOptions>) => {
    const events: SseEvent[] = [];
    const parser = createSseParser({
      onEvent: (e) => events.push(e),
      maxLineLength: 100,
      maxEventLength: 250,
      maxIdLength: 10,
      ...extra,
    });
    return { parser, events };
  };
  const limitOf = (fn: () => void): SseLimitError => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(SseLimitError);
      return error as SseLimitError;
    }
    throw new Error("expected an SseLimitError");
  };

  it("a line that never ends throws once it passes the bound, however it is chunked", () => {
    const { parser } = bounded({});
    parser.push("data: ");
    for (let i = 0; i < 9; i++) parser.push("x".repeat(10));
    const error = limitOf(() => parser.push("x".repeat(10)));
    expect(error).toMatchObject({ what: "line", limit: 100 });
    // In one chunk, with its line end: the same.
    expect(limitOf(() => bounded({}).parser.push(`data: ${"x".repeat(100)}\n`)).what).toBe("line");
  });

  it("lines at the bound pass; an event of many short lines throws past the event bound", () => {
    const { parser, events } = bounded({});
    parser.push(`data: ${"a".repeat(94)}\n\n`);
    expect(events).toHaveLength(1);
    parser.push(`data: ${"b".repeat(90)}\ndata: ${"b".repeat(90)}\n`);
    expect(limitOf(() => parser.push(`data: ${"b".repeat(90)}\n`))).toMatchObject({
      what: "event",
      limit: 250,
    });
  });

  it("comments count as lines; blank lines and repeated fields cannot grow anything", () => {
    const lines: number[] = [];
    const { parser, events } = bounded({ onLine: () => lines.push(1) });
    for (let i = 0; i < 1000; i++) parser.push("\n:hb\nevent: x\nid: 1\nretry: 5\n");
    expect(lines).toHaveLength(5000);
    expect(events).toHaveLength(0);
    expect(limitOf(() => parser.push(`:${"c".repeat(100)}\n`)).what).toBe("line");
  });

  it("an id with NUL or over the bound is ignored, and said so", () => {
    const ignored: string[] = [];
    const { parser, events } = bounded({ onIgnoredId: (why) => ignored.push(why) });
    parser.push("id: ok\ndata: 1\n\n");
    parser.push("id: a\u0000b\ndata: 2\n\n");
    parser.push(`id: ${"i".repeat(11)}\ndata: 3\n\n`);
    expect(events.map((e) => e.lastEventId)).toEqual(["ok", "ok", "ok"]);
    expect(ignored).toEqual(["nul", "too-long"]);
  });

  it("reports invalid UTF-8 once (replaced as the spec says), never a character split across chunks", () => {
    const invalid: number[] = [];
    const valid = bounded({ onInvalidUtf8: () => invalid.push(1) });
    // "é€😀" split inside every character.
    const bytes = new TextEncoder().encode("data: é€😀\n\n");
    for (const byte of bytes) valid.parser.push(Uint8Array.of(byte));
    valid.parser.end();
    expect(valid.events.map((e) => e.data)).toEqual(["é€😀"]);
    expect(invalid).toEqual([]);

    const broken = bounded({ onInvalidUtf8: () => invalid.push(1) });
    broken.parser.push(Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0xff, 0x0a, 0x0a));
    broken.parser.push(Uint8Array.of(0x64, 0x61, 0x74, 0x61, 0x3a, 0xc3, 0x0a, 0x0a));
    expect(broken.events.map((e) => e.data)).toEqual(["\ufffd", "\ufffd"]);
    expect(invalid).toEqual([1]);

    // A character cut off by the end of the stream.
    const cut: number[] = [];
    const truncated = bounded({ onInvalidUtf8: () => cut.push(1) });
    truncated.parser.push(Uint8Array.of(0x3a, 0x0a, 0xe2, 0x82));
    truncated.parser.end();
    expect(cut).toEqual([1]);
  });

  it("a line that spans chunks comes out whole, whatever mix of big pieces and slivers", () => {
    const { parser, events } = bounded({ maxLineLength: 1 << 20, maxEventLength: 1 << 20 });
    const expected: string[] = [];
    parser.push(Buffer.from("data: "));
    for (let i = 0; i < 40; i++) {
      // Alternating 5000-byte pieces (held) and slivers of 1..7 bytes (copied together).
      const piece = String.fromCharCode(97 + (i % 26)).repeat(i % 2 === 0 ? 5000 : 1 + (i % 7));
      expected.push(piece);
      parser.push(Buffer.from(piece));
    }
    parser.push(Buffer.from("\n\n"));
    expect(events.map((e) => e.data)).toEqual([expected.join("")]);
  });

  it("a drip of single bytes is bounded like any line, and parses like any line", () => {
    const { parser, events } = bounded({ maxLineLength: 50_000, maxEventLength: 50_000 });
    for (const byte of Buffer.from(`data: ${"q".repeat(40_000)}\n\n`))
      parser.push(Uint8Array.of(byte));
    expect(events[0]?.data).toHaveLength(40_000);
    const endless = bounded({ maxLineLength: 50_000 });
    expect(() => {
      for (let i = 0; i < 60_000; i++) endless.parser.push(Uint8Array.of(0x78));
    }).toThrow(SseLimitError);
  });

  it("bytes: a line is measured in bytes; a BOM counts only at the very start", () => {
    const { parser } = bounded({ maxLineLength: 10 });
    // "data: éé" is 8 characters but 10 bytes: at the bound, not past it.
    parser.push(Buffer.from("data: éé\n"));
    expect(() => parser.push(Buffer.from("data: ééé\n"))).toThrow(SseLimitError);
    const afterEmpty = parse([Buffer.from("\n\ufeffdata: x\n\ndata: y\n\n")]);
    // Not at the start: "\ufeffdata" is an unknown field.
    expect(afterEmpty.events.map((e) => e.data)).toEqual(["y"]);
    const split = parse([
      Uint8Array.of(0xef),
      Uint8Array.of(0xbb, 0xbf),
      Buffer.from("data: z\n\n"),
    ]);
    expect(split.events.map((e) => e.data)).toEqual(["z"]);
  });

  it("the property: no input grows the pending line or event past its bound", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 60 }), (chunks) => {
        const { parser } = bounded({});
        try {
          for (const chunk of chunks) parser.push(chunk);
        } catch (error) {
          expect(error).toBeInstanceOf(SseLimitError);
        }
      }),
    );
  });
});
