import { addDays, daysBetween, isValidDay, SETTLING_DAYS } from "../enedis/dates";

/**
 * Settled history, packed (docs/benchmark.md "What made the hot path cheaper"): a settled day — one that can no
 * longer change, see enedis/dates isSettled — lives in ONE sealed entry with the other settled days of its calendar
 * month (daily series) or Monday–Sunday week (load curves), instead of one entry per day. A year of daily readings is
 * then 13 KV values and 13 AES-GCM openings instead of 365. Recent days stay one entry per day (they still change,
 * and background sync, which cannot open a pack, writes them). The current month's pack grows as its days settle:
 * measured, that keeps a 30-day read at 2 entries on any date instead of up to 30 early in a month.
 *
 * A pack keeps per-day semantics: each day in it carries its own expiry (the TTL its per-day entry would have had),
 * a day absent or expired is simply missing and gets fetched, then merged in.
 *
 * Periods are written "m:YYYY-MM" (month) and "w:YYYY-MM-DD" (the week's Monday): calendar days of Paris, as every
 * day of the cache, so DST changes nothing here (a load-curve day of 46 or 50 half-hours is one day like any other).
 */
export type PackPeriod = string;

const MONTHLY = new Set(["consumption_daily", "consumption_max_power", "production_daily"]);
const WEEKLY = new Set(["consumption_load_curve", "production_load_curve"]);

/** The pack a day of `kind` belongs to, or null for kinds that are not per day (contract, address…). */
export function packPeriodOf(kind: string, day: string): PackPeriod | null {
  if (!isValidDay(day)) return null;
  if (MONTHLY.has(kind)) return `m:${day.slice(0, 7)}`;
  if (WEEKLY.has(kind)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    return `w:${addDays(day, -((weekday + 6) % 7))}`;
  }
  return null;
}

/** First and last day of a period. */
export function periodBounds(period: PackPeriod): { first: string; last: string } {
  if (period.startsWith("m:")) {
    const first = `${period.slice(2)}-01`;
    const [y, m] = first.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10); // day 0 of the next month
    return { first, last };
  }
  const first = period.slice(2);
  return { first, last: addDays(first, 6) };
}

/** A day goes into its pack once settled (enedis/dates isSettled's rule, with today computed once per request). */
export const isSettledDay = (day: string, today: string) => daysBetween(day, today) > SETTLING_DAYS;

/** Whether every day of a period is settled (its pack will not grow any more). */
export const isSettledPeriod = (period: PackPeriod, today: string) => isSettledDay(periodBounds(period).last, today);

/** Which KV entries a read of `days` asks for: one pack per period for its settled days, one entry per other day. */
export interface ReadPlan {
  packs: Array<{ period: PackPeriod; days: string[] }>;
  loose: string[];
}

export function planRead(kind: string, days: readonly string[], today: string): ReadPlan {
  const packs = new Map<PackPeriod, string[]>();
  const loose: string[] = [];
  for (const day of days) {
    const period = packPeriodOf(kind, day);
    if (!period || !isSettledDay(day, today)) {
      loose.push(day);
      continue;
    }
    const list = packs.get(period);
    if (list) list.push(day);
    else packs.set(period, [day]);
  }
  return { packs: [...packs].map(([period, d]) => ({ period, days: d })), loose };
}

/** What a pack holds once opened: each day's value and the epoch ms after which it counts as missing. */
export type PackContent<T> = Record<string, { e: number; v: T }>;
