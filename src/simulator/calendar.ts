/**
 * Calendar arithmetic for the simulator, in Europe/Paris, without Intl or a timezone library:
 * the EU rule (summer time from the last Sunday of March to the last Sunday of October, switching
 * at 01:00 UTC) is all France needs, and a pure function keeps the generator deterministic.
 * A "day" is a `YYYY-MM-DD` string; instants are epoch milliseconds.
 */

const DAY_MS = 86_400_000;
export const HALF_HOUR_MS = 1_800_000;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `YYYY-MM-DD` of a UTC-midnight epoch. */
const ymd = (utcMidnightMs: number) => new Date(utcMidnightMs).toISOString().slice(0, 10);

/** Epoch ms of 00:00 UTC on that day (used as a plain day counter, not as an instant in Paris). */
export function dayToUtcMs(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

export function addDays(day: string, days: number): string {
  return ymd(dayToUtcMs(day) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayToUtcMs(b) - dayToUtcMs(a)) / DAY_MS);
}

/** Same day of month, `months` later (clamped to the month's last day): history limits count in months. */
export function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + months;
  const d = Number(day.slice(8, 10));
  const lastOfMonth = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return ymd(Date.UTC(y, m, Math.min(d, lastOfMonth)));
}

/** A real calendar day in `YYYY-MM-DD` form (rejects 2026-02-30). */
export function isValidDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && ymd(dayToUtcMs(value)) === value;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: string): number {
  return new Date(dayToUtcMs(day)).getUTCDay();
}

/** 1 … 366. */
export function dayOfYear(day: string): number {
  return daysBetween(`${day.slice(0, 4)}-01-01`, day) + 1;
}

/** Epoch ms of the summer-time switch (01:00 UTC on the last Sunday of `month`, 0-based). */
function lastSundaySwitchMs(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const back = new Date(lastDay).getUTCDay();
  return lastDay - back * DAY_MS + 3_600_000;
}

/** Offset of Paris local time from UTC at that instant: 60 (winter) or 120 (summer) minutes. */
export function parisOffsetMinutes(instantMs: number): number {
  const year = new Date(instantMs).getUTCFullYear();
  const summer = instantMs >= lastSundaySwitchMs(year, 2) && instantMs < lastSundaySwitchMs(year, 9);
  return summer ? 120 : 60;
}

/** Paris wall-clock fields at an instant. */
function parisFields(instantMs: number) {
  const local = new Date(instantMs + parisOffsetMinutes(instantMs) * 60_000);
  return {
    day: local.toISOString().slice(0, 10),
    hh: local.getUTCHours(),
    mm: local.getUTCMinutes(),
    ss: local.getUTCSeconds(),
  };
}

/** The Paris calendar day an instant falls on. */
export function parisDay(instantMs: number): string {
  return parisFields(instantMs).day;
}

/** Paris hour of day (0-23) at an instant. */
export function parisHour(instantMs: number): number {
  return parisFields(instantMs).hh;
}

/** `YYYY-MM-DD hh:mm:ss` as a Paris wall clock shows it at that instant (Enedis's timestamp format). */
export function parisTimestamp(instantMs: number): string {
  const f = parisFields(instantMs);
  return `${f.day} ${pad(f.hh)}:${pad(f.mm)}:${pad(f.ss)}`;
}

/** Instant of local midnight starting that Paris day (midnight is never inside a DST jump in France). */
export function parisMidnightMs(day: string): number {
  const guess = dayToUtcMs(day);
  return guess - parisOffsetMinutes(guess - 3_600_000) * 60_000;
}

/** The half-hour intervals of a Paris day as [start, end) instants: 48, or 46/50 on the DST change days. */
export function halfHoursOfParisDay(day: string): Array<{ startMs: number; endMs: number }> {
  const from = parisMidnightMs(day);
  const to = parisMidnightMs(addDays(day, 1));
  const out: Array<{ startMs: number; endMs: number }> = [];
  for (let t = from; t < to; t += HALF_HOUR_MS) out.push({ startMs: t, endMs: t + HALF_HOUR_MS });
  return out;
}
