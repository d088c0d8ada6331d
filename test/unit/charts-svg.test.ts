import { describe, expect, it } from "vitest";
import { addDays } from "../../src/enedis/dates";
import { labelEvery, niceAxis } from "../../src/pages/charts/axis";
import { BarChart, barRects } from "../../src/pages/charts/bar-chart";
import { frDay, frMonth, frNumber } from "../../src/pages/charts/format";
import { PLOT, tickDigits } from "../../src/pages/charts/frame";
import { hourMarks, LoadCurveChart, offpeakRuns } from "../../src/pages/charts/load-curve-chart";
import { parseOffpeakHours } from "../../src/pages/charts/offpeak";
import { ShareBar } from "../../src/pages/charts/share-bar";

/** A day's half-hourly curve of `count` readings ending at 00:30, 01:00, … (46 and 50 make DST days). */
function curve(day: string, count: number, watts: (i: number) => number) {
  return Array.from({ length: count }, (_, i) => {
    const minutes = (i + 1) * 30;
    const date = minutes >= 1440 ? `${addDays(day, 1)} 00:00:00` : `${day} ${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}:00`;
    return { date, value: String(watts(i)), interval_length: "PT30M" };
  });
}

const count = (html: string, pattern: RegExp) => [...html.matchAll(pattern)].length;

describe("labels in French", () => {
  it("numbers with a decimal comma and thin spaces between thousands; dates and months", () => {
    expect([frNumber(1234.56), frNumber(0.25, 2), frNumber(1_000_000, 0), frNumber(-3.14159, 2), frNumber(-0.01, 1)]).toEqual(["1\u202f234,6", "0,25", "1\u202f000\u202f000", "-3,14", "0,0"]);
    expect(frDay("2026-11-20")).toBe("20/11/2026");
    expect([frMonth("2026-02"), frMonth("2026-08", true)]).toEqual(["févr. 2026", "août 26"]);
  });
});

describe("value axis", () => {
  it("starts at zero and ends on a round number just above the data", () => {
    const cases: [number, number[]][] = [
      [57.1, [0, 20, 40, 60]],
      [6.1, [0, 2, 4, 6, 8]],
      [9.9, [0, 2.5, 5, 7.5, 10]],
      [1437, [0, 500, 1000, 1500]],
      [0.8, [0, 0.2, 0.4, 0.6, 0.8]],
      [0, [0, 0.5, 1]],
    ];
    for (const [max, ticks] of cases) expect(niceAxis(max).ticks, String(max)).toEqual(ticks);
    expect([tickDigits(niceAxis(57)), tickDigits(niceAxis(9.9)), tickDigits(niceAxis(0.9))]).toEqual([0, 1, 2]);
    expect([labelEvery(30, 7), labelEvery(7, 7), labelEvery(12, 7)]).toEqual([5, 1, 2]);
  });
});

describe("bar chart", () => {
  it("places bars in proportion to their value, side by side per category, gaps for unknown values", () => {
    const axis = niceAxis(40);
    const rects = barRects(
      [
        [40, null, 20],
        [10, 5, null],
      ],
      axis,
    );
    expect(rects.map((r) => [r.category, r.series])).toEqual([
      [0, 0],
      [2, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(rects[0].height).toBeCloseTo(PLOT.height);
    expect(rects[1].height).toBeCloseTo(PLOT.height / 2);
    expect(rects[0].y + rects[0].height).toBeCloseTo(PLOT.y + PLOT.height);
    expect(rects[2].x).toBeCloseTo(rects[0].x + rects[0].width); // the second series beside the first
    expect(rects[3].x).toBeGreaterThan(rects[0].x);
  });

  it("renders axes, unit, labels, a tooltip and a link per bar, and the reference line", async () => {
    const categories = ["2026-11-01", "2026-11-02", "2026-11-03"].map((key) => ({ key, label: key.slice(8), tooltip: frDay(key), href: `/x?day=${key}` }));
    const html = String(
      await BarChart({
        id: "t",
        title: "Puissance",
        unit: "kVA",
        categories,
        series: [{ name: "Puissance max", className: "power", values: [5.12, null, 9.5] }],
        reference: { value: 9, label: "Souscrite : 9 kVA" },
        digits: 2,
      }),
    );
    expect(html).toContain('role="img"');
    expect(html).toContain(">kVA</text>");
    expect(count(html, /<rect class="bar power/g)).toBe(2);
    expect(count(html, /class="bar power over"/g)).toBe(1); // 9.5 kVA is above the subscribed 9 kVA
    expect(html).toContain("03/11/2026 — Puissance max : 9,50 kVA");
    expect(html).toContain('href="/x?day=2026-11-01"');
    expect(html).toContain("Souscrite : 9 kVA");
    expect(html).toMatch(/>10,0<\/text>/); // the axis reaches above the reference line
  });
});

describe("load curve of a day", () => {
  const hc = parseOffpeakHours("HC (22H30-6H30)");

  it("draws one bar per half-hour, DST days included (48, 46, 50), with hour marks every 3 hours", async () => {
    for (const n of [48, 46, 50]) {
      const readings = curve("2026-11-20", n, () => 1000);
      const html = String(await LoadCurveChart({ title: "t", consumption: readings, offpeak: hc }));
      expect(count(html, /<rect class="bar conso/g), `${n} half-hours`).toBe(n);
    }
    const marks = hourMarks(curve("2026-11-20", 48, () => 1));
    expect(marks.map((m) => m.label)).toEqual(["0 h", "3 h", "6 h", "9 h", "12 h", "15 h", "18 h", "21 h", "24 h"]);
    expect(marks.map((m) => m.index)).toEqual([0, 6, 12, 18, 24, 30, 36, 42, 48]);
  });

  it("shades the off-peak hours: 00:00–06:30 and 22:30–24:00 under HC (22H30-6H30)", () => {
    expect(offpeakRuns(curve("2026-11-20", 48, () => 1), hc)).toEqual([
      [0, 13],
      [45, 48],
    ]);
    expect(offpeakRuns(curve("2026-11-20", 48, () => 1), [])).toEqual([]);
  });

  it("writes each half-hour's slot and power, and a producer's curve as a line", async () => {
    const consumption = curve("2026-11-20", 48, (i) => (i === 47 ? 2500 : 500));
    const production = curve("2026-11-20", 48, (i) => (i > 20 && i < 30 ? 1500 : 0));
    const html = String(await LoadCurveChart({ title: "t", consumption, production, offpeak: hc }));
    expect(html).toContain("23:30–00:00 : 2,50 kW");
    expect(html).toContain("00:00–00:30 : 0,50 kW");
    expect(count(html, /<polyline class="line prod"/g)).toBe(1);
    expect(count(html, /class="bar conso offpeak"/g)).toBe(16);
  });
});

describe("off-peak share bar", () => {
  it("splits one bar by the share, with both percentages and kWh", async () => {
    const html = String(await ShareBar({ share: { offpeakWh: 38_000, totalWh: 100_000, share: 0.38, days: 30 } }));
    expect(html).toContain("HC 38 % · 38,0 kWh");
    expect(html).toContain("HP 62 % · 62,0 kWh");
    expect(html).toMatch(/class="share-off" x="0" y="0" width="182.4"/);
    expect(ShareBar({ share: { offpeakWh: 0, totalWh: 0, share: null, days: 0 } })).toBeNull();
  });
});
