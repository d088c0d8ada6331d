import { addDays, historyLimit, readingDay } from "../../enedis/dates";
import type { IntervalReading, MeteringKind } from "../../enedis/types";
import { AppError } from "../../http/errors";
import type { MirrorContext } from "../../mirror/context";
import { readCachedReadings, readMetering } from "../../mirror/metering";
import { resolveDay, resolvePeriod, type Period, type PeriodKey } from "../charts/period";

/**
 * "mirror": read like the API does (cache first, Enedis for the rest, quota counted).
 * "cache": only what the cache holds, no Enedis call, no quota — a GET from another site, or a disabled PDL.
 */
export type ReadMode = "mirror" | "cache";

export interface SeriesRead {
  readings: IntervalReading[];
  /** French sentence when the series could not be read in full; the readings are then what the cache held */
  error?: string;
}

const DAY_TOO_OLD = "Enedis ne garde la courbe de charge que 24 mois : choisissez un jour plus récent.";
const CURVE_TOO_OLD = "Enedis ne garde la courbe de charge que 24 mois : pas de part en heures creuses pour cette période.";

/** An Enedis "too many calls this second" shorter than this is waited out once. */
const BUSY_RETRY_MAX_S = 2;

/** The load curve is read over at most this many days for the off-peak share (5 Enedis calls of 7 days). */
export const SHARE_MAX_DAYS = 31;

export interface EnergyData {
  mode: ReadMode;
  period: Period;
  day: string;
  consumption?: SeriesRead;
  production?: SeriesRead;
  maxPower?: SeriesRead;
  /** consumption load curve over `shareRange`, for the off-peak share */
  curve?: SeriesRead;
  shareRange: { start: string; end: string };
  dayConsumption?: SeriesRead;
  dayProduction?: SeriesRead;
}

const ERRORS: Partial<Record<string, string>> = {
  CONSENT_REQUIRED: "Consentement Enedis absent, révoqué ou expiré : renouvelez-le ci-dessus.",
  NOT_OWNER: "Ce point de livraison n'est plus à votre nom chez Enedis.",
  QUOTA_EXCEEDED: "Quota du jour atteint : seules les données déjà en cache sont affichées. Réessayez après minuit UTC.",
  ENEDIS_BUSY: "Enedis est très sollicité : seules les données déjà en cache sont affichées. Réessayez dans une minute.",
  ENEDIS_UNAVAILABLE: "Enedis ne répond pas pour l'instant : seules les données déjà en cache sont affichées.",
  PDL_DISABLED: "Point de livraison désactivé.",
};

const noDataText = (kind: MeteringKind) =>
  kind.endsWith("load_curve")
    ? "Pas de courbe de charge pour cette période : son enregistrement n'est peut-être pas activé chez Enedis."
    : "Enedis n'a pas de données pour cette période.";

/** One series through the mirror; on an Enedis or quota error, what the cache holds plus a French sentence. */
export async function readSeries(ctx: MirrorContext, kind: MeteringKind, range: { start: string; end: string }, mode: ReadMode): Promise<SeriesRead> {
  if (mode === "cache") return { readings: await readCachedReadings(ctx, kind, range) };
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await readMetering({ ...ctx }, kind, range, { useCache: true });
      return { readings: answer.data.meter_reading.interval_reading };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Enedis's per-second limit clears within a second or two: a person waiting on the page is worth one retry.
      const wait = error.extra.retryAfter;
      if (error.code === "ENEDIS_BUSY" && error.status === 429 && attempt === 0 && wait !== undefined && wait <= BUSY_RETRY_MAX_S) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0.2) * 1000));
        continue;
      }
      return failed(ctx, kind, range, error);
    }
  }
}

/** What a failed read still shows: nothing for "no data", else the cached days with a French sentence. */
async function failed(ctx: MirrorContext, kind: MeteringKind, range: { start: string; end: string }, error: AppError): Promise<SeriesRead> {
  if (error.code === "NO_DATA") return { readings: [], error: noDataText(kind) };
  return { readings: await readCachedReadings(ctx, kind, range), error: ERRORS[error.code] ?? "Données indisponibles pour l'instant." };
}

export interface EnergyQuery {
  period?: PeriodKey;
  start?: string;
  end?: string;
  day?: string;
}

/** Everything the energy page (and its CSV) shows for one PDL. */
export async function loadEnergy(ctx: MirrorContext, query: EnergyQuery, mode: ReadMode, today: string): Promise<EnergyData> {
  const { pdl } = ctx;
  const period = resolvePeriod(query, today);
  const day = resolveDay(query.day, period, today);
  const { range } = period;
  // The share's load curve: the period's last SHARE_MAX_DAYS at most, and never before the load curve's history.
  const curveOldest = historyLimit("consumption_load_curve", today);
  const shareStart = [range.start, addDays(range.end, -SHARE_MAX_DAYS), curveOldest].reduce((a, b) => (a > b ? a : b));
  const shareRange = { start: shareStart < range.end ? shareStart : range.end, end: range.end };
  const curveInHistory = shareRange.start < shareRange.end;
  const dayRange = { start: day, end: addDays(day, 1) };
  const dayInShare = day >= shareRange.start && day < shareRange.end;
  // One series after the other: a page's calls spread out instead of hitting Enedis's per-second limit at once.
  const read = async (wanted: boolean, kind: MeteringKind, r: { start: string; end: string }) => (wanted ? readSeries(ctx, kind, r, mode) : undefined);
  const consumption = await read(pdl.hasConsumption, "consumption_daily", range);
  const production = await read(pdl.hasProduction, "production_daily", range);
  const maxPower = await read(pdl.hasConsumption, "consumption_max_power", range);
  const curve = curveInHistory ? await read(pdl.hasConsumption, "consumption_load_curve", shareRange) : pdl.hasConsumption ? { readings: [], error: CURVE_TOO_OLD } : undefined;
  // The day's curve usually lies inside the share's range: taken from it below rather than read twice.
  // A period older than the load curve's history ends on a day Enedis has no curve for: said, never asked.
  const dayTooOld = day < curveOldest ? { readings: [], error: DAY_TOO_OLD } : undefined;
  const dayConsumption = dayTooOld && pdl.hasConsumption ? dayTooOld : await read(pdl.hasConsumption && !dayInShare, "consumption_load_curve", dayRange);
  const dayProduction = dayTooOld && pdl.hasProduction ? dayTooOld : await read(pdl.hasProduction, "production_load_curve", dayRange);
  return {
    mode,
    period,
    day,
    consumption,
    production,
    maxPower,
    curve,
    shareRange,
    dayConsumption: dayConsumption ?? (curve ? { ...curve, readings: readingsOfDay(curve.readings, day) } : undefined),
    dayProduction,
  };
}

/** Load-curve readings of one day (dates are interval ENDS: the day's last one is the next day's 00:00). */
export const readingsOfDay = (readings: readonly IntervalReading[], day: string) => readings.filter((r) => readingDay("consumption_load_curve", r) === day);
