/**
 * The Enedis calls that are the same whatever generation serves the data: the application token
 * (`/oauth2/v3/token`, unchanged in 2026) and usage-point discovery after each consent page version
 * (v1 → `/customers_upc/v5/usage_points`, or each id confirmed by `/situation_contrat_auto/v1/{prm}` when v5 is
 * switched off; v2 → `/subscribed_services/v1`).
 */
import { z } from "zod";
import { AppError } from "../http/errors";
import { EnedisUpstreamError, enedisError, readErrorFields } from "./errors";
import { callEnedisJson, readBody } from "./transport";
import type { DiscoveredUsagePoint, DiscoveryOptions, EnedisToken, EnedisTransport } from "./types";

const USAGE_POINT_ID = /^\d{14}$/;

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  // Enedis sends seconds as a string ("12600"); accept a number too.
  expires_in: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().positive()),
});

/** Client-credentials token of the application (ENEDIS_CLIENT_ID / ENEDIS_CLIENT_SECRET), as form fields. */
export async function fetchApplicationToken(
  transport: EnedisTransport,
  credentials: { clientId: string; clientSecret: string },
  nowMs: () => number = Date.now,
): Promise<EnedisToken> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
  const response = await transport("token", "/oauth2/v3/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: form.toString(),
  });
  const body = await readBody(response);
  if (response.status === 400 || response.status === 401) {
    // The token endpoint refuses the gateway's own credentials: no refresh-and-retry can fix that.
    throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a refusé les identifiants de la passerelle.", false, readErrorFields(body).code);
  }
  if (!response.ok) throw enedisError(response.status, body, "v5");
  const parsed = TokenAnswer.safeParse(body);
  if (!parsed.success) throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé un jeton illisible.", true, "token-shape");
  return { accessToken: parsed.data.access_token, expiresAtMs: nowMs() + parsed.data.expires_in * 1000 };
}

const UsagePointsAnswer = z.object({
  customer: z.object({
    customer_id: z.string().optional(),
    usage_points: z
      .array(
        z.object({
          usage_point: z.object({
            usage_point_id: z.string().regex(USAGE_POINT_ID),
            usage_point_status: z.string().optional(),
            meter_type: z.string().optional(),
          }),
        }),
      )
      .default([]),
  }),
});

/** v1 consent: every usage point of the customer who consented to `usagePointIds`. */
export async function discoverUsagePointsV1(
  transport: EnedisTransport,
  accessToken: string,
  usagePointIds: string[],
): Promise<{ customerId?: string; usagePoints: DiscoveredUsagePoint[] }> {
  if (usagePointIds.length === 0 || !usagePointIds.every((id) => USAGE_POINT_ID.test(id))) {
    throw new AppError(400, "INVALID_USAGE_POINT_ID", "Identifiant de point de livraison invalide (14 chiffres).", { field: "usage_point_id" });
  }
  // Digits and commas only: joined as is, since Enedis documents the comma-separated form.
  const body = await callEnedisJson(transport, "usage_points", `/customers_upc/v5/usage_points?usage_point_id=${usagePointIds.join(",")}`, accessToken);
  const parsed = UsagePointsAnswer.safeParse(body);
  if (!parsed.success) throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé une liste de points illisible.", true, "usage-points-shape");
  const seen = new Set<string>();
  const usagePoints: DiscoveredUsagePoint[] = [];
  for (const { usage_point: up } of parsed.data.customer.usage_points) {
    if (seen.has(up.usage_point_id)) continue;
    seen.add(up.usage_point_id);
    usagePoints.push({ usagePointId: up.usage_point_id, status: up.usage_point_status, meterType: up.meter_type });
  }
  return { customerId: parsed.data.customer.customer_id, usagePoints };
}

const SubscribedServicesAnswer = z.object({
  nbTotalServices: z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int().min(0)).optional(),
  serviceSouscrit: z
    .array(
      z.object({
        pointId: z.string().optional(),
        etatCode: z.string().optional(),
        // The response names it serviceCode; the request's filter is serviceType. Accept either.
        serviceCode: z.string().optional(),
        serviceType: z.string().optional(),
        dateFin: z.string().optional(),
      }),
    )
    .nullish()
    .transform((list) => list ?? []),
});
type SubscribedService = z.infer<typeof SubscribedServicesAnswer>["serviceSouscrit"][number];

/**
 * A consent just given may not be listed yet (README: "not at all for a few seconds"): an empty list is asked
 * again after each of these pauses (6.5 s in all) before the household is told no PDL was found.
 */
export const EMPTY_LIST_RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000, 3000];
/** Pages read at most per listing: 20 pages of Enedis's 10 services; a household has far fewer PRMs. */
export const MAX_SERVICE_PAGES = 20;

