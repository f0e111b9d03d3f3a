import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { usageErrorOf } from "../util/test-support/thrown.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseUrlTemplate, type TemplateVarRules } from "./url-template.ts";

const POLLING: TemplateVarRules = { required: ["userId", "cursor"], optional: [] };
const USER_ONLY: TemplateVarRules = { required: ["userId"], optional: [] };

function errorOf(text: string, vars: TemplateVarRules = USER_ONLY): string {
  const message = usageErrorOf(() => parseUrlTemplate(text, "--target", vars), `'${text}'`);
  expect(message).not.toMatch(/[\r\n]/);
  expect(message).toMatch(/^--target /);
  return message;
}

describe("parseUrlTemplate: valid templates", () => {
  it("keeps the text and reports host and port", () => {
    const t = parseUrlTemplate(
      "http://127.0.0.1:3000/api/notifications/{userId}/sse",
      "--target",
      USER_ONLY,
    );
    expect(t).toMatchObject({
      text: "http://127.0.0.1:3000/api/notifications/{userId}/sse",
      host: "127.0.0.1",
      port: 3000,
    });
    expect(t.expand({ userId: "user-7" }).href).toBe(
      "http://127.0.0.1:3000/api/notifications/user-7/sse",
    );
  });

  it("defaults the port to 80, strips IPv6 brackets and accepts names", () => {
    expect(parseUrlTemplate("http://localhost/u/{userId}", "--x", USER_ONLY)).toMatchObject({
      host: "localhost",
      port: 80,
    });
    expect(parseUrlTemplate("HTTP://[::1]:8080/u/{userId}", "--x", USER_ONLY)).toMatchObject({
      host: "::1",
      port: 8080,
    });
  });

  it("fills {cursor} with the empty string on the first request", () => {
    const t = parseUrlTemplate(
      "http://127.0.0.1:3000/api/notifications/{userId}/poll?after={cursor}&timeoutMs=25000",
      "--target",
      POLLING,
    );
    const first = t.expand({ userId: "user-1" });
    expect(first.searchParams.get("after")).toBe("");
    expect(first.searchParams.get("timeoutMs")).toBe("25000");
    const next = t.expand({ userId: "user-1", cursor: "1700000000000-0" });
    expect(next.search).toBe("?after=1700000000000-0&timeoutMs=25000");
  });

  it("percent-encodes values so they cannot change the URL's shape", () => {
    const t = parseUrlTemplate("http://127.0.0.1:1/u/{userId}/s?c={cursor}", "--x", POLLING);
    const url = t.expand({ userId: "a/b?c#d", cursor: "x&y=z+w #" });
    expect(url.pathname).toBe("/u/a%2Fb%3Fc%23d/s");
    expect([...url.searchParams.entries()]).toEqual([["c", "x&y=z+w #"]]);
    expect(url.hash).toBe("");
  });

  it("repeats a placeholder as often as the template does", () => {
    const t = parseUrlTemplate("http://127.0.0.1:1/u/{userId}?u={userId}", "--x", USER_ONLY);
    expect(t.expand({ userId: "bob" }).href).toBe("http://127.0.0.1:1/u/bob?u=bob");
  });

  it("replaces a lone surrogate instead of throwing", () => {
    const t = parseUrlTemplate("http://127.0.0.1:1/u/{userId}?c={cursor}", "--x", POLLING);
    expect(t.expand({ userId: "u", cursor: "a\uD800b" }).searchParams.get("c")).toBe("a\uFFFDb");
  });

  it("refuses '.' and '..' as a whole path segment (they would be path steps)", () => {
    const t = parseUrlTemplate("http://127.0.0.1:1/u/{userId}/sse", "--target", USER_ONLY);
    expect(() => t.expand({ userId: ".." })).toThrow(/would be read as a path step/);
    // Not a whole segment, or in the query: harmless.
    const json = parseUrlTemplate("http://127.0.0.1:1/u/{userId}.json?c={cursor}", "--x", POLLING);
    expect(json.expand({ userId: ".", cursor: ".." }).pathname).toBe("/u/..json");
  });

  it("round-trips any userId through the path and any cursor through the query", () => {
    const t = parseUrlTemplate(
      "http://127.0.0.1:3000/api/{userId}/poll?after={cursor}&timeoutMs=1",
      "--target",
      POLLING,
    );
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 24 }),
      fc.string({ maxLength: 24 }),
      fc.constantFrom("", "1700000000000-0", "0-0", "%", "%2e%2E", "+", "a b", "é", "😀"),
    );
    fc.assert(
      fc.property(
        value.filter((v) => v !== "." && v !== ".."),
        value,
        (userId, cursor) => {
          const url = t.expand({ userId, cursor });
          expect(url.host).toBe("127.0.0.1:3000");
          const segments = url.pathname.split("/");
          expect(segments).toHaveLength(4);
          expect(decodeURIComponent(segments[2] ?? "")).toBe(userId);
          expect(url.searchParams.getAll("after")).toEqual([cursor]);
          expect(url.searchParams.get("timeoutMs")).toBe("1");
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("parseUrlTemplate: each error names the flag, the template and the fix", () => {
  it("empty", () => {
    expect(errorOf("")).toBe(
      "--target is empty; give a URL template, e.g. --target 'http://127.0.0.1:3000/api/notifications/{userId}'.",
    );
    expect(errorOf("  ")).toMatch(/^--target is empty/);
  });

  it("https is not supported, and says so", () => {
    expect(errorOf("https://127.0.0.1/u/{userId}")).toBe(
      "--target 'https://127.0.0.1/u/{userId}' uses https, which the bench does not support (it measures plain HTTP; TLS would add its own cost); give the server's http:// address, e.g. --target 'http://127.0.0.1:3000/api/notifications/{userId}'.",
    );
  });

  it.each([
    "127.0.0.1:3000/u/{userId}",
    "/api/notifications/{userId}",
    "ws://127.0.0.1/u/{userId}",
    "http:/127.0.0.1/u/{userId}",
  ])("not an absolute http:// URL: %s", (text) => {
    expect(errorOf(text)).toBe(
      `--target '${text}' must be an absolute http:// URL; give e.g. --target 'http://127.0.0.1:3000/api/notifications/{userId}'.`,
    );
  });

  it("unknown or disallowed placeholders", () => {
    expect(errorOf("http://127.0.0.1/u/{user}")).toMatch(
      /^--target 'http:\/\/127\.0\.0\.1\/u\/\{user\}' has an unknown placeholder \{user\}; use only \{userId\}, e\.g\./,
    );
    expect(errorOf("http://127.0.0.1/u/{}")).toMatch(/has an unknown placeholder \{\}/);
    expect(errorOf("http://127.0.0.1/u/{userId}?c={cursor}")).toMatch(
      /may not contain \{cursor\}; allowed here: \{userId\}/,
    );
  });

  it("stray braces", () => {
    expect(errorOf("http://127.0.0.1/u/{{userId}}")).toMatch(
      /has a '\{' or '\}' that is not a placeholder; use only \{userId\}, and write a literal brace as %7B or %7D\.$/,
    );
    expect(errorOf("http://127.0.0.1/u/{userId")).toMatch(/that is not a placeholder/);
  });

  it("placeholders in the host, the port or the fragment", () => {
    expect(errorOf("http://{userId}.example/u")).toMatch(
      /has \{userId\} in the host or port; placeholders belong in the path or query/,
    );
    expect(errorOf("http://127.0.0.1:{userId}/u")).toMatch(/in the host or port/);
    expect(errorOf("http://127.0.0.1/u#{userId}")).toMatch(
      /has \{userId\} after '#', which is never sent to the server/,
    );
  });

  it("required placeholders missing", () => {
    expect(errorOf("http://127.0.0.1/api/poll", POLLING)).toBe(
      "--target 'http://127.0.0.1/api/poll' has no {userId} or {cursor}; the driver needs {userId} and {cursor} in the URL, e.g. 'http://127.0.0.1:3000/api/notifications/{userId}?after={cursor}'.",
    );
    expect(errorOf("http://127.0.0.1/api/{userId}/poll", POLLING)).toMatch(/has no \{cursor\};/);
  });

  it("whitespace, control characters, credentials, port 0, no host", () => {
    expect(errorOf("http://127.0.0.1/u/{userId} ")).toMatch(
      /contains whitespace or control characters; remove them \(percent-encode a space as %20\)/,
    );
    expect(errorOf("http://127.0.0.1/u/\n{userId}")).toMatch(
      /^--target 'http:\/\/127\.0\.0\.1\/u\/\\n/,
    );
    expect(errorOf("http://me:pw@127.0.0.1/u/{userId}")).toMatch(
      /carries credentials \(user:password@\), which would be written into results\.json; drop them/,
    );
    expect(errorOf("http://127.0.0.1:0/u/{userId}")).toMatch(/names port 0/);
    expect(errorOf("http://127.0.0.1:99999/u/{userId}")).toMatch(/is not a valid URL/);
    // The URL parser would skip the extra slash and take "u" as the host.
    expect(errorOf("http:///u/{userId}")).toMatch(
      /^--target 'http:\/\/\/u\/\{userId\}' has no host;/,
    );
  });

  it("treats a backslash as the URL parser does: the end of the host, a '/' in the path", () => {
    const t = parseUrlTemplate("http://127.0.0.1:1\\u\\{userId}", "--x", USER_ONLY);
    expect(t).toMatchObject({ host: "127.0.0.1", port: 1 });
    expect(t.expand({ userId: "a" }).pathname).toBe("/u/a");
    expect(() => t.expand({ userId: ".." })).toThrow(/path step/);
  });

  it("uses the example it is given", () => {
    expect(() =>
      parseUrlTemplate("", "--publish-url", USER_ONLY, "http://127.0.0.1:1/p/{userId}"),
    ).toThrow(
      "--publish-url is empty; give a URL template, e.g. --publish-url 'http://127.0.0.1:1/p/{userId}'.",
    );
  });

  it("arbitrary text gives a template or a one-line UsageError", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom("http://", "https://", "HTTP://", "http:/", ""),
          fc.constantFrom("127.0.0.1", "[::1]", "{userId}", "", "h:0", "a@b", "localhost:65536"),
          fc.string({
            unit: fc.constantFrom(
              "/",
              "?",
              "#",
              "{",
              "}",
              "userId",
              "cursor",
              "{userId}",
              "{cursor}",
              "=",
              "&",
              ".",
              " ",
              "%",
            ),
            maxLength: 10,
          }),
        )
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(text, fc.constantFrom(POLLING, USER_ONLY), (t, vars) => {
        try {
          const template = parseUrlTemplate(t, "--target", vars);
          // A template that parsed expands for ordinary values without throwing.
          const url = template.expand({ userId: "user-1", cursor: "1-0" });
          expect(url.protocol).toBe("http:");
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).not.toMatch(/[\r\n\u2028\u2029]/);
          expect((error as Error).message).toMatch(/^--target /);
        }
      }),
      { numRuns: 500 },
    );
  });
});
