import { describe, expect, it } from "vitest";
import generalData from "../fixtures/enedis/donnees_generales.json";
import dailyConsumption from "../fixtures/enedis/mesure_consommation_quotidienne.json";
import loadCurveConsumption from "../fixtures/enedis/mesure_courbe_de_charge_consommation.json";
import loadCurveProduction from "../fixtures/enedis/mesure_courbe_de_charge_production.json";
import dailyProduction from "../fixtures/enedis/mesure_production_quotidienne.json";
import maxPower from "../fixtures/enedis/mesure_puissance_conso_max_quotidienne.json";
import situationSelfConsumer from "../fixtures/enedis/situation_contrat_autoconsommation.json";
import situationConsumer from "../fixtures/enedis/situation_contrat_consommateur.json";
import synthSelfConsumer from "../fixtures/enedis/synth_contrat_autoconsommation.json";
import synthConsumer from "../fixtures/enedis/synth_contrat_consommateur.json";
import v5LoadCurve from "../fixtures/enedis/v5_consumption_load_curve.json";
import {
  addressToV5,
  contactToV5,
  contractToV5,
  identityToV5,
  measurementToMeterReading,
  toV5Date,
  toV5OffpeakHours,
} from "../../src/enedis/convert";
import { EnedisUpstreamError } from "../../src/enedis/errors";

const CONSUMER = "99999999999991";
const PRODUCER = "99999999999992";
const asked = (usagePointId: string) => ({ usagePointId, start: "2026-09-29", end: "2026-10-01" });
/** A comptage_auto answer (no anonymised fixture exists): Linky meter, programmed off-peak hours. */
const metering = { dispositifComptage: { typeComptage: { code: "AMM", libelle: "Compteur Linky" } }, relais: { plageHeuresCreuses: "HC (22H30-6H30)" } };

