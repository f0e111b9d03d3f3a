import { describe, expect, it } from "vitest";
import { driverMarker, parseDriverMarker } from "./receipt.ts";

describe("driver marker", () => {
  it("is written with its fields in wire order and parses back to itself", () => {
    const marker = driverMarker("user-1", 3, 1_234.5);
    expect(JSON.stringify(marker)).toBe('{"seq":3,"intendedAtUs":1234.5,"userId":"user-1"}');
    expect(parseDriverMarker(JSON.parse(JSON.stringify(marker)))).toEqual(marker);
  });

  it("recognises one object only: no search, no arrays, no JSON text", () => {
    const marker = driverMarker("u", 1, 0);
    expect(parseDriverMarker({ meta: marker })).toBeNull();
    expect(parseDriverMarker([marker])).toBeNull();
    expect(parseDriverMarker(JSON.stringify(marker))).toBeNull();
    expect(parseDriverMarker(null)).toBeNull();
  });
});
