// A seeded pseudo-random generator for tests whose inputs must be the same on every run.

/**
 * A small deterministic PRNG (mulberry32), so every run makes the same inputs and a failure can be replayed.
 *
 * @param seed - any 32-bit integer
 * @returns a function giving floats in [0, 1)
 * @example
 * ```ts
 * const rnd = seeded(11)
 * rnd() // always the same first number
 * ```
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