describe("2026 measurements → v5 meter_reading", () => {
  it("converts the consumption load curve into exactly Enedis's v5 answer for the same days", () => {
    const reading = measurementToMeterReading("consumption_load_curve", loadCurveConsumption, asked(CONSUMER));
    expect(reading.interval_reading).toHaveLength(96);
    expect(reading).toStrictEqual(v5LoadCurve.meter_reading);
  });

  it("converts the production load curve from the PROD series", () => {
    const reading = measurementToMeterReading("production_load_curve", loadCurveProduction, asked(PRODUCER));
    expect(reading.usage_point_id).toBe(PRODUCER);
    expect(reading.reading_type).toEqual({ unit: "W", measurement_kind: "power", aggregate: "average" });
    expect(reading.interval_reading).toHaveLength(loadCurveProduction.grandeur[0].points.length);
    expect(reading.interval_reading[0]).toStrictEqual({ value: "0", date: "2026-09-29 00:30:00", interval_length: "PT30M", measure_type: "B" });
    const noon = reading.interval_reading.find((r) => r.date === "2026-09-29 13:00:00");
    expect(noon?.value).toBe(loadCurveProduction.grandeur[0].points.find((p) => p.d === "2026-09-29 13:00:00")?.v);
  });

  it("converts daily consumption and production (Wh, sum, P1D)", () => {
    expect(measurementToMeterReading("consumption_daily", dailyConsumption, asked(CONSUMER))).toStrictEqual({
      usage_point_id: CONSUMER,
      start: "2026-09-29",
      end: "2026-10-01",
      quality: "BRUT",
      reading_type: { unit: "Wh", measurement_kind: "energy", aggregate: "sum", measuring_period: "P1D" },
      interval_reading: [
        { value: "33495", date: "2026-09-29" },
        { value: "38022", date: "2026-09-30" },
      ],
    });
    expect(measurementToMeterReading("production_daily", dailyProduction, asked(PRODUCER)).interval_reading).toStrictEqual([
      { value: "8263", date: "2026-09-29" },
      { value: "941", date: "2026-09-30" },
    ]);
  });

  it("converts daily max power (VA, maximum) keeping the time it was reached", () => {
    const reading = measurementToMeterReading("consumption_max_power", maxPower, asked(CONSUMER));
    expect(reading.reading_type).toEqual({ unit: "VA", measurement_kind: "power", aggregate: "maximum", measuring_period: "P1D" });
    expect(reading.interval_reading).toStrictEqual([
      { value: "4680", date: "2026-09-29 13:03:35" },
      { value: "6510", date: "2026-09-30 12:50:25" },
    ]);
  });

  it("keeps only the asked direction and PMA out of a per-phase answer", () => {
    expect(measurementToMeterReading("consumption_daily", dailyProduction, asked(PRODUCER)).interval_reading).toEqual([]);
    const perPhase = {
      ...maxPower,
      grandeur: [
        { grandeurMetier: "CONS", grandeurPhysique: "PMA1", unite: "VA", points: [{ v: "1", d: "2026-09-29 10:00:00" }] },
        ...maxPower.grandeur,
      ],
    };
    expect(measurementToMeterReading("consumption_max_power", perPhase, asked(CONSUMER)).interval_reading[0].value).toBe("4680");
  });

  it("quality follows etapeMetier (corrected data is BEST)", () => {
    expect(measurementToMeterReading("consumption_daily", { ...dailyConsumption, etapeMetier: "BEST" }, asked(CONSUMER)).quality).toBe("BEST");
  });

  it("scales prefixed units to v5's base units, exactly", () => {
    const inKva = { ...maxPower, grandeur: maxPower.grandeur.map((g) => ({ ...g, unite: "kVA", points: [{ v: "4.68", d: "2026-09-29 13:03:35" }, { v: "6.51", d: "2026-09-30 12:50:25" }] })) };
    expect(measurementToMeterReading("consumption_max_power", inKva, asked(CONSUMER)).interval_reading).toStrictEqual([
      { value: "4680", date: "2026-09-29 13:03:35" },
      { value: "6510", date: "2026-09-30 12:50:25" },
    ]);
    const inKwh = { ...dailyConsumption, grandeur: dailyConsumption.grandeur.map((g) => ({ ...g, unite: "kWh", points: [{ v: "33.495", d: "2026-09-29" }, { v: "0.0005", d: "2026-09-30" }] })) };
    expect(measurementToMeterReading("consumption_daily", inKwh, asked(CONSUMER)).interval_reading).toStrictEqual([
      { value: "33495", date: "2026-09-29" },
      { value: "0.5", date: "2026-09-30" },
    ]);
    const inKw = { ...loadCurveConsumption, grandeur: loadCurveConsumption.grandeur.map((g) => ({ ...g, unite: "kW", points: [{ v: "4.078", d: "2026-09-29 00:30:00", p: "PT30M", n: "B" }] })) };
    expect(measurementToMeterReading("consumption_load_curve", inKw, asked(CONSUMER)).interval_reading).toStrictEqual([
      { value: "4078", date: "2026-09-29 00:30:00", interval_length: "PT30M", measure_type: "B" },
    ]);
  });

  it("refuses a unit of the wrong dimension or an unknown unit, naming it, rather than publish a wrong number", () => {
    const withUnit = (unite: string) => ({ ...loadCurveConsumption, grandeur: loadCurveConsumption.grandeur.map((g) => ({ ...g, unite })) });
    for (const unite of ["Wh", "kWh", "VA", "kvar", "furlongs"]) {
      let err: unknown;
      try {
        measurementToMeterReading("consumption_load_curve", withUnit(unite), asked(CONSUMER));
      } catch (e) {
        err = e;
      }
      expect(err, unite).toBeInstanceOf(EnedisUpstreamError);
      expect((err as EnedisUpstreamError).code).toBe("ENEDIS_UNAVAILABLE");
      expect((err as EnedisUpstreamError).status).toBe(502);
      expect((err as EnedisUpstreamError).message).toContain(`« ${unite} »`);
    }
  });

  it("skips points whose value is null, missing or not a number, keeping the others", () => {
    const points = [
      { v: "100", d: "2026-09-29 00:30:00", p: "PT30M", n: "B" },
      { v: null, d: "2026-09-29 01:00:00", p: "PT30M", n: "B" },
      { d: "2026-09-29 01:30:00", p: "PT30M" },
      { v: "", d: "2026-09-29 02:00:00" },
      { v: "n/a", d: "2026-09-29 02:30:00" },
      { v: { x: 1 }, d: "2026-09-29 03:00:00" },
      { v: "200" }, // no date: cannot be placed
      null,
      "garbage",
      { v: 300, d: "2026-09-29 03:30:00", p: "PT30M", n: "B" },
    ];
    const body = { ...loadCurveConsumption, grandeur: [{ grandeurMetier: "CONS", grandeurPhysique: "PA", unite: "W", points }] };
    expect(measurementToMeterReading("consumption_load_curve", body, asked(CONSUMER)).interval_reading).toStrictEqual([
      { value: "100", date: "2026-09-29 00:30:00", interval_length: "PT30M", measure_type: "B" },
      { value: "300", date: "2026-09-29 03:30:00", interval_length: "PT30M", measure_type: "B" },
    ]);
  });

  it("refuses an answer that is not a measurement", () => {
    expect(() => measurementToMeterReading("consumption_daily", { grandeur: "nope" }, asked(CONSUMER))).toThrow(EnedisUpstreamError);
  });
});

