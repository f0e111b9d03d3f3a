/**
 * Seeded pseudo-random normal draws for the statistics tests: coverage checks must be
 * reproducible (a test that is right 99 % of the time is a flaky test), and Math.random cannot
 * be seeded. Test support only (test-support/ keeps it out of production imports).
 */

/** mulberry32: a small, well-mixed 32-bit PRNG; returns uniforms in [0, 1). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal(mean, sd) draws by the Box–Muller transform over a seeded uniform source. */
export function seededNormal(seed: number, mean = 0, sd = 1): () => number {
  const uniform = seededUniform(seed);
  return () => {
    const u1 = 1 - uniform(); // (0, 1], so the logarithm is finite
    const u2 = uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

/** `count` draws from `next`. */
export function draw(next: () => number, count: number): number[] {
  return Array.from({ length: count }, next);
}
