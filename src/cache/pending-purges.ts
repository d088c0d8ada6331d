import { and, asc, eq, lte } from "drizzle-orm";
import { db } from "../db/client";
import { pendingPurges } from "../db/schema";
import type { Env } from "../env";
import { deleteByPrefix } from "./store";

/**
 * Second purge of a deleted account's or PDL's cache (SECURITY.md property 7). KV's listing is eventually
 * consistent and a request in flight during the deletion may still write an entry: the deletion records the
 * keyed-hash prefix here (it names no person and no PDL), and the daily cron purges it once more, later.
 */
export const PURGE_AGAIN_AFTER_MS = 10 * 60 * 1000;

/** Prefixes read from D1 at a time; a run goes on batch after batch, up to MAX_BATCHES_PER_RUN (a backlog is the next run's). */
const PREFIXES_PER_BATCH = 100;
const MAX_BATCHES_PER_RUN = 50;

/** Records a prefix for a later purge; recorded before the deletion starts, so a deletion cut short still gets one. */
export async function schedulePurge(env: Env, prefix: string, nowMs = Date.now()) {
  const purgeAfterMs = nowMs + PURGE_AGAIN_AFTER_MS;
  await db(env).insert(pendingPurges).values({ prefix, purgeAfterMs }).onConflictDoUpdate({ target: pendingPurges.prefix, set: { purgeAfterMs } });
}

/** Purges every prefix whose time has come, then forgets it. Returns how many prefixes and KV entries went. */
export async function purgePendingPrefixes(env: Env, nowMs = Date.now()): Promise<{ prefixes: number; entries: number }> {
  const d = db(env);
  let prefixes = 0;
  let entries = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const due = await d
      .select()
      .from(pendingPurges)
      .where(lte(pendingPurges.purgeAfterMs, nowMs))
      .orderBy(asc(pendingPurges.purgeAfterMs))
      .limit(PREFIXES_PER_BATCH)
      .all();
    for (const { prefix, purgeAfterMs } of due) {
      entries += await deleteByPrefix(env, prefix);
      // only the row we purged for: a deletion that rescheduled the prefix meanwhile keeps its own later purge
      await d.delete(pendingPurges).where(and(eq(pendingPurges.prefix, prefix), eq(pendingPurges.purgeAfterMs, purgeAfterMs)));
    }
    prefixes += due.length;
    if (due.length < PREFIXES_PER_BATCH) break;
  }
  return { prefixes, entries };
}
