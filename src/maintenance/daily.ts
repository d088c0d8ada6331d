import { purgePendingPrefixes } from "../cache/pending-purges";
import type { Env } from "../env";
import { dropLegacyTokenRecords } from "./drop-legacy-token-records";
import { recountKeyRing } from "./key-ring-count";
import { purgeExpired } from "./purge-expired";

/**
 * The daily cron's work (wrangler.toml [triggers]), logged as one event of counts only: rows and keys removed,
 * never which ones (see docs/logs.md).
 */
export async function runDailyMaintenance(env: Env, nowMs = Date.now()) {
  const [expired, purged, legacyTokenRecords] = await Promise.all([purgeExpired(env, nowMs), purgePendingPrefixes(env, nowMs), dropLegacyTokenRecords(env)]);
  const counts = { ...expired, pendingPurges: purged.prefixes, purgedCacheEntries: purged.entries, legacyTokenRecords };
  console.log(JSON.stringify({ event: "daily_maintenance", ...counts }));
  // after the purges: expired tokens no longer count as depending on the previous key
  return { ...counts, keyRing: await recountKeyRing(env, nowMs) };
}
