import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  eachDay,
  historyLimit,
  isSettled,
  isValidDay,
  maxDaysPerCall,
  readingDay,
  splitIntoCalls,
  subtractMonths,
  todayInParis,
  validateRange,
} from "../../src/enedis/dates";
import { AppError } from "../../src/http/errors";

function rangeError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

describe("todayInParis", () => {
  it("follows Paris, not UTC, around midnight in summer (UTC+2) and winter (UTC+1)", () => {
    expect(todayInParis(new Date("2026-06-30T21:59:00Z"))).toBe("2026-06-30");
    expect(todayInParis(new Date("2026-06-30T22:00:00Z"))).toBe("2026-07-01");
    expect(todayInParis(new Date("2026-12-31T22:59:00Z"))).toBe("2026-12-31");
    expect(todayInParis(new Date("2026-12-31T23:00:00Z"))).toBe("2027-01-01");
  });
  it("is right on both DST change nights", () => {
    // 2026-03-29: clocks go 02:00 → 03:00; 2026-10-25: 03:00 → 02:00.
    expect(todayInParis(new Date("2026-03-28T22:59:00Z"))).toBe("2026-03-28");
    expect(todayInParis(new Date("2026-03-28T23:00:00Z"))).toBe("2026-03-29");
    expect(todayInParis(new Date("2026-03-29T21:59:00Z"))).toBe("2026-03-29");
    expect(todayInParis(new Date("2026-03-29T22:00:00Z"))).toBe("2026-03-30");
    expect(todayInParis(new Date("2026-10-24T21:59:00Z"))).toBe("2026-10-24");
    expect(todayInParis(new Date("2026-10-24T22:00:00Z"))).toBe("2026-10-25");
    expect(todayInParis(new Date("2026-10-25T22:59:00Z"))).toBe("2026-10-25");
    expect(todayInParis(new Date("2026-10-25T23:00:00Z"))).toBe("2026-10-26");
  });
});

describe("calendar arithmetic", () => {
  it("recognises real days only", () => {
    expect(isValidDay("2024-02-29")).toBe(true);
    expect(isValidDay("2025-02-29")).toBe(false);
    expect(isValidDay("2026-02-30")).toBe(false);
    expect(isValidDay("2026-04-31")).toBe(false);
    expect(isValidDay("2026-13-01")).toBe(false);
    expect(isValidDay("2026-1-01")).toBe(false);
    expect(isValidDay("2026-01-01T00:00")).toBe(false);
    expect(isValidDay("")).toBe(false);
  });
  it("adds days across month ends, leap years, year ends and DST weeks", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2025-02-28", 1)).toBe("2025-03-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-03-28", 1)).toBe("2026-03-29");
    expect(addDays("2026-03-29", 1)).toBe("2026-03-30");
    expect(addDays("2026-10-25", 1)).toBe("2026-10-26");
    expect(addDays("2026-10-20", 7)).toBe("2026-10-27");
  });
  it("counts days between, whatever the DST changes in between", () => {
    expect(daysBetween("2024-02-01", "2024-03-01")).toBe(29);
    expect(daysBetween("2025-02-01", "2025-03-01")).toBe(28);
    expect(daysBetween("2026-03-25", "2026-04-01")).toBe(7);
    expect(daysBetween("2026-10-22", "2026-10-29")).toBe(7);
    expect(daysBetween("2026-10-29", "2026-10-22")).toBe(-7);
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
  });
  it("lists the days of a half-open range", () => {
    expect(eachDay("2026-03-27", "2026-04-02")).toEqual(["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31", "2026-04-01"]);
    expect(eachDay("2026-03-27", "2026-03-27")).toEqual([]);
    expect(eachDay("2024-02-28", "2024-03-01")).toEqual(["2024-02-28", "2024-02-29"]);
  });
  it("subtracts months, clamping to the month's last day", () => {
    expect(subtractMonths("2026-05-15", 36)).toBe("2023-05-15");
    expect(subtractMonths("2026-03-31", 1)).toBe("2026-02-28");
    expect(subtractMonths("2028-02-29", 12)).toBe("2027-02-28");
    expect(subtractMonths("2027-02-28", 36)).toBe("2024-02-28");
    expect(subtractMonths("2026-01-31", 2)).toBe("2025-11-30");
  });
});

describe("history limits and per-call limits", () => {
  it("allows 36 months + 15 days for daily series and max power, 24 months + 15 days for load curves", () => {
    expect(historyLimit("consumption_daily", "2026-10-15")).toBe("2023-09-30");
    expect(historyLimit("production_daily", "2026-10-15")).toBe("2023-09-30");
    expect(historyLimit("consumption_max_power", "2026-10-15")).toBe("2023-09-30");
    expect(historyLimit("consumption_load_curve", "2026-10-15")).toBe("2024-09-30");
    expect(historyLimit("production_load_curve", "2026-03-31")).toBe("2024-03-16");
  });
  it("splits load curves by 7 days and the rest by 365", () => {
    expect(maxDaysPerCall("consumption_load_curve")).toBe(7);
    expect(maxDaysPerCall("production_load_curve")).toBe(7);
    expect(maxDaysPerCall("consumption_daily")).toBe(365);
    expect(maxDaysPerCall("consumption_max_power")).toBe(365);
  });
});

