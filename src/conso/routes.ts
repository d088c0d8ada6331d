import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { validateRange } from "../enedis/dates";
import { MeterReadingSchema, type MeteringKind } from "../enedis/types";
import { requireAuth } from "../http/auth";
import { AppError } from "../http/errors";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import type { AppEnv, Caller } from "../http/types";
import { createApi } from "../http/validation";
import { isAdminClient } from "../accounts/credentials";
import { getConfig } from "../config";
import { rateLimitHeaders, usageFor } from "../limits/quota";
import type { MirrorContext } from "../mirror/context";
import { readMetering } from "../mirror/metering";
import { ownedPdl } from "../pdl/store";
import { CONSO_TEXTS, ConsoError, consoErrorResponse } from "./errors";
import { issueConsoToken, resolveConsoToken } from "./token-store";

/**
 * The Conso API-compatible surface (API.md): `GET /api/<type>?prm&start&end` answering the bare `meter_reading`
 * content, for tools written for Conso API (bokub's linky, ha-linky, MMM-Linky, pylinky) once their host points here.
 * Every read goes through the mirror's own path (readMetering): same cache, quotas, ownership and headers.
 */
export const consoApi = createApi();
const tags = ["Conso API compatibility"];

export const CONSO_TYPES: ReadonlyArray<{ type: string; kind: MeteringKind; summary: string }> = [
  { type: "daily_consumption", kind: "consumption_daily", summary: "Daily consumption (Wh), Conso API shape" },
  { type: "consumption_load_curve", kind: "consumption_load_curve", summary: "Consumption load curve (W), Conso API shape" },
  { type: "consumption_max_power", kind: "consumption_max_power", summary: "Daily maximum power (VA), Conso API shape" },
  { type: "daily_production", kind: "production_daily", summary: "Daily production (Wh), Conso API shape" },
  { type: "production_load_curve", kind: "production_load_curve", summary: "Production load curve (W), Conso API shape" },
];

/** Bearer tokens only, no cookies: any site may call these routes (the tools include browser mirrors like MMM-Linky). */
const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept",
  "Access-Control-Max-Age": "86400",
  "Cross-Origin-Resource-Policy": "cross-origin",
};

consoApi.openAPIRegistry.registerComponent("securitySchemes", "consoToken", {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description: "A Conso API token (POST /api/accounts/conso-token or the dashboard); its `sub` lists the account's PRMs",
});

/** Documented as plain strings: the handler checks them after the token, so a refusal has Conso API's shape. */
const ConsoQuery = z.object({
  prm: z.string().max(64).optional().openapi({ example: "09100000000001", description: "the PRM (14 digits), one of the token's `sub`" }),
  start: z.string().max(64).optional().openapi({ example: "2026-11-01", description: "first day, YYYY-MM-DD" }),
  end: z.string().max(64).optional().openapi({ example: "2026-11-08", description: "day after the last, YYYY-MM-DD (after today reads as today)" }),
});
const Prm = z.string().regex(/^\d{14}$/);

const ConsoErrorSchema = z
  .object({
    status: z.number().int(),
    message: z.string(),
    error: z.object({ error: z.string(), error_description: z.string() }).optional(),
  })
  .openapi("ConsoError");
const consoErrors = Object.fromEntries([400, 401, 404, 409, 429, 502, 503].map((s) => [s, jsonContent(ConsoErrorSchema, `Error (${s})`)]));
const headerSchemas = {
  "X-Cache-Status": { schema: { type: "string" as const, enum: ["HIT", "MISS", "PARTIAL"] } },
  "X-RateLimit-Limit": { schema: { type: "integer" as const } },
  "X-RateLimit-Remaining": { schema: { type: "integer" as const } },
  "X-RateLimit-Reset": { schema: { type: "integer" as const }, description: "epoch seconds, next midnight UTC" },
};

/** The conso token's account as a mirror caller, and the PRMs the token names; refusals in Conso API's words. */
async function consoCaller(c: Context<AppEnv>): Promise<{ caller: Caller; prms: string[] }> {
  const header = c.req.header("Authorization");
  if (!header) throw new ConsoError(400, CONSO_TEXTS.missingHeader);
  const [scheme, value = ""] = header.trim().split(/\s+/, 2);
  const hit = /^bearer$/i.test(scheme) ? await resolveConsoToken(c.env, value) : null;
  if (!hit) throw new ConsoError(401, CONSO_TEXTS.badToken);
  const { user, dataKey, claims } = hit;
  const caller: Caller = { userId: user.id, email: user.email, clientId: user.clientId, createdAt: user.createdAt, isAdmin: isAdminClient(c.env, user.clientId), dataKey, via: "conso_token" };
  return { caller, prms: claims.sub };
}

