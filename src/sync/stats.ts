import { and, eq } from "drizzle-orm";
import { db } from "../db/client";
import { usagePoints } from "../db/schema";
import type { Env } from "../env";
import type { UsagePointRow } from "../pdl/store";
import { parisDay, parisMidnightMs } from "../simulator/calendar";
import { isResting, targetDay } from "./plan";
import { syncStateOf } from "./store";

/**
 * Sync health for the operator (API.md `/api/admin/stats`.sync), over active PDLs with sync on:
 * done_today = yesterday synced; pending = not yet, still expected today (not stopped, not resting);
 * failed_today = a run failed today (Enedis error, consent gone).
 */
export function syncStats(rows: UsagePointRow[], nowMs: number) {
  const target = targetDay(nowMs);
  const midnight = parisMidnightMs(parisDay(nowMs));
  let done = 0;
  let pending = 0;
  let failed = 0;
  for (const row of rows) {
    const isDone = row.syncedThrough !== null && row.syncedThrough >= target;
    if (isDone) done++;
    else if (row.syncStopped === null && !isResting(syncStateOf(row), nowMs)) pending++;
    if (row.syncFailedAtMs !== null && row.syncFailedAtMs >= midnight) failed++;
  }
  return { pdls: rows.length, done_today: done, pending, failed_today: failed };
}

export async function loadSyncStats(env: Env, nowMs = Date.now()) {
  const rows = await db(env)
    .select()
    .from(usagePoints)
    .where(and(eq(usagePoints.sync, true), eq(usagePoints.isActive, true)))
    .all();
  return syncStats(rows, nowMs);
}
