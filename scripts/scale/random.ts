/** Seeded PRNG (mulberry32, the simulator's): the same seed gives the same households, habits and publication times. */
export { mulberry32 as prng } from "../../src/simulator/prng";

/** A stable seed from several integers (household index, day number…), so each draw is independent of order. */
export function seedOf(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h, 0x01000193) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/** The value at quantile q (0..1) of a list of numbers (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
