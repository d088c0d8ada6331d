import { and, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { accountPrefixUnder } from "../cache/keys";
import { keyId, keyRing } from "../crypto/key-ring";
import { PASSWORD_SCHEME } from "../crypto/password";
import { db } from "../db/client";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { authTokens, users } from "../db/schema";
import { APP_TOKEN_KV_KEY, openAppTokenRecord } from "../enedis/app-token-record";
import type { Env } from "../env";

/**
 * What still depends on the previous server key (APP_SECRET_PREVIOUS) during a rotation, counted by the daily cron and
 * shown on the admin page: the operator removes APP_SECRET_PREVIOUS once it is zero (README "Rotating APP_SECRET").
 * Everything counted is re-made under the current key at its next use; what is never used again before the previous
 * key goes stops working then. Counts only, never which account.
 */
const n = z.number().int().min(0);
export const KeyRingDependentsSchema = z.object({
  /** APP_SECRET_PREVIOUS is set */
  rotating: z.boolean(),
  counted_at: z.string(),
  client_secrets: n,
  passwords: n,
  sessions: n,
  access_tokens: n,
  conso_tokens: n,
  /** 1 while the KV copy of the Enedis application token is sealed under the previous key (replaced at its next refresh) */
  app_token: n,
  /** accounts that still have cache entries under the previous key's KV key names */
  cache_accounts: n,
  total: n,
});
export type KeyRingDependents = z.infer<typeof KeyRingDependentsSchema>;

/** Where the last count is kept (KV; a count, no personal data). Two days: a count the cron no longer renews disappears. */
export const KEY_RING_COUNT_KV_KEY = "key-ring-dependents";
const KEEP_SECONDS = 2 * 24 * 3600;
const KV_LISTS_IN_PARALLEL = 20;

export async function countKeyRingDependents(env: Env, nowMs = Date.now()): Promise<KeyRingDependents> {
  const ring = keyRing(env);
  const zero = { client_secrets: 0, passwords: 0, sessions: 0, access_tokens: 0, conso_tokens: 0, app_token: 0, cache_accounts: 0 };
  if (!ring.previous) return withTotal({ rotating: false, counted_at: new Date(nowMs).toISOString(), ...zero });
  const previous = ring.previous;
  const current = await keyId(ring.current);
  const d = db(env);
  // a null key_id was made before fingerprints existed, so under a key older than the current one
  const notCurrent = (column: AnySQLiteColumn) => sql`(${column} IS NULL OR ${column} <> ${current})`;
  const [accounts, tokens, appToken, cacheAccounts] = await Promise.all([
    d
      .select({
        secrets: sql<number>`coalesce(sum(CASE WHEN ${notCurrent(users.secretKeyId)} THEN 1 ELSE 0 END), 0)`,
        // legacy unpeppered verifiers depend on no key (they are upgraded at the next login anyway)
        passwords: sql<number>`coalesce(sum(CASE WHEN ${users.passwordHash} LIKE ${`${PASSWORD_SCHEME}$%`} AND ${notCurrent(users.passwordKeyId)} THEN 1 ELSE 0 END), 0)`,
      })
      .from(users)
      .get(),
    d
      .select({ kind: authTokens.kind, n: sql<number>`count(*)` })
      .from(authTokens)
      .where(and(gt(authTokens.expiresAtMs, nowMs), notCurrent(authTokens.keyId)))
      .groupBy(authTokens.kind)
      .all(),
    openAppTokenRecord(env, await env.KV.get(APP_TOKEN_KV_KEY)),
    countAccountsWithCacheUnder(env, previous),
  ]);
  const byKind = new Map(tokens.map((t) => [t.kind, t.n]));
  return withTotal({
    rotating: true,
    counted_at: new Date(nowMs).toISOString(),
    client_secrets: accounts?.secrets ?? 0,
    passwords: accounts?.passwords ?? 0,
    sessions: byKind.get("session") ?? 0,
    access_tokens: byKind.get("access_token") ?? 0,
    conso_tokens: byKind.get("conso_token") ?? 0,
    app_token: appToken?.underPrevious ? 1 : 0,
    cache_accounts: cacheAccounts,
  });
}

function withTotal(c: Omit<KeyRingDependents, "total">): KeyRingDependents {
  const total = c.client_secrets + c.passwords + c.sessions + c.access_tokens + c.conso_tokens + c.app_token + c.cache_accounts;
  return { ...c, total };
}

/**
 * Accounts with at least one cache entry still named under `secret`'s tags: one KV list (a single key) per account.
 * The prefix is the cache's own (src/cache/keys.ts), computed under the previous key.
 */
async function countAccountsWithCacheUnder(env: Env, secret: string): Promise<number> {
  const ids = (await db(env).select({ id: users.id }).from(users).all()).map((u) => u.id);
  let found = 0;
  for (let i = 0; i < ids.length; i += KV_LISTS_IN_PARALLEL) {
    const lists = await Promise.all(
      ids.slice(i, i + KV_LISTS_IN_PARALLEL).map(async (id) => env.KV.list({ prefix: await accountPrefixUnder(secret, id), limit: 1 })),
    );
    found += lists.filter((l) => l.keys.length > 0).length;
  }
  return found;
}

/** Counts, keeps the count for the admin page, and logs it (docs/logs.md `key_ring_dependents`: counts only). */
export async function recountKeyRing(env: Env, nowMs = Date.now()): Promise<KeyRingDependents> {
  const count = await countKeyRingDependents(env, nowMs);
  await env.KV.put(KEY_RING_COUNT_KV_KEY, JSON.stringify(count), { expirationTtl: KEEP_SECONDS });
  console.log(JSON.stringify({ event: "key_ring_dependents", ...count }));
  return count;
}

/** The last count, or null (none yet, or not in the shape this release writes). */
export async function lastKeyRingCount(env: Env): Promise<KeyRingDependents | null> {
  const parsed = KeyRingDependentsSchema.safeParse(await env.KV.get(KEY_RING_COUNT_KV_KEY, "json"));
  return parsed.success ? parsed.data : null;
}
