/**
 * One metering answer, either generation: rules → access → meter semantics → generated readings →
 * Enedis's shape (v5 `meter_reading`, or the 2026 `grandeur/points` of the fixtures).
 */
import type { Env } from "../env";
import { checkAccess } from "./access";
import { beforeActivation, type EnedisFailure, type Generation, noDataFound, wrongDirection } from "./errors";
import { consumptionLoadCurve, dailyConsumptionWh, dailyMaxPower, dailyProductionWh, productionLoadCurve } from "./generator";
import type { SimulatedUsagePoint } from "./households";
import { checkMeteringQuery, isLoadCurve, isProduction, type MeteringQuery, type MeteringSeries, publishedDays } from "./rules";

export interface Reading {
  value: number;
  date: string;
}

export type MeteringAnswer = { status: 200; body: unknown } | EnedisFailure;

/** Generated readings of one series over published days. */
export function readingsFor(point: SimulatedUsagePoint, series: MeteringSeries, days: string[]): Reading[] {
  switch (series) {
    case "consumption_daily":
      return days.map((d) => ({ value: dailyConsumptionWh(point, d), date: d }));
    case "production_daily":
      return days.map((d) => ({ value: dailyProductionWh(point, d), date: d }));
    case "consumption_load_curve":
      return days.flatMap((d) => consumptionLoadCurve(point, d).map((p) => ({ value: p.watts, date: p.date })));
    case "production_load_curve":
      return days.flatMap((d) => productionLoadCurve(point, d).map((p) => ({ value: p.watts, date: p.date })));
    case "consumption_max_power":
      return days.flatMap((d) => {
        const max = dailyMaxPower(point, d);
        return max ? [{ value: max.va, date: max.date }] : [];
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

export function body2026(series: MeteringSeries, usagePointId: string, start: string, end: string, readings: Reading[]) {
  const head = { idPrm: usagePointId, etapeMetier: "BRUT", periode: { dateDebut: start, dateFin: end } };
  const grandeurMetier = isProduction(series) ? "PROD" : "CONS";
  if (isLoadCurve(series)) {
    const points = readings.map((r) => ({ v: String(r.value), d: r.date, p: "PT30M", n: "B", iv: "0", ec: "0" }));
    return { ...head, modeCalcul: "MESURE", grandeur: [{ grandeurMetier, grandeurPhysique: "PA", unite: "W", points, calendrier: [] }], contexte: [] };
  }
  const points = readings.map((r) => ({ v: String(r.value), d: r.date }));
  if (series === "consumption_max_power") {
    return { ...head, modeCalcul: "MESURE", pas: "P1D", grandeur: [{ grandeurMetier, grandeurPhysique: "PMA", unite: "VA", points, calendrier: [] }], contexte: [] };
  }
  return {
    ...head,
    typeValeur: "GLOBALE",
    modeCalcul: "DIFF.INDEX",
    pas: "P1D",
    grandeur: [{ grandeurMetier, grandeurPhysique: "EA", unite: "Wh", points, calendrier: [] }],
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

  const readings = readingsFor(point, series, publishedDays(start, end, nowMs));
  if (readings.length === 0) return noDataFound(gen);
  return { status: 200, body: gen === "v5" ? v5Body(series, usagePointId, start, end, readings) : body2026(series, usagePointId, start, end, readings) };
}
