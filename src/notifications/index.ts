/** The notification source: what servers and the load driver import. */
export { CursorFollower, type FollowFrom, type FollowOptions } from "./cursor-follower.ts";
export { createNotificationSource, openNotificationSource } from "./notification-source.ts";
export { DEFAULT_HISTORY_MAX_LEN, DEFAULT_KEY_PREFIX, USER_ID_PATTERN } from "./stream-entry.ts";
export { isStreamId, MAX_STREAM_ID_LENGTH, START_CURSOR } from "./stream-id.ts";
export type * from "./types.ts";
