import { describe, expect, it } from "vitest";
import { dayCsvRows, periodCsvRows, periodTable } from "../../src/pages/charts/energy-table";
import { parseOffpeakHours } from "../../src/pages/charts/offpeak";
import { buckets, byDay, peak, subscribedKva, total } from "../../src/pages/charts/series";

const daily = (date: string, value: number) => ({ date, value: String(value) });

describe("period series", () => {
  it("lays a daily series over every day, a missing day a gap (null), never a zero", () => {
    const values = byDay("consumption_daily", [daily("2026-11-01", 10_000), daily("2026-11-03", 0)]);
    expect(buckets(values, { start: "2026-11-01", end: "2026-11-04" }, { byMonth: false, scale: 1000, combine: "sum" })).toEqual([
      { key: "2026-11-01", value: 10 },
      { key: "2026-11-02", value: null },
      { key: "2026-11-03", value: 0 },
    ]);
  });

  it("by month: energy adds up, power keeps the month's highest day, an empty month is a gap", () => {
    const energy = byDay("consumption_daily", [daily("2026-10-30", 1000), daily("2026-10-31", 2000), daily("2026-12-01", 4000)]);
    const range = { start: "2026-10-30", end: "2026-12-02" };
    expect(buckets(energy, range, { byMonth: true, scale: 1000, combine: "sum" })).toEqual([
      { key: "2026-10", value: 3 },
      { key: "2026-11", value: null },
      { key: "2026-12", value: 4 },
    ]);
    // Max power dates carry the time it was reached: still that day's value.
    const power = byDay("consumption_max_power", [daily("2026-10-30 19:02:00", 6100), daily("2026-10-31 07:30:00", 4200)]);
    expect(buckets(power, range, { byMonth: true, scale: 1000, combine: "max" })[0]).toEqual({ key: "2026-10", value: 6.1 });
  });

  it("totals count only known values, and say how many there were", () => {
    const series = [
      { key: "a", value: 1.5 },
      { key: "b", value: null },
      { key: "c", value: 2 },
    ];
    expect(total(series)).toEqual({ sum: 3.5, known: 2 });
    expect(peak(series)).toEqual({ key: "c", value: 2 });
    expect(peak([{ key: "a", value: null }])).toBeNull();
  });

  it("reads the subscribed power of the PDL row", () => {
    expect([subscribedKva("9 kVA"), subscribedKva("12kVA"), subscribedKva("4,5 kVA"), subscribedKva(null), subscribedKva("inconnue")]).toEqual([9, 12, 4.5, null, null]);
  });

  it("the period table lines every series up on the same days, for the chart and the CSV", () => {
    const table = periodTable({ start: "2026-11-01", end: "2026-11-03" }, false, {
      consumption: [daily("2026-11-01", 12_345), daily("2026-11-02", 10_000)],
      maxPower: [daily("2026-11-02 18:00:00", 5_120)],
    });
    expect(table.keys).toEqual(["2026-11-01", "2026-11-02"]);
    expect(table.production).toBeUndefined();
    expect(periodCsvRows(table)).toEqual([
      ["2026-11-01", 12.345, null, null],
      ["2026-11-02", 10, null, 5.12],
    ]);
  });

  it("the day's CSV follows Enedis's order (a DST day repeats a local hour) and says off-peak or not", () => {
    const hc = parseOffpeakHours("HC (2H00-7H00)");
    const consumption = [
      { date: "2026-10-25 02:30:00", value: "800", interval_length: "PT30M" },
      { date: "2026-10-25 02:30:00", value: "900", interval_length: "PT30M" },
      { date: "2026-10-25 12:00:00", value: "300", interval_length: "PT30M" },
    ];
    const production = [
      { date: "2026-10-25 02:30:00", value: "0", interval_length: "PT30M" },
      { date: "2026-10-25 02:30:00", value: "1", interval_length: "PT30M" },
    ];
    expect(dayCsvRows(consumption, production, hc)).toEqual([
      ["2026-10-25 02:30:00", 800, 0, "oui"],
      ["2026-10-25 02:30:00", 900, 1, "oui"],
      ["2026-10-25 12:00:00", 300, null, "non"],
    ]);
    expect(dayCsvRows([], production.slice(0, 1), [])).toEqual([["2026-10-25 02:30:00", null, 0, null]]);
  });
});