/** X-RateLimit-* on a refusal too, like the mirror: the counted quota, else the no-cache one a retry would most likely use. */
async function quotaHeadersFor(c: Context<AppEnv>, ctx: { caller?: Caller; counted?: MirrorContext["counted"] }): Promise<Record<string, string>> {
  if (ctx.counted) return rateLimitHeaders(ctx.counted);
  if (!ctx.caller) return {};
  const usage = await usageFor(c.env, ctx.caller.userId);
  const limit = getConfig(c.env).dailyLimitNoCache;
  return { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(Math.max(0, limit - usage.noCache)), "X-RateLimit-Reset": String(usage.resetAtSec) };
}

async function readConso(c: Context<AppEnv>, kind: MeteringKind): Promise<Response> {
  const state: { caller?: Caller; ctx?: MirrorContext } = {};
  try {
    const { caller, prms } = await consoCaller(c);
    state.caller = caller;
    const { prm, start, end } = c.req.query();
    if (!Prm.safeParse(prm).success) throw new ConsoError(400, "Paramètre prm invalide : 14 chiffres attendus.");
    // The token's `sub` is a list made at issue time: the PRM must be in it AND still be this account's (ownedPdl).
    if (!prms.includes(prm!)) throw new ConsoError(401, CONSO_TEXTS.badToken);
    const pdl = await ownedPdl(c.env, caller.userId, prm!);
    if (!pdl.isActive) throw new AppError(409, "PDL_DISABLED", "Ce point de livraison est désactivé sur votre compte : réactivez-le pour lire ses données.");
    const ctx: MirrorContext = (state.ctx = { env: c.env, caller, pdl });
    const range = validateRange(kind, start, end, new Date());
    const result = await readMetering(ctx, kind, range, { useCache: true });
    return c.json(result.data.meter_reading, 200, { ...CORS_HEADERS, "X-Cache-Status": result.cacheStatus, ...rateLimitHeaders(result.quota) });
  } catch (error) {
    const response = consoErrorResponse(c, error);
    const quota = await quotaHeadersFor(c, { caller: state.caller, counted: state.ctx?.counted });
    for (const [k, v] of Object.entries({ ...CORS_HEADERS, ...quota })) if (!response.headers.has(k)) response.headers.set(k, v);
    return response;
  }
}

for (const { type, kind, summary } of CONSO_TYPES) {
  consoApi.openapi(
    createRoute({
      method: "get",
      path: `/${type}`,
      tags,
      summary,
      description:
        "Answers like Conso API (conso.boris.sh): the bare `meter_reading` content, no envelope; errors `{status, message, error?: {error, error_description}}`. Same cache, quotas and headers as /api/enedis.",
      security: [{ consoToken: [] }],
      request: { query: ConsoQuery },
      responses: {
        200: { description: "Readings (Enedis v5 `meter_reading` content)", headers: headerSchemas, content: { "application/json": { schema: MeterReadingSchema } } },
        ...consoErrors,
      },
    }),
    ((c: Context<AppEnv>) => readConso(c, kind)) as never,
    // Nothing here can fail (optional strings), but a refusal must keep Conso API's shape whatever happens.
    ((result: { success: boolean }, c: Context<AppEnv>) => (result.success ? undefined : consoErrorResponse(c, new ConsoError(400, "Paramètres invalides.")))) as never,
  );
  // Some Conso API scripts write the path with a trailing slash (`/api/daily_consumption/?prm=…`): same answer.
  consoApi.get(`/${type}/`, (c) => readConso(c, kind));
  // CORS preflight (API.md): 200 with permissive headers, for these five routes only.
  for (const path of [`/${type}`, `/${type}/`]) consoApi.options(path, (c) => c.body(null, 200, CORS_HEADERS));
}

const ConsoTokenSchema = z
  .object({
    token: z.string().openapi({ description: "JWT (HS256); `sub` = the account's PRMs at issue time. Shown once." }),
    expires_at: z.string().openapi({ example: "2027-12-02T11:00:00.000Z" }),
  })
  .openapi("ConsoToken");

consoApi.use("/accounts/conso-token", requireAuth);
consoApi.openapi(
  createRoute({
    method: "post",
    path: "/accounts/conso-token",
    tags: ["Accounts"],
    summary: "A new Conso API token for this account (shown once; revocable from the dashboard)",
    security: authenticated,
    responses: { 200: jsonContent(envelope(ConsoTokenSchema), "Token"), ...errorResponses(401, 404) },
  }),
  async (c) => {
    const me = c.get("caller");
    const issued = await issueConsoToken(c.env, me.userId, me.dataKey);
    return c.json({ success: true as const, data: { token: issued.token, expires_at: issued.expiresAt } }, 200);
  },
);
