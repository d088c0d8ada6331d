import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { purgeAccountCache } from "../cache/store";
import { db } from "../db/client";
import { users } from "../db/schema";
import { requireAdmin, requireAuth } from "../http/auth";
import { AppError } from "../http/errors";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import { createApi } from "../http/validation";
import { adminStats, adminUserList } from "./stats";
import { resetQuotaFor } from "../limits/quota";
import { deleteAccount } from "../accounts/delete-account";
import { KeyRingDependentsSchema } from "../maintenance/key-ring-count";

/** /api/admin/* — accounts listed in ADMIN_CLIENT_IDS only. Statistics and account care; never a user's Enedis data or secrets. */
export const adminApi = createApi();
adminApi.use("*", requireAuth, requireAdmin);
const tags = ["Administration"];

const StatsSchema = z
  .object({
    users: z.number().int(),
    pdls: z.number().int(),
    today: z.object({ cached: z.number().int(), no_cache: z.number().int(), enedis_calls: z.number().int() }),
    sync: z
      .object({ pdls: z.number().int(), done_today: z.number().int(), pending: z.number().int(), failed_today: z.number().int() })
      .openapi({ description: "background sync over active PDLs with sync on: yesterday synced, still expected today, failed today" }),
    key_ring: KeyRingDependentsSchema.nullable().openapi({
      description: "APP_SECRET rotation: the last count of what still depends on APP_SECRET_PREVIOUS (daily cron); null before the first count",
    }),
  })
  .openapi("AdminStats");
const UserSchema = z
  .object({ user_id: z.string(), email: z.string(), client_id: z.string(), pdl_count: z.number().int(), cached_requests: z.number().int(), no_cache_requests: z.number().int(), created_at: z.string() })
  .openapi("AdminUser");
const UserParams = z.object({ user_id: z.uuid().openapi({ param: { name: "user_id", in: "path" } }) });

async function existingUser(env: Parameters<typeof db>[0], userId: string) {
  const row = await db(env).select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
  if (!row) throw new AppError(404, "USER_NOT_FOUND", "Utilisateur inconnu.", { field: "user_id" });
  return row.id;
}

adminApi.openapi(
  createRoute({ method: "get", path: "/stats", tags, security: authenticated, summary: "Global statistics", responses: { 200: jsonContent(envelope(StatsSchema), "Stats"), ...errorResponses(401, 403) } }),
  async (c) => c.json({ success: true as const, data: await adminStats(c.env) }, 200),
);

adminApi.openapi(
  createRoute({ method: "get", path: "/users", tags, security: authenticated, summary: "Users with PDL count and today's quota use", responses: { 200: jsonContent(envelope(z.array(UserSchema)), "Users"), ...errorResponses(401, 403) } }),
  async (c) => c.json({ success: true as const, data: await adminUserList(c.env) }, 200),
);

adminApi.openapi(
  createRoute({ method: "post", path: "/users/{user_id}/reset-quota", tags, security: authenticated, summary: "Reset a user's daily quotas", request: { params: UserParams }, responses: { 200: jsonContent(envelope(z.object({})), "Reset"), ...errorResponses(400, 401, 403, 404) } }),
  async (c) => {
    await resetQuotaFor(c.env, await existingUser(c.env, c.req.valid("param").user_id));
    return c.json({ success: true as const, data: {} }, 200);
  },
);

adminApi.openapi(
  createRoute({ method: "delete", path: "/users/{user_id}/cache", tags, security: authenticated, summary: "Purge a user's encrypted cache", request: { params: UserParams }, responses: { 200: jsonContent(envelope(z.object({ deleted: z.number().int() })), "Purged"), ...errorResponses(400, 401, 403, 404) } }),
  async (c) => {
    const deleted = await purgeAccountCache(c.env, await existingUser(c.env, c.req.valid("param").user_id));
    return c.json({ success: true as const, data: { deleted } }, 200);
  },
);

adminApi.openapi(
  createRoute({
    method: "delete",
    path: "/users/{user_id}",
    tags,
    security: authenticated,
    summary: "Delete an account exactly like its owner would (releases its PDLs)",
    description: "For a household that lost both its password and its client_secret, after the operator has checked with it. Everything of the account goes: PDLs, cache, tokens, credentials.",
    request: { params: UserParams },
    responses: { 200: jsonContent(envelope(z.object({})), "Deleted"), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    await deleteAccount(c.env, await existingUser(c.env, c.req.valid("param").user_id));
    return c.json({ success: true as const, data: {} }, 200);
  },
);
