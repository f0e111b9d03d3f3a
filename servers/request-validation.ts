/**
 * Input checks shared by the three servers. Each failure names the input, the value's problem
 * and the fix; values are never echoed back raw (they may contain control characters).
 */
import type { Request } from "express";
import {
  isStreamId,
  MAX_STREAM_ID_LENGTH,
  type NotificationPayload,
  USER_ID_PATTERN,
} from "../src/notifications/index.ts";
import { badRequest } from "./http-errors.ts";

/** Largest accepted long-poll hold, in ms. */
export const MAX_TIMEOUT_MS = 120_000;
/** Publish body limit (bytes); larger bodies get 413. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export function parseUserId(req: Request): string {
  const userId = req.params.userId;
  if (typeof userId !== "string" || !USER_ID_PATTERN.test(userId)) {
    throw badRequest(
      "invalid user id",
      "the user id must be 1-64 characters from A-Z, a-z, 0-9, '_' and '-'",
    );
  }
  return userId;
}

/** A query parameter given at most once; repeated parameters are ambiguous and rejected. */
export function singleQuery(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    throw badRequest(`repeated query parameter`, `give '${name}' at most once`);
  }
  return value;
}

/** Validates a cursor (query `after`, `lastEventId` or the Last-Event-ID header). */
export function parseCursor(value: string, name: string): string {
  if (/[\0\r\n]/.test(value)) {
    throw badRequest(`invalid ${name}`, `${name} must not contain NUL, CR or LF characters`);
  }
  if (!isStreamId(value)) {
    throw badRequest(
      `invalid ${name}`,
      `${name} must be a cursor returned by this server: '<digits>-<digits>' (at most ` +
        `${MAX_STREAM_ID_LENGTH} characters), e.g. '0-0' for the start`,
    );
  }
  return value;
}

/**
 * The polling `after` parameter: absent or empty both mean "no cursor", so a URL template such
 * as `?after={cursor}` works with an empty first cursor.
 */
export function parseOptionalCursor(value: string | undefined, name: string): string | undefined {
  return value === undefined || value === "" ? undefined : parseCursor(value, name);
}

export function parseTimeoutMs(value: string | undefined, defaultMs: number): number {
  if (value === undefined) return defaultMs;
  if (!/^\d{1,7}$/.test(value) || Number(value) > MAX_TIMEOUT_MS) {
    throw badRequest(
      "invalid timeoutMs",
      `timeoutMs must be a whole number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return Number(value);
}

const PAYLOAD_FIELDS = new Set(["title", "message", "link", "serviceType", "meta"]);

/**
 * The publish body. Unknown fields are rejected (a typo such as `mesage` would otherwise
 * publish an empty message silently).
 */
export function parsePayload(body: unknown): NotificationPayload {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest(
      "body must be a JSON object",
      'send {"title": "...", "message": "..."} with Content-Type: application/json',
    );
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!PAYLOAD_FIELDS.has(key)) {
      throw badRequest(
        "unknown field",
        `field '${key.slice(0, 40)}' is not allowed; known: title, message, link, serviceType, meta`,
      );
    }
  }
  const { title, message, link, serviceType, meta } = fields;
  if (typeof title !== "string" || title.length === 0) {
    throw badRequest("invalid title", "title is required and must be a non-empty string");
  }
  if (typeof message !== "string") {
    throw badRequest("invalid message", "message is required and must be a string");
  }
  const payload: NotificationPayload = { title, message };
  if (link !== undefined) {
    if (typeof link !== "string") throw badRequest("invalid link", "link must be a string");
    payload.link = link;
  }
  if (serviceType !== undefined) {
    if (typeof serviceType !== "string") {
      throw badRequest("invalid serviceType", "serviceType must be a string");
    }
    payload.serviceType = serviceType;
  }
  if (meta !== undefined) payload.meta = parseMeta(meta);
  return payload;
}

function parseMeta(meta: unknown): Record<string, string | number | boolean> {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) {
    throw badRequest("invalid meta", "meta must be an object of string, number or boolean values");
  }
  for (const [key, value] of Object.entries(meta)) {
    const ok =
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value));
    if (!ok) {
      throw badRequest(
        "invalid meta",
        `meta.${key.slice(0, 40)} must be a string, a finite number or a boolean`,
      );
    }
  }
  return meta as Record<string, string | number | boolean>;
}
