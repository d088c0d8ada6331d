import { describe, expect, it } from "vitest";
import situationSelfConsumer from "../fixtures/enedis/situation_contrat_autoconsommation.json";
import situationConsumer from "../fixtures/enedis/situation_contrat_consommateur.json";
import synthSelfConsumer from "../fixtures/enedis/synth_contrat_autoconsommation.json";
import synthConsumer from "../fixtures/enedis/synth_contrat_consommateur.json";
import { contractSummary } from "../../src/enedis/contract-summary";
import { contractToV5 } from "../../src/enedis/convert";

const metering = { relais: { plageHeuresCreuses: "HC (22H30-6H30)" } };
const v5Contract = (contracts: Record<string, string>) => ({
  customer: { customer_id: "1358019319", usage_points: [{ usage_point: { usage_point_id: "12345678910123" }, contracts }] },
});

describe("contractSummary", () => {
  it("summarises a 2026 consumer", () => {
    expect(contractSummary(contractToV5("99999999999991", situationConsumer, synthConsumer, metering))).toEqual({
      subscribedPower: "12 kVA",
      offpeakHours: "HC (22H30-6H30)",
      hasConsumption: true,
      hasProduction: false,
      activationDate: "2018-08-31", // consumption_last_activation_date, whatever its offset
      pricingOption: "HC_HP", // the 2026 tariff label says "heures pleines heures creuses"
    });
  });

  it("sees both directions of a 2026 self-consumer", () => {
    expect(contractSummary(contractToV5("99999999999992", situationSelfConsumer, synthSelfConsumer))).toEqual({
      subscribedPower: "12 kVA",
      offpeakHours: null,
      hasConsumption: true,
      hasProduction: true,
      activationDate: "2014-01-22", // the withdrawal contract's: production started later, and asking earlier is harmless
      pricingOption: "HC_HP",
    });
  });

  it("reads Enedis's v5 example contract", () => {
    expect(contractSummary(v5Contract({ segment: "C5", subscribed_power: "9 kVA", offpeak_hours: "HC (23h00-7h30)", contract_type: "CARD-S" }))).toEqual({
      subscribedPower: "9 kVA",
      offpeakHours: "HC (23h00-7h30)",
      hasConsumption: true,
      hasProduction: false,
      activationDate: null,
      pricingOption: "HC_HP", // no tariff code, but off-peak hours
    });
    expect(contractSummary(v5Contract({ segment: "C5", subscribed_power: "6 kVA", distribution_tariff: "BTINFCUST" })).pricingOption).toBe("BASE");
  });

  it("recognises a v5 production-only point by segment or contract type", () => {
    for (const contracts of [{ segment: "P4" }, { contract_type: "CRAE" }, { contract_type: "CARD-I" }] as Array<Record<string, string>>) {
      const s = contractSummary(v5Contract(contracts));
      expect(s.hasProduction).toBe(true);
    }
    expect(contractSummary(v5Contract({ segment: "P4", contract_type: "CRAE" }))).toMatchObject({ hasConsumption: false, hasProduction: true });
  });

  it("defaults to a consumer with nothing known on an empty or unreadable answer", () => {
    for (const answer of [undefined, {}, { customer: { usage_points: [] } }, "garbage"]) {
      expect(contractSummary(answer)).toEqual({ subscribedPower: null, offpeakHours: null, hasConsumption: true, hasProduction: false, activationDate: null, pricingOption: null });
    }
  });
});
