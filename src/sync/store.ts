import { and, eq, inArray } from "drizzle-orm";
import { db } from "../db/client";
import { usagePoints } from "../db/schema";
import type { Env } from "../env";
import type { UsagePointRow } from "../pdl/store";
import { SOON_DELAY_MS, type SyncState } from "./plan";

/** Background sync's per-PDL state lives in D1 (usage_points): status and admin stats read it, the scheduler writes it. */
export const syncStateOf = (row: UsagePointRow): SyncState => ({
  usagePointId: row.usagePointId,
  enabled: row.sync && row.isActive,
  stopped: row.syncStopped !== null,
  soonAtMs: row.syncSoonAtMs,
  syncedThrough: row.syncedThrough,
  lastAttemptAtMs: row.lastSyncAttemptMs,
  lastReadDay: row.lastReadDay,
  sinceMs: row.syncSinceMs ?? Date.parse(row.createdAt),
});

export const findPdlRow = (env: Env, usagePointId: string) => db(env).select().from(usagePoints).where(eq(usagePoints.usagePointId, usagePointId)).get();

/**
 * (Re)starts sync for these PDLs of the account: run within a minute, the rest countdown from now, any "consent gone"
 * stop lifted (a new consent, or the user switching sync on again; if Enedis still refuses, the run stops it again).
 */
export async function markSyncSoon(env: Env, userId: string, usagePointIds: string[], nowMs: number) {
  if (usagePointIds.length === 0) return;
  await db(env)
    .update(usagePoints)
    .set({ syncSoonAtMs: nowMs + SOON_DELAY_MS, syncSinceMs: nowMs, syncStopped: null })
    .where(and(eq(usagePoints.userId, userId), inArray(usagePoints.usagePointId, usagePointIds)));
}

export type SyncRowPatch = Partial<Pick<UsagePointRow, "syncSoonAtMs" | "syncStopped" | "lastSyncAt" | "syncedThrough" | "lastSyncAttemptMs" | "syncFailedAtMs" | "lastError" | "lastReadDay">>;

/** Writes a run's outcome, only if the PDL still belongs to the same account (deleted or moved meanwhile: nothing). */
export async function updateSyncRow(env: Env, row: Pick<UsagePointRow, "usagePointId" | "userId">, patch: SyncRowPatch) {
  await db(env)
    .update(usagePoints)
    .set(patch)
    .where(and(eq(usagePoints.usagePointId, row.usagePointId), eq(usagePoints.userId, row.userId)));
}
