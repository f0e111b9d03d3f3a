/**
 * Parses `--target-users` (bench and report): a whole number of users, written as engineers
 * write them: "200000", "200,000", "200_000", "200k", "1.5M". One line naming the flag and
 * the fix on anything else (UsageError: exit 2).
 */
import { TARGET_USERS_LIMITS } from "../model/target-users.ts";
import { UsageError } from "../util/usage-error.ts";

const SUFFIX_FACTOR: Readonly<Record<string, number>> = { "": 1, k: 1_000, m: 1_000_000 };

export function parseTargetUsers(text: string, flag = "--target-users"): number {
  const { min, max } = TARGET_USERS_LIMITS;
  const match = /^(\d+(?:[.]\d+)?)([km]?)$/i.exec(text.trim().replace(/[,_]/g, ""));
  const range = `from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;
  if (match === null) {
    throw new UsageError(
      `${flag} '${text}' is not a user count; give a whole number ${range}, e.g. 200000 or 200k.`,
    );
  }
  const value = Number(match[1]) * (SUFFIX_FACTOR[(match[2] ?? "").toLowerCase()] ?? 1);
  if (!Number.isInteger(value)) {
    throw new UsageError(
      `${flag} '${text}' is not a whole number of users; e.g. 1.5k is fine, 1.2345k is not.`,
    );
  }
  if (value < min || value > max) {
    throw new UsageError(
      `${flag} ${value.toLocaleString("en-US")} is out of range; give one ${range}.`,
    );
  }
  return value;
}
