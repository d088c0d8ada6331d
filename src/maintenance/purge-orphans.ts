import { accountPrefix } from "../cache/keys";
import { getConfig } from "../config";
import type { Env } from "../env";

/**
 * Cache entries whose account no longer exists in D1 — after a D1 Time Travel restore to before the account was
 * created (docs/operations.md section 5). Nobody can read them (their data key was wrapped only in the removed row),
 * but settled days live 3 years: this deletes them. Run by the operator, page by page (`cursor`), never by the cron:
 * listing every cache key is far too much for a daily job, and it is only needed after a restore.
 *
 * An account's entries are under `accountPrefix` (src/cache/keys.ts), a keyed hash of its id. Prefixes under
 * APP_SECRET_PREVIOUS count as existing too: during a key rotation, entries not yet moved to the current key are
 * not orphans.
 */
/** KV pages (1 000 keys each) one call goes through: bounded work per request; the caller continues with `cursor`. */
export const PAGES_PER_CALL = 10;

async function liveAccountPrefixes(env: Env): Promise<Set<string>> {
  const previous = getConfig(env).appSecretPrevious;
  // the same prefix function, under each key of the ring
  const envs: Env[] = [env, ...(previous ? [{ ...env, APP_SECRET: previous, APP_SECRET_PREVIOUS: "" }] : [])];
  const { results } = await env.DB.prepare("SELECT id FROM users").all<{ id: string }>();
  return new Set(await Promise.all(results.flatMap((u) => envs.map((e) => accountPrefix(e, u.id)))));
}

/** "c:<account tag>:" of a cache key. */
const prefixOf = (key: string) => `c:${key.split(":")[1] ?? ""}:`;

export interface OrphanPurge {
  /** Cache keys looked at in this call. */
  scanned: number;
  /** Of those, deleted: their account is gone. */
  deleted: number;
  /** Where the next call starts; null when every cache key was looked at. */
  cursor: string | null;
}

export async function purgeOrphanCache(env: Env, cursor?: string): Promise<OrphanPurge> {
  const live = await liveAccountPrefixes(env);
  let scanned = 0;
  let deleted = 0;
  let next: string | undefined = cursor;
  for (let page = 0; page < PAGES_PER_CALL; page++) {
    const list: KVNamespaceListResult<unknown, string> = await env.KV.list({ prefix: "c:", cursor: next });
    const orphans = list.keys.map((k) => k.name).filter((name) => !live.has(prefixOf(name)));
    await Promise.all(orphans.map((name) => env.KV.delete(name)));
    scanned += list.keys.length;
    deleted += orphans.length;
    next = list.list_complete ? undefined : list.cursor;
    if (!next) break;
  }
  return { scanned, deleted, cursor: next ?? null };
}
