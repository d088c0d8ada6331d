/**
 * The simulator's test households: who they are, their delivery points (PDL / PRM) and what each
 * point's meter does. Tests, docs and demos import this list; docs/simulator.md describes each one.
 */

export interface SimulatedAddress {
  street: string;
  postalCode: string;
  city: string;
  inseeCode: string;
  latitude: string;
  longitude: string;
}

/** How a point consumes, drives the data generator (generator.ts). */
export interface ConsumptionProfile {
  /** Always-on appliances, W. */
  standbyW: number;
  /** Appliances at full occupancy, W. */
  activityW: number;
  /** Electric heating at full demand (coldest days), W; 0 without electric heating. */
  heatingW: number;
  /** Water heater switched on at the start of off-peak hours, W; 0 without. */
  waterHeaterW: number;
  /** A second home: lived in on weekends and in July-August only. */
  secondHome?: boolean;
}

export interface SimulatedUsagePoint {
  id: string;
  label: string;
  consumption?: ConsumptionProfile;
  /** Peak power of the solar panels, W (points that produce). */
  solarPeakW?: number;
  /** The household asked Enedis to record the load curve (false: load curves answer 404 no_data_found). */
  loadCurveActivated: boolean;
  subscribedPowerKva: number;
  /** v5 `offpeak_hours` text, e.g. "HC (22H30-6H30)"; absent on a single-rate tariff. */
  offpeakHours?: string;
  /** v5 `distribution_tariff` code and its 2026 label. */
  tariffCode: "BTINFCUST" | "BTINFMU4" | "BTINFMUDT";
  tariffLabel: string;
  /** Meter activation (consumption), `YYYY-MM-DD`. */
  activationDate: string;
  /** Production start for producers, `YYYY-MM-DD`. */
  productionActivationDate?: string;
  address: SimulatedAddress;
  /** 2026 measurements in prefixed units (kWh, kW, kVA with decimals), as some 2026 answers come; v5 stays in Wh/W/VA. */
  prefixedUnits?: boolean;
  /** Imperfect data: one 2026 load-curve point a day with `v` null and one without `v`, some daily `v` null, a few days never published (quirks.ts). */
  gappyReadings?: boolean;
  /** Paris hour from which yesterday is published (default 8). */
  publicationHour?: number;
}

export interface SimulatedHousehold {
  id: string;
  /** Enedis customer number (v5 `customer_id`). */
  customerId: string;
  title: "M." | "Mme";
  firstname: string;
  lastname: string;
  email: string;
  phone: string;
  /** The household no longer holds these points: consent works, data calls answer 403 ADAM-DC-0007. */
  movedOut?: boolean;
  /** v2 consent: its services are not listed at all for a while, then DEMANDE, then ACTIF (timing lever in the throttle DO). */
  servicesListedLate?: boolean;
  /** The application has no `comptage_auto` subscription for these points: that API answers 403 `900908` (WSO2). */
  comptageUnsubscribed?: boolean;
  description: string;
  usagePoints: SimulatedUsagePoint[];
}

import { addMonths, parisDay } from "./calendar";

const HP_HC_LABEL = "Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses associées à deux saisons";
const BASE_LABEL = "Tarif BT<=36kVA Courte Utilisation sans différenciation temporelle";

/** Flat `n` (1–12) of the Garnier building in Lyon: sizes, heating and tariffs vary from flat to flat, deterministically. */
function garnierFlat(n: number): SimulatedUsagePoint {
  const studio = n % 4 === 1;
  const electricHeating = n % 3 !== 0;
  const offpeak = n % 5 !== 2;
  return {
    id: `096000000000${String(n).padStart(2, "0")}`,
    label: `Appartement ${n}${studio ? " (studio)" : ""}`,
    consumption: {
      standbyW: 60 + ((n * 17) % 90),
      activityW: studio ? 350 + n * 10 : 550 + ((n * 53) % 400),
      heatingW: electricHeating ? (studio ? 700 : 1100 + ((n * 131) % 900)) : 0,
      waterHeaterW: offpeak ? 1200 + ((n * 97) % 800) : 0,
    },
    loadCurveActivated: n % 6 !== 0,
    subscribedPowerKva: studio ? 3 : electricHeating ? 9 : 6,
    ...(offpeak ? { offpeakHours: n % 2 === 0 ? "HC (22H30-6H30)" : "HC (23H00-7H00)" } : {}),
    tariffCode: offpeak ? "BTINFMU4" : "BTINFCUST",
    tariffLabel: offpeak ? HP_HC_LABEL : BASE_LABEL,
    activationDate: `201${n % 10}-0${1 + (n % 9)}-1${n % 10}`,
    address: { street: `8 rue de la République, appartement ${n}`, postalCode: "69002", city: "Lyon", inseeCode: "69382", latitude: "45.7640", longitude: "4.8357" },
  };
}

