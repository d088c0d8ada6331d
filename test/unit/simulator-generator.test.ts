import { describe, expect, it } from "vitest";
import { addDays, halfHoursOfParisDay, parisDay, parisOffsetMinutes, parisTimestamp } from "../../src/simulator/calendar";
import {
  consumptionLoadCurve,
  dailyConsumptionWh,
  dailyMaxPower,
  dailyProductionWh,
  parseOffpeakRanges,
  productionLoadCurve,
} from "../../src/simulator/generator";
import { findUsagePoint } from "../../src/simulator/households";
import { historyLimit, publishedDays } from "../../src/simulator/rules";

const point = (id: string) => findUsagePoint(id)!.point;
const martin = point("09100000000001");
const petit = point("09300000000001");
const secondHome = point("09200000000002");

const week = (from: string) => Array.from({ length: 7 }, (_, i) => addDays(from, i));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("simulator calendar", () => {
  it("knows Paris's offset on both sides of the DST switches (01:00 UTC, last Sundays of March and October)", () => {
    expect(parisOffsetMinutes(Date.UTC(2026, 2, 29, 0, 59))).toBe(60);
    expect(parisOffsetMinutes(Date.UTC(2026, 2, 29, 1, 0))).toBe(120);
    expect(parisOffsetMinutes(Date.UTC(2026, 9, 25, 0, 59))).toBe(120);
    expect(parisOffsetMinutes(Date.UTC(2026, 9, 25, 1, 0))).toBe(60);
    expect(parisDay(Date.UTC(2026, 5, 30, 22, 30))).toBe("2026-07-01");
  });

  it("cuts days into 48 half-hours, 46 on the last Sunday of March and 50 on the last Sunday of October", () => {
    expect(halfHoursOfParisDay("2026-06-15")).toHaveLength(48);
    expect(halfHoursOfParisDay("2026-03-29")).toHaveLength(46);
    expect(halfHoursOfParisDay("2026-10-25")).toHaveLength(50);
    expect(halfHoursOfParisDay("2025-03-30")).toHaveLength(46);
    expect(halfHoursOfParisDay("2025-10-26")).toHaveLength(50);
  });
});

