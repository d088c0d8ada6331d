/**
 * The households' habits, drawn once from a seeded PRNG (deterministic). Numbers are assumptions, stated in
 * docs/scale.md: most poll once between 06:00 and 09:00 Paris, the others once at a random hour; a few read a
 * year at once; new households backfill two years of load curve.
 */
import { prng, seedOf } from "./random";

/** Share of households whose client polls once between 06:00 and 09:00 Paris (Home Assistant, MMM-Linky…). */
export const MORNING_SHARE = 0.75;
/** Chance per household per day of reading a whole year at once (53 load-curve chunks + 1 daily call). */
export const YEAR_READ_RATE = 0.005;
export const YEAR_READ_CALLS = 54;
/** New households per day, as a share of N, each backfilling two years of load curve (105 chunks + 2 daily calls). */
export const NEW_HOUSEHOLD_RATE = 0.005;
export const BACKFILL_CALLS = 107;
/** A poll reads the last days of daily consumption and load curve: one call each when not cached. */
export const POLL_CALLS = 2;

export interface DayPlan {
  /** Paris hour (fractional) of each household's poll. */
  pollHour: Float64Array;
  /** Paris hour at which Enedis publishes this household's D-1 (usually 08:00–09:00, sometimes much later). */
  publishHour: Float64Array;
  /** One-off heavy reads: [Paris hour, calls]. */
  heavy: { hour: number; calls: number; householdIndex: number }[];
}

/** Polling habit is a property of the household (same every day); the hour within its range changes daily. */
export function planDay(households: number, dayNumber: number, seed: number): DayPlan {
  const pollHour = new Float64Array(households);
  const publishHour = new Float64Array(households);
  const heavy: DayPlan["heavy"] = [];
  for (let i = 0; i < households; i++) {
    const habit = prng(seedOf(seed, i))();
    const r = prng(seedOf(seed, i, dayNumber));
    pollHour[i] = habit < MORNING_SHARE ? 6 + 3 * r() : 24 * r();
    const p = r();
    publishHour[i] = p < 0.85 ? 8 + r() : p < 0.95 ? 9 + 5 * r() : 14 + 4 * r();
    if (r() < YEAR_READ_RATE) heavy.push({ hour: 8 + 14 * r(), calls: YEAR_READ_CALLS, householdIndex: i });
  }
  const r = prng(seedOf(seed, 0xbac, dayNumber));
  const newcomers = Math.round(NEW_HOUSEHOLD_RATE * households);
  for (let k = 0; k < newcomers; k++) heavy.push({ hour: 8 + 14 * r(), calls: BACKFILL_CALLS, householdIndex: -1 });
  return { pollHour, publishHour, heavy };
}
