import { describe, expect, it } from "vitest";
import { offpeakRanges, pricingOptionOf, subscribedPowerKva } from "../../src/pdl/public-fields";

describe("MyElectricalData's PDL field types", () => {
  it.each([
    ["9 kVA", 9],
    ["12 kVA", 12],
    ["36kVA", 36],
    [" 6 KVA ", 6],
    ["9000 VA", 9],
    ["9", 9],
    ["4,5 kVA", 5],
    ["", null],
    [null, null],
    ["neuf kVA", null],
    ["0 kVA", null],
    ["9 kW", null],
  ] as const)("subscribed_power %j → %j", (text, expected) => {
    expect(subscribedPowerKva(text)).toBe(expected);
  });

  it.each([
    ["HC (22H30-6H30)", ["22:30-06:30"]],
    ["HC (23H00-7H00)", ["23:00-07:00"]],
    ["HC (2H00-7H00;14H00-17H00)", ["02:00-07:00", "14:00-17:00"]],
    ["HC (1H30-7H30; 12h30-14h30)", ["01:30-07:30", "12:30-14:30"]],
    ["22:30-06:30", ["22:30-06:30"]],
    ["HC (22H-6H)", ["22:00-06:00"]],
  ] as const)("offpeak_hours %j → ranges %j", (text, ranges) => {
    expect(offpeakRanges(text)).toEqual({ ranges });
  });

  it.each([null, "", "HC ()", "HC (soir)", "HC (22H30-6H30;n'importe)", "HC (25H00-6H00)"])("offpeak_hours %j → null (never a partial list)", (text) => {
    expect(offpeakRanges(text)).toBeNull();
  });

  it.each([
    ["BTINFCUST", null, "BASE"],
    ["BTINFCUST", "HC (22H30-6H30)", "BASE"],
    ["BTINFMU4", null, "HC_HP"],
    ["BTINFMUDT", null, "HC_HP"],
    ["BTINFCU4", "HC (22H30-6H30)", "HC_HP"],
    ["Tarif BT<=36kVA Courte Utilisation sans différenciation temporelle", null, "BASE"],
    ["Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses associées à deux saisons", null, "HC_HP"],
    [null, "HC (22H30-6H30)", "HC_HP"],
    ["BTINFLU", null, null],
    [null, null, null],
  ] as const)("pricing_option from tariff %j and off-peak %j → %j", (tariff, offpeak, expected) => {
    expect(pricingOptionOf(tariff, offpeak)).toBe(expected);
  });
});
