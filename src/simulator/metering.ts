/**
 * One metering answer, either generation: rules → access → meter semantics → generated readings →
 * Enedis's shape (v5 `meter_reading`, or the 2026 `grandeur/points` of the fixtures).
 */
import type { Env } from "../env";
import { checkAccess } from "./access";
import { beforeActivation, type EnedisFailure, type Generation, noDataFound, wrongDirection } from "./errors";
import { consumptionLoadCurve, dailyConsumptionWh, dailyMaxPower, dailyProductionWh, productionLoadCurve } from "./generator";
import type { SimulatedUsagePoint } from "./households";
import { curveGapsOfDay, isNullDailyDay, isWithheldDay, type ReadingGap } from "./quirks";
import { checkMeteringQuery, isLoadCurve, isProduction, type MeteringQuery, type MeteringSeries, publishedDays } from "./rules";

export interface Reading {
  value: number;
  date: string;
  /** 2026 only: the point comes with `v` null or without `v` (v5 always writes the value). */
  gap?: ReadingGap;
}

export type MeteringAnswer = { status: 200; body: unknown } | EnedisFailure;

/** Generated readings of one series over published days, with the point's deterministic gaps (quirks.ts). */
export function readingsFor(point: SimulatedUsagePoint, series: MeteringSeries, days: string[]): Reading[] {
  const daily = (value: (d: string) => number) =>
    days.map((d): Reading => (isNullDailyDay(point, d) ? { value: value(d), date: d, gap: "null" } : { value: value(d), date: d }));
  const curve = (points: (d: string) => Array<{ watts: number; date: string }>) =>
    days.flatMap((d) => {
      const day = points(d);
      const gaps = curveGapsOfDay(point, d, day.length);
      return day.map((p, i): Reading => {
        const gap = i === gaps?.nullIndex ? "null" : i === gaps?.missingIndex ? "missing" : undefined;
        return gap ? { value: p.watts, date: p.date, gap } : { value: p.watts, date: p.date };
      });
    });
  switch (series) {
    case "consumption_daily":
      return daily((d) => dailyConsumptionWh(point, d));
    case "production_daily":
      return daily((d) => dailyProductionWh(point, d));
    case "consumption_load_curve":
      return curve((d) => consumptionLoadCurve(point, d));
    case "production_load_curve":
      return curve((d) => productionLoadCurve(point, d));
    case "consumption_max_power":
      return days.flatMap((d) => {
        const max = dailyMaxPower(point, d);
        if (!max) return [];
        return isNullDailyDay(point, d) ? [{ value: max.va, date: max.date, gap: "null" as const }] : [{ value: max.va, date: max.date }];
      });
  }
}

const V5_READING_TYPE: Record<MeteringSeries, Record<string, string>> = {
  consumption_daily: { measurement_kind: "energy", measuring_period: "P1D", unit: "Wh", aggregate: "sum" },
  production_daily: { measurement_kind: "energy", measuring_period: "P1D", unit: "Wh", aggregate: "sum" },
  consumption_load_curve: { unit: "W", measurement_kind: "power", aggregate: "average" },
  production_load_curve: { unit: "W", measurement_kind: "power", aggregate: "average" },
  consumption_max_power: { measurement_kind: "power", measuring_period: "P1D", unit: "VA", aggregate: "maximum" },
};

export function v5Body(series: MeteringSeries, usagePointId: string, start: string, end: string, readings: Reading[]) {
  const curve = isLoadCurve(series);
  return {
    meter_reading: {
      usage_point_id: usagePointId,
      start,
      end,
      quality: "BRUT",
      reading_type: V5_READING_TYPE[series],
      interval_reading: readings.map((r) =>
        curve ? { value: String(r.value), date: r.date, interval_length: "PT30M", measure_type: "B" } : { value: String(r.value), date: r.date },
      ),
    },
  };
}

/** Base units (Wh, W, VA) as the fixtures, or the prefixed units some 2026 answers use, with decimals. */
const UNITS_2026 = {
  base: { energy: "Wh", power: "W", apparent: "VA", scale: (v: number) => String(v) },
  prefixed: { energy: "kWh", power: "kW", apparent: "kVA", scale: (v: number, decimals = 3) => (v / 1000).toFixed(decimals) },
} as const;

export function body2026(series: MeteringSeries, usagePointId: string, start: string, end: string, readings: Reading[], prefixedUnits = false) {
  const head = { idPrm: usagePointId, etapeMetier: "BRUT", periode: { dateDebut: start, dateFin: end } };
  const grandeurMetier = isProduction(series) ? "PROD" : "CONS";
  const units = prefixedUnits ? UNITS_2026.prefixed : UNITS_2026.base;
  const decimals = series === "consumption_max_power" ? 2 : 3;
  // `v` first, as in the fixtures; null or left out where the reading has a gap.
  const value = (r: Reading) => (r.gap === "missing" ? {} : { v: r.gap === "null" ? null : units.scale(r.value, decimals) });
  if (isLoadCurve(series)) {
    const points = readings.map((r) => ({ ...value(r), d: r.date, p: "PT30M", n: "B", iv: "0", ec: "0" }));
    return { ...head, modeCalcul: "MESURE", grandeur: [{ grandeurMetier, grandeurPhysique: "PA", unite: units.power, points, calendrier: [] }], contexte: [] };
  }
  const points = readings.map((r) => ({ ...value(r), d: r.date }));
  if (series === "consumption_max_power") {
    return { ...head, modeCalcul: "MESURE", pas: "P1D", grandeur: [{ grandeurMetier, grandeurPhysique: "PMA", unite: units.apparent, points, calendrier: [] }], contexte: [] };
  }
  return {
    ...head,
    typeValeur: "GLOBALE",
    modeCalcul: "DIFF.INDEX",
    pas: "P1D",
    grandeur: [{ grandeurMetier, grandeurPhysique: "EA", unite: units.energy, points, calendrier: [] }],
    contexte: [],
  };
}

export async function meteringAnswer(
  env: Env,
  gen: Generation,
  series: MeteringSeries,
  query: MeteringQuery,
  clientId: string,
  nowMs: number,
): Promise<MeteringAnswer> {
  const checked = checkMeteringQuery(gen, series, query, nowMs);
  if (!checked.ok) return checked.failure;
  const { usagePointId, start, end } = checked;
  const access = await checkAccess(env, gen, clientId, usagePointId, nowMs);
  if (!access.ok) return access.failure;
  const { point } = access;

  if (isProduction(series) ? !point.solarPeakW : !point.consumption) return wrongDirection(gen, isProduction(series) ? "production" : "consumption");
  const activation = isProduction(series) ? (point.productionActivationDate ?? point.activationDate) : point.activationDate;
  if (start < activation) return beforeActivation(gen);
  if (isLoadCurve(series) && !point.loadCurveActivated) return noDataFound(gen);

  const days = publishedDays(start, end, nowMs, point.publicationHour).filter((d) => !isWithheldDay(point, d));
  const readings = readingsFor(point, series, days);
  if (readings.length === 0) return noDataFound(gen);
  return {
    status: 200,
    body: gen === "v5" ? v5Body(series, usagePointId, start, end, readings) : body2026(series, usagePointId, start, end, readings, point.prefixedUnits),
  };
}
