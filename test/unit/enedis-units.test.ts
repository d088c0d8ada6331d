import { describe, expect, it } from "vitest";
import { EnedisUpstreamError } from "../../src/enedis/errors";
import { formatScaled, parseDecimal, parseUnit, valueScaler, type BaseUnit } from "../../src/enedis/units";

describe("parseUnit", () => {
  // [unite, base, power of ten]
  const KNOWN: Array<[string, BaseUnit, number]> = [
    ["W", "W", 0],
    ["kW", "W", 3],
    ["KW", "W", 3],
    ["MW", "W", 6],
    ["VA", "VA", 0],
    ["kVA", "VA", 3],
    ["KVA", "VA", 3],
    ["Wh", "Wh", 0],
    ["WH", "Wh", 0],
    ["kWh", "Wh", 3],
    ["KWH", "Wh", 3],
    ["MWh", "Wh", 6],
    [" kWh ", "Wh", 3],
  ];
  it.each(KNOWN)("%s → %s × 10^%i", (unit, base, exponent) => {
    expect(parseUnit(unit)).toEqual({ base, exponent });
  });
  it.each(["", "mWh", "GWh", "kvar", "VAR", "A", "°C", "kWhh", "k", "kk W"])("does not understand %j", (unit) => {
    expect(parseUnit(unit)).toBeUndefined();
  });
});

describe("exact decimal scaling", () => {
  // [value, power of ten, result]
  const CASES: Array<[string, number, string]> = [
    ["4.68", 3, "4680"],
    ["12.345", 3, "12345"],
    ["0.0005", 3, "0.5"],
    ["1.1", 3, "1100"],
    ["0.1", 6, "100000"],
    ["540", 0, "540"],
    ["540", 3, "540000"],
    ["0", 3, "0"],
    ["-0.5", 3, "-500"],
    ["-0", 0, "0"],
    ["+7", 0, "7"],
    ["12.50", 0, "12.5"],
    ["0540", 0, "540"],
    [".5", 0, "0.5"],
    ["5.", 3, "5000"],
    ["4,68", 3, "4680"],
    ["1e3", 0, "1000"],
    ["1.5E-3", 3, "1.5"],
    ["1e-7", 0, "0.0000001"],
    ["0.000001", 3, "0.001"],
    ["123456789012345678901.5", 3, "123456789012345678901500"],
  ];
  it.each(CASES)("%s × 10^%i = %s", (value, exponent, expected) => {
    const d = parseDecimal(value);
    expect(d).toBeDefined();
    expect(formatScaled(d!, exponent)).toBe(expected);
  });

  it("reads JSON numbers too, through their shortest decimal form", () => {
    expect(formatScaled(parseDecimal(4.68)!, 3)).toBe("4680");
    expect(formatScaled(parseDecimal(1e21)!, 0)).toBe("1000000000000000000000");
  });

  it.each([null, undefined, "", " ", "NaN", "abc", "12 kWh", "1.2.3", "--1", "-", ".", true, {}, [], Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses %j",
    (value) => {
      expect(parseDecimal(value)).toBeUndefined();
    },
  );
});

describe("valueScaler", () => {
  it("scales prefixed units to the series' base unit", () => {
    expect(valueScaler("kVA", "VA")("4.68")).toBe("4680");
    expect(valueScaler("kWh", "Wh")("12.345")).toBe("12345");
    expect(valueScaler("MWh", "Wh")("0.012")).toBe("12000");
    expect(valueScaler("kW", "W")("0.25")).toBe("250");
  });

  it("keeps base units unchanged, and reads an absent unit as the series' own", () => {
    expect(valueScaler("W", "W")("4078")).toBe("4078");
    expect(valueScaler("VA", "VA")("6510")).toBe("6510");
    expect(valueScaler(undefined, "Wh")("33495")).toBe("33495");
  });

  it("answers undefined for a value that is not a number (the caller skips that point)", () => {
    const scale = valueScaler("kWh", "Wh");
    expect(scale(null)).toBeUndefined();
    expect(scale(undefined)).toBeUndefined();
    expect(scale("n/a")).toBeUndefined();
  });

  // [unite, series unit]
  const REFUSED: Array<[string, BaseUnit]> = [
    ["Wh", "W"],
    ["kWh", "W"],
    ["W", "VA"],
    ["kVA", "Wh"],
    ["VA", "W"],
    ["kvar", "W"],
    ["mWh", "Wh"],
    ["GWh", "Wh"],
  ];
  it.each(REFUSED)("refuses %s for a series in %s with a French message naming the unit", (unit, expected) => {
    let err: unknown;
    try {
      valueScaler(unit, expected);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnedisUpstreamError);
    const e = err as EnedisUpstreamError;
    expect(e.status).toBe(502);
    expect(e.code).toBe("ENEDIS_UNAVAILABLE");
    expect(e.upstreamCode).toBe("unit");
    expect(e.message).toContain(`« ${unit} »`);
    expect(e.message).toContain(expected);
  });
});
