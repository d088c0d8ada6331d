import { describe, expect, it } from "vitest";
import { resolveDay, resolvePeriod } from "../../src/pages/charts/period";

const TODAY = "2026-12-02";

describe("the period a chart shows", () => {
  it("presets end yesterday (today excluded, as in Enedis's ranges)", () => {
    expect(resolvePeriod({ period: "7d" }, TODAY)).toEqual({ key: "7d", range: { start: "2026-11-25", end: TODAY }, byMonth: false });
    expect(resolvePeriod({ period: "30d" }, TODAY)).toEqual({ key: "30d", range: { start: "2026-11-02", end: TODAY }, byMonth: false });
    expect(resolvePeriod({}, TODAY).key).toBe("30d");
  });

  it("12 months by month: the month of yesterday and the 11 before it", () => {
    expect(resolvePeriod({ period: "12m" }, TODAY)).toEqual({ key: "12m", range: { start: "2026-01-01", end: TODAY }, byMonth: true });
    // On the 1st, yesterday belongs to the previous month: 12 whole months.
    expect(resolvePeriod({ period: "12m" }, "2026-12-01").range).toEqual({ start: "2025-12-01", end: "2026-12-01" });
    expect(resolvePeriod({ period: "12m" }, "2026-03-31").range).toEqual({ start: "2025-04-01", end: "2026-03-31" });
  });

  it("a custom period includes its last day, is clamped to yesterday, and is drawn by month when long", () => {
    expect(resolvePeriod({ period: "custom", start: "2026-10-01", end: "2026-10-31" }, TODAY)).toEqual({
      key: "custom",
      range: { start: "2026-10-01", end: "2026-11-01" },
      byMonth: false,
    });
    expect(resolvePeriod({ period: "custom", start: "2026-11-20", end: "2026-12-25" }, TODAY).range).toEqual({ start: "2026-11-20", end: TODAY });
    expect(resolvePeriod({ period: "custom", start: "2026-09-01", end: "2026-11-01" }, TODAY).byMonth).toBe(false); // 62 days
    expect(resolvePeriod({ period: "custom", start: "2026-09-01", end: "2026-11-02" }, TODAY).byMonth).toBe(true); // 63 days
  });

  it("an unusable custom period falls back to 30 days and says why, in French", () => {
    const cases: [string | undefined, string | undefined, RegExp][] = [
      [undefined, "2026-11-01", /Choisissez deux dates/],
      ["2026-02-30", "2026-03-01", /Choisissez deux dates/],
      ["2026-11-10", "2026-11-01", /doit précéder/],
      ["2026-12-02", "2026-12-05", /s'arrêtent à la veille \(2026-12-01\)/],
      ["2020-01-01", "2020-02-01", /ne remonte pas avant le 2023-11-17/],
      ["2025-01-01", "2026-11-30", /366 jours au plus/],
    ];
    for (const [start, end, message] of cases) {
      const p = resolvePeriod({ period: "custom", start, end }, TODAY);
      expect(p.key, `${start}…${end}`).toBe("30d");
      expect(p.warning).toMatch(message);
    }
  });

  it("the day of the load curve: the one asked when Enedis can have it, else the period's last day", () => {
    const p = resolvePeriod({ period: "30d" }, TODAY);
    expect(resolveDay(undefined, p, TODAY)).toBe("2026-12-01");
    expect(resolveDay("2026-11-15", p, TODAY)).toBe("2026-11-15");
    expect(resolveDay("2025-06-15", p, TODAY)).toBe("2025-06-15"); // outside the period, inside the load curve's history
    for (const bad of [TODAY, "2026-12-10", "2024-11-01", "2026-13-01", "hier"]) expect(resolveDay(bad, p, TODAY), bad).toBe("2026-12-01");
  });
});
