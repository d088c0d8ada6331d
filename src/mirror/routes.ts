import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { purgePdlCache } from "../cache/store";
import { validateRange } from "../enedis/dates";
import { MeterReadingSchema, type CustomerKind, type MeteringKind } from "../enedis/types";
import { requireAuthWithPdl } from "../http/auth";
import { AppError } from "../http/errors";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import type { AppEnv } from "../http/types";
import { createApi } from "../http/validation";
import { rateLimitHeaders, usageFor } from "../limits/quota";
import { getConfig } from "../config";
import { UsagePointParams } from "../pdl/params";
import { ownedPdlOf } from "../pdl/store";
import type { MirrorAnswer, MirrorContext } from "./context";
import { meterReadingToCsv } from "./csv";
import { readCustomerData } from "./customer";
import { readMetering } from "./metering";

/** /api/enedis/* — every Enedis endpoint, in the v5 shapes, whatever Enedis generation answered. */
export const mirrorApi = createApi();
mirrorApi.use("*", requireAuthWithPdl); // the caller and the PDL of the path in one D1 query
/**
 * A link on another site can make a signed-in browser open a mirror URL (SameSite=Lax cookies ride along on a
 * top-level navigation): such a GET must not spend the user's quota nor call Enedis (SECURITY.md property 5).
 * API keys are unaffected: a link cannot add an Authorization header.
 */
mirrorApi.use("*", async (c, next) => {
  if (c.get("caller").via === "session" && c.req.header("Sec-Fetch-Site") === "cross-site") {
    throw new AppError(403, "CSRF_FAILED", "Requête refusée : elle vient d'un autre site. Ouvrez-la depuis le tableau de bord.");
  }
  await next();
});
/**
 * X-RateLimit-* on every mirror answer (API.md), also on errors found before the request was counted (bad
 * dates, unknown PDL): those report the no-cache quota, the one a retried request would most likely use.
 */
mirrorApi.use("*", async (c, next) => {
  await next();
  if (c.res.headers.has("X-RateLimit-Limit")) return;
  const usage = await usageFor(c.env, c.get("caller").userId);
  const limit = getConfig(c.env).dailyLimitNoCache;
  c.res.headers.set("X-RateLimit-Limit", String(limit));
  c.res.headers.set("X-RateLimit-Remaining", String(Math.max(0, limit - usage.noCache)));
  c.res.headers.set("X-RateLimit-Reset", String(usage.resetAtSec));
});
const tags = ["Enedis mirror"];

const useCacheParam = z
  .enum(["true", "false"])
  .optional()
  .openapi({ description: "false forces a call to Enedis (counts as a no-cache request)" });

const MeteringQuery = z.object({
  start: z.string().max(10).optional().openapi({ example: "2026-11-01", description: "first day, YYYY-MM-DD" }),
  end: z.string().max(10).optional().openapi({ example: "2026-11-08", description: "day after the last, YYYY-MM-DD (after today reads as today)" }),
  format: z.enum(["json", "csv"]).optional(),
  use_cache: useCacheParam,
});

const mirrorHeaders = {
  "X-Cache-Status": { schema: { type: "string" as const, enum: ["HIT", "MISS", "PARTIAL"] } },
  "X-RateLimit-Limit": { schema: { type: "integer" as const } },
  "X-RateLimit-Remaining": { schema: { type: "integer" as const } },
  "X-RateLimit-Reset": { schema: { type: "integer" as const }, description: "epoch seconds, next midnight UTC" },
};

const MIRROR_ERRORS = errorResponses(400, 401, 403, 404, 409, 429, 502, 503);

/** One GET mirror route: the same security, path parameter, headers and errors for every Enedis series. */
const mirrorRoute = <Q extends z.ZodObject, C extends Record<string, { schema: z.ZodType }>>(path: string, summary: string, query: Q, description: string, content: C) =>
  createRoute({
    method: "get",
    path,
    tags,
    summary,
    security: authenticated,
    request: { params: UsagePointParams, query },
    responses: { 200: { description, headers: mirrorHeaders, content }, ...MIRROR_ERRORS },
  });

/** Ownership first (SECURITY.md 4): another account's PDL is a plain 404, exactly like a missing one. */
async function mirrorContext(c: Context<AppEnv>, usagePointId: string): Promise<MirrorContext> {
  const pdl = await ownedPdlOf(c.env, c.get("caller"), usagePointId);
  if (!pdl.isActive) throw new AppError(409, "PDL_DISABLED", "Ce point de livraison est désactivé sur votre compte : réactivez-le pour lire ses données.");
  return { env: c.env, caller: c.get("caller"), pdl };
}