describe("validateRange", () => {
  const now = new Date("2026-10-15T10:00:00Z"); // Paris: 2026-10-15 12:00

  it("accepts a normal range and keeps it", () => {
    expect(validateRange("consumption_daily", "2026-10-01", "2026-10-08", now)).toEqual({ start: "2026-10-01", end: "2026-10-08" });
  });
  it("reads an end after today as today", () => {
    expect(validateRange("consumption_daily", "2026-10-10", "2027-01-01", now)).toEqual({ start: "2026-10-10", end: "2026-10-15" });
    expect(validateRange("consumption_daily", "2026-10-14", "2026-10-16", now)).toEqual({ start: "2026-10-14", end: "2026-10-15" });
  });
  it("uses the Paris day just after midnight (UTC is still the day before)", () => {
    const justAfterMidnight = new Date("2026-10-14T22:30:00Z"); // Paris 2026-10-15 00:30
    expect(validateRange("consumption_daily", "2026-10-14", "2026-10-15", justAfterMidnight)).toEqual({ start: "2026-10-14", end: "2026-10-15" });
  });
  it("rejects bad formats and impossible dates with the field", () => {
    for (const [start, end, field] of [
      [undefined, "2026-10-08", "start"],
      ["2026-10-01", undefined, "end"],
      ["", "2026-10-08", "start"],
      ["2026/10/01", "2026-10-08", "start"],
      ["2026-02-30", "2026-10-08", "start"],
      ["2026-10-01", "2026-10-32", "end"],
      ["2026-10-01", "08-10-2026", "end"],
    ] as const) {
      const err = rangeError(() => validateRange("consumption_daily", start, end, now));
      expect(err.status).toBe(400);
      expect(err.code).toBe("INVALID_DATE_FORMAT");
      expect(err.extra.field).toBe(field);
    }
  });
  it("rejects start ≥ end, including after clamping end to today", () => {
    for (const [start, end] of [
      ["2026-10-08", "2026-10-08"],
      ["2026-10-09", "2026-10-08"],
      ["2026-10-15", "2026-10-16"], // today: no data yet
      ["2026-10-20", "2026-10-25"], // the future
    ]) {
      const err = rangeError(() => validateRange("consumption_daily", start, end, now));
      expect(err.status).toBe(400);
      expect(err.code).toBe("INVALID_DATE_RANGE");
    }
  });
  it("rejects a start before the history limit and names the oldest allowed date", () => {
    expect(validateRange("consumption_daily", "2023-09-30", "2023-10-01", now).start).toBe("2023-09-30");
    const err = rangeError(() => validateRange("consumption_daily", "2023-09-29", "2023-10-01", now));
    expect(err.code).toBe("DATE_TOO_OLD");
    expect(err.status).toBe(400);
    expect(err.extra.field).toBe("start");
    expect(err.message).toContain("2023-09-30");
    const curve = rangeError(() => validateRange("consumption_load_curve", "2024-09-29", "2024-10-01", now));
    expect(curve.code).toBe("DATE_TOO_OLD");
    expect(curve.message).toContain("2024-09-30");
    expect(validateRange("consumption_load_curve", "2024-09-30", "2024-10-07", now).start).toBe("2024-09-30");
  });
});

describe("splitIntoCalls", () => {
  /** Checks the split covers exactly `days`, each call contiguous and within maxDays. */
  function expectExactCover(days: string[], maxDays: number) {
    const calls = splitIntoCalls(days, maxDays);
    const covered = calls.flatMap((c) => eachDay(c.start, c.end));
    expect(covered).toEqual([...new Set(days)]);
    for (const c of calls) {
      expect(daysBetween(c.start, c.end)).toBeGreaterThan(0);
      expect(daysBetween(c.start, c.end)).toBeLessThanOrEqual(maxDays);
    }
    return calls;
  }

  it("splits 30 contiguous load-curve days into 5 calls of at most 7 days", () => {
    const days = eachDay("2026-03-20", "2026-04-19"); // crosses the March DST change and a month end
    expect(days).toHaveLength(30);
    expect(expectExactCover(days, 7)).toEqual([
      { start: "2026-03-20", end: "2026-03-27" },
      { start: "2026-03-27", end: "2026-04-03" },
      { start: "2026-04-03", end: "2026-04-10" },
      { start: "2026-04-10", end: "2026-04-17" },
      { start: "2026-04-17", end: "2026-04-19" },
    ]);
    expect(expectExactCover(days, 365)).toEqual([{ start: "2026-03-20", end: "2026-04-19" }]);
  });

  it("fetches only what is missing when 60 requested days overlap 30 cached ones", () => {
    const requested = eachDay("2026-01-01", "2026-03-02");
    const cached = new Set(eachDay("2026-01-16", "2026-02-15"));
    expect(requested).toHaveLength(60);
    expect(cached.size).toBe(30);
    const missing = requested.filter((d) => !cached.has(d));
    expect(expectExactCover(missing, 7)).toEqual([
      { start: "2026-01-01", end: "2026-01-08" },
      { start: "2026-01-08", end: "2026-01-15" },
      { start: "2026-01-15", end: "2026-01-16" },
      { start: "2026-02-15", end: "2026-02-22" },
      { start: "2026-02-22", end: "2026-03-01" },
      { start: "2026-03-01", end: "2026-03-02" },
    ]);
    const daily = expectExactCover(missing, 365);
    expect(daily).toEqual([
      { start: "2026-01-01", end: "2026-01-16" },
      { start: "2026-02-15", end: "2026-03-02" },
    ]);
    for (const call of daily) for (const d of eachDay(call.start, call.end)) expect(cached.has(d)).toBe(false);
  });

  it("handles scattered days, duplicates, a whole leap year and nothing at all", () => {
    expect(expectExactCover(["2026-01-01", "2026-01-03", "2026-01-03", "2026-01-04"], 7)).toEqual([
      { start: "2026-01-01", end: "2026-01-02" },
      { start: "2026-01-03", end: "2026-01-05" },
    ]);
    const leapYear = eachDay("2024-01-01", "2025-01-01");
    expect(leapYear).toHaveLength(366);
    expect(expectExactCover(leapYear, 365)).toEqual([
      { start: "2024-01-01", end: "2024-12-31" },
      { start: "2024-12-31", end: "2025-01-01" },
    ]);
    expect(splitIntoCalls([], 7)).toEqual([]);
    expect(() => splitIntoCalls(["2026-01-01"], 0)).toThrow();
  });
});

