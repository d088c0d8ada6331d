import { readingDay } from "../../enedis/dates";
import type { IntervalReading } from "../../enedis/types";

/** An off-peak window in minutes after midnight; `end` ≤ `start` means it runs past midnight. */
export interface OffpeakRange {
  start: number;
  end: number;
}

/**
 * The contract's `offpeak_hours` text ("HC (22H30-6H30)", "HC (2H00-7H00;14H00-17H00)") as minute ranges.
 * Anything unreadable gives no range, so nothing is shaded rather than something wrong.
 */
export function parseOffpeakHours(text: string | null | undefined): OffpeakRange[] {
  if (!text) return [];
  const ranges: OffpeakRange[] = [];
  for (const m of text.matchAll(/(\d{1,2})\s*[Hh:](\d{2})?\s*-\s*(\d{1,2})\s*[Hh:](\d{2})?/g)) {
    const start = Number(m[1]) * 60 + Number(m[2] ?? 0);
    const end = Number(m[3]) * 60 + Number(m[4] ?? 0);
    if (start > 24 * 60 || end > 24 * 60 || start === end) continue;
    ranges.push({ start: start % 1440, end: end % 1440 });
  }
  return ranges;
}

export function isOffpeakMinute(minute: number, ranges: readonly OffpeakRange[]): boolean {
  const m = ((minute % 1440) + 1440) % 1440;
  return ranges.some((r) => (r.start < r.end ? m >= r.start && m < r.end : m >= r.start || m < r.end));
}

/** "PT30M" → 30, "PT1H" → 60; Enedis's load curve is half-hourly when it says nothing. */
export function intervalMinutes(length: string | undefined): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(length ?? "");
  const minutes = m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : 0;
  return minutes > 0 ? minutes : 30;
}

/** Minutes after midnight of a load-curve date ("2026-11-20 22:30:00", local time). */
export const minuteOfDay = (date: string) => Number(date.slice(11, 13)) * 60 + Number(date.slice(14, 16));

/**
 * Whether a load-curve reading's interval is off-peak. Its `date` is the END of the interval, so the interval's
 * middle is classified: "2026-11-20 23:00:00" (22:30–23:00) is off-peak under "HC (22H30-6H30)".
 */
export function isOffpeakReading(reading: IntervalReading, ranges: readonly OffpeakRange[]): boolean {
  const length = intervalMinutes(reading.interval_length);
  return isOffpeakMinute(minuteOfDay(reading.date) - length / 2, ranges);
}

/** Energy of one load-curve reading in Wh: its average power (W) over its interval. */
export const readingWh = (reading: IntervalReading) => (Number(reading.value) * intervalMinutes(reading.interval_length)) / 60;

export interface OffpeakShare {
  offpeakWh: number;
  totalWh: number;
  /** 0..1, or null when nothing was consumed */
  share: number | null;
  /** distinct days the load curve covered */
  days: number;
}

/** The share of the energy drawn in off-peak hours, from load-curve readings. */
export function offpeakShare(readings: readonly IntervalReading[], ranges: readonly OffpeakRange[]): OffpeakShare {
  let offpeakWh = 0;
  let totalWh = 0;
  const days = new Set<string>();
  for (const r of readings) {
    const wh = readingWh(r);
    if (!Number.isFinite(wh)) continue;
    totalWh += wh;
    if (isOffpeakReading(r, ranges)) offpeakWh += wh;
    days.add(readingDay("consumption_load_curve", r));
  }
  return { offpeakWh, totalWh, share: totalWh > 0 ? offpeakWh / totalWh : null, days: days.size };
}
