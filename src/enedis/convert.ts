/**
 * Data Connect 2026 answers → the Enedis v5 shapes the gateway's API keeps (API.md, openapi/03…11).
 * Pure functions: no I/O, so each one is tested against Enedis's anonymised answers (test/fixtures/enedis).
 *
 * Choices the v5 shape forces (documented in the README's "Enedis generations" section):
 * - a 2026 self-consumer has two contracts (withdrawal C5 + injection P4) where v5 has one `contracts`
 *   object per usage point: `contracts` is the withdrawal contract (what v5 clients read for subscribed power
 *   and off-peak hours) and the others go to the additive field `other_contracts`, same v5 field names;
 * - `distribution_tariff` is a code in v5 (e.g. "BTINFMU4") and a French label in 2026 (e.g. "Tarif BT<=36kVA …"):
 *   known labels are mapped back to the code (tariffs.ts), the label is kept in `distribution_tariff_label`;
 * - values in a prefixed unit (kW, kVA, kWh) are scaled to v5's W, VA, Wh (units.ts); points without a
 *   number are skipped (that interval is missing), never failing the whole answer;
 * - dates "2024-07-31T00:00:00+0200" become v5's "2024-07-31+02:00".
 */
import { z } from "zod";
import { EnedisUpstreamError } from "./errors";
import { isLoadCurve } from "./dates";
import { distributionTariffFields } from "./tariffs";
import { valueScaler, type BaseUnit } from "./units";
import type { IntervalReading, MeterReading, MeteringKind, ReadingType } from "./types";

// ---------------------------------------------------------------- metering

/** One point; `v` is checked separately so that one null or missing value only drops that point. */
const Point = z.object({ v: z.unknown(), d: z.string(), p: z.string().optional(), n: z.string().optional() });
const Grandeur = z.object({
  grandeurMetier: z.string().optional(),
  grandeurPhysique: z.string().optional(),
  unite: z.string().optional(),
  // Unknown here, checked point by point: a malformed point is a missing interval, not a broken answer.
  points: z.array(z.unknown()).default([]),
});
export const Measurement2026 = z.object({
  idPrm: z.string().optional(),
  etapeMetier: z.string().optional(),
  periode: z.object({ dateDebut: z.string().optional(), dateFin: z.string().optional() }).optional(),
  pas: z.string().optional(),
  grandeur: z.array(Grandeur).default([]),
});
export type Measurement2026 = z.infer<typeof Measurement2026>;

const DAILY_ENERGY: ReadingType = { unit: "Wh", measurement_kind: "energy", aggregate: "sum", measuring_period: "P1D" };
const LOAD_CURVE: ReadingType = { unit: "W", measurement_kind: "power", aggregate: "average" };
const MAX_POWER: ReadingType = { unit: "VA", measurement_kind: "power", aggregate: "maximum", measuring_period: "P1D" };

/** The unit v5 publishes each series in: W for load curves, VA for max power, Wh for daily energy. */
export function baseUnitOf(kind: MeteringKind): BaseUnit {
  return readingTypeOf(kind).unit as BaseUnit;
}

/** The v5 `reading_type` of each series, whatever generation answered. */
export function readingTypeOf(kind: MeteringKind): ReadingType {
  if (kind === "consumption_max_power") return { ...MAX_POWER };
  return { ...(isLoadCurve(kind) ? LOAD_CURVE : DAILY_ENERGY) };
}

/** Which `grandeur` of a 2026 answer holds the series (a TOUT max-power answer also lists each phase). */
function pickGrandeur(kind: MeteringKind, grandeurs: Measurement2026["grandeur"]) {
  const metier = kind.startsWith("production") ? "PROD" : "CONS";
  const physique = kind === "consumption_max_power" ? "PMA" : isLoadCurve(kind) ? "PA" : "EA";
  const sameDirection = grandeurs.filter((g) => !g.grandeurMetier || g.grandeurMetier === metier);
  return sameDirection.find((g) => g.grandeurPhysique === physique) ?? (sameDirection.length === 1 ? sameDirection[0] : undefined);
}

/**
 * A 2026 measurement answer as a v5 `meter_reading`. `asked` fills what the answer leaves out.
 * Load-curve points keep their END-of-interval local date, as v5 did.
 */
