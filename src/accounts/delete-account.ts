import { eq } from "drizzle-orm";
import { accountPrefixes } from "../cache/keys";
import { schedulePurge } from "../cache/pending-purges";
import { purgeAccountCache } from "../cache/store";
import { db } from "../db/client";
import { users } from "../db/schema";
import type { Env } from "../env";
import { destroyAccountGate } from "../limits/quota";

/**
 * Deleting an account is total and irreversible (SECURITY.md property 7): the D1 row
 * — whose ON DELETE CASCADE removes PDLs, sessions, access tokens, wrapped keys and pending consent states —, its
 * quota counters (AccountGate), its encrypted cache in KV, and a second purge of that cache later
 * (cache/pending-purges.ts). The rows go before the cache, so a request in flight that writes an entry afterwards
 * finds its PDL gone and deletes the entry itself (cache/store.ts writeDays).
 */
export async function deleteAccount(env: Env, userId: string) {
  for (const prefix of await accountPrefixes(env, userId)) await schedulePurge(env, prefix); // the previous secret's too, mid-rotation
  await db(env).delete(users).where(eq(users.id, userId));
  await destroyAccountGate(env, userId);
  await purgeAccountCache(env, userId);
}
