/**
 * Number formatting shared by every table, chart label and text line of the report: plain text,
 * no markup (escaping for HTML and Markdown is in markup/). Every formatter turns null (not
 * measurable) into "n/a", never into 0.
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

/** Server CPU time in milliseconds, three significant digits: "28.8 ms". */
export function formatCpuMs(ms: number | null): string {
  return ms === null ? NOT_AVAILABLE : `${formatNumber(ms)} ms`;
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

/** "+1,234", "−180", "0": extra requests and bytes can be negative (a dead server gets no polls). */
export function formatSignedCount(value: number): string {
  if (value === 0) return "0";
  return `${value > 0 ? "+" : "−"}${formatCount(Math.abs(value))}`;
}

/** "+1.50 KiB", "−512 B", "0 B". */
export function formatSignedBytes(value: number): string {
  if (value === 0) return "0 B";
  return `${value > 0 ? "+" : "−"}${formatBytes(Math.abs(value))}`;
}

/**
 * How a value is displayed: stored microseconds as µs/ms/s, bytes in binary units, CPU and
 * durations in ms or s, ratios bare. One list, so a value and its interval read alike.
 */
export type ValueUnit = "latencyUs" | "bytes" | "cpuMs" | "durationMs" | "ratio";

/** One value in its unit, as the tables always showed it ("2.13 ms", "1.50 KiB", "n/a"). */
export function formatValue(value: number | null, unit: ValueUnit): string {
  switch (unit) {
    case "latencyUs":
      return formatLatencyUs(value);
    case "bytes":
      return formatBytes(value);
    case "cpuMs":
      return formatCpuMs(value === null || !Number.isFinite(value) ? null : value);
    case "durationMs":
      return value === null || !Number.isFinite(value) ? NOT_AVAILABLE : formatDurationMs(value);
    case "ratio":
      return formatNumber(value);
  }
}

/** The display unit of a value: what to divide by and the suffix. */
function displayUnit(value: number, unit: ValueUnit): { divisor: number; suffix: string } {
  const abs = Math.abs(value);
  switch (unit) {
    case "latencyUs":
      if (abs < 1000) return { divisor: 1, suffix: " µs" };
      return abs < 1_000_000 ? { divisor: 1000, suffix: " ms" } : { divisor: 1e6, suffix: " s" };
    case "bytes": {
      const suffixes = [" B", " KiB", " MiB", " GiB"];
      let index = 0;
      while (abs / 1024 ** index >= 1024 && index < suffixes.length - 1) index++;
      return { divisor: 1024 ** index, suffix: suffixes[index] ?? " B" };
    }
    case "cpuMs":
      return { divisor: 1, suffix: " ms" };
    case "durationMs":
      return abs < 1000 ? { divisor: 1, suffix: " ms" } : { divisor: 1000, suffix: " s" };
    case "ratio":
      return { divisor: 1, suffix: "" };
  }
}

/** A fixed number of decimals with thousands separators and a true minus sign. */
function fixed(value: number, decimals: number): string {
  const text = value.toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return text.replace(/^-/, "−");
}

/**
 * Decimals for a mean (in display units) whose interval has this half-width: the mean keeps
 * digits down to the half-width's first significant digit, at least 2 and at most 4 significant
 * digits in all; 3 without a half-width.
 */
function intervalDecimals(mean: number, halfWidth: number): number {
  const magnitude = mean === 0 ? 0 : Math.floor(Math.log10(Math.abs(mean)));
  const significant =
    halfWidth > 0 ? Math.min(4, Math.max(2, magnitude - Math.floor(Math.log10(halfWidth)) + 1)) : 3;
  return Math.min(6, Math.max(0, significant - 1 - magnitude));
}

/** A mean with its 95 % interval: the value in its unit and the bounds in the same unit. */
export interface IntervalText {
  /** "2.13 ms" */
  value: string;
  /** "[2.11, 2.16]"; null for a single run (no interval). */
  interval: string | null;
}

/**
 * `2.13 ms` and `[2.11, 2.16]`: the mean in the unit that reads best for it, the bounds in that
 * same unit. Digits follow the interval: the mean is rounded to the first significant digit of
 * the interval's half-width (at least 2 and at most 4 significant digits), so no digit is shown
 * that the runs cannot support and none is hidden that they can. Without bounds (a single run)
 * the value prints exactly as formatValue does.
 */
export function formatInterval(
  mean: number | null,
  lo: number | null,
  hi: number | null,
  unit: ValueUnit,
): IntervalText {
  if (mean === null || !Number.isFinite(mean)) return { value: NOT_AVAILABLE, interval: null };
  if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    return { value: formatValue(mean, unit), interval: null };
  }
  const { divisor, suffix } = displayUnit(mean, unit);
  const [m, l, h] = [mean / divisor, lo / divisor, hi / divisor];
  const decimals = intervalDecimals(m, Math.max(h - m, m - l));
  return {
    value: `${fixed(m, decimals)}${suffix}`,
    interval: `[${fixed(l, decimals)}, ${fixed(h, decimals)}]`,
  };
}

