import { eq } from "drizzle-orm";
import { purgeAccountCache } from "../cache/store";
import { db } from "../db/client";
import { users } from "../db/schema";
import { deleteTokenRecord } from "../enedis/token-store";
import type { Env } from "../env";
import { destroyAccountGate } from "../limits/quota";
import { listPdls } from "../pdl/store";

/**
 * Deleting an account is total and irreversible (SECURITY.md property 7): its Enedis token records and
 * encrypted cache in KV, its quota counters (AccountGate), then the D1 row — whose ON DELETE CASCADE removes
 * PDLs, sessions, access tokens, wrapped keys and pending consent states.
 */
export async function deleteAccount(env: Env, userId: string) {
  const pdls = await listPdls(env, userId);
  await Promise.all(pdls.map((p) => deleteTokenRecord(env, p.usagePointId)));
  await purgeAccountCache(env, userId);
  await destroyAccountGate(env, userId);
  await db(env).delete(users).where(eq(users.id, userId));
}