describe("2026 contract → v5 contract", () => {
  it("combines situation, synthesis and metering for a consumer", () => {
    expect(contractToV5(CONSUMER, situationConsumer, synthConsumer, metering)).toStrictEqual({
      customer: {
        usage_points: [
          {
            usage_point: { usage_point_id: CONSUMER, usage_point_status: "com", meter_type: "AMM" },
            contracts: {
              segment: "C5",
              subscribed_power: "12 kVA",
              last_activation_date: "2018-08-31+02:00",
              distribution_tariff: "BTINFMU4",
              distribution_tariff_label: "Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses associées à deux saisons",
              offpeak_hours: "HC (22H30-6H30)",
              contract_type: "Contrat GRD-F",
            },
          },
        ],
      },
    });
  });

  it("keeps a self-consumer's withdrawal contract in `contracts` and its injection contract in `other_contracts`", () => {
    const v5 = contractToV5(PRODUCER, situationSelfConsumer, synthSelfConsumer, metering) as {
      customer: { usage_points: Array<{ contracts: Record<string, string>; other_contracts: Array<Record<string, string>> }> };
    };
    const [entry] = v5.customer.usage_points;
    expect(entry.contracts).toMatchObject({ segment: "C5", subscribed_power: "12 kVA", last_activation_date: "2014-01-22+01:00", offpeak_hours: "HC (22H30-6H30)" });
    expect(entry.other_contracts).toStrictEqual([{ segment: "P4", last_activation_date: "2024-07-31+02:00", contract_type: "Contrat GRD-A" }]);
    expect(entry.contracts).toMatchObject({ distribution_tariff: "BTINFMU4", distribution_tariff_label: situationSelfConsumer[0].distribution_tariff });
  });

  it("keeps an unknown tariff label without inventing a code", () => {
    const label = "Tarif BT<=36kVA option inconnue";
    const situation = [{ ...situationConsumer[0], distribution_tariff: label }];
    const v5 = contractToV5(CONSUMER, situation, synthConsumer) as { customer: { usage_points: Array<{ contracts: Record<string, string> }> } };
    expect(v5.customer.usage_points[0].contracts.distribution_tariff_label).toBe(label);
    expect(v5.customer.usage_points[0].contracts).not.toHaveProperty("distribution_tariff");
  });

  it("answers without off-peak hours or meter type when comptage_auto gave nothing", () => {
    const v5 = contractToV5(CONSUMER, situationConsumer, synthConsumer) as { customer: { usage_points: Array<{ usage_point: object; contracts: object }> } };
    expect(v5.customer.usage_points[0].contracts).not.toHaveProperty("offpeak_hours");
    expect(v5.customer.usage_points[0].usage_point).toStrictEqual({ usage_point_id: CONSUMER, usage_point_status: "com" });
  });

  it("writes dates and off-peak hours the v5 way", () => {
    expect(toV5Date("2024-07-31T00:00:00+0200")).toBe("2024-07-31+02:00");
    expect(toV5Date("2014-01-22T00:00:00+0100")).toBe("2014-01-22+01:00");
    expect(toV5Date("2014-01-22T00:00:00Z")).toBe("2014-01-22+00:00");
    expect(toV5Date("2014-01-22")).toBe("2014-01-22");
    expect(toV5OffpeakHours("22H30-6H30")).toBe("HC (22H30-6H30)");
    expect(toV5OffpeakHours("HC (2H00-7H00;14H00-15H00)")).toBe("HC (2H00-7H00;14H00-15H00)");
    expect(toV5OffpeakHours("  ")).toBeUndefined();
  });
});

