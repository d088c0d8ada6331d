import { createRoute, z } from "@hono/zod-openapi";
import { requireAuth } from "../http/auth";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import { createApi } from "../http/validation";
import { usageFor } from "../limits/quota";
import { getConfig } from "../config";
import { UsagePointParams } from "./params";
import { removePdl } from "./remove";
import { listPdls, ownedPdl, PdlSchema, toPublicPdl, updatePdl } from "./store";
import { scheduleSync } from "../sync/scheduler";
import { markSyncSoon } from "../sync/store";

/** /api/pdl/* — the account's delivery points. */
export const pdlApi = createApi();
pdlApi.use("*", requireAuth);
const tags = ["Delivery points"];


const PdlPatch = z
  .object({
    name: z.string().trim().max(100).nullable().optional(),
    is_active: z.boolean().optional(),
    sync: z.boolean().optional().openapi({ description: "background sync on/off" }),
  })
  .strict()
  .refine((p) => p.name !== undefined || p.is_active !== undefined || p.sync !== undefined, { message: "Rien à modifier : donnez name, is_active et/ou sync." })
  .openapi("PdlPatch");

const StatusSchema = z
  .object({
    consent_valid: z.boolean(),
    consent_expires_at: z.string().nullable(),
    no_cache_remaining: z.number().int(),
    cached_remaining: z.number().int(),
    reset_at: z.string(),
    last_error: z.string().optional().openapi({ example: "CONSENT_REQUIRED" }),
    sync: z.boolean().openapi({ description: "background sync on" }),
    last_sync_at: z.string().optional().openapi({ description: "last sync run that reached yesterday (ISO)" }),
    synced_through: z.string().optional().openapi({ example: "2026-12-01", description: "last day every series was synced for" }),
  })
  .openapi("PdlStatus");

pdlApi.openapi(
  createRoute({ method: "get", path: "/", tags, security: authenticated, summary: "Delivery points of this account", responses: { 200: jsonContent(envelope(z.array(PdlSchema)), "List"), ...errorResponses(401) } }),
  async (c) => c.json({ success: true as const, data: (await listPdls(c.env, c.get("caller").userId)).map(toPublicPdl) }, 200),
);

pdlApi.openapi(
  createRoute({ method: "get", path: "/{usage_point_id}", tags, security: authenticated, summary: "One delivery point", request: { params: UsagePointParams }, responses: { 200: jsonContent(envelope(PdlSchema), "PDL"), ...errorResponses(400, 401, 404) } }),
  async (c) => c.json({ success: true as const, data: toPublicPdl(await ownedPdl(c.env, c.get("caller").userId, c.req.valid("param").usage_point_id)) }, 200),
);

pdlApi.openapi(
  createRoute({
    method: "patch",
    path: "/{usage_point_id}",
    tags,
    security: authenticated,
    summary: "Rename, disable or enable a delivery point, or switch its background sync",
    request: { params: UsagePointParams, body: { content: { "application/json": { schema: PdlPatch } }, required: true } },
    responses: { 200: jsonContent(envelope(PdlSchema), "Updated"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const patch = c.req.valid("json");
    const userId = c.get("caller").userId;
    const usagePointId = c.req.valid("param").usage_point_id;
    const row = await updatePdl(c.env, userId, usagePointId, {
      ...(patch.name !== undefined ? { name: patch.name || null } : {}),
      ...(patch.is_active !== undefined ? { isActive: patch.is_active } : {}),
      ...(patch.sync !== undefined ? { sync: patch.sync } : {}),
    });
    // Sync switched on: its recent days within a minute. Any change of sync or activity moves (or clears) its alarm.
    if (patch.sync === true) await markSyncSoon(c.env, userId, [usagePointId], Date.now());
    if (patch.sync !== undefined || patch.is_active !== undefined) await scheduleSync(c.env, [usagePointId]);
    return c.json({ success: true as const, data: toPublicPdl(row) }, 200);
  },
);

pdlApi.openapi(
  createRoute({
    method: "delete",
    path: "/{usage_point_id}",
    tags,
    security: authenticated,
    summary: "Remove a delivery point, its consent record and its cache",
    request: { params: UsagePointParams },
    responses: { 200: jsonContent(envelope(z.object({})), "Deleted"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const userId = c.get("caller").userId;
    const pdl = await ownedPdl(c.env, userId, c.req.valid("param").usage_point_id);
    await removePdl(c.env, userId, pdl.usagePointId);
    return c.json({ success: true as const, data: {} }, 200);
  },
);

pdlApi.openapi(
  createRoute({
    method: "get",
    path: "/{usage_point_id}/status",
    tags,
    security: authenticated,
    summary: "Consent and quota status of a delivery point",
    request: { params: UsagePointParams },
    responses: { 200: jsonContent(envelope(StatusSchema), "Status"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const userId = c.get("caller").userId;
    const pdl = await ownedPdl(c.env, userId, c.req.valid("param").usage_point_id);
    const usage = await usageFor(c.env, userId);
    const config = getConfig(c.env);
    const expires = pdl.consentExpiresAt;
    // The PDL's consent record: its end date from Enedis, and the last answer Enedis gave about it.
    const consentValid = !!expires && Date.parse(expires) > Date.now() && pdl.lastError !== "CONSENT_REQUIRED" && pdl.lastError !== "NOT_OWNER";
    return c.json(
      {
        success: true as const,
        data: {
          consent_valid: consentValid,
          consent_expires_at: expires,
          no_cache_remaining: Math.max(0, config.dailyLimitNoCache - usage.noCache),
          cached_remaining: Math.max(0, config.dailyLimitWithCache - usage.cached),
          reset_at: new Date(usage.resetAtSec * 1000).toISOString(),
          ...(pdl.lastError ? { last_error: pdl.lastError } : {}),
          sync: pdl.sync,
          ...(pdl.lastSyncAt ? { last_sync_at: pdl.lastSyncAt } : {}),
          ...(pdl.syncedThrough ? { synced_through: pdl.syncedThrough } : {}),
        },
      },
      200,
    );
  },
);
