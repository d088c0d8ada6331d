import { Hono } from "hono";
import { createRoute, z } from "@hono/zod-openapi";
import { getConfig } from "../config";
import { requireAuth } from "../http/auth";
import { AppError } from "../http/errors";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import type { AppEnv } from "../http/types";
import { createApi } from "../http/validation";
import { sessionCaller } from "../http/auth";
import { attachConsentedPdls, type ConsentAnswer } from "./attach";
import { authorizeUrl } from "./authorize-url";
import { API_BINDING, consumeState, issueState } from "./state";

/** POST /consent (dashboard button) and GET /oauth/callback (Enedis's redirect target). */
export const consentPages = new Hono<AppEnv>();

consentPages.post("/consent", async (c) => {
  const me = await sessionCaller(c);
  if (!me?.sessionHash) return c.redirect("/login", 303);
  const state = await issueState(c.env, me.userId, me.sessionHash);
  return c.redirect(authorizeUrl(getConfig(c.env), state), 302);
});

const usagePointIds = z
  .string()
  .max(2000)
  .transform((v) => v.split(/[,;]/).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d{14}$/)).min(1).max(100));

const CallbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(500).optional(),
  usage_point_id: usagePointIds.optional(),
  autorisation_id: z.string().max(200).optional(),
  error: z.string().max(100).optional(),
});

/** Outcome of a callback, shown on the dashboard as a fixed French message (dashboard.tsx). */
export type ConsentOutcome = "refused" | "invalid" | "used" | "expired" | "other_session" | "taken" | "enedis" | "busy" | "no_pdl" | "malformed";

consentPages.get("/oauth/callback", async (c) => {
  const back = (outcome: ConsentOutcome) => c.redirect(`/dashboard?consent=${outcome}`, 302);
  const query = CallbackQuery.safeParse(c.req.query());
  const me = await sessionCaller(c);
  // The state is checked (and burnt) before anything else, refusal included: nothing is attached without it.
  const verdict = await consumeState(c.env, query.success ? query.data.state : c.req.query("state"), me?.sessionHash ? { hash: me.sessionHash, userId: me.userId } : undefined);
  if ("problem" in verdict) return back(verdict.problem);
  if (!query.success) return back("malformed");
  const q = query.data;
  if (q.error) return back("refused");
  let answer: ConsentAnswer;
  if (q.autorisation_id) answer = { version: "v2", autorisationId: q.autorisation_id };
  else if (q.usage_point_id && q.code) answer = { version: "v1", usagePointIds: q.usage_point_id };
  else return back("malformed");
  try {
    const { detected, created } = await attachConsentedPdls(c.env, verdict.userId, answer);
    return c.redirect(`/dashboard?consent=success&detected=${detected}&new=${created}`, 302);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.warn(JSON.stringify({ event: "consent_callback_failed", code: error.code }));
    if (error.code === "PDL_TAKEN") return back("taken");
    if (error.code === "ENEDIS_BUSY") return back("busy");
    if (error.code === "NO_DATA") return back("no_pdl");
    return back("enedis");
  }
});

/**
 * GET /api/oauth/authorize — the consent URL for API-driven clients. The state is not bound to one browser
 * session, but the callback still needs the account's own dashboard session (see consent/state.ts).
 */
export const consentApi = createApi();
consentApi.use("/authorize", requireAuth);
consentApi.openapi(
  createRoute({
    method: "get",
    path: "/authorize",
    tags: ["Consent"],
    security: authenticated,
    summary: "The Enedis consent URL for this account (valid 10 minutes, single use; open it in a browser signed in to this account's dashboard)",
    responses: { 200: jsonContent(envelope(z.object({ authorize_url: z.url() })), "Consent URL"), ...errorResponses(401) },
  }),
  async (c) => {
    const me = c.get("caller");
    const state = await issueState(c.env, me.userId, me.via === "session" && me.sessionHash ? me.sessionHash : API_BINDING);
    return c.json({ success: true as const, data: { authorize_url: authorizeUrl(getConfig(c.env), state) } }, 200);
  },
);
