import { describe, expect, it } from "vitest";
import { csvCell, round, toCsv } from "../../src/pages/charts/csv";
import { consentState, lastErrorText } from "../../src/pages/charts/consent-state";

describe("CSV for a French spreadsheet", () => {
  it("neutralises a cell starting with = + - @ with a leading single quote", () => {
    const cases: [string, string][] = [
      ["=HYPERLINK(\"http://x\")", `"'=HYPERLINK(""http://x"")"`],
      ["+33 6", "'+33 6"],
      ["-2+3", "'-2+3"],
      ["@SUM(A1)", "'@SUM(A1)"],
      ["2026-11-20", "2026-11-20"],
      ["oui", "oui"],
      [" =1", " =1"],
    ];
    for (const [input, expected] of cases) expect(csvCell(input), input).toBe(expected);
  });

  it("quotes separators and quotes, writes decimal commas, leaves unknown values empty", () => {
    expect(csvCell("a;b")).toBe('"a;b"');
    expect(csvCell('dit "bonjour"')).toBe('"dit ""bonjour"""');
    expect(csvCell("ligne\nsuivante")).toBe('"ligne\nsuivante"');
    expect(csvCell(12.5)).toBe("12,5");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(null)).toBe("");
    expect(round(0.1 + 0.2, 3)).toBe(0.3);
    expect(round(null, 3)).toBeNull();
  });

  it("a file: BOM, header, one line per row, CRLF", () => {
    expect(toCsv(["date", "kWh"], [["2026-11-20", 1.25], ["=2+2", null]])).toBe("\uFEFFdate;kWh\r\n2026-11-20;1,25\r\n'=2+2;\r\n");
  });
});

describe("consent state and last error", () => {
  const now = new Date("2026-12-02T10:00:00Z");
  it("valid until its end date unless Enedis refused the PDL since", () => {
    expect(consentState({ consentExpiresAt: "2029-12-02T00:00:00.000Z", lastError: null }, now)).toEqual({ valid: true, until: "2029-12-02" });
    expect(consentState({ consentExpiresAt: "2029-12-02T00:00:00.000Z", lastError: "ENEDIS_UNAVAILABLE" }, now).valid).toBe(true);
    expect(consentState({ consentExpiresAt: "2029-12-02T00:00:00.000Z", lastError: "CONSENT_REQUIRED" }, now).valid).toBe(false);
    expect(consentState({ consentExpiresAt: "2029-12-02T00:00:00.000Z", lastError: "NOT_OWNER" }, now).valid).toBe(false);
    expect(consentState({ consentExpiresAt: "2026-12-01T00:00:00.000Z", lastError: null }, now)).toEqual({ valid: false, until: "2026-12-01" });
    expect(consentState({ consentExpiresAt: null, lastError: null }, now)).toEqual({ valid: false, until: null });
  });

  it("every recorded error code reads as plain French", () => {
    expect(lastErrorText(null)).toBeNull();
    for (const code of ["CONSENT_REQUIRED", "NOT_OWNER", "ENEDIS_UNAVAILABLE", "OFFPEAK_UNAVAILABLE", "SOMETHING_NEW"]) {
      const text = lastErrorText(code)!;
      expect(text, code).toMatch(/Enedis/);
      expect(text, code).not.toContain(code);
    }
    expect(lastErrorText("OFFPEAK_UNAVAILABLE")).toMatch(/heures creuses/);
    expect(lastErrorText("NOT_OWNER")).toMatch(/plus à votre nom/);
  });
});
