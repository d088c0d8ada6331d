import { addDays, daysBetween, historyLimit, isValidDay, subtractMonths, type DayRange } from "../../enedis/dates";

export type PeriodKey = "7d" | "30d" | "12m" | "custom";

export const PERIOD_LABELS: Record<PeriodKey, string> = {
  "7d": "7 derniers jours",
  "30d": "30 derniers jours",
  "12m": "12 derniers mois",
  custom: "Période personnalisée",
};

/** Longest custom period: one Enedis call for a daily series (365 days) and a chart still readable by month. */
export const MAX_CUSTOM_DAYS = 366;
/** Beyond this many days a period is drawn by month. */
export const DAILY_BARS_MAX = 62;

export interface Period {
  key: PeriodKey;
  range: DayRange;
  byMonth: boolean;
  /** French sentence when the asked custom period was refused and the default shown instead */
  warning?: string;
}

/**
 * The period a chart shows. Data exists up to yesterday (today is excluded, as in Enedis's ranges).
 * "12m" is the current month and the 11 before it, by month. A custom period is kept within the daily
 * series' history and at most MAX_CUSTOM_DAYS long; an unusable one falls back to 30 days with a warning.
 */
export function resolvePeriod(query: { period?: PeriodKey; start?: string; end?: string }, today: string): Period {
  const yesterday = addDays(today, -1);
  switch (query.period ?? "30d") {
    case "7d":
      return { key: "7d", range: { start: addDays(today, -7), end: today }, byMonth: false };
    case "12m":
      return { key: "12m", range: { start: subtractMonths(`${yesterday.slice(0, 7)}-01`, 11), end: today }, byMonth: true };
    case "custom": {
      const { start, end } = query;
      const problem = customProblem(start, end, today);
      if (problem) return { ...resolvePeriod({ period: "30d" }, today), warning: problem };
      // The form's "au" date is the last day shown, included; Enedis's end is exclusive.
      const range = { start: start!, end: minDay(addDays(end!, 1), today) };
      return { key: "custom", range, byMonth: daysBetween(range.start, range.end) > DAILY_BARS_MAX };
    }
    default:
      return { key: "30d", range: { start: addDays(today, -30), end: today }, byMonth: false };
  }
}

function customProblem(start: string | undefined, end: string | undefined, today: string): string | undefined {
  if (!start || !end || !isValidDay(start) || !isValidDay(end)) return "Choisissez deux dates (du … au …) pour une période personnalisée.";
  if (start > end) return "La date de début doit précéder la date de fin.";
  if (start >= today) return `Les données s'arrêtent à la veille (${addDays(today, -1)}).`;
  const oldest = historyLimit("consumption_daily", today);
  if (start < oldest) return `Enedis ne remonte pas avant le ${oldest}.`;
  if (daysBetween(start, minDay(addDays(end, 1), today)) > MAX_CUSTOM_DAYS) return `Une période personnalisée dure ${MAX_CUSTOM_DAYS} jours au plus.`;
  return undefined;
}

const minDay = (a: string, b: string) => (a < b ? a : b);

/**
 * The day whose load curve is shown: the one asked if Enedis can have it (before today, within the load curve's
 * history), else the period's last day.
 */
export function resolveDay(asked: string | undefined, period: Period, today: string): string {
  const fallback = addDays(period.range.end, -1);
  if (!asked || !isValidDay(asked) || asked >= today || asked < historyLimit("consumption_load_curve", today)) return fallback;
  return asked;
}