export function measurementToMeterReading(
  kind: MeteringKind,
  body: unknown,
  asked: { usagePointId: string; start: string; end: string },
): MeterReading {
  const parsed = Measurement2026.safeParse(body);
  if (!parsed.success) {
    throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé des mesures illisibles.", true, "measure-shape");
  }
  const m = parsed.data;
  const grandeur = pickGrandeur(kind, m.grandeur);
  const interval_reading: IntervalReading[] = [];
  if (grandeur) {
    const scale = valueScaler(grandeur.unite, baseUnitOf(kind));
    for (const raw of grandeur.points) {
      const point = Point.safeParse(raw);
      const value = point.success ? scale(point.data.v) : undefined;
      if (!point.success || value === undefined) continue;
      const p = point.data;
      interval_reading.push(
        isLoadCurve(kind)
          ? { value, date: p.d, ...withDefined({ interval_length: p.p ?? m.pas, measure_type: p.n }) }
          : { value, date: p.d },
      );
    }
  }
  return {
    usage_point_id: m.idPrm && /^\d{14}$/.test(m.idPrm) ? m.idPrm : asked.usagePointId,
    start: m.periode?.dateDebut ?? asked.start,
    end: m.periode?.dateFin ?? asked.end,
    quality: m.etapeMetier ?? "BRUT",
    reading_type: readingTypeOf(kind),
    interval_reading,
  };
}

// ---------------------------------------------------------------- contract, address, identity, contact

const Power = z.object({ value: z.union([z.string(), z.number()]).transform(String), unit: z.string().optional() });
const Person = z.object({ title: z.string().optional(), firstname: z.string().optional(), lastname: z.string().optional() });
const Organization = z.object({
  name: z.string().optional(),
  commercial_name: z.string().optional(),
  business_code: z.string().optional(),
  siret_number: z.string().optional(),
});
const ContactData = z.object({ email: z.string().optional(), landline: z.string().optional(), phone: z.string().optional() });
const Contract2026 = z.object({
  contract_start: z.string().optional(),
  contract_type: z.string().optional(),
  distribution_tariff: z.string().optional(),
  subscribed_power: Power.optional(),
  segment: z.string().optional(),
  contact_data: ContactData.optional(),
  person: Person.optional(),
  organization: Organization.optional(),
});
/** `situation_contrat_auto`: a list of contracts (one, or two for a self-consumer). */
export const Situation2026 = z.array(Contract2026);
export const Synthesis2026 = z.object({
  segments: z.array(z.object({ segment: z.string().optional() })).optional(),
  generation_last_activation_date: z.string().optional(),
  consumption_last_activation_date: z.string().optional(),
  last_subscribed_power_change_date: z.string().optional(),
  services_level: z.string().optional(),
});
export const Metering2026 = z.object({
  dispositifComptage: z.object({ typeComptage: z.object({ code: z.string().optional() }).optional() }).optional(),
  relais: z.object({ plageHeuresCreuses: z.string().optional() }).optional(),
});
export const GeneralData2026 = z.object({
  address: z
    .object({
      staircase_floor_apartment: z.string().optional(),
      building: z.string().optional(),
      number_street_name: z.string().optional(),
      locality: z.string().optional(),
      postal_code_city: z.string().optional(),
      insee_code: z.string().optional(),
    })
    .optional(),
});

type Contract2026 = z.infer<typeof Contract2026>;

function parseOrFail<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé des données contractuelles illisibles.", true, what);
  return parsed.data;
}

/** Drops undefined fields so converted answers look like Enedis's (absent, not null). */
function withDefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** "2024-07-31T00:00:00+0200" → "2024-07-31+02:00" (v5 writes dates with their offset). */
export function toV5Date(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T[\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) return value;
  if (!m[2]) return m[1];
  const offset = m[2] === "Z" ? "+00:00" : m[2].includes(":") ? m[2] : `${m[2].slice(0, 3)}:${m[2].slice(3)}`;
  return `${m[1]}${offset}`;
}

/** Withdrawal (consumption) contract: GRD-F / CARD-S, or a C segment. */
export const isWithdrawalContract = (c: { contract_type?: string; segment?: string }) =>
  /GRD-F|CARD-S/i.test(c.contract_type ?? "") || /^C\d/i.test(c.segment ?? "");
/** Injection (production) contract: GRD-A / CARD-I / CRAE, or a P segment. */
export const isInjectionContract = (c: { contract_type?: string; segment?: string }) =>
  /GRD-A|CARD-I|CRAE/i.test(c.contract_type ?? "") || /^P\d/i.test(c.segment ?? "");

/** Enedis's "services_level" text → v5 `usage_point_status`. */
function usagePointStatus(servicesLevel: string | undefined): string | undefined {
  if (!servicesLevel) return undefined;
  if (/non communicant|^\s*0\b/i.test(servicesLevel)) return "no_com";
  if (/communicant|^\s*[12]\b/i.test(servicesLevel)) return "com";
  return undefined;
}

