import { describe, expect, it } from "vitest";
import { isSettledPeriod, packPeriodOf, periodBounds, planRead } from "../../src/cache/packs";
import { addDays, eachDay } from "../../src/enedis/dates";

describe("cache packs: which entry holds a day", () => {
  it("daily series pack by calendar month, load curves by Monday–Sunday week, other kinds never", () => {
    expect(packPeriodOf("consumption_daily", "2026-03-31")).toBe("m:2026-03");
    expect(packPeriodOf("production_daily", "2026-04-01")).toBe("m:2026-04");
    expect(packPeriodOf("consumption_max_power", "2024-02-29")).toBe("m:2024-02");
    // 2026-03-29 is a Sunday, Paris's spring-forward day (46 half-hours): still the week of Monday 23
    expect(packPeriodOf("consumption_load_curve", "2026-03-29")).toBe("w:2026-03-23");
    expect(packPeriodOf("consumption_load_curve", "2026-03-30")).toBe("w:2026-03-30");
    // 2026-10-25, fall-back day (50 half-hours), a Sunday; a week across a month and a year end
    expect(packPeriodOf("production_load_curve", "2026-10-25")).toBe("w:2026-10-19");
    expect(packPeriodOf("consumption_load_curve", "2027-01-01")).toBe("w:2026-12-28");
    expect(packPeriodOf("contract", "current")).toBeNull();
    expect(packPeriodOf("consumption_daily", "current")).toBeNull();
  });

  it("period bounds: month ends (leap years too) and seven-day weeks", () => {
    expect(periodBounds("m:2024-02")).toEqual({ first: "2024-02-01", last: "2024-02-29" });
    expect(periodBounds("m:2026-02")).toEqual({ first: "2026-02-01", last: "2026-02-28" });
    expect(periodBounds("m:2026-12")).toEqual({ first: "2026-12-01", last: "2026-12-31" });
    expect(periodBounds("w:2026-12-28")).toEqual({ first: "2026-12-28", last: "2027-01-03" });
  });

  it("a period is packed only once its last day is settled (more than 7 days old)", () => {
    expect(isSettledPeriod("m:2026-11", "2026-12-07")).toBe(false); // 30 November is 7 days old: may still change
    expect(isSettledPeriod("m:2026-11", "2026-12-08")).toBe(true);
    expect(isSettledPeriod("w:2026-11-23", "2026-12-06")).toBe(false); // Sunday 29 is 7 days old
    expect(isSettledPeriod("w:2026-11-23", "2026-12-07")).toBe(true);
  });
});

describe("cache packs: the fewest entries covering a range", () => {
  const today = "2026-12-02";

  it("a year of daily readings is 13 packs: every settled day, the current month's included", () => {
    const days = eachDay(addDays(today, -375), addDays(today, -10)); // 2025-11-22 … 2026-11-21
    const plan = planRead("consumption_daily", days, today);
    expect(plan.packs.map((p) => p.period)).toEqual([
      "m:2025-11", "m:2025-12", "m:2026-01", "m:2026-02", "m:2026-03", "m:2026-04", "m:2026-05",
      "m:2026-06", "m:2026-07", "m:2026-08", "m:2026-09", "m:2026-10", "m:2026-11",
    ]);
    expect(plan.loose).toEqual([]);
    expect(plan.packs[0].days).toEqual(eachDay("2025-11-22", "2025-12-01")); // only the days asked, not the whole month
    expect(plan.packs.flatMap((p) => p.days).length).toBe(days.length);
  });

  it("in a month not yet settled, settled days are in its pack and the last 7 days one entry each", () => {
    const plan = planRead("consumption_daily", eachDay("2026-11-20", today), today);
    expect(plan.packs).toEqual([{ period: "m:2026-11", days: eachDay("2026-11-20", "2026-11-25") }]);
    expect(plan.loose).toEqual(eachDay("2026-11-25", today)); // 25 November is 7 days old: may still change
  });

  it("30 days of load curve: settled weeks packed, recent days per day", () => {
    const days = eachDay(addDays(today, -40), addDays(today, -10)); // 2026-10-23 … 2026-11-21
    const plan = planRead("consumption_load_curve", days, today);
    expect(plan.packs.map((p) => p.period)).toEqual(["w:2026-10-19", "w:2026-10-26", "w:2026-11-02", "w:2026-11-09", "w:2026-11-16"]);
    expect(plan.loose).toEqual([]);
    expect(plan.packs[0].days).toEqual(["2026-10-23", "2026-10-24", "2026-10-25"]);
  });

  it("customer data and recent days are never packed", () => {
    expect(planRead("contract", ["current"], today)).toEqual({ packs: [], loose: ["current"] });
    const recent = eachDay(addDays(today, -7), today);
    expect(planRead("consumption_daily", recent, today)).toEqual({ packs: [], loose: recent });
  });
});
