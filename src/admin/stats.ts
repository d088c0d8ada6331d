import { count } from "drizzle-orm";
import { db } from "../db/client";
import { usagePoints, users } from "../db/schema";
import type { Env } from "../env";
import { enedisBudgetStats } from "../limits/budget-client";
import { usageFor } from "../limits/quota";
import { pdlCounts } from "../pdl/store";
import { loadSyncStats } from "../sync/stats";
import { lastKeyRingCount } from "../maintenance/key-ring-count";

/** Today's counters live in each account's AccountGate: the admin views ask them in parallel. */
export async function adminUserList(env: Env) {
  const [rows, counts] = await Promise.all([db(env).select().from(users).orderBy(users.createdAt).all(), pdlCounts(env)]);
  const pdlsByUser = new Map(counts.map((r) => [r.userId, r.n]));
  return Promise.all(
    rows.map(async (u) => {
      const usage = await usageFor(env, u.id);
      return {
        user_id: u.id,
        email: u.email,
        client_id: u.clientId,
        pdl_count: pdlsByUser.get(u.id) ?? 0,
        cached_requests: usage.cached,
        no_cache_requests: usage.noCache,
        created_at: u.createdAt,
      };
    }),
  );
}

export async function adminStats(env: Env) {
  const [list, pdls, budget, sync, keyRing] = await Promise.all([
    adminUserList(env),
    db(env).select({ n: count() }).from(usagePoints).get(),
    enedisBudgetStats(env),
    loadSyncStats(env),
    lastKeyRingCount(env),
  ]);
  return {
    users: list.length,
    pdls: pdls?.n ?? 0,
    today: {
      cached: list.reduce((s, u) => s + u.cached_requests, 0),
      no_cache: list.reduce((s, u) => s + u.no_cache_requests, 0),
      enedis_calls: budget.today.enedisCalls,
    },
    sync,
    key_ring: keyRing,
  };
}
