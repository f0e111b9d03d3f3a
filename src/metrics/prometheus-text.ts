/**
 * A small parser for the Prometheus text exposition format (version 0.0.4, what prom-client
 * serves on the servers' `/metrics`), plus lookup helpers and a scraper.
 *
 * Kept deliberately small: metric types, HELP text and timestamps are read past but not
 * returned, because the harness only needs current values. Histograms and summaries appear
 * as their sample names (`x_bucket`, `x_sum`, `x_count`).
 */

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  /** The sample value; may be +Infinity, -Infinity or NaN. */
  value: number;
}

/** Sample name -> every series of that name, in document order. */
export type MetricMap = Map<string, Sample[]>;

/** Exact label values to match, or a predicate over a series' labels. */
export type LabelFilter = Labels | ((labels: Labels) => boolean);

export class PrometheusParseError extends Error {
  /** 1-based line number in the parsed text. */
  readonly line: number;
  constructor(line: number, message: string, text: string) {
    super(`metrics text line ${line}: ${message}: ${JSON.stringify(text.slice(0, 200))}`);
    this.name = "PrometheusParseError";
    this.line = line;
  }
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

/** Parses a sample value, including the spellings Go's ParseFloat accepts for the specials. */
export function parseSampleValue(token: string): number | null {
  switch (token.toLowerCase()) {
    case "+inf":
    case "inf":
      return Number.POSITIVE_INFINITY;
    case "-inf":
      return Number.NEGATIVE_INFINITY;
    case "nan":
      return Number.NaN;
  }
  // Number("") is 0 and Number(" 1") is 1: only accept something that looks like a float.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) return null;
  return Number(token);
}

/** Scans one sample line; returns null with a reason instead of throwing (caller adds the line number). */
function parseSampleLine(line: string): { name: string; sample: Sample } | string {
  let i = 0;
  const skipSpace = () => {
    while (line[i] === " " || line[i] === "\t") i++;
  };
  const readWhile = (re: RegExp) => {
    const start = i;
    while (i < line.length && re.test(line[i] ?? "")) i++;
    return line.slice(start, i);
  };

  if (!NAME_START.test(line[0] ?? "")) return "expected a metric name";
  const name = readWhile(NAME_CHAR);
  skipSpace();
  const labels: Labels = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      skipSpace();
      if (line[i] === "}") {
        i++;
        break;
      }
      if (!LABEL_START.test(line[i] ?? "")) return "expected a label name or '}'";
      const labelName = readWhile(LABEL_CHAR);
      skipSpace();
      if (line[i] !== "=") return `expected '=' after label ${labelName}`;
      i++;
      skipSpace();
      if (line[i] !== '"') return `expected '"' to open the value of label ${labelName}`;
      i++;
      let value = "";
      for (;;) {
        const ch = line[i];
        if (ch === undefined) return `unterminated value of label ${labelName}`;
        i++;
        if (ch === '"') break;
        if (ch === "\\") {
          const next = line[i];
          i++;
          if (next === "n") value += "\n";
          else if (next === "\\" || next === '"') value += next;
          // Unknown escape: keep it verbatim rather than reject the whole scrape.
          else if (next !== undefined) value += `\\${next}`;
          else return `unterminated value of label ${labelName}`;
        } else {
          value += ch;
        }
      }
      labels[labelName] = value;
      skipSpace();
      if (line[i] === ",") i++;
      else if (line[i] !== "}") return "expected ',' or '}' after a label value";
    }
  }
  skipSpace();
  const rest = line
    .slice(i)
    .trim()
    .split(/[ \t]+/);
  const valueToken = rest[0] ?? "";
  if (valueToken === "") return "missing sample value";
  if (rest.length > 2) return "unexpected text after the timestamp";
  const value = parseSampleValue(valueToken);
  if (value === null) return `invalid sample value ${JSON.stringify(valueToken)}`;
  // rest[1], when present, is a millisecond timestamp: not needed, just validated.
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) return "invalid timestamp";
  return { name, sample: { labels, value } };
}

/**
 * Parses Prometheus text exposition into sample name -> series.
 * Blank lines, `# HELP`, `# TYPE` and other `#` comments are skipped.
 *
 * @throws {PrometheusParseError} on a malformed sample line (with its line number).
 */
export function parsePrometheusText(text: string): MetricMap {
  const map: MetricMap = new Map();
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? "").replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const parsed = parseSampleLine(line);
    if (typeof parsed === "string") throw new PrometheusParseError(n + 1, parsed, line);
    const series = map.get(parsed.name);
    if (series === undefined) map.set(parsed.name, [parsed.sample]);
    else series.push(parsed.sample);
  }
  return map;
}

function matches(labels: Labels, filter: LabelFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "function") return filter(labels);
  return Object.entries(filter).every(([k, v]) => labels[k] === v);
}

/**
 * Sum of every series of `name` whose labels match `filter` (e.g. all routes of
 * `pvp_http_requests_total`, or `{ status: "200" }`). 0 when the metric exists but no series
 * matches; null when the metric is not in the scrape at all.
 */
export function sumMetric(map: MetricMap, name: string, filter?: LabelFilter): number | null {
  const series = map.get(name);
  if (series === undefined) return null;
  let sum = 0;
  for (const s of series) if (matches(s.labels, filter)) sum += s.value;
  return sum;
}

/**
 * The value of the one series of `name` matching `filter` (for unlabelled gauges such as
 * `pvp_open_connections`, no filter). null when none matches.
 *
 * @throws Error when more than one series matches: summing or picking one would hide a mistake.
 */
export function gaugeValue(map: MetricMap, name: string, filter?: LabelFilter): number | null {
  const found = (map.get(name) ?? []).filter((s) => matches(s.labels, filter));
  if (found.length > 1) {
    throw new Error(`${found.length} series of ${name} match; narrow the label filter`);
  }
  return found[0]?.value ?? null;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  // undici reports every network failure as "fetch failed" with the real reason in `cause`.
  if (err.cause instanceof Error) return `${err.message} (${err.cause.message})`;
  return err.message;
}

export interface ScrapeOptions {
  /** Whole-request timeout, ms (default 2000). */
  timeoutMs?: number;
}

/**
 * GETs `url` (a server's `/metrics`) and parses it.
 *
 * @throws Error naming the URL on timeout, network error, non-2xx status or malformed text.
 */
export async function scrapeMetrics(
  url: string | URL,
  options: ScrapeOptions = {},
): Promise<MetricMap> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  let text: string;
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "text/plain;version=0.0.4" },
    });
    text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  } catch (err) {
    throw new Error(`scraping ${url} failed: ${describeFetchError(err, timeoutMs)}`, {
      cause: err,
    });
  }
  return parsePrometheusText(text);
}
