import { Hono, type Context } from "hono";
import { createRoute, z } from "@hono/zod-openapi";
import { getConfig } from "../config";
import { requireAuth } from "../http/auth";
import { AppError } from "../http/errors";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import type { AppEnv } from "../http/types";
import { createApi } from "../http/validation";
import { sessionCaller } from "../http/auth";
import { clientIp, throttleConsent } from "../accounts/throttle";
import { CallbackQuery, readConsentAnswer } from "./answer";
import { attachConsentedPdls } from "./attach";
import type { ConsentOutcome } from "./outcomes";
import { authorizeUrl } from "./authorize-url";
import { API_BINDING, consumeState, issueState } from "./state";

export type { ConsentOutcome } from "./outcomes";

/** POST /consent (dashboard button) and GET /oauth/callback (Enedis's redirect target). */
export const consentPages = new Hono<AppEnv>();

/** True when the consent throttle (accounts/throttle.ts) refused the attempt. */
async function throttled(c: Context<AppEnv>, userId: string | undefined): Promise<boolean> {
  try {
    await throttleConsent(c.env, clientIp(c.req.raw), userId);
    return false;
  } catch (error) {
    if (error instanceof AppError && error.code === "TOO_MANY_ATTEMPTS") return true;
    throw error;
  }
}

consentPages.post("/consent", async (c) => {
  const me = await sessionCaller(c);
  if (!me?.sessionHash) return c.redirect("/login", 303);
  // A browser user expects a page, not a bare 429: back to the dashboard with the French message.
  if (await throttled(c, me.userId)) return c.redirect("/dashboard?consent=throttled", 303);
  const state = await issueState(c.env, me.userId, me.sessionHash);
  return c.redirect(authorizeUrl(getConfig(c.env), state), 302);
});

consentPages.get("/oauth/callback", async (c) => {
  const back = (outcome: ConsentOutcome) => c.redirect(`/dashboard?consent=${outcome}`, 302);
  const me = await sessionCaller(c);
  // Before the state is touched: a throttled callback leaves it unburnt (it expires on its own).
  if (await throttled(c, me?.userId)) return back("throttled");
  const query = CallbackQuery.safeParse(c.req.query());
  // The state is checked (and burnt) before anything else, refusal included: nothing is attached without it.
  const verdict = await consumeState(c.env, query.success ? query.data.state : c.req.query("state"), me?.sessionHash ? { hash: me.sessionHash, userId: me.userId } : undefined);
  if ("problem" in verdict) return back(verdict.problem);
  if (!query.success) return back("malformed");
  const read = readConsentAnswer(query.data, getConfig(c.env).authorizeVersion);
  if ("outcome" in read) return back(read.outcome);
  const result = await attachConsentedPdls(c.env, verdict.userId, read.answer);
  if (result.outcome !== "success") return back(result.outcome);
  return c.redirect(`/dashboard?consent=success&detected=${result.detected}&new=${result.created}`, 302);
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