export const SIMULATED_HOUSEHOLDS: readonly SimulatedHousehold[] = [
  {
    id: "martin",
    customerId: "1000000001",
    title: "Mme",
    firstname: "Claire",
    lastname: "Martin",
    email: "claire.martin@example.test",
    phone: "0601020304",
    description: "Maison chauffée à l'électricité, heures creuses.",
    usagePoints: [
      {
        id: "09100000000001",
        label: "Maison",
        consumption: { standbyW: 180, activityW: 900, heatingW: 2600, waterHeaterW: 2000 },
        loadCurveActivated: true,
        subscribedPowerKva: 9,
        offpeakHours: "HC (22H30-6H30)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        activationDate: "2016-03-14",
        address: { street: "12 rue des Lilas", postalCode: "69003", city: "Lyon", inseeCode: "69383", latitude: "45.7597", longitude: "4.8422" },
      },
    ],
  },
  {
    id: "durand",
    customerId: "1000000002",
    title: "M.",
    firstname: "Paul",
    lastname: "Durand",
    email: "paul.durand@example.test",
    phone: "0611223344",
    description: "Résidence principale et résidence secondaire.",
    usagePoints: [
      {
        id: "09200000000001",
        label: "Résidence principale",
        consumption: { standbyW: 200, activityW: 1000, heatingW: 1500, waterHeaterW: 2200 },
        loadCurveActivated: true,
        subscribedPowerKva: 12,
        offpeakHours: "HC (23H00-7H00)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        activationDate: "2015-09-02",
        address: { street: "4 boulevard Guist'hau", postalCode: "44000", city: "Nantes", inseeCode: "44109", latitude: "47.2159", longitude: "-1.5636" },
      },
      {
        id: "09200000000002",
        label: "Résidence secondaire",
        consumption: { standbyW: 60, activityW: 800, heatingW: 1500, waterHeaterW: 0, secondHome: true },
        loadCurveActivated: true,
        subscribedPowerKva: 6,
        tariffCode: "BTINFCUST",
        tariffLabel: BASE_LABEL,
        activationDate: "2017-06-20",
        address: { street: "7 chemin de la Pointe", postalCode: "29950", city: "Bénodet", inseeCode: "29006", latitude: "47.8745", longitude: "-4.1087" },
      },
    ],
  },
  {
    id: "petit",
    customerId: "1000000003",
    title: "Mme",
    firstname: "Sophie",
    lastname: "Petit",
    email: "sophie.petit@example.test",
    phone: "0622334455",
    description: "Autoconsommation : consommation et panneaux solaires (3 kWc) sur le même point.",
    usagePoints: [
      {
        id: "09300000000001",
        label: "Maison solaire",
        consumption: { standbyW: 150, activityW: 850, heatingW: 1000, waterHeaterW: 1800 },
        solarPeakW: 3000,
        loadCurveActivated: true,
        subscribedPowerKva: 9,
        offpeakHours: "HC (2H00-7H00;14H00-17H00)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        activationDate: "2014-01-22",
        productionActivationDate: "2022-07-31",
        address: { street: "25 allée des Tournesols", postalCode: "31400", city: "Toulouse", inseeCode: "31555", latitude: "43.5804", longitude: "1.4617" },
      },
    ],
  },
  {
    id: "leroy",
    customerId: "1000000004",
    title: "M.",
    firstname: "Jean",
    lastname: "Leroy",
    email: "jean.leroy@example.test",
    phone: "0633445566",
    description: "Appartement ; l'enregistrement de la courbe de charge n'est pas activé.",
    usagePoints: [
      {
        id: "09400000000001",
        label: "Appartement",
        consumption: { standbyW: 100, activityW: 600, heatingW: 0, waterHeaterW: 1500 },
        loadCurveActivated: false,
        subscribedPowerKva: 6,
        offpeakHours: "HC (22H00-6H00)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        activationDate: "2019-11-05",
        address: { street: "3 place du Marché", postalCode: "59000", city: "Lille", inseeCode: "59350", latitude: "50.6292", longitude: "3.0573" },
      },
    ],
  },
  {
    id: "bernard",
    customerId: "1000000005",
    title: "M.",
    firstname: "Luc",
    lastname: "Bernard",
    email: "luc.bernard@example.test",
    phone: "0644556677",
    movedOut: true,
    description: "A déménagé : n'est plus titulaire de ce point (les appels de données échouent).",
    usagePoints: [
      {
        id: "09500000000001",
        label: "Ancien logement",
        consumption: { standbyW: 120, activityW: 700, heatingW: 1600, waterHeaterW: 0 },
        loadCurveActivated: true,
        subscribedPowerKva: 6,
        tariffCode: "BTINFCUST",
        tariffLabel: BASE_LABEL,
        activationDate: "2018-04-09",
        address: { street: "18 rue Nationale", postalCode: "37000", city: "Tours", inseeCode: "37261", latitude: "47.3941", longitude: "0.6848" },
      },
    ],
  },
  {
    id: "garnier",
    customerId: "1000000006",
    title: "M.",
    firstname: "Henri",
    lastname: "Garnier",
    email: "henri.garnier@example.test",
    phone: "0655667788",
    servicesListedLate: true,
    description: "Propriétaire d'un immeuble de 12 appartements : 12 points (2 pages de services), d'abord invisibles puis « DEMANDE ».",
    usagePoints: Array.from({ length: 12 }, (_, i) => garnierFlat(i + 1)),
  },
  {
    id: "moreau",
    customerId: "1000000007",
    title: "Mme",
    firstname: "Julie",
    lastname: "Moreau",
    email: "julie.moreau@example.test",
    phone: "0666778899",
    description: "Données imparfaites : unités kWh/kW/kVA, valeurs nulles ou absentes, veille publiée à 14 h, quelques jours manquants.",
    usagePoints: [
      {
        id: "09700000000001",
        label: "Maison",
        consumption: { standbyW: 160, activityW: 950, heatingW: 1800, waterHeaterW: 2000 },
        loadCurveActivated: true,
        subscribedPowerKva: 9,
        offpeakHours: "HC (23H30-7H30)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        activationDate: "2017-02-13",
        address: { street: "9 rue du Port", postalCode: "17000", city: "La Rochelle", inseeCode: "17300", latitude: "46.1591", longitude: "-1.1520" },
        prefixedUnits: true,
        gappyReadings: true,
        publicationHour: 14,
      },
    ],
  },
  {
    id: "lambert",
    customerId: "1000000008",
    title: "M.",
    firstname: "Marc",
    lastname: "Lambert",
    email: "marc.lambert@example.test",
    phone: "0677889900",
    description: "Compteur mis en service il y a trois mois : avant cette date, les mesures répondent ADAM-ERR0123.",
    usagePoints: [
      {
        id: "09800000000001",
        label: "Logement neuf",
        consumption: { standbyW: 90, activityW: 700, heatingW: 0, waterHeaterW: 1800 },
        loadCurveActivated: true,
        subscribedPowerKva: 6,
        offpeakHours: "HC (22H00-6H00)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        // Always three months before today (Paris), whatever the day the simulator runs.
        get activationDate() {
          return addMonths(parisDay(Date.now()), -3);
        },
        address: { street: "2 impasse des Vignes", postalCode: "21000", city: "Dijon", inseeCode: "21231", latitude: "47.3220", longitude: "5.0415" },
      },
    ],
  },
  {
    id: "fontaine",
    customerId: "1000000009",
    title: "Mme",
    firstname: "Anne",
    lastname: "Fontaine",
    email: "anne.fontaine@example.test",
    phone: "0688990011",
    comptageUnsubscribed: true,
    description: "L'application n'a pas souscrit comptage_auto pour ce point : 403 900908 ; heures creuses dans le contrat v5.",
    usagePoints: [
      {
        id: "09900000000001",
        label: "Maison",
        consumption: { standbyW: 140, activityW: 800, heatingW: 1200, waterHeaterW: 2000 },
        loadCurveActivated: true,
        subscribedPowerKva: 9,
        offpeakHours: "HC (1H30-7H30;12H30-14H30)",
        tariffCode: "BTINFMU4",
        tariffLabel: HP_HC_LABEL,
        activationDate: "2018-10-01",
        address: { street: "30 avenue Jean Jaurès", postalCode: "38000", city: "Grenoble", inseeCode: "38185", latitude: "45.1785", longitude: "5.7210" },
      },
    ],
  },
];

export function findHousehold(householdId: string): SimulatedHousehold | undefined {
  return SIMULATED_HOUSEHOLDS.find((h) => h.id === householdId);
}

/** The household and point for a PDL, if the simulator knows it. */
export function findUsagePoint(usagePointId: string): { household: SimulatedHousehold; point: SimulatedUsagePoint } | undefined {
  for (const household of SIMULATED_HOUSEHOLDS) {
    const point = household.usagePoints.find((p) => p.id === usagePointId);
    if (point) return { household, point };
  }
  return undefined;
}
