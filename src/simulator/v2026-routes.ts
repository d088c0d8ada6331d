/**
 * Data Connect 2026 APIs: mesure_synchrone_auto v2, the four contract APIs (PRM in the path) and
 * subscribed_services (the v2 consent's discovery). A request that does not match the swagger
 * (missing parameter, PRM in the query) gets a 500, as Enedis's gateway answers.
 */
import { Hono } from "hono";
import { z } from "zod";
import { addDays } from "./calendar";
import { checkAccess } from "./access";
import { type ConsentRow, findConsent } from "./consents";
import { donneesGenerales, situationComptage, situationContrat, synthContrat } from "./customer-data";
import { apiNotSubscribed, type EnedisFailure, invalidRequest, noConsent, swaggerMismatch } from "./errors";
import { enedisCall, sendFailure, type SimulatorEnv } from "./guard";
import { findHousehold, findUsagePoint, type SimulatedHousehold, type SimulatedUsagePoint } from "./households";
import { meteringAnswer } from "./metering";
import { isUsagePointId, type MeteringSeries } from "./rules";
import { type ConsentTiming, simulatorThrottle } from "./throttle";

export const v2026Routes = new Hono<SimulatorEnv>();

const MESURE = "mesure_synchrone_auto";
const RESOURCES: Array<[string, MeteringSeries]> = [
  ["consommation_quotidienne", "consumption_daily"],
  ["courbe_de_charge_consommation", "consumption_load_curve"],
  ["puissance_conso_max_quotidienne", "consumption_max_power"],
  ["production_quotidienne", "production_daily"],
  ["courbe_de_charge_production", "production_load_curve"],
];

for (const [resource, series] of RESOURCES) {
  const path = `/${MESURE}/v2/${resource}`;
  v2026Routes.get(path, enedisCall("2026", path, MESURE), async (c) => {
    const q = c.req.query();
    if (!q.pointId || !q.dateDebut || !q.dateFin) return sendFailure(c, swaggerMismatch());
    if (series === "consumption_max_power") {
      // Both are required enums in the swagger; only the daily step is simulated.
      if (!["P1D", "P1M"].includes(q.mesuresPas ?? "") || !["PMA", "TOUT"].includes(q.grandeurPhysique ?? "")) return sendFailure(c, swaggerMismatch());
      if (q.mesuresPas !== "P1D") return sendFailure(c, invalidRequest("2026", "", "Seul le pas P1D est disponible pour ce point"));
    }
    const answer = await meteringAnswer(c.env, "2026", series, { usagePointId: q.pointId, start: q.dateDebut, end: q.dateFin }, c.var.clientId, c.var.nowMs);
    return answer.status === 200 ? c.json(answer.body) : sendFailure(c, answer);
  });
}

const CONTRACT_APIS: Array<[string, (h: SimulatedHousehold, p: SimulatedUsagePoint) => unknown]> = [
  ["situation_contrat_auto", situationContrat],
  ["synth_contrat_auto", (_h, p) => synthContrat(p)],
  ["comptage_auto", (_h, p) => situationComptage(p)],
  ["donnees_generales_auto", (_h, p) => donneesGenerales(p)],
];

const badPrm: EnedisFailure = { status: 400, body: { code: "invalid_request", message: "Le paramètre usage_point_id doit comporter 14 chiffres" } };

for (const [api, shape] of CONTRACT_APIS) {
  const path = `/${api}/v1/{usage_point_id}`;
  v2026Routes.get(`/${api}/v1/:prm`, enedisCall("2026", path, api), async (c) => {
    const prm = c.req.param("prm");
    if (!isUsagePointId(prm)) return sendFailure(c, badPrm);
    // WSO2 refuses an API the application has not subscribed to before Enedis looks at any consent.
    if (api === "comptage_auto" && findUsagePoint(prm)?.household.comptageUnsubscribed) return c.json(apiNotSubscribed().body, 403);
    const access = await checkAccess(c.env, "2026", c.var.clientId, prm, c.var.nowMs);
    if (!access.ok) return sendFailure(c, access.failure);
    return c.json(shape(access.household, access.point));
  });
  // The PRM belongs in the path; asked as a query parameter, Enedis answers 500.
  const bare = `/${api}/v1`;
  v2026Routes.get(bare, enedisCall("2026", bare, api), (c) => sendFailure(c, swaggerMismatch()));
  v2026Routes.get(`${bare}/`, enedisCall("2026", bare, api), (c) => sendFailure(c, swaggerMismatch()));
}