describe("readingDay", () => {
  it("puts a load-curve reading at midnight in the day it closes", () => {
    expect(readingDay("consumption_load_curve", { date: "2026-03-30 00:00:00" })).toBe("2026-03-29");
    expect(readingDay("consumption_load_curve", { date: "2026-03-29 23:30:00" })).toBe("2026-03-29");
    expect(readingDay("consumption_load_curve", { date: "2026-03-29 00:30:00" })).toBe("2026-03-29");
    expect(readingDay("production_load_curve", { date: "2026-03-01 00:00:00" })).toBe("2026-02-28");
    expect(readingDay("production_load_curve", { date: "2025-01-01 00:00:00" })).toBe("2024-12-31");
  });
  it("groups a spring DST day's 46 half-hours and an autumn one's 50 into their own day", () => {
    const spring = [
      ...["00:30", "01:00", "01:30", "02:00"],
      ...Array.from({ length: 41 }, (_, i) => { const m = 210 + 30 * i; return `${String(Math.floor(m / 60)).padStart(2, "0")}:${m % 60 ? "30" : "00"}`; }),
    ].map((t) => ({ date: `2026-03-29 ${t}:00` }));
    spring.push({ date: "2026-03-30 00:00:00" });
    expect(spring).toHaveLength(46);
    expect(new Set(spring.map((r) => readingDay("consumption_load_curve", r)))).toEqual(new Set(["2026-03-29"]));
    // Autumn: 02:30 and 03:00 appear twice (50 readings), all in 2026-10-25.
    const autumn = Array.from({ length: 48 }, (_, i) => { const m = 30 * (i + 1); return `${String(Math.floor(m / 60) % 24).padStart(2, "0")}:${m % 60 ? "30" : "00"}`; })
      .map((t, i) => ({ date: `${i === 47 ? "2026-10-26" : "2026-10-25"} ${t}:00` }));
    autumn.push({ date: "2026-10-25 02:30:00" }, { date: "2026-10-25 03:00:00" });
    expect(autumn).toHaveLength(50);
    expect(new Set(autumn.map((r) => readingDay("consumption_load_curve", r)))).toEqual(new Set(["2026-10-25"]));
  });
  it("uses the date part for daily and max-power readings", () => {
    expect(readingDay("consumption_daily", { date: "2026-09-29" })).toBe("2026-09-29");
    expect(readingDay("production_daily", { date: "2026-09-30" })).toBe("2026-09-30");
    expect(readingDay("consumption_max_power", { date: "2026-09-29 13:03:35" })).toBe("2026-09-29");
    expect(readingDay("consumption_max_power", { date: "2026-09-30 00:00:00" })).toBe("2026-09-30");
  });
});

describe("isSettled", () => {
  it("settles a day once it is more than 7 Paris days old", () => {
    const now = new Date("2026-10-15T10:00:00Z");
    expect(isSettled("2026-10-14", now)).toBe(false); // D-1: maybe not even published
    expect(isSettled("2026-10-13", now)).toBe(false); // D-2: late meters
    expect(isSettled("2026-10-08", now)).toBe(false);
    expect(isSettled("2026-10-07", now)).toBe(true);
    expect(isSettled("2025-01-01", now)).toBe(true);
  });
  it("counts in Paris days", () => {
    // 2026-10-15 22:30 UTC is already 2026-10-16 in Paris: 2026-10-08 is now 8 days old.
    expect(isSettled("2026-10-08", new Date("2026-10-15T21:59:00Z"))).toBe(false);
    expect(isSettled("2026-10-08", new Date("2026-10-15T22:30:00Z"))).toBe(true);
  });
});
