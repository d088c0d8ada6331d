/**
 * The consent page, both generations: `GET /dataconnect/{v1|v2}/oauth2/authorize` shows it, the form
 * posts back to the same path. Accepting records the consent and redirects to the application's
 * redirect URI — v1 with `code` + `usage_point_id`, v2 with `autorisation_id` — refusing with
 * `error=access_denied`. Nothing here is logged: `state` and codes are the application's secrets.
 */
import { Hono, type Context } from "hono";
import { getConfig } from "../config";
import { checkAuthorizeQuery } from "./authorize-params";
import { autorisationIdFor, newConsentCode, recordConsent } from "./consents";
import type { SimulatorEnv } from "./guard";
import { findHousehold, SIMULATED_HOUSEHOLDS } from "./households";
import { ConsentPage, ErrorPage, renderDocument } from "./pages";

export const authorizeRoutes = new Hono<SimulatorEnv>();

const VERSIONS = ["v1", "v2"] as const;
type Version = (typeof VERSIONS)[number];

async function errorPage(c: Context<SimulatorEnv>, reason: string) {
  return c.html(await renderDocument(<ErrorPage reason={reason} />), 400);
}

function redirectTo(c: Context<SimulatorEnv>, params: Record<string, string>) {
  const url = new URL(getConfig(c.env).redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return c.redirect(url.toString(), 302);
}

for (const version of VERSIONS) {
  const path = `/dataconnect/${version}/oauth2/authorize`;

  authorizeRoutes.get(path, async (c) => {
    const check = checkAuthorizeQuery(c.req.query(), getConfig(c.env).clientId, new Date());
    if (!check.ok) return errorPage(c, check.reason);
    const page = <ConsentPage action={c.req.path} version={version} query={check.query} households={SIMULATED_HOUSEHOLDS} />;
    c.header("Cache-Control", "no-store");
    return c.html(await renderDocument(page));
  });

  authorizeRoutes.post(path, async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : undefined);
    const config = getConfig(c.env);
    const now = new Date();
    const check = checkAuthorizeQuery(
      { client_id: field("client_id"), duration: field("duration"), response_type: field("response_type"), state: field("state") },
      config.clientId,
      now,
    );
    if (!check.ok) return errorPage(c, check.reason);
    const { state } = check.query;
    const decision = field("decision");
    if (decision === "refuse") return redirectTo(c, { error: "access_denied", state });
    if (decision !== "accept") return errorPage(c, "choisissez « Accepter » ou « Refuser »");
    const household = findHousehold(field("household") ?? "");
    if (!household) return errorPage(c, "choisissez un foyer de test");

    const usagePointIds = household.usagePoints.map((p) => p.id);
    const id = version === "v1" ? newConsentCode() : await autorisationIdFor(config.appSecret, config.clientId, household.id);
    await recordConsent(c.env, { id, clientId: config.clientId, householdId: household.id, usagePointIds, createdAt: now, expiresAt: check.expiresAt });
    return version === "v1"
      ? redirectTo(c, { code: id, state, usage_point_id: usagePointIds.join(",") })
      : redirectTo(c, { autorisation_id: id, state });
  });
}