describe("2026 address, identity, contact → v5", () => {
  it("converts the address, splitting postal code and city when they can be told apart", () => {
    expect(addressToV5(CONSUMER, generalData)).toStrictEqual({
      customer: {
        usage_points: [
          { usage_point: { usage_point_id: CONSUMER, usage_point_addresses: { street: "<masque>", insee_code: "<masque>", city: "<masque>", country: "France" } } },
        ],
      },
    });
    const clear = { address: { number_street_name: "2 RUE DES LILAS", postal_code_city: "32400 MAULICHERES", insee_code: "32244", building: "B" } };
    expect(addressToV5(CONSUMER, clear)).toMatchObject({
      customer: { usage_points: [{ usage_point: { usage_point_addresses: { street: "2 RUE DES LILAS", postal_code: "32400", city: "MAULICHERES", insee_code: "32244", building: "B" } } }] },
    });
  });

  it("takes identity from the withdrawal contract's person", () => {
    expect(identityToV5(situationConsumer)).toStrictEqual({ identity: { natural_person: { title: "<masque>", firstname: "<masque>", lastname: "<masque>" } } });
    const named = [{ contract_type: "Contrat GRD-A", segment: "P4", person: { firstname: "Paul" } }, { contract_type: "Contrat GRD-F", segment: "C5", person: { firstname: "Sandra", lastname: "Thie", title: "Mme" } }];
    expect(identityToV5(named)).toStrictEqual({ identity: { natural_person: { title: "Mme", firstname: "Sandra", lastname: "Thie" } } });
    expect(identityToV5([{ organization: { name: "SCI Les Lilas", siret_number: "12345678900011" } }])).toStrictEqual({
      identity: { legal_entity: { name: "SCI Les Lilas", siret_number: "12345678900011" } },
    });
  });

  it("takes contact data from the same contract, mobile first", () => {
    expect(contactToV5(situationConsumer)).toStrictEqual({ contact: { phone: "<masque>", landline: "<masque>" } });
    expect(contactToV5([{ contact_data: { landline: "0245323491", email: "a@b.test" } }])).toStrictEqual({ contact: { phone: "0245323491", email: "a@b.test" } });
    expect(contactToV5([{ contact_data: { landline: "0245323491", phone: "0601020304" } }])).toStrictEqual({ contact: { phone: "0601020304", landline: "0245323491" } });
  });

  it("refuses a situation that is not a list of contracts", () => {
    expect(() => identityToV5({ person: {} })).toThrow(EnedisUpstreamError);
  });
});
