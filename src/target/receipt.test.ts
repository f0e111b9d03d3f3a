import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extractReceipt, MAX_RECEIPT_DEPTH } from "./receipt.ts";

const MARKER = { seq: 3, intendedAtUs: 1_234_567.5, userId: "user-9" };

describe("extractReceipt", () => {
  it("reads meta of our own servers' notification, not its server seq", () => {
    const delivered = {
      id: "1700000000000-0",
      userId: "user-9",
      seq: 41,
      sentAt: 1_700_000_000_000,
      title: "t",
      message: "m",
      meta: MARKER,
    };
    expect(extractReceipt(delivered)).toEqual(MARKER);
  });

  it("finds the published body wrapped by an external server", () => {
    const body = { title: "t", message: "m", meta: MARKER };
    expect(extractReceipt(body)).toEqual(MARKER);
    expect(extractReceipt({ data: { payload: body } })).toEqual(MARKER);
    expect(extractReceipt({ event: "x", items: [{ other: 1 }, body] })).toEqual(MARKER);
    expect(extractReceipt(MARKER)).toEqual(MARKER);
  });

  it("parses a JSON string that holds the body, at any level", () => {
    const body = { title: "t", message: "m", meta: MARKER };
    expect(extractReceipt(JSON.stringify(body))).toEqual(MARKER);
    expect(extractReceipt({ data: JSON.stringify(body) })).toEqual(MARKER);
    expect(extractReceipt({ data: ` ${JSON.stringify({ payload: body })}` })).toEqual(MARKER);
    expect(extractReceipt(JSON.stringify(JSON.stringify(body)))).toEqual(MARKER);
  });

  it("keeps only the marker's three fields", () => {
    expect(extractReceipt({ meta: { ...MARKER, extra: "x" } })).toEqual(MARKER);
  });

  it.each([
    ["seq 0", { ...MARKER, seq: 0 }],
    ["seq 1.5", { ...MARKER, seq: 1.5 }],
    ["seq as text", { ...MARKER, seq: "3" }],
    ["seq beyond safe integers", { ...MARKER, seq: 2 ** 60 }],
    ["intendedAtUs as text", { ...MARKER, intendedAtUs: "5" }],
    ["intendedAtUs missing", { seq: 3, userId: "u" }],
    ["userId as number", { ...MARKER, userId: 9 }],
  ])("rejects a marker with %s", (_, meta) => {
    expect(extractReceipt({ title: "t", meta })).toBeNull();
  });

  it("finds nothing in values without a marker", () => {
    for (const value of [null, undefined, 0, "", "{", "[1,2]", '"{}"', [], {}, { meta: null }]) {
      expect(extractReceipt(value)).toBeNull();
    }
  });

  it("stops at MAX_RECEIPT_DEPTH, a JSON string counting as one level", () => {
    let value: unknown = MARKER;
    for (let i = 0; i < MAX_RECEIPT_DEPTH; i += 1) value = { w: value };
    expect(extractReceipt(value)).toEqual(MARKER);
    expect(extractReceipt({ w: value })).toBeNull();
    expect(extractReceipt(JSON.stringify(value))).toBeNull();
  });

  it("survives a cyclic object", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(extractReceipt(cyclic)).toBeNull();
  });
});

describe("extractReceipt: properties", () => {
  const key = fc.string({ minLength: 1, maxLength: 8 });
  const marker = fc.record({
    userId: fc.string({ maxLength: 12 }),
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    // JSON.stringify writes -0 as 0: leave -0 out so a JSON-string layer round-trips exactly.
    intendedAtUs: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0),
  });
  /** One wrapping layer: under a key of an object, in an array, or as a JSON string. */
  const layer = fc.oneof(
    fc.record({
      kind: fc.constant("object" as const),
      key,
      noise: fc.dictionary(key, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    }),
    fc.record({
      kind: fc.constant("array" as const),
      before: fc.array(fc.integer(), { maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant("json-string" as const) }),
  );

  it("any wrapping up to the depth bound is found", () => {
    fc.assert(
      fc.property(marker, fc.array(layer, { maxLength: MAX_RECEIPT_DEPTH }), (m, layers) => {
        let value: unknown = m;
        for (const l of layers) {
          if (l.kind === "json-string") value = JSON.stringify(value);
          else if (l.kind === "array") value = [...l.before, value];
          // Noise comes first in key order, so the search walks it before our value; random
          // JSON all but never forms a marker (three exact keys with the right types).
          else value = { ...l.noise, [l.key]: value };
        }
        expect(extractReceipt(value)).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it("random JSON (and its string form) never throws", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        extractReceipt(value);
        extractReceipt(JSON.stringify(value));
      }),
      { numRuns: 500 },
    );
  });
});
