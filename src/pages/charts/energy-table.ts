import type { IntervalReading } from "../../enedis/types";
import { round } from "./csv";
import { isOffpeakReading, type OffpeakRange } from "./offpeak";
import { buckets, byDay, type Bucket } from "./series";

/** The period's series laid out on the same days (or months): what the chart draws and the CSV lists. */
export interface PeriodTable {
  keys: string[];
  consumption?: Bucket[];
  production?: Bucket[];
  maxPower?: Bucket[];
}

export function periodTable(
  range: { start: string; end: string },
  byMonth: boolean,
  series: { consumption?: IntervalReading[]; production?: IntervalReading[]; maxPower?: IntervalReading[] },
): PeriodTable {
  const energy = (kind: "consumption_daily" | "production_daily", readings?: IntervalReading[]) =>
    readings ? buckets(byDay(kind, readings), range, { byMonth, scale: 1000, combine: "sum" }) : undefined;
  const consumption = energy("consumption_daily", series.consumption);
  const production = energy("production_daily", series.production);
  const maxPower = series.maxPower ? buckets(byDay("consumption_max_power", series.maxPower), range, { byMonth, scale: 1000, combine: "max" }) : undefined;
  const keys = (consumption ?? production ?? maxPower ?? buckets(new Map(), range, { byMonth, scale: 1, combine: "sum" })).map((b) => b.key);
  return { keys, consumption, production, maxPower };
}

export const PERIOD_CSV_HEADER = ["date", "consommation_kWh", "production_kWh", "puissance_max_kVA"];

export function periodCsvRows(table: PeriodTable): (string | number | null)[][] {
  return table.keys.map((key, i) => [key, round(table.consumption?.[i]?.value ?? null, 3), round(table.production?.[i]?.value ?? null, 3), round(table.maxPower?.[i]?.value ?? null, 3)]);
}

export const DAY_CSV_HEADER = ["fin_intervalle", "consommation_W", "production_W", "heures_creuses"];

/**
 * One row per interval of the day, in Enedis's order (a DST day has 46 or 50, and the autumn one repeats a local
 * hour): rows follow the consumption curve (or the production one alone), the other curve matched by date in order.
 */
export function dayCsvRows(consumption: IntervalReading[], production: IntervalReading[], offpeak: OffpeakRange[]): (string | number | null)[][] {
  const base = consumption.length ? consumption : production;
  const other = consumption.length ? production : [];
  const queue = new Map<string, number[]>();
  for (const r of other) queue.set(r.date, [...(queue.get(r.date) ?? []), Number(r.value)]);
  return base.map((r) => {
    const mine = Number(r.value);
    const matched = queue.get(r.date)?.shift() ?? null;
    const hc = offpeak.length ? (isOffpeakReading(r, offpeak) ? "oui" : "non") : null;
    return consumption.length ? [r.date, mine, production.length ? matched : null, hc] : [r.date, null, mine, hc];
  });
}
