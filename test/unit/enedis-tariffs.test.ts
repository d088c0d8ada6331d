import { describe, expect, it } from "vitest";
import situationConsumer from "../fixtures/enedis/situation_contrat_consommateur.json";
import { DISTRIBUTION_TARIFF_CODES, distributionTariffFields, normaliseTariffLabel } from "../../src/enedis/tariffs";
import { SIMULATED_HOUSEHOLDS } from "../../src/simulator/households";

describe("distributionTariffFields", () => {
  it("maps every label of the table to its code and keeps the label", () => {
    for (const [label, code] of Object.entries(DISTRIBUTION_TARIFF_CODES)) {
      expect(distributionTariffFields(label)).toStrictEqual({ distribution_tariff: code, distribution_tariff_label: label });
    }
  });

  it("maps the label of Enedis's anonymised answer", () => {
    const label = situationConsumer[0].distribution_tariff;
    expect(distributionTariffFields(label)).toStrictEqual({ distribution_tariff: "BTINFMU4", distribution_tariff_label: label });
  });

  it("maps every label the simulator serves to the code its v5 side serves", () => {
    for (const point of SIMULATED_HOUSEHOLDS.flatMap((h) => h.usagePoints)) {
      expect(distributionTariffFields(point.tariffLabel).distribution_tariff).toBe(point.tariffCode);
    }
  });

  it("reads a label whatever its case, accents, spacing or ≤ sign", () => {
    expect(distributionTariffFields("tarif BT ≤ 36 kVA courte utilisation  sans differenciation temporelle").distribution_tariff).toBe("BTINFCUST");
    expect(distributionTariffFields("  TARIF BT<=36KVA MOYENNE UTILISATION HEURES PLEINES HEURES CREUSES ASSOCIÉES À DEUX SAISONS ").distribution_tariff).toBe("BTINFMU4");
    expect(normaliseTariffLabel("Tarif BT ≤ 36 kVA Éé")).toBe("tarif bt<=36kva ee");
  });

  it("never guesses: an unknown label keeps only the label", () => {
    for (const label of [
      "Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses associées à deux saisons et pointe mobile",
      "Tarif BT>36kVA Courte Utilisation",
      "Tarif HTA 5 postes",
    ]) {
      expect(distributionTariffFields(label)).toStrictEqual({ distribution_tariff_label: label });
    }
  });

  it("passes a code through as a code, and gives nothing for nothing", () => {
    expect(distributionTariffFields("BTINFMU4")).toStrictEqual({ distribution_tariff: "BTINFMU4" });
    expect(distributionTariffFields("BTSUPCU4")).toStrictEqual({ distribution_tariff: "BTSUPCU4" });
    expect(distributionTariffFields(undefined)).toStrictEqual({});
    expect(distributionTariffFields("  ")).toStrictEqual({});
  });
});
