/**
 * Seeded pseudo-random numbers: the same PDL and day always give the same data, in every isolate and
 * every run (Math.random would make caching, tests and demos unreproducible).
 */

/** FNV-1a 32-bit hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small, fast generator of floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A generator seeded by any number of string parts (e.g. PDL, day, series). */
export function seededRandom(...parts: string[]): () => number {
  return mulberry32(hashString(parts.join("|")));
}

/** Uniform float in [min, max). */
export const between = (random: () => number, min: number, max: number) => min + (max - min) * random();
