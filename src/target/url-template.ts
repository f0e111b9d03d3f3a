/**
 * URL templates for `--target` and `--publish-url`: an absolute http:// URL whose `{userId}`
 * (and, for polling, `{cursor}`) placeholders the driver fills in per request. Checked once,
 * up front, so a typo fails before any client starts, with a message naming the flag, the
 * template and the fix; expanding a checked template then cannot fail on ordinary values.
 */
import { UsageError } from "../util/usage-error.ts";

export type TemplateVar = "userId" | "cursor";

export const TEMPLATE_VARS: readonly TemplateVar[] = ["userId", "cursor"];

export interface TemplateValues {
  userId: string;
  /** Polling cursor; the empty string (or absent) on the first request. */
  cursor?: string;
}

export interface TemplateVarRules {
  /** Placeholders the template must contain. */
  required: readonly TemplateVar[];
  /** Placeholders it may contain besides the required ones. */
  optional: readonly TemplateVar[];
}

export interface UrlTemplate {
  /** The template as given on the command line. */
  readonly text: string;
  /** Host name or address, IPv6 without brackets: what the loopback check resolves. */
  readonly host: string;
  /** TCP port; 80 when the template names none. */
  readonly port: number;
  /** The URL for these values, each percent-encoded (encodeURIComponent). */
  expand(values: TemplateValues): URL;
}

type Part =
  | { kind: "literal"; text: string }
  /** wholeSegment: the placeholder is a whole path segment, where "." and ".." would be path steps. */
  | { kind: "var"; name: TemplateVar; wholeSegment: boolean };

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Parses and checks `text`, given as `flag`. Throws UsageError naming the flag, the template
 * and the fix. `example` is the template the message suggests (default: one built from `vars`).
 */
export function parseUrlTemplate(
  text: string,
  flag: string,
  vars: TemplateVarRules,
  example: string = exampleFor(vars),
): UrlTemplate {
  const fail = (problem: string, fix = `give e.g. ${flag} '${example}'`): never => {
    throw new UsageError(`${flag} '${text}' ${problem}; ${fix}.`);
  };
  if (text.trim() === "") {
    throw new UsageError(`${flag} is empty; give a URL template, e.g. ${flag} '${example}'.`);
  }
  if (/\s/.test(text) || hasControlCharacter(text)) {
    fail(
      "contains whitespace or control characters",
      `remove them (percent-encode a space as %20), e.g. ${flag} '${example}'`,
    );
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === "https") {
    fail(
      "uses https, which the bench does not support (it measures plain HTTP; TLS would add its own cost)",
      `give the server's http:// address, e.g. ${flag} '${example}'`,
    );
  }
  if (!/^http:\/\//i.test(text)) fail("must be an absolute http:// URL");

  const allowed = [...new Set([...vars.required, ...vars.optional])];
  const allowedText = allowed.length === 0 ? "none" : allowed.map((v) => `{${v}}`).join(", ");
  // The URL parser ends an http authority at a backslash too, and reads it as '/' in the path.
  const authorityEnd = indexOfAny(text, "/\\?#", "http://".length);
  // "http:///x" would not fail: the parser skips the extra slash and takes "x" as the host.
  if (authorityEnd === "http://".length) fail("has no host");
  const queryStart = indexOfAny(text, "?#", authorityEnd);
  const fragmentStart = indexOfAny(text, "#", authorityEnd);

  const parts: Part[] = [];
  const found = new Set<TemplateVar>();
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index;
    const end = start + match[0].length;
    const name = match[1] ?? "";
    if (!isTemplateVar(name)) {
      fail(`has an unknown placeholder {${name}}`, `use only ${allowedText}, e.g. '${example}'`);
    }
    const knownName = name as TemplateVar;
    if (!allowed.includes(knownName)) {
      fail(`may not contain {${name}}`, `allowed here: ${allowedText}, e.g. '${example}'`);
    }
    if (start < authorityEnd) {
      fail(
        `has {${name}} in the host or port`,
        `placeholders belong in the path or query, e.g. '${example}'`,
      );
    }
    if (start > fragmentStart) {
      fail(
        `has {${name}} after '#', which is never sent to the server`,
        `put it in the path or query, e.g. '${example}'`,
      );
    }
    const next = text[end];
    const wholeSegment =
      start < queryStart &&
      (text[start - 1] === "/" || text[start - 1] === "\\") &&
      (next === undefined || "/\\?#".includes(next));
    parts.push({ kind: "literal", text: text.slice(last, start) });
    parts.push({ kind: "var", name: knownName, wholeSegment });
    found.add(knownName);
    last = end;
  }
  parts.push({ kind: "literal", text: text.slice(last) });
  for (const part of parts) {
    if (part.kind === "literal" && /[{}]/.test(part.text)) {
      fail(
        "has a '{' or '}' that is not a placeholder",
        `use only ${allowedText}, and write a literal brace as %7B or %7D`,
      );
    }
  }
  const missing = vars.required.filter((v) => !found.has(v));
  if (missing.length > 0) {
    fail(
      `has no ${missing.map((v) => `{${v}}`).join(" or ")}`,
      `the driver needs ${vars.required.map((v) => `{${v}}`).join(" and ")} in the URL, e.g. '${example}'`,
    );
  }

  const render = (values: TemplateValues, check: boolean): string =>
    parts
      .map((part) => {
        if (part.kind === "literal") return part.text;
        const raw = part.name === "userId" ? values.userId : (values.cursor ?? "");
        if (check && part.wholeSegment && (raw === "." || raw === "..")) {
          // The URL parser would resolve it as a path step and the request would go elsewhere.
          throw new Error(
            `${flag} {${part.name}} = '${raw}' is a whole path segment and would be read as a path step; the URL cannot carry it`,
          );
        }
        return encodeURIComponent(toWellFormed(raw));
      })
      .join("");

  let sample: URL;
  try {
    sample = new URL(render({ userId: "user-1", cursor: "0-0" }, false));
  } catch {
    return fail("is not a valid URL");
  }
  if (sample.hostname === "") fail("has no host");
  if (sample.username !== "" || sample.password !== "") {
    fail(
      "carries credentials (user:password@), which would be written into results.json",
      `drop them, e.g. ${flag} '${example}'`,
    );
  }
  if (sample.port === "0") fail("names port 0, which nothing listens on");

  const host = sample.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = sample.port === "" ? 80 : Number(sample.port);
  return {
    text,
    host,
    port,
    expand: (values) => new URL(render(values, true)),
  };
}

function hasControlCharacter(text: string): boolean {
  return Array.from(text).some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f;
  });
}

function isTemplateVar(name: string): name is TemplateVar {
  return (TEMPLATE_VARS as readonly string[]).includes(name);
}

/** Index of the first of `chars` in `text` at or after `from`, or text.length. */
function indexOfAny(text: string, chars: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    if (chars.includes(text[i] ?? "")) return i;
  }
  return text.length;
}

/**
 * encodeURIComponent throws on a lone surrogate (which JSON can carry in a server's cursor):
 * replace it with U+FFFD instead, as String.prototype.toWellFormed (ES2024) does.
 */
function toWellFormed(value: string): string {
  return value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
}

function exampleFor(vars: TemplateVarRules): string {
  const base = "http://127.0.0.1:3000/api/notifications/{userId}";
  return vars.required.includes("cursor") ? `${base}?after={cursor}` : base;
}
