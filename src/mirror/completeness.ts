import type { IntervalReading, MeteringKind } from "../enedis/types";
import { addDays, isLoadCurve } from "../enedis/dates";

/**
 * When a day's readings are complete enough to be cached: one reading for daily series; for load curves,
 * every interval of the LOCAL day — 46, 48 or 50 half-hours on Paris's DST days. A day short of readings
 * (published late, meter not communicating) is never cached, so it is asked again next time.
 */
const offsetFmt = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Paris", timeZoneName: "longOffset" });

function parisOffsetMinutes(utcMs: number): number {
  const name = offsetFmt.formatToParts(new Date(utcMs)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
}

/** Minutes in the Paris calendar day `day` (1380, 1440 or 1500). */
export function parisDayMinutes(day: string): number {
  const startUtc = Date.parse(`${day}T00:00:00Z`);
  const endUtc = Date.parse(`${addDays(day, 1)}T00:00:00Z`);
  // local midnight = UTC midnight − offset in force then. Paris changes at 01:00 UTC, so the offset read
  // at noon UTC of the previous day is the one in force at that midnight.
  const start = startUtc - parisOffsetMinutes(startUtc - 12 * 3600_000) * 60_000;
  const end = endUtc - parisOffsetMinutes(endUtc - 12 * 3600_000) * 60_000;
  return Math.round((end - start) / 60_000);
}

const intervalMinutes = (r: IntervalReading) => {
  const m = /^PT(\d+)M$/.exec(r.interval_length ?? "PT30M");
  return m ? Number(m[1]) : 30;
};

export function isCompleteDay(kind: MeteringKind, day: string, readings: IntervalReading[]): boolean {
  if (readings.length === 0) return false;
  if (!isLoadCurve(kind)) return true;
  return readings.length >= parisDayMinutes(day) / intervalMinutes(readings[0]);
}
