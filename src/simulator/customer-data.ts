/**
 * Contract, address, identity and contact of a simulated point, in Enedis's shapes:
 * v5 (openapi/08…11) and Data Connect 2026 (situation_contrat_auto, synth_contrat_auto,
 * comptage_auto, donnees_generales_auto — as in fixtures/enedis_2026).
 */
import { parisMidnightMs, parisOffsetMinutes } from "./calendar";
import type { SimulatedHousehold, SimulatedUsagePoint } from "./households";

/** "+01:00" / "+02:00": the Paris offset on that day (v5 dates carry one, e.g. "2013-08-14+01:00"). */
function offsetOf(day: string, colon: boolean): string {
  const hours = parisOffsetMinutes(parisMidnightMs(day)) / 60;
  return `+0${hours}${colon ? ":" : ""}00`;
}

const v5Date = (day: string) => `${day}${offsetOf(day, true)}`;
/** 2026 dates: "2024-10-12T00:00:00+0200". */
const date2026 = (day: string) => `${day}T00:00:00${offsetOf(day, false)}`;

const v5UsagePoint = (point: SimulatedUsagePoint) => ({ usage_point_id: point.id, usage_point_status: "com", meter_type: "AMM" });

/** `/customers_upc/v5/usage_points`: every point of the household (the v1 consent's discovery). */
export function v5UsagePoints(household: SimulatedHousehold) {
  return { customer: { customer_id: household.customerId, usage_points: household.usagePoints.map((p) => ({ usage_point: v5UsagePoint(p) })) } };
}

export function v5Contract(household: SimulatedHousehold, point: SimulatedUsagePoint) {
  const contracts: Record<string, string> = {
    segment: "C5",
    subscribed_power: `${point.subscribedPowerKva} kVA`,
    last_activation_date: v5Date(point.activationDate),
    distribution_tariff: point.tariffCode,
  };
  if (point.offpeakHours) contracts.offpeak_hours = point.offpeakHours;
  Object.assign(contracts, { contract_type: "CRAE", contract_status: "SERVC", last_distribution_tariff_change_date: v5Date(point.activationDate) });
  return { customer: { customer_id: household.customerId, usage_points: [{ usage_point: v5UsagePoint(point), contracts }] } };
}

export function v5Address(household: SimulatedHousehold, point: SimulatedUsagePoint) {
  const a = point.address;
  return {
    customer: {
      customer_id: household.customerId,
      usage_points: [
        {
          usage_point: {
            ...v5UsagePoint(point),
            usage_point_addresses: {
              street: a.street,
              postal_code: a.postalCode,
              insee_code: a.inseeCode,
              city: a.city,
              country: "France",
              geo_points: { latitude: a.latitude, longitude: a.longitude, altitude: "0" },
            },
          },
        },
      ],
    },
  };
}

export function v5Identity(household: SimulatedHousehold) {
  return {
    customer_id: household.customerId,
    identity: { natural_person: { title: household.title, firstname: household.firstname, lastname: household.lastname } },
  };
}

export function v5Contact(household: SimulatedHousehold) {
  return { customer_id: household.customerId, contact: { phone: household.phone, email: household.email } };
}

const upper = (s: string) => s.toLocaleUpperCase("fr-FR");

/** `situation_contrat_auto/v1/{prm}`: a list; a self-consumer has a withdrawal (GRD-F, C5) and an injection (GRD-A, P4) contract. */
export function situationContrat(household: SimulatedHousehold, point: SimulatedUsagePoint) {
  const a = point.address;
  const customer = {
    customer: {
      adress: {
        line1: upper(`${household.title} ${household.firstname} ${household.lastname}`),
        line4: upper(a.street),
        line6: upper(`${a.postalCode} ${a.city}`),
        line7: "FRANCE",
      },
    },
  };
  const contactData = { email: household.email, phone: household.phone };
  const person = { title: household.title, lastname: upper(household.lastname), firstname: household.firstname };
  const contracts: unknown[] = [];
  if (point.consumption) {
    contracts.push({
      usage_point_id: point.id,
      contract_start: date2026(point.activationDate),
      contract_type: "Contrat GRD-F",
      contractor: "EDF",
      distribution_tariff: point.tariffLabel,
      subscribed_power: { unit: "kVA", value: String(point.subscribedPowerKva) },
      segment: "C5",
      customer,
      contact_data: contactData,
      person,
    });
  }
  if (point.solarPeakW) {
    contracts.push({
      usage_point_id: point.id,
      contract_start: date2026(point.productionActivationDate ?? point.activationDate),
      contract_type: "Contrat GRD-A",
      segment: "P4",
      customer,
      contact_data: { email: household.email },
      person,
    });
  }
  return contracts;
}

/** `synth_contrat_auto/v1/{prm}`. */
export function synthContrat(point: SimulatedUsagePoint) {
  const body: Record<string, unknown> = { segments: [] as Array<{ segment: string }> };
  const segments = body.segments as Array<{ segment: string }>;
  if (point.consumption) segments.push({ segment: "C5" });
  if (point.solarPeakW) {
    segments.push({ segment: "P4" });
    body.generation_last_activation_date = date2026(point.productionActivationDate ?? point.activationDate);
  }
  if (point.consumption) body.consumption_last_activation_date = date2026(point.activationDate);
  body.services_level = "Communicant (ouvert aux services)";
  return body;
}

/** `comptage_auto/v1/{prm}`: the meter and its off-peak relay programme. */
export function situationComptage(point: SimulatedUsagePoint) {
  return {
    dispositifComptage: { typeComptage: { code: "AMM", libelle: "Compteur Linky" } },
    compteurs: [{ numeroSerie: `0${point.id.slice(2)}`, regimePropriete: { code: "LOUE", libelle: "Loué" } }],
    relais: point.offpeakHours ? { plageHeuresCreuses: point.offpeakHours } : {},
  };
}

/** `donnees_generales_auto/v1/{prm}`: the installation's postal address. */
export function donneesGenerales(point: SimulatedUsagePoint) {
  const a = point.address;
  return { address: { number_street_name: upper(a.street), postal_code_city: upper(`${a.postalCode} ${a.city}`), insee_code: a.inseeCode } };
}
