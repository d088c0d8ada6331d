import { describe, expect, it } from "vitest";
import { csvCell, meterReadingToCsv } from "../../src/mirror/csv";
import type { MeterReading } from "../../src/enedis/types";

describe("CSV cells (SECURITY.md property 6: no formula injection)", () => {
  it("prefixes a single quote to every cell a spreadsheet would read as a formula", () => {
    const cases: Array<[string, string]> = [
      ["=1+1", "'=1+1"],
      ["+33", "'+33"],
      ["-2", "'-2"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["\tcmd", "'\tcmd"],
      ["=HYPERLINK(\"http://x\")", `"'=HYPERLINK(""http://x"")"`],
      ["\r=1", `"'\r=1"`],
    ];
    for (const [input, expected] of cases) expect(csvCell(input), JSON.stringify(input)).toBe(expected);
  });

  it("leaves ordinary cells as they are and quotes only what RFC 4180 requires", () => {
    const cases: Array<[string, string]> = [
      ["09100000000001", "09100000000001"],
      ["2026-01-01", "2026-01-01"],
      ["1234", "1234"],
      ["", ""],
      ["a,b", `"a,b"`],
      ['say "hi"', `"say ""hi"""`],
      ["line\nbreak", `"line\nbreak"`],
      ["1=1", "1=1"],
    ];
    for (const [input, expected] of cases) expect(csvCell(input), JSON.stringify(input)).toBe(expected);
  });

  it("neutralises hostile values in a whole series, header included", () => {
    const reading = {
      usage_point_id: "09100000000001",
      start: "2026-01-01",
      end: "2026-01-03",
      quality: "BRUT",
      reading_type: { unit: "Wh", measurement_kind: "energy", aggregate: "sum" },
      interval_reading: [
        { value: "=cmd|' /C calc'!A0", date: "2026-01-01", interval_length: "P1D" },
        { value: "1500", date: "@2026-01-02" },
      ],
    } as unknown as MeterReading;
    expect(meterReadingToCsv(reading).split("\r\n")).toEqual([
      "usage_point_id,date,value_Wh,interval_length",
      "09100000000001,2026-01-01,'=cmd|' /C calc'!A0,P1D",
      "09100000000001,'@2026-01-02,1500,",
      "",
    ]);
  });
});
