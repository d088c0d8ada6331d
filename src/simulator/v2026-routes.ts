/**
 * Data Connect 2026 APIs: mesure_synchrone_auto v2, the four contract APIs (PRM in the path) and
 * subscribed_services (the v2 consent's discovery, paged). A request that does not match the swagger
 * (missing parameter, PRM in the query) gets a 500, as Enedis's gateway answers.
 */
import { Hono } from "hono";
import { z } from "zod";
import { checkAccess } from "./access";
import { findConsent } from "./consents";
import { donneesGenerales, situationComptage, situationContrat, synthContrat } from "./customer-data";
import { apiNotSubscribed, type EnedisFailure, invalidRequest, noConsent, swaggerMismatch } from "./errors";
import { enedisCall, sendFailure, type SimulatorEnv } from "./guard";
import { findUsagePoint, type SimulatedHousehold, type SimulatedUsagePoint } from "./households";
import { meteringAnswer } from "./metering";
import { isUsagePointId, type MeteringSeries } from "./rules";
import { SERVICES_PAGE_SIZE, servicesOf } from "./subscribed-services";
import { simulatorThrottle } from "./throttle";

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
