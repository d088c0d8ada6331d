/**
 * Enedis's date rules, as pure functions over calendar days ("YYYY-MM-DD" strings).
 *
 * Days are Europe/Paris calendar days (Enedis's days); arithmetic on them is done in UTC on purpose:
 * a calendar day has no time zone, and UTC has no DST, so adding 1 always gives the next day.
 * Only `todayInParis` (and what builds on it) looks at the clock and the Paris time zone.
 */
import { AppError } from "../http/errors";
import type { MeteringKind } from "./types";

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days a reading may still change after it is first published: see `isSettled`. */
export const SETTLING_DAYS = 7;

const parisDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today's date in Paris (Enedis's calendar): at 23:30 UTC on 2026-06-30 it is already 2026-07-01. */
export function todayInParis(now: Date): string {
  const parts = Object.fromEntries(parisDay.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** True for a real calendar day in YYYY-MM-DD form (rejects 2026-02-30, 2026-2-3, 2025-02-29). */
export function isValidDay(value: string): boolean {
  const m = DAY_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function toUtcMs(day: string): number {
  if (!isValidDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return Date.parse(`${day}T00:00:00Z`);
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return fromUtcMs(toUtcMs(day) + n * DAY_MS);
}

/** Number of days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** Every day d with start ≤ d < end (Enedis's half-open ranges). */
export function eachDay(start: string, end: string): string[] {
  const days: string[] = [];
  for (let d = start; d < end; d = addDays(d, 1)) days.push(d);
  return days;
}

/** Moves back whole months; a day that does not exist in the target month becomes that month's last day (later = safer). */
export function subtractMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return fromUtcMs(target.getTime());
}

export const isLoadCurve = (kind: MeteringKind): boolean =>
  kind === "consumption_load_curve" || kind === "production_load_curve";

/**
 * Oldest `start` Enedis accepts (README "history"): today − 36 months − 15 days for daily series and
 * max power, today − 24 months − 15 days for load curves. Months first (clamped to the month's end),
 * then the 15 days. Enedis counts from the call date, which is why this takes today, not `end`.
 */
export function historyLimit(kind: MeteringKind, today: string): string {
  return addDays(subtractMonths(today, isLoadCurve(kind) ? 24 : 36), -15);
}

/** Longest [start, end) Enedis accepts in one call. */
export function maxDaysPerCall(kind: MeteringKind): number {
  return isLoadCurve(kind) ? 7 : 365;
}

export interface DayRange {
  start: string;
  /** exclusive */
  end: string;
}

/**
 * Checks and normalises a client's range. `end` after today is read as today (data exists up to D-1);
 * then `start` must be before `end` and not older than the history limit.
 */
export function validateRange(kind: MeteringKind, start: string | undefined, end: string | undefined, now: Date): DayRange {
  for (const [field, value] of [["start", start], ["end", end]] as const) {
    if (value === undefined || value === "") {
      throw new AppError(400, "INVALID_DATE_FORMAT", `Le paramètre ${field} est obligatoire (AAAA-MM-JJ).`, { field });
    }
    if (!isValidDay(value)) {
      throw new AppError(400, "INVALID_DATE_FORMAT", `Le paramètre ${field} doit être une date réelle au format AAAA-MM-JJ.`, { field });
    }
  }
  const today = todayInParis(now);
  const clampedEnd = end! > today ? today : end!;
  if (start! >= clampedEnd) {
    const message =
      start! >= today
        ? `Les données sont disponibles jusqu'à la veille (${addDays(today, -1)}) : start doit être antérieur à ${today}.`
        : "start doit être strictement antérieur à end (end est exclu).";
    throw new AppError(400, "INVALID_DATE_RANGE", message, { field: "start" });
  }
  const oldest = historyLimit(kind, today);
  if (start! < oldest) {
    throw new AppError(400, "DATE_TOO_OLD", `start est trop ancien : la date la plus ancienne autorisée est ${oldest}.`, { field: "start" });
  }
  return { start: start!, end: clampedEnd };
}

/**
 * Fewest contiguous [start, end) calls covering exactly `days` (sorted; duplicates ignored), each at most
 * `maxDays` long. Non-contiguous days never share a call, so no already-cached day is fetched again.
 */
export function splitIntoCalls(days: readonly string[], maxDays: number): DayRange[] {
  if (maxDays < 1) throw new RangeError("maxDays must be at least 1");
  const calls: DayRange[] = [];
  let current: { start: string; last: string; length: number } | undefined;
  for (const day of days) {
    if (current && day <= current.last) continue; // duplicate
    if (current && current.length < maxDays && addDays(current.last, 1) === day) {
      current.last = day;
      current.length++;
      continue;
    }
    if (current) calls.push({ start: current.start, end: addDays(current.last, 1) });
    current = { start: day, last: day, length: 1 };
  }
  if (current) calls.push({ start: current.start, end: addDays(current.last, 1) });
  return calls;
}

/**
 * The day a reading belongs to. Load-curve dates are the END of their interval in local time, so
 * "2026-03-30 00:00:00" closes the last half-hour of 2026-03-29. Daily and max-power readings carry
 * their own day (max power adds the time it was reached).
 */
export function readingDay(kind: MeteringKind, reading: { date: string }): string {
  const day = reading.date.slice(0, 10);
  if (isLoadCurve(kind) && /^\d{4}-\d{2}-\d{2}[ T]00:00(:00)?$/.test(reading.date)) return addDays(day, -1);
  return day;
}

/**
 * True when a day's data can no longer change, so the cache may keep it for good. Enedis publishes D-1
 * from about 08:00 Paris time, some meters only at D+2, and raw ("BRUT") values get corrected in the
 * first days; a week leaves room for all of that. Younger days (and days missing from an answer) are
 * fetched again later instead of being cached as final.
 */
export function isSettled(day: string, now: Date): boolean {
  return daysBetween(day, todayInParis(now)) > SETTLING_DAYS;
}
