import type { Env } from "../env";

/**
 * Releases before the one application token kept one sealed Enedis token record per PDL in KV ("tok:<keyed hash>").
 * Nothing reads them any more; this removes what an upgraded gateway still holds (the daily cron runs it; it finds
 * nothing once done). KV has no TTL on those old records, so without it they would stay forever.
 */
export const LEGACY_TOKEN_PREFIX = "tok:";

export async function dropLegacyTokenRecords(env: Env): Promise<number> {
  let dropped = 0;
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ prefix: LEGACY_TOKEN_PREFIX, cursor });
    await Promise.all(page.keys.map((k) => env.KV.delete(k.name)));
    dropped += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return dropped;
}
