/**
 * Deterministic imperfections of a `gappyReadings` point, as real 2026 answers have them: days never
 * published, daily points with `v` null, and each day one load-curve point with `v` null and one without
 * `v` at all. Pure functions of (PDL, day), so tests can predict them.
 */
import type { SimulatedUsagePoint } from "./households";
import { hashString, seededRandom } from "./prng";

/** How a reading's value is written: a number, `"v": null`, or no `v` key. */
export type ReadingGap = "null" | "missing";

/** About one day in 19 is never published for that point: absent from every answer, whatever the date asked. */
export function isWithheldDay(point: SimulatedUsagePoint, day: string): boolean {
  return Boolean(point.gappyReadings) && hashString(`${point.id}|${day}|withheld`) % 19 === 0;
}

/** About one published day in 23 comes with `v` null in the daily series (energy and max power). */
export function isNullDailyDay(point: SimulatedUsagePoint, day: string): boolean {
  return Boolean(point.gappyReadings) && hashString(`${point.id}|${day}|null-daily`) % 23 === 0;
}

/** Indexes (in the day's half-hours) of the load-curve point with `v` null and of the one without `v`. */
export function curveGapsOfDay(point: SimulatedUsagePoint, day: string, count: number): { nullIndex: number; missingIndex: number } | undefined {
  if (!point.gappyReadings || count < 2) return undefined;
  const random = seededRandom(point.id, day, "curve-gaps");
  const nullIndex = Math.floor(random() * count);
  const missingIndex = (nullIndex + 1 + Math.floor(random() * (count - 1))) % count;
  return { nullIndex, missingIndex };
}