/** Body of `POST /subscribed_services/v1` (ConsulterServicesSouscritsPaginesDemande); `comptage` is required. */
const SubscribedServicesRequest = z.object({
  comptage: z.boolean(),
  autorisationId: z.union([z.number().int().positive(), z.string().regex(/^\d{1,18}$/)]).optional(),
  pointId: z.array(z.string()).optional(),
  siren: z.array(z.string()).optional(),
  etatCode: z.array(z.enum(["DEMANDE", "ACTIF", "TERMINE", "SUPPRIME"])).optional(),
  serviceType: z.enum(["CCDC", "TRANSREC", "OPPENR", "ACCES"]).optional(),
  soutirage: z.boolean().optional(),
  injection: z.boolean().optional(),
  page: z.number().int().optional(),
});

/** Services per page of `POST /subscribed_services/v1`; `page` counts from 1. */
export const SERVICES_PAGE_SIZE = 10;

type ServiceState = "hidden" | "DEMANDE" | "ACTIF" | "TERMINE";

/**
 * Where a consent's services stand at `nowMs`. A revoked or expired consent's are TERMINE. A household that
 * is `servicesListedLate` sees them unlisted for `hiddenMs` after the consent, then DEMANDE for `demandeMs`.
 */
export function serviceState(consent: ConsentRow, listedLate: boolean, timing: ConsentTiming, nowMs: number): ServiceState {
  if (consent.revoked || consent.expiresAt <= new Date(nowMs).toISOString()) return "TERMINE";
  if (!listedLate) return "ACTIF";
  const age = nowMs - Date.parse(consent.createdAt);
  if (age < timing.hiddenMs) return "hidden";
  return age < timing.hiddenMs + timing.demandeMs ? "DEMANDE" : "ACTIF";
}

const ETAT_LIBELLE = { DEMANDE: "Demandé", ACTIF: "Actif", TERMINE: "Terminé" } as const;

/** One ACCES service per consented PRM (each share covers one PRM), in the consent's order. */
function servicesOf(consent: ConsentRow, timing: ConsentTiming, nowMs: number) {
  const state = serviceState(consent, Boolean(findHousehold(consent.householdId)?.servicesListedLate), timing, nowMs);
  if (state === "hidden") return [];
  const start = consent.createdAt.slice(0, 10);
  const end = consent.revoked ? new Date(nowMs).toISOString().slice(0, 10) : consent.expiresAt.slice(0, 10);
  return consent.usagePointIds.split(",").flatMap((pointId, index) => {
    const point = findUsagePoint(pointId)?.point;
    if (!point) return [];
    return [
      {
        id: `${consent.id}${String(index + 1).padStart(2, "0")}`,
        injection: Boolean(point.solarPeakW),
        soutirage: Boolean(point.consumption),
        serviceCode: "ACCES",
        serviceType: "ACCES",
        dateDebut: start,
        dateFin: end < start ? addDays(start, 1) : end,
        etatCode: state,
        etatLibelle: ETAT_LIBELLE[state],
        pointId,
        mesuresCorrigees: false,
        espaceDynamique: false,
        publicationDonnees: false,
        autorisation: { autorisationId: Number(consent.id), autorisationLibelle: "Autorisation Data Connect", autorisationType: "EXPLICITE" },
      },
    ];
  });
}

const SUBSCRIBED = "/subscribed_services/v1";
for (const path of [SUBSCRIBED, `${SUBSCRIBED}/`]) {
  v2026Routes.post(path, enedisCall("2026", SUBSCRIBED, "subscribed_services"), async (c) => {
    const parsed = SubscribedServicesRequest.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return sendFailure(c, swaggerMismatch());
    const request = parsed.data;
    if (request.autorisationId === undefined) {
      return sendFailure(c, invalidRequest("2026", "", "L'autorisationId est obligatoire pour un tiers Data Connect"));
    }
    // Looked up whatever its state, so that a revoked consent lists TERMINE services (filtered out by default).
    const consent = await findConsent(c.env, c.var.clientId, String(request.autorisationId));
    if (!consent) return sendFailure(c, noConsent("2026"));
    const page = request.page ?? 1;
    if (page < 1) return sendFailure(c, invalidRequest("2026", "", "Le numéro de page commence à 1"));
    const etats = request.etatCode ?? ["ACTIF", "DEMANDE"];
    const type = request.serviceType ?? "ACCES";
    const { consentTiming } = await simulatorThrottle(c.env).levers();
    const services = servicesOf(consent, consentTiming, c.var.nowMs).filter(
      (s) =>
        etats.includes(s.etatCode as (typeof etats)[number]) &&
        s.serviceCode === type &&
        (request.pointId === undefined || request.pointId.includes(s.pointId)) &&
        (request.soutirage !== true || s.soutirage) &&
        (request.injection !== true || s.injection),
    );
    if (request.comptage) return c.json({ nbTotalServices: services.length });
    // A page past the end still answers the total, with an empty list.
    const slice = services.slice((page - 1) * SERVICES_PAGE_SIZE, page * SERVICES_PAGE_SIZE);
    return c.json({ nbTotalServices: services.length, serviceSouscrit: slice });
  });
}