describe("simulated load curves", () => {
  it("are deterministic per PDL and day, and differ between PDLs and days", () => {
    expect(consumptionLoadCurve(martin, "2026-01-12")).toEqual(consumptionLoadCurve(martin, "2026-01-12"));
    const a = consumptionLoadCurve(martin, "2026-01-12").map((p) => p.watts);
    const b = consumptionLoadCurve(point("09200000000001"), "2026-01-12").map((p) => p.watts);
    const c = consumptionLoadCurve(martin, "2026-01-13").map((p) => p.watts);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("label each half-hour by its end in Paris time, the last one D+1 00:00:00", () => {
    const curve = consumptionLoadCurve(martin, "2026-09-29");
    expect(curve[0].date).toBe("2026-09-29 00:30:00");
    expect(curve[1].date).toBe("2026-09-29 01:00:00");
    expect(curve.at(-1)!.date).toBe("2026-09-30 00:00:00");
  });

  it("skip 02:00-03:00 in March and repeat 02:00 and 02:30 in October", () => {
    const march = consumptionLoadCurve(martin, "2026-03-29").map((p) => p.date.slice(11));
    expect(march).toHaveLength(46);
    expect(march.slice(0, 4)).toEqual(["00:30:00", "01:00:00", "01:30:00", "03:00:00"]);
    expect(march).not.toContain("02:30:00");
    expect(march.at(-1)).toBe("00:00:00");

    const october = consumptionLoadCurve(martin, "2026-10-25").map((p) => p.date.slice(11));
    expect(october).toHaveLength(50);
    expect(october.slice(0, 7)).toEqual(["00:30:00", "01:00:00", "01:30:00", "02:00:00", "02:30:00", "02:00:00", "02:30:00"]);
    expect(october.filter((t) => t === "02:30:00")).toHaveLength(2);
    expect(new Set(october).size).toBe(48);
  });

  it("hold exactly the day's energy: daily Wh = Σ W × 0.5 h (within rounding), DST days included", () => {
    for (const day of ["2026-01-12", "2026-03-29", "2026-07-04", "2026-10-25", "2025-12-25"]) {
      for (const p of [martin, petit, secondHome]) {
        const energy = consumptionLoadCurve(p, day).reduce((s, r) => s + r.watts * 0.5, 0);
        expect(Math.abs(dailyConsumptionWh(p, day) - energy)).toBeLessThanOrEqual(0.5);
      }
      const produced = productionLoadCurve(petit, day).reduce((s, r) => s + r.watts * 0.5, 0);
      expect(Math.abs(dailyProductionWh(petit, day) - produced)).toBeLessThanOrEqual(0.5);
    }
  });

  it("consume more in winter (electric heating) than in summer, and a second home more at weekends", () => {
    const winter = mean(week("2026-01-12").map((d) => dailyConsumptionWh(martin, d)));
    const summer = mean(week("2026-06-15").map((d) => dailyConsumptionWh(martin, d)));
    expect(winter).toBeGreaterThan(1.8 * summer);
    expect(summer).toBeGreaterThan(3000);
    expect(winter).toBeLessThan(80_000);
    // 2026-05-11 is a Monday: the second home is empty on weekdays in May.
    const weekdays = mean(week("2026-05-11").slice(0, 5).map((d) => dailyConsumptionWh(secondHome, d)));
    const weekend = mean(week("2026-05-11").slice(5).map((d) => dailyConsumptionWh(secondHome, d)));
    expect(weekend).toBeGreaterThan(2 * weekdays);
  });

  it("never exceed the subscribed power, and the daily max power sits in the peak half-hour", () => {
    for (const day of ["2026-01-12", "2026-10-25", "2026-07-04"]) {
      const curve = consumptionLoadCurve(martin, day);
      const peak = curve.reduce((best, p) => (p.watts > best.watts ? p : best));
      const max = dailyMaxPower(martin, day)!;
      expect(max.va).toBeGreaterThanOrEqual(peak.watts);
      expect(max.va).toBeLessThanOrEqual(martin.subscribedPowerKva * 1000);
      expect(max.date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const peakStart = parisTimestamp(peak.endMs - 1_800_000);
      expect(max.date >= peakStart || day === "2026-10-25").toBe(true);
      expect(max.date < peak.date || peak.date.endsWith("00:00:00")).toBe(true);
    }
  });
});

describe("simulated solar production", () => {
  it("is zero at night and positive around noon on a summer day", () => {
    const curve = productionLoadCurve(petit, "2026-06-21");
    const at = (hhmm: string) => curve.find((p) => p.date.endsWith(`${hhmm}:00`))!.watts;
    for (const night of ["00:30", "02:00", "04:00", "05:30", "23:00", "23:30"]) expect(at(night)).toBe(0);
    expect(at("14:00")).toBeGreaterThan(0);
    expect(Math.max(...curve.map((p) => p.watts))).toBeLessThanOrEqual(petit.solarPeakW!);
    expect(productionLoadCurve(petit, "2026-12-21").filter((p) => p.date.slice(11) < "08:00:00").every((p) => p.watts === 0)).toBe(true);
  });

  it("produces more in summer than in winter, and nothing on a point without panels", () => {
    const june = mean(week("2026-06-15").map((d) => dailyProductionWh(petit, d)));
    const december = mean(week("2026-12-14").map((d) => dailyProductionWh(petit, d)));
    expect(june).toBeGreaterThan(2 * december);
    expect(june).toBeLessThan(25_000);
    expect(productionLoadCurve(martin, "2026-06-21")).toEqual([]);
  });
});

describe("simulator rules", () => {
  it("reads off-peak ranges from the v5 text", () => {
    expect(parseOffpeakRanges("HC (22H30-6H30)")).toEqual([[1350, 390]]);
    expect(parseOffpeakRanges("HC (2H00-7H00;14H00-17H00)")).toEqual([[120, 420], [840, 1020]]);
  });

  it("puts the history limit 36 months + 15 days back (24 for load curves)", () => {
    expect(historyLimit("consumption_daily", "2026-10-20")).toBe("2023-10-05");
    expect(historyLimit("consumption_load_curve", "2026-10-20")).toBe("2024-10-05");
  });

  it("publishes yesterday only from 08:00 Paris time", () => {
    const before = Date.UTC(2026, 9, 20, 5, 59); // 07:59 in Paris (UTC+2)
    const after = Date.UTC(2026, 9, 20, 6, 0); // 08:00 in Paris
    expect(publishedDays("2026-10-17", "2026-10-20", before)).toEqual(["2026-10-17", "2026-10-18"]);
    expect(publishedDays("2026-10-17", "2026-10-20", after)).toEqual(["2026-10-17", "2026-10-18", "2026-10-19"]);
  });
});