/** The 2026 off-peak range as v5 wrote it: "HC (22H30-6H30)". */
export function toV5OffpeakHours(plage: string | undefined): string | undefined {
  const s = plage?.trim();
  if (!s) return undefined;
  return /^HC\b/i.test(s) ? s : `HC (${s})`;
}

function primaryContract(contracts: Contract2026[]): Contract2026 | undefined {
  return contracts.find(isWithdrawalContract) ?? contracts[0];
}

/**
 * `situation_contrat_auto` + `synth_contrat_auto` + `comptage_auto` → v5 contract answer (openapi/08).
 * `metering` is optional: `comptage_auto` may not be subscribed (403 900908), the contract still answers.
 */
export function contractToV5(usagePointId: string, situation: unknown, synthesis: unknown, metering?: unknown): unknown {
  const contracts = parseOrFail(Situation2026, situation, "situation-shape");
  const synth = synthesis === undefined ? {} : parseOrFail(Synthesis2026, synthesis, "synthesis-shape");
  const counting = metering === undefined ? {} : parseOrFail(Metering2026, metering, "metering-shape");
  const primary = primaryContract(contracts);
  const toV5Contract = (c: Contract2026) => {
    const injection = !isWithdrawalContract(c) && isInjectionContract(c);
    const activation = injection ? synth.generation_last_activation_date : synth.consumption_last_activation_date;
    return withDefined({
      segment: c.segment,
      subscribed_power: c.subscribed_power ? `${c.subscribed_power.value} ${c.subscribed_power.unit ?? "kVA"}` : undefined,
      last_activation_date: toV5Date(activation ?? c.contract_start),
      ...distributionTariffFields(c.distribution_tariff),
      offpeak_hours: c === primary && !injection ? toV5OffpeakHours(counting.relais?.plageHeuresCreuses) : undefined,
      contract_type: c.contract_type,
    });
  };
  const usagePoint = withDefined({
    usage_point_id: usagePointId,
    usage_point_status: usagePointStatus(synth.services_level),
    meter_type: counting.dispositifComptage?.typeComptage?.code,
  });
  const others = contracts.filter((c) => c !== primary).map(toV5Contract);
  return {
    customer: {
      usage_points: [
        withDefined({
          usage_point: usagePoint,
          contracts: primary ? toV5Contract(primary) : undefined,
          other_contracts: others.length > 0 ? others : undefined,
        }),
      ],
    },
  };
}

/** `donnees_generales_auto` → v5 address answer (openapi/09). "75001 PARIS" is split into postal code and city. */
export function addressToV5(usagePointId: string, generalData: unknown): unknown {
  const a = parseOrFail(GeneralData2026, generalData, "address-shape").address ?? {};
  const postalCity = /^\s*(\d{5})\s+(.+?)\s*$/.exec(a.postal_code_city ?? "");
  return {
    customer: {
      usage_points: [
        {
          usage_point: {
            usage_point_id: usagePointId,
            usage_point_addresses: withDefined({
              street: a.number_street_name,
              locality: a.locality,
              postal_code: postalCity ? postalCity[1] : undefined,
              insee_code: a.insee_code,
              city: postalCity ? postalCity[2] : a.postal_code_city,
              country: "France",
              // 2026 extras v5 did not have, kept rather than lost.
              building: a.building,
              staircase_floor_apartment: a.staircase_floor_apartment,
            }),
          },
        },
      ],
    },
  };
}

/** The contract whose holder answers for the point: the withdrawal one when there are several. */
function holderOf(situation: unknown): Contract2026 | undefined {
  return primaryContract(parseOrFail(Situation2026, situation, "situation-shape"));
}

/** `situation_contrat_auto` → v5 identity answer (openapi/10): a natural person, or a legal entity. */
export function identityToV5(situation: unknown): unknown {
  const holder = holderOf(situation);
  if (holder?.organization && !holder.person) {
    const o = holder.organization;
    return { identity: { legal_entity: withDefined({ name: o.name, trading_name: o.commercial_name, business: o.business_code, siret_number: o.siret_number }) } };
  }
  const p = holder?.person ?? {};
  return { identity: { natural_person: withDefined({ title: p.title, firstname: p.firstname, lastname: p.lastname }) } };
}

/**
 * `situation_contrat_auto` → v5 contact answer (openapi/11). v5 had one `phone`: the mobile when there is
 * one, else the landline; a landline next to a mobile is kept in the additive `landline` field.
 */
export function contactToV5(situation: unknown): unknown {
  const c = holderOf(situation)?.contact_data ?? {};
  return { contact: withDefined({ phone: c.phone ?? c.landline, email: c.email, landline: c.phone ? c.landline : undefined }) };
}
