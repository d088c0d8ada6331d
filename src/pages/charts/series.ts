import { eachDay, readingDay } from "../../enedis/dates";
import type { IntervalReading, MeteringKind } from "../../enedis/types";

/** One category of a period chart: a day ("2026-11-20") or a month ("2026-11"). */
export interface Bucket {
  key: string;
  /** null: nothing known for this bucket (not published, not cached) — drawn as a gap, never as zero */
  value: number | null;
}

/** Readings of a daily series (Wh or VA) by day; the last reading of a day wins. */
export function byDay(kind: MeteringKind, readings: readonly IntervalReading[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const r of readings) {
    const v = Number(r.value);
    if (Number.isFinite(v)) map.set(readingDay(kind, r), v);
  }
  return map;
}

/**
 * A daily series laid out over every day (or every month) of [start, end), divided by `scale`
 * (1000: Wh → kWh, VA → kVA). Months add their days up (energy) or keep their highest day (power).
 */
export function buckets(values: Map<string, number>, range: { start: string; end: string }, opts: { byMonth: boolean; scale: number; combine: "sum" | "max" }): Bucket[] {
  const days = eachDay(range.start, range.end);
  if (!opts.byMonth) return days.map((d) => ({ key: d, value: values.has(d) ? values.get(d)! / opts.scale : null }));
  const months = new Map<string, number | null>();
  for (const d of days) {
    const key = d.slice(0, 7);
    const prev = months.get(key) ?? null;
    const v = values.get(d);
    if (v === undefined) {
      months.set(key, prev);
      continue;
    }
    const scaled = v / opts.scale;
    months.set(key, prev === null ? scaled : opts.combine === "sum" ? prev + scaled : Math.max(prev, scaled));
  }
  return [...months].map(([key, value]) => ({ key, value }));
}

/** Sum of the known buckets, and how many buckets had a value. */
export function total(series: readonly Bucket[]): { sum: number; known: number } {
  let sum = 0;
  let known = 0;
  for (const b of series) {
    if (b.value === null) continue;
    sum += b.value;
    known++;
  }
  return { sum, known };
}

/** Highest known value, or null. */
export const peak = (series: readonly Bucket[]) =>
  series.reduce<Bucket | null>((best, b) => (b.value !== null && (best === null || b.value > best.value!) ? b : best), null);

/** "9 kVA" (the PDL row's subscribed_power) → 9; null when absent or unreadable. */
export function subscribedKva(text: string | null | undefined): number | null {
  const m = /(\d+(?:[.,]\d+)?)\s*kVA/i.exec(text ?? "");
  return m ? Number(m[1].replace(",", ".")) : null;
}