/** Runs a mirror read and answers with X-Cache-Status and X-RateLimit-*; errors keep the quota headers. */
async function answer<T>(c: Context<AppEnv>, ctx: MirrorContext, read: () => Promise<MirrorAnswer<T>>, render?: (data: T) => Response) {
  let result: MirrorAnswer<T>;
  try {
    result = await read();
  } catch (error) {
    if (error instanceof AppError && ctx.counted && !error.extra.headers) {
      throw new AppError(error.status, error.code, error.message, { ...error.extra, headers: rateLimitHeaders(ctx.counted) });
    }
    throw error;
  }
  c.header("X-Cache-Status", result.cacheStatus);
  for (const [k, v] of Object.entries(rateLimitHeaders(result.quota))) c.header(k, v);
  return render ? render(result.data) : c.json({ success: true as const, data: result.data }, 200);
}

const METERING: Array<{ path: string; kind: MeteringKind; summary: string }> = [
  { path: "/consumption/daily/{usage_point_id}", kind: "consumption_daily", summary: "Daily consumption (Wh)" },
  { path: "/consumption/detail/{usage_point_id}", kind: "consumption_load_curve", summary: "Consumption load curve (W, any range up to the history limit)" },
  { path: "/consumption/detail/batch/{usage_point_id}", kind: "consumption_load_curve", summary: "Alias of /consumption/detail" },
  { path: "/power/{usage_point_id}", kind: "consumption_max_power", summary: "Daily maximum power (VA)" },
  { path: "/production/daily/{usage_point_id}", kind: "production_daily", summary: "Daily production (Wh)" },
  { path: "/production/detail/{usage_point_id}", kind: "production_load_curve", summary: "Production load curve (W)" },
  { path: "/production/detail/batch/{usage_point_id}", kind: "production_load_curve", summary: "Alias of /production/detail" },
];

for (const { path, kind, summary } of METERING) {
  mirrorApi.openapi(
    mirrorRoute(path, summary, MeteringQuery, "Readings (v5 shape), or CSV with ?format=csv", {
      "application/json": { schema: envelope(z.object({ meter_reading: MeterReadingSchema })) },
      "text/csv": { schema: z.string() },
    }),
    async (c) => {
      const { usage_point_id } = c.req.valid("param");
      const q = c.req.valid("query");
      const ctx = await mirrorContext(c, usage_point_id);
      const range = validateRange(kind, q.start, q.end, new Date());
      return answer(c, ctx, () => readMetering(ctx, kind, range, { useCache: q.use_cache !== "false" }), (data) =>
        q.format === "csv"
          ? c.body(meterReadingToCsv(data.meter_reading), 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${kind}-${usage_point_id}-${range.start}.csv"` })
          : c.json({ success: true as const, data }, 200),
      ) as never;
    },
  );
}

const CUSTOMER: Array<{ path: string; kind: CustomerKind; summary: string }> = [
  { path: "/contract/{usage_point_id}", kind: "contract", summary: "Contract (v5 shape: segment, subscribed power, tariff, off-peak hours…)" },
  { path: "/address/{usage_point_id}", kind: "address", summary: "Postal address of the delivery point (v5 shape)" },
  { path: "/customer/{usage_point_id}", kind: "identity", summary: "Identity of the holder (v5 shape)" },
  { path: "/contact/{usage_point_id}", kind: "contact", summary: "Contact data of the holder (v5 shape)" },
];

for (const { path, kind, summary } of CUSTOMER) {
  mirrorApi.openapi(
    mirrorRoute(path, summary, z.object({ use_cache: useCacheParam }), "Enedis data, v5 shape", {
      "application/json": { schema: envelope(z.record(z.string(), z.unknown())) },
    }),
    async (c) => {
      const { usage_point_id } = c.req.valid("param");
      const ctx = await mirrorContext(c, usage_point_id);
      return answer(c, ctx, () => readCustomerData(ctx, kind, { useCache: c.req.valid("query").use_cache !== "false" })) as never;
    },
  );
}

mirrorApi.openapi(
  createRoute({
    method: "delete",
    path: "/cache/{usage_point_id}",
    tags,
    summary: "Purge this delivery point's cache",
    security: authenticated,
    request: { params: UsagePointParams },
    responses: { 200: jsonContent(envelope(z.object({ deleted: z.number().int() })), "Purged"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { usage_point_id } = c.req.valid("param");
    const pdl = await ownedPdlOf(c.env, c.get("caller"), usage_point_id);
    return c.json({ success: true as const, data: { deleted: await purgePdlCache(c.env, c.get("caller").userId, pdl.usagePointId) } }, 200);
  },
);