/** States of a data-access service that give access: a consent just given may still read DEMANDE. */
const KEPT_STATES = new Set(["ACTIF", "DEMANDE"]);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * v2 consent: the usage points an `autorisation_id` gives access to. Reads `POST /subscribed_services/v1` page by
 * page (1, 2, …) until `nbTotalServices` services came or a page is empty; keeps data-access (`ACCES`) services
 * that are ACTIF or DEMANDE. Each PRM gets its OWN consent end (its service's `dateFin`, the latest when it has
 * several) and state (ACTIF when any of its services is).
 */
export async function discoverUsagePointsV2(
  transport: EnedisTransport,
  accessToken: string,
  autorisationId: string,
  options: DiscoveryOptions = {},
): Promise<{ usagePoints: DiscoveredUsagePoint[] }> {
  if (!/^\d{1,18}$/.test(autorisationId)) {
    throw new AppError(400, "VALIDATION_ERROR", "Identifiant d'autorisation Enedis invalide.", { field: "autorisation_id" });
  }
  const delays = options.retryDelaysMs ?? EMPTY_LIST_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let services = await listServices(transport, accessToken, autorisationId, options.maxPages ?? MAX_SERVICE_PAGES);
  for (let i = 0; services.length === 0 && i < delays.length; i++) {
    await sleep(delays[i]);
    services = await listServices(transport, accessToken, autorisationId, options.maxPages ?? MAX_SERVICE_PAGES);
  }
  return { usagePoints: usagePointsOf(services) };
}

/** Every page of the authorisation's services, as Enedis lists them (Enedis's default filter: ACCES, ACTIF + DEMANDE). */
async function listServices(transport: EnedisTransport, accessToken: string, autorisationId: string, maxPages: number): Promise<SubscribedService[]> {
  const all: SubscribedService[] = [];
  for (let page = 1; page <= maxPages; page++) {
    // autorisationId is an int64 in the swagger: written as a JSON number, digit for digit (no float rounding).
    const requestBody = `{"autorisationId":${BigInt(autorisationId).toString()},"comptage":false,"page":${page}}`;
    const body = await callEnedisJson(transport, "subscribed_services", "/subscribed_services/v1", accessToken, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: requestBody,
    });
    const parsed = SubscribedServicesAnswer.safeParse(body);
    if (!parsed.success) throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé une liste de services illisible.", true, "services-shape");
    const { nbTotalServices, serviceSouscrit } = parsed.data;
    all.push(...serviceSouscrit);
    if (serviceSouscrit.length === 0 || (nbTotalServices !== undefined && all.length >= nbTotalServices)) break;
  }
  return all;
}

/** One entry per PRM: its latest end date and its best state among its kept services. */
export function usagePointsOf(services: SubscribedService[]): DiscoveredUsagePoint[] {
  const byPrm = new Map<string, DiscoveredUsagePoint>();
  for (const s of services) {
    if (!s.pointId || !USAGE_POINT_ID.test(s.pointId)) continue;
    if ((s.serviceCode ?? s.serviceType) !== "ACCES" || !KEPT_STATES.has(s.etatCode ?? "")) continue;
    const state = s.etatCode as "ACTIF" | "DEMANDE";
    const end = s.dateFin && ISO_DATE.test(s.dateFin) ? s.dateFin : undefined;
    const known = byPrm.get(s.pointId);
    if (!known) {
      byPrm.set(s.pointId, { usagePointId: s.pointId, consentStatus: state, ...(end ? { consentExpiresAt: end } : {}) });
      continue;
    }
    if (state === "ACTIF") known.consentStatus = "ACTIF";
    if (end && (!known.consentExpiresAt || end > known.consentExpiresAt)) known.consentExpiresAt = end;
  }
  return [...byPrm.values()];
}

/**
 * v1 consent on the 2026 APIs (v5 switched off): the redirect's ids are not signed by Enedis, so each one is
 * confirmed by a `GET /situation_contrat_auto/v1/{prm}` before it may be attached. A PRM Enedis refuses makes
 * the whole answer fail with Enedis's error (CONSENT_REQUIRED, NOT_OWNER, NO_DATA): the caller attaches nothing.
 */
export async function confirmUsagePointsV1(
  transport: EnedisTransport,
  accessToken: string,
  usagePointIds: string[],
): Promise<{ usagePoints: DiscoveredUsagePoint[] }> {
  if (usagePointIds.length === 0 || !usagePointIds.every((id) => USAGE_POINT_ID.test(id))) {
    throw new AppError(400, "INVALID_USAGE_POINT_ID", "Identifiant de point de livraison invalide (14 chiffres).", { field: "usage_point_id" });
  }
  const ids = [...new Set(usagePointIds)];
  // One after the other: each call counts against the account's quota, and the first refusal stops the rest.
  for (const id of ids) await callEnedisJson(transport, "usage_points", `/situation_contrat_auto/v1/${id}`, accessToken);
  return { usagePoints: ids.map((usagePointId) => ({ usagePointId })) };
}
