/**
 * The end-to-end bench tests share the machine's two cores with the other test files, so the
 * driver's own event loop can be late: that invalidates a run's timing (as it should) but says
 * nothing about delivery or recovery, which is what those tests check.
 */

/** An invalid reason from the driver's self-check (its CPU or event loop), not from the run. */
export function isDriverHealthReason(reason: string): boolean {
  return /^driver (CPU was|event-loop delay p99 was) /.test(reason);
}

/** The invalid reasons other than the driver's own health. */
export function reasonsBesidesDriverHealth(reasons: readonly string[]): string[] {
  return reasons.filter((reason) => !isDriverHealthReason(reason));
}
