/**
 * Deterministic, plausible meter data for a simulated point and a Paris day.
 *
 * Everything derives from the 30-minute load curve, so the series agree with each other the way a
 * real Linky's do: the daily energy is the curve's energy (Wh = W × 0.5 per half-hour, rounded once),
 * and the daily max power is reached inside the curve's highest half-hour. Randomness comes from a
 * PRNG seeded with (PDL, day, series): same inputs, same numbers, in every isolate.
 */
import { dayOfYear, halfHoursOfParisDay, parisTimestamp, weekday } from "./calendar";
import type { ConsumptionProfile, SimulatedUsagePoint } from "./households";
import { between, seededRandom } from "./prng";

export interface CurvePoint {
  /** End of the half-hour, epoch ms. */
  endMs: number;
  /** End of the half-hour as Enedis labels it: Paris wall clock `YYYY-MM-DD hh:mm:ss`. */
  date: string;
  /** Average power over the half-hour, W. */
  watts: number;
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/** Energy of a 30-minute curve, Wh: each reading holds W × 0.5 h. */
export const curveEnergyWh = (curve: readonly CurvePoint[]) => Math.round(curve.reduce((sum, p) => sum + p.watts, 0) / 2);

/** Off-peak ranges of a v5 text like "HC (22H30-6H30)" or "HC (2H00-7H00;14H00-17H00)", as local minutes [start, end). */
export function parseOffpeakRanges(text: string | undefined): Array<[number, number]> {
  if (!text) return [];
  const ranges: Array<[number, number]> = [];
  for (const m of text.matchAll(/(\d{1,2})H(\d{2})-(\d{1,2})H(\d{2})/g)) {
    ranges.push([Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])]);
  }
  return ranges;
}

/** Outdoor temperature of the day (°C): a seasonal wave, coldest around 20 January, plus weather noise. */
function dailyTemperature(usagePointId: string, day: string): number {
  const random = seededRandom(usagePointId, day, "weather");
  return 11.5 - 7.5 * Math.cos((2 * Math.PI * (dayOfYear(day) - 20)) / 365) + between(random, -3, 3);
}

/** Share of the household's appliances running at that local hour. */
function activityAt(hour: number, weekend: boolean): number {
  if (hour < 6) return 0.08;
  if (hour < 7) return 0.3;
  if (hour < 9) return weekend ? 0.5 : 0.9;
  if (hour < 12) return weekend ? 0.7 : 0.2;
  if (hour < 14) return weekend ? 0.8 : 0.35;
  if (hour < 18) return weekend ? 0.5 : 0.2;
  if (hour < 21) return 1;
  if (hour < 23) return 0.6;
  return 0.25;
}

/** Share of the heating running at that local hour (setback at night and, on weekdays, during office hours). */
function heatingAt(hour: number, weekend: boolean): number {
  if (hour < 6) return 0.7;
  if (hour < 9) return 1;
  if (hour < 17) return weekend ? 0.8 : 0.55;
  if (hour < 22) return 1;
  return 0.8;
}

/** Index of the half-hour (in local minutes since midnight) at which the water heater starts. */
function waterHeaterWindow(offpeak: Array<[number, number]>): number {
  return offpeak.length > 0 ? offpeak[0][0] : 2 * 60; // single-rate tariff: a timer at 02:00
}