/** "2.13 ms [2.11, 2.16]", or "2.13 ms" for a single run. */
export function formatIntervalCompact(text: IntervalText): string {
  return text.interval === null ? text.value : `${text.value} ${text.interval}`;
}

/**
 * A relative change (ratio - 1) and its interval: as percentages while every part lies within
 * −50 % .. +100 % ("−38 % [−45, −30]", bounds in percent too; one decimal when every part is
 * under 10 %), else as a multiple, which stays readable for a 400-fold difference and for an
 * interval that spans one ("×0.0024 [0.0019, 0.0030]", "×3.5 [2.9, 4.2]").
 */
export function formatRelativeChange(
  estimate: number,
  lo: number | null,
  hi: number | null,
): string {
  const parts = [estimate, lo, hi].filter((x): x is number => x !== null);
  if (parts.some((x) => x < -0.5 || x > 1)) {
    const ratio = (x: number) => formatNumber(1 + x, 2);
    const interval = lo === null || hi === null ? "" : ` [${ratio(lo)}, ${ratio(hi)}]`;
    return `×${ratio(estimate)}${interval}`;
  }
  const decimals = parts.every((x) => Math.abs(x * 100) < 10) ? 1 : 0;
  const signed = (x: number): string => {
    const text = fixed(Math.abs(x * 100), decimals);
    if (Number(text.replace(/,/g, "")) === 0) return text;
    return `${x > 0 ? "+" : "−"}${text}`;
  };
  const interval = lo === null || hi === null ? "" : ` [${signed(lo)}, ${signed(hi)}]`;
  return `${signed(estimate)} %${interval}`;
}

/**
 * A difference in the metric's own units with its interval, for samples holding a value <= 0
 * (no ratio exists): "+0.40 ms [−0.20, +1.0]". The unit follows the largest of the three.
 */
export function formatAbsoluteChange(
  estimate: number,
  lo: number | null,
  hi: number | null,
  unit: ValueUnit,
): string {
  const parts = [estimate, lo, hi].filter((x): x is number => x !== null);
  const largest = Math.max(...parts.map(Math.abs));
  const { divisor, suffix } = displayUnit(largest, unit);
  const decimals =
    lo === null || hi === null
      ? intervalDecimals(estimate / divisor, 0)
      : intervalDecimals(estimate / divisor, Math.max(hi - estimate, estimate - lo) / divisor);
  const signed = (x: number): string => {
    const text = fixed(Math.abs(x / divisor), decimals);
    if (Number(text.replace(/,/g, "")) === 0) return text;
    return `${x > 0 ? "+" : "−"}${text}`;
  };
  const interval = lo === null || hi === null ? "" : ` [${signed(lo)}, ${signed(hi)}]`;
  return `${signed(estimate)}${suffix}${interval}`;
}
