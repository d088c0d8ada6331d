import { pdlPrefixes } from "../cache/keys";
import { schedulePurge } from "../cache/pending-purges";
import { purgePdlCache } from "../cache/store";
import type { Env } from "../env";
import { deletePdlRow } from "./store";

/**
 * Deleting a PDL is total (SECURITY.md 7): its row (with its consent record), every cache entry — and a second
 * purge of its cache prefix later (cache/pending-purges.ts). The row goes before the cache: from then on a
 * request in flight finds the PDL gone after writing and deletes its own entries (cache/store.ts writeDays).
 */
export async function removePdl(env: Env, userId: string, usagePointId: string) {
  for (const prefix of await pdlPrefixes(env, userId, usagePointId)) await schedulePurge(env, prefix); // the previous secret's too, mid-rotation
  await deletePdlRow(env, userId, usagePointId);
  await purgePdlCache(env, userId, usagePointId);
}
