/**
 * Enedis's request rules for metering calls, shared by both generations (only the error bodies differ):
 * identifiers, dates, range and history limits, and what has been published yet.
 */
import { addDays, addMonths, daysBetween, isValidDay, parisDay, parisHour } from "./calendar";
import { beforeHistoryLimit, type EnedisFailure, type Generation, invalidRequest, loadCurveTooLong } from "./errors";

export type MeteringSeries = "consumption_daily" | "consumption_load_curve" | "consumption_max_power" | "production_daily" | "production_load_curve";

export const isLoadCurve = (series: MeteringSeries) => series.endsWith("load_curve");
export const isProduction = (series: MeteringSeries) => series.startsWith("production");

/** Yesterday's data appears at 08:00 Paris time. */
export const PUBLICATION_HOUR = 8;
const MAX_DAYS = { loadCurve: 7, daily: 365 } as const;

export const isUsagePointId = (value: string | undefined): value is string => value !== undefined && /^\d{14}$/.test(value);

/** First day a call may ask for: today − 36 months − 15 days (daily series) or − 24 months − 15 days (load curves). */
export function historyLimit(series: MeteringSeries, today: string): string {
  return addDays(addMonths(today, isLoadCurve(series) ? -24 : -36), -15);
}

/** Days of [start, end) that Enedis has published at `nowMs`: up to yesterday, and yesterday only from 08:00 (or that point's hour). */
export function publishedDays(start: string, end: string, nowMs: number, publicationHour = PUBLICATION_HOUR): string[] {
  const today = parisDay(nowMs);
  const lastPublished = parisHour(nowMs) >= publicationHour ? addDays(today, -1) : addDays(today, -2);
  const days: string[] = [];
  for (let d = start; d < end && d <= lastPublished; d = addDays(d, 1)) days.push(d);
  return days;
}

export interface MeteringQuery {
  usagePointId?: string;
  start?: string;
  end?: string;
}

/** Checks a metering query; on success the usage point id and the range are known to be well-formed. */
export function checkMeteringQuery(
  gen: Generation,
  series: MeteringSeries,
  query: MeteringQuery,
  nowMs: number,
): { ok: true; usagePointId: string; start: string; end: string } | { ok: false; failure: EnedisFailure } {
  const fail = (failure: EnedisFailure) => ({ ok: false as const, failure });
  const { usagePointId, start, end } = query;
  if (!usagePointId) return fail(invalidRequest(gen, "usage_point_id parameter is required", "Le paramètre pointId est obligatoire"));
  if (!isUsagePointId(usagePointId)) {
    return fail(invalidRequest(gen, "usage_point_id parameter must be 14 digits long", "Le paramètre pointId doit comporter 14 chiffres"));
  }
  if (!start) return fail(invalidRequest(gen, "Start date parameter is required", "Le paramètre dateDebut est obligatoire"));
  if (!isValidDay(start)) {
    return fail(invalidRequest(gen, "Start date parameter must be in the format YYYY-MM-DD", "Le paramètre dateDebut doit être au format AAAA-MM-JJ"));
  }
  if (!end) return fail(invalidRequest(gen, "End date parameter is required", "Le paramètre dateFin est obligatoire"));
  if (!isValidDay(end)) {
    return fail(invalidRequest(gen, "End date parameter must be in the format YYYY-MM-DD", "Le paramètre dateFin doit être au format AAAA-MM-JJ"));
  }
  const today = parisDay(nowMs);
  if (end > today) {
    return fail(invalidRequest(gen, "The end date parameter must be earlier than the current date", "La date de fin doit être antérieure ou égale à la date du jour"));
  }
  if (start >= end) return fail(invalidRequest(gen, "Start date should be before end date", "La date de début doit être antérieure à la date de fin"));
  const span = daysBetween(start, end);
  if (isLoadCurve(series) && span > MAX_DAYS.loadCurve) return fail(loadCurveTooLong(gen));
  if (!isLoadCurve(series) && span > MAX_DAYS.daily) {
    return fail(invalidRequest(gen, "The requested period must be less than 365 days", "La période demandée doit être inférieure à 365 jours"));
  }
  if (start < historyLimit(series, today)) return fail(beforeHistoryLimit(gen));
  return { ok: true, usagePointId, start, end };
}
