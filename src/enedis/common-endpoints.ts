/**
 * The Enedis calls that are the same whatever generation serves the data: the application token
 * (`/oauth2/v3/token`, unchanged in 2026) and usage-point discovery after each consent page version
 * (v1 → `/customers_upc/v5/usage_points`, v2 → `/subscribed_services/v1`).
 */
import { z } from "zod";
import { AppError } from "../http/errors";
import { EnedisUpstreamError, enedisError, readErrorFields } from "./errors";
import { callEnedisJson, readBody } from "./transport";
import type { DiscoveredUsagePoint, EnedisToken, EnedisTransport } from "./types";

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
    .default([]),
});

/**
 * v2 consent: the usage points an `autorisation_id` gives access to — active (`ACTIF`) data-access
 * (`ACCES`) services. `consentEndsAt` is the earliest end date among them (the safe one to show).
 */
export async function discoverUsagePointsV2(
  transport: EnedisTransport,
  accessToken: string,
  autorisationId: string,
): Promise<{ usagePoints: DiscoveredUsagePoint[]; consentEndsAt?: string }> {
  if (!/^\d{1,18}$/.test(autorisationId)) {
    throw new AppError(400, "VALIDATION_ERROR", "Identifiant d'autorisation Enedis invalide.", { field: "autorisation_id" });
  }
  // autorisationId is an int64 in the swagger: written as a JSON number, digit for digit (no float rounding).
  const requestBody = `{"autorisationId":${BigInt(autorisationId).toString()},"comptage":false}`;
  const body = await callEnedisJson(transport, "subscribed_services", "/subscribed_services/v1", accessToken, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: requestBody,
  });
  const parsed = SubscribedServicesAnswer.safeParse(body);
  if (!parsed.success) throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé une liste de services illisible.", true, "services-shape");
  const active = parsed.data.serviceSouscrit.filter(
    (s) => s.etatCode === "ACTIF" && (s.serviceCode ?? s.serviceType) === "ACCES" && s.pointId && USAGE_POINT_ID.test(s.pointId),
  );
  const ids = [...new Set(active.map((s) => s.pointId!))];
  const ends = active.map((s) => s.dateFin).filter((d): d is string => !!d).sort();
  return { usagePoints: ids.map((usagePointId) => ({ usagePointId })), consentEndsAt: ends[0] };
}
