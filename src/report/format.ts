/**
 * Number and text formatting shared by the HTML, Markdown and comparison renderers.
 * Every formatter turns null (not measurable) into "n/a", never into 0.
 */

/** What a missing (null) metric looks like everywhere in the report. */
export const NOT_AVAILABLE = "n/a";

/** Three significant digits without exponent noise: 0.00123, 1.23, 123, 12,300. */
export function formatNumber(value: number | null, significant = 3): string {
  if (value === null || !Number.isFinite(value)) return NOT_AVAILABLE;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 10 ** significant) return Math.round(value).toLocaleString("en-US");
  const decimals = Math.max(0, significant - 1 - Math.floor(Math.log10(abs)));
  return value.toFixed(Math.min(decimals, 6));
}

/** A count as a whole number with thousands separators: 5,332. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Latency in microseconds as µs, ms or s, whichever reads best. */
export function formatLatencyUs(us: number | null): string {
  if (us === null || !Number.isFinite(us)) return NOT_AVAILABLE;
  if (us < 1000) return `${formatNumber(us)} µs`;
  if (us < 1_000_000) return `${formatNumber(us / 1000)} ms`;
  return `${formatNumber(us / 1_000_000)} s`;
}

/** Bytes in B, KiB, MiB or GiB (binary units, as RSS is reported by the OS). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return NOT_AVAILABLE;
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${formatNumber(value)} ${units[unit]}`;
}

/** Up to three significant digits with trailing zeros dropped: 0.2, 1, 1.5, 12,300. */
export function formatCompact(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NOT_AVAILABLE;
  return Number(value.toPrecision(3)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** Milliseconds as "500 ms", "30 s" or "2 min" for method lines. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${formatCompact(ms)} ms`;
  if (ms < 120_000) return `${formatCompact(ms / 1000)} s`;
  return `${formatCompact(ms / 60_000)} min`;
}

/** A signed percentage, e.g. "+12.5 %" or "-3.0 %"; null -> "n/a". */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return NOT_AVAILABLE;
  const percent = ratio * 100;
  const sign = percent > 0 ? "+" : percent < 0 ? "−" : "±";
  return `${sign}${Math.abs(percent).toFixed(1)} %`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Escapes text for a Markdown table cell: pipes, newlines, and HTML-significant characters. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[<>]/g, (ch) => (ch === "<" ? "&lt;" : "&gt;"))
    .replace(/\r?\n/g, " ");
}
