import { purgePdlCache } from "../cache/store";
import { deleteTokenRecord } from "../enedis/token-store";
import type { Env } from "../env";
import { deletePdlRow } from "./store";

/** Deleting a PDL is total (SECURITY.md 7): its Enedis token record, every cache entry, then its row. */
export async function removePdl(env: Env, userId: string, usagePointId: string) {
  await deleteTokenRecord(env, usagePointId);
  await purgePdlCache(env, userId, usagePointId);
  await deletePdlRow(env, userId, usagePointId);
}
