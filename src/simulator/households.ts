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
  description: string;
  usagePoints: SimulatedUsagePoint[];
}

const HP_HC_LABEL = "Tarif BT<=36kVA Moyenne Utilisation heures pleines heures creuses associées à deux saisons";
const BASE_LABEL = "Tarif BT<=36kVA Courte Utilisation sans différenciation temporelle";

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
