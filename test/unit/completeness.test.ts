import { describe, expect, it } from "vitest";
import { isCompleteDay, parisDayMinutes } from "../../src/mirror/completeness";

const halfHours = (n: number) => Array.from({ length: n }, (_, i) => ({ value: "100", date: `x${i}`, interval_length: "PT30M" }));

describe("what counts as a complete day (cacheable)", () => {
  it("knows the length of Paris days, DST included", () => {
    expect(parisDayMinutes("2026-06-01")).toBe(1440);
    expect(parisDayMinutes("2026-03-29")).toBe(1380);
    expect(parisDayMinutes("2026-10-25")).toBe(1500);
    expect(parisDayMinutes("2026-10-26")).toBe(1440);
  });

  it("a load-curve day needs every half-hour of its local day; a daily series needs one reading", () => {
    expect(isCompleteDay("consumption_load_curve", "2026-06-01", halfHours(48))).toBe(true);
    expect(isCompleteDay("consumption_load_curve", "2026-06-01", halfHours(47))).toBe(false);
    expect(isCompleteDay("consumption_load_curve", "2026-03-29", halfHours(46))).toBe(true);
    expect(isCompleteDay("production_load_curve", "2026-10-25", halfHours(48))).toBe(false);
    expect(isCompleteDay("production_load_curve", "2026-10-25", halfHours(50))).toBe(true);
    expect(isCompleteDay("consumption_daily", "2026-06-01", halfHours(1))).toBe(true);
    expect(isCompleteDay("consumption_daily", "2026-06-01", [])).toBe(false);
  });
});
