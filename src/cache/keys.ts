import { getConfig } from "../config";
import { keyedHash } from "../crypto/keyed-hash";
import type { Env } from "../env";

/**
 * KV key names of cache entries: "c:<account tag>:<pdl tag>:<kind>:<day>".
 * Tags are keyed hashes (APP_SECRET), so key names reveal neither the account nor the PDL number, while
 * prefixes still let the gateway purge one PDL ("c:<a>:<p>:") or one account ("c:<a>:") with a KV list.
 */
export type CacheKind = string; // a MeteringKind, or "contract" | "address" | "identity" | "contact"

const tag = async (env: Env, purpose: string, value: string) => (await keyedHash(getConfig(env).appSecret, purpose, value)).slice(0, 22);

export const accountPrefix = async (env: Env, userId: string) => `c:${await tag(env, "kv-account", userId)}:`;

export async function pdlPrefix(env: Env, userId: string, usagePointId: string) {
  return `${await accountPrefix(env, userId)}${await tag(env, "kv-pdl", `${userId}|${usagePointId}`)}:`;
}

/** Additional authenticated data of an entry: its slot. An entry copied to another slot fails to decrypt. */
export const slotAad = (userId: string, usagePointId: string, kind: CacheKind, day: string) => `cache|${userId}|${usagePointId}|${kind}|${day}`;