function consumptionWatts(profile: ConsumptionProfile, point: SimulatedUsagePoint, day: string): CurvePoint[] {
  const dayRandom = seededRandom(point.id, day, "consumption-day");
  const random = seededRandom(point.id, day, "consumption-curve");
  const dow = weekday(day);
  const weekend = dow === 0 || dow === 6;
  const month = Number(day.slice(5, 7));
  const present = !profile.secondHome || weekend || month === 7 || month === 8;
  const heatDemand = clamp((16 - dailyTemperature(point.id, day)) / 14, 0, 1);
  const dayFactor = between(dayRandom, 0.85, 1.15);
  // The water heater runs longer in winter (colder inlet water) and on some days more than others.
  const waterHeaterStart = waterHeaterWindow(parseOffpeakRanges(point.offpeakHours));
  const waterHeaterMinutes = 30 * (4 + Math.round(2 * heatDemand) + (dayRandom() < 0.5 ? 0 : 1));
  const ceiling = point.subscribedPowerKva * 1000 * 0.95;

  return halfHoursOfParisDay(day).map(({ startMs, endMs }) => {
    const [hh, mm] = parisTimestamp(startMs).slice(11, 16).split(":").map(Number);
    const minuteOfDay = hh * 60 + mm;
    const hour = minuteOfDay / 60;
    const standby = profile.standbyW * between(random, 0.9, 1.1);
    const activity = present ? profile.activityW * activityAt(hour, weekend) * dayFactor * between(random, 0.6, 1.4) : 0;
    // Absent from a second home: frost protection only.
    const heatingShare = present ? heatingAt(hour, weekend) : 0.15;
    const heating = profile.heatingW * heatDemand * heatingShare * between(random, 0.85, 1.15);
    const sinceStart = (minuteOfDay - waterHeaterStart + 1440) % 1440;
    const water = present && profile.waterHeaterW > 0 && sinceStart < waterHeaterMinutes ? profile.waterHeaterW : 0;
    const watts = Math.round(clamp(standby + activity + heating + water, 0, ceiling));
    return { endMs, date: parisTimestamp(endMs), watts };
  });
}

/** 30-minute consumption load curve (W) of a Paris day; empty for a point that does not consume. */
export function consumptionLoadCurve(point: SimulatedUsagePoint, day: string): CurvePoint[] {
  return point.consumption ? consumptionWatts(point.consumption, point, day) : [];
}

/** Daily consumption (Wh): exactly the energy of that day's load curve. */
export function dailyConsumptionWh(point: SimulatedUsagePoint, day: string): number {
  return curveEnergyWh(consumptionLoadCurve(point, day));
}

/**
 * Daily maximum apparent power (VA) and when it was reached: inside the curve's highest half-hour,
 * a little above that half-hour's average (a peak is sharper than a 30-minute mean), never above
 * the subscribed power.
 */
export function dailyMaxPower(point: SimulatedUsagePoint, day: string): { va: number; date: string } | undefined {
  const curve = consumptionLoadCurve(point, day);
  if (curve.length === 0) return undefined;
  const peak = curve.reduce((best, p) => (p.watts > best.watts ? p : best));
  const random = seededRandom(point.id, day, "max-power");
  const va = Math.min(Math.round(peak.watts * between(random, 1.1, 1.45)), point.subscribedPowerKva * 1000);
  const secondsIntoPeak = Math.floor(between(random, 0, 1800));
  return { va: Math.max(va, peak.watts), date: parisTimestamp(peak.endMs - 1_800_000 + secondsIntoPeak * 1000) };
}

/** 30-minute production load curve (W): a sun arc between sunrise and sunset, zero at night, weather-dependent. */
export function productionLoadCurve(point: SimulatedUsagePoint, day: string): CurvePoint[] {
  const peakW = point.solarPeakW;
  if (!peakW) return [];
  const dayRandom = seededRandom(point.id, day, "production-day");
  const random = seededRandom(point.id, day, "production-curve");
  const season = Math.sin((2 * Math.PI * (dayOfYear(day) - 80)) / 365); // -1 at the winter solstice, +1 in summer
  const dayLengthH = 12 + 3.8 * season;
  const solarNoonUtcH = 12 - Number(point.address.longitude) / 15;
  const sunriseUtcH = solarNoonUtcH - dayLengthH / 2;
  const amplitude = 0.45 + 0.55 * (0.5 + 0.5 * season); // low winter sun gives less
  const clearness = clamp(between(dayRandom, 0.1, 1) + 0.15 * season, 0.05, 1);

  return halfHoursOfParisDay(day).map(({ startMs, endMs }) => {
    const midUtcH = (((startMs + 900_000) % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000;
    const x = (midUtcH - sunriseUtcH) / dayLengthH;
    let watts = 0;
    if (x > 0 && x < 1) {
      const passingClouds = clearness < 0.7 ? between(random, 0.6, 1) : between(random, 0.93, 1);
      watts = Math.round(peakW * 0.75 * amplitude * Math.pow(Math.sin(Math.PI * x), 1.3) * clearness * passingClouds);
    }
    return { endMs, date: parisTimestamp(endMs), watts };
  });
}

/** Daily production (Wh): exactly the energy of that day's production curve. */
export function dailyProductionWh(point: SimulatedUsagePoint, day: string): number {
  return curveEnergyWh(productionLoadCurve(point, day));
}
