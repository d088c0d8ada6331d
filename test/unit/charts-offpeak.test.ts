import { describe, expect, it } from "vitest";
import { intervalMinutes, isOffpeakMinute, isOffpeakReading, offpeakShare, parseOffpeakHours } from "../../src/pages/charts/offpeak";

const r = (date: string, value: number, interval_length = "PT30M") => ({ date, value: String(value), interval_length });

describe("off-peak hours from the contract", () => {
  it("reads the PDL row's text, one or several windows, past midnight or not", () => {
    expect(parseOffpeakHours("HC (22H30-6H30)")).toEqual([{ start: 1350, end: 390 }]);
    expect(parseOffpeakHours("HC (2H00-7H00;14H00-17H00)")).toEqual([
      { start: 120, end: 420 },
      { start: 840, end: 1020 },
    ]);
    expect(parseOffpeakHours("HC (23H00-7H00)")).toEqual([{ start: 1380, end: 420 }]);
    expect(parseOffpeakHours("22h30-06h30")).toEqual([{ start: 1350, end: 390 }]);
  });

  it("gives no window for nothing or for unreadable text (nothing shaded rather than something wrong)", () => {
    for (const text of [null, undefined, "", "HC", "Base", "HC (25H00-26H00)", "HC (6H00-6H00)"]) expect(parseOffpeakHours(text)).toEqual([]);
  });

  it("classifies minutes, across midnight and at the window's edges", () => {
    const night = parseOffpeakHours("HC (22H30-6H30)");
    const cases: [number, boolean][] = [
      [22 * 60 + 29, false],
      [22 * 60 + 30, true],
      [0, true],
      [6 * 60 + 29, true],
      [6 * 60 + 30, false],
      [12 * 60, false],
      [-15, true],
    ];
    for (const [minute, expected] of cases) expect(isOffpeakMinute(minute, night), `minute ${minute}`).toBe(expected);
  });

  it("classifies a load-curve reading by its interval (its date is the interval's END)", () => {
    const night = parseOffpeakHours("HC (22H30-6H30)");
    const cases: [string, boolean][] = [
      ["2026-11-20 22:30:00", false], // 22:00–22:30
      ["2026-11-20 23:00:00", true], // 22:30–23:00
      ["2026-11-21 00:00:00", true], // 23:30–24:00
      ["2026-11-21 06:30:00", true], // 06:00–06:30
      ["2026-11-21 07:00:00", false], // 06:30–07:00
    ];
    for (const [date, expected] of cases) expect(isOffpeakReading(r(date, 1), night), date).toBe(expected);
    const split = parseOffpeakHours("HC (2H00-7H00;14H00-17H00)");
    expect(isOffpeakReading(r("2026-11-20 14:30:00", 1), split)).toBe(true);
    expect(isOffpeakReading(r("2026-11-20 17:30:00", 1), split)).toBe(false);
    // An hourly curve: 06:00–07:00 is off-peak under 2H00-7H00
    expect(isOffpeakReading(r("2026-11-20 07:00:00", 1, "PT60M"), split)).toBe(true);
  });

  it("reads interval lengths, half-hourly when Enedis says nothing", () => {
    expect([intervalMinutes("PT30M"), intervalMinutes("PT10M"), intervalMinutes("PT1H"), intervalMinutes("PT60M"), intervalMinutes(undefined), intervalMinutes("junk")]).toEqual([30, 10, 60, 60, 30, 30]);
  });

  it("computes the off-peak share of the energy, and the days it covers", () => {
    const night = parseOffpeakHours("HC (22H30-6H30)");
    const readings = [
      r("2026-11-20 23:00:00", 2000), // off-peak: 1000 Wh
      r("2026-11-21 00:00:00", 2000), // off-peak, still 2026-11-20: 1000 Wh
      r("2026-11-21 12:00:00", 4000), // peak: 2000 Wh
      r("2026-11-21 12:30:00", 0),
    ];
    const share = offpeakShare(readings, night);
    expect(share).toEqual({ offpeakWh: 2000, totalWh: 4000, share: 0.5, days: 2 });
    expect(offpeakShare([], night).share).toBeNull();
    expect(offpeakShare([r("2026-11-21 12:30:00", 0)], night).share).toBeNull();
  });
});
