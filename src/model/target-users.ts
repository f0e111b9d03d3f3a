/**
 * `--target-users`: the user count the report's scale estimate is for. Bounded so that a typo
 * (an extra digit or three) reads as an error rather than as a plan for a trillion users.
 */
export const TARGET_USERS_LIMITS = { min: 1, max: 1_000_000_000 } as const;
