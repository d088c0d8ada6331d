import { getConfig } from "../config";
import { keyedHash } from "../crypto/keyed-hash";
import type { Env } from "../env";

/**
 * KV key names of cache entries: "c:<account tag>:<pdl tag>:<kind>:<day>" for one day, and
 * "c:<account tag>:<pdl tag>:<kind>:m:<YYYY-MM>" / ":w:<Monday>" for a pack of settled days (cache/packs.ts).
 * Tags are keyed hashes (APP_SECRET), so key names reveal neither the account nor the PDL number, while
 * prefixes still let the gateway purge one PDL ("c:<a>:<p>:") or one account ("c:<a>:") with a KV list —
 * packs included, since they live under the same prefix.
 *
 * While APP_SECRET is rotated, entries written before still carry tags under APP_SECRET_PREVIOUS: reads look there
 * too and move what they find (cache/store.ts), deletions purge both prefixes.
 */
export type CacheKind = string; // a MeteringKind, or "contract" | "address" | "identity" | "contact"

const tagUnder = async (secret: string, purpose: string, value: string) => (await keyedHash(secret, purpose, value)).slice(0, 22);

/** The account's prefix under a given secret (the key-ring rotation counts accounts still under the old one). */
export const accountPrefixUnder = async (secret: string, userId: string) => `c:${await tagUnder(secret, "kv-account", userId)}:`;

export async function pdlPrefixUnder(secret: string, userId: string, usagePointId: string) {
  return `${await accountPrefixUnder(secret, userId)}${await tagUnder(secret, "kv-pdl", `${userId}|${usagePointId}`)}:`;
}

export const accountPrefix = (env: Env, userId: string) => accountPrefixUnder(getConfig(env).appSecret, userId);
export const pdlPrefix = (env: Env, userId: string, usagePointId: string) => pdlPrefixUnder(getConfig(env).appSecret, userId, usagePointId);

/** The prefix under APP_SECRET_PREVIOUS, or null when no rotation is under way. */
export function previousPdlPrefix(env: Env, userId: string, usagePointId: string): Promise<string> | null {
  const previous = getConfig(env).appSecretPrevious;
  return previous ? pdlPrefixUnder(previous, userId, usagePointId) : null;
}

/** Every prefix the account's entries may be under: the current one, and the previous secret's during a rotation. */
export async function accountPrefixes(env: Env, userId: string): Promise<string[]> {
  const { appSecret, appSecretPrevious } = getConfig(env);
  return Promise.all([appSecret, ...(appSecretPrevious ? [appSecretPrevious] : [])].map((s) => accountPrefixUnder(s, userId)));
}

export async function pdlPrefixes(env: Env, userId: string, usagePointId: string): Promise<string[]> {
  const { appSecret, appSecretPrevious } = getConfig(env);
  return Promise.all([appSecret, ...(appSecretPrevious ? [appSecretPrevious] : [])].map((s) => pdlPrefixUnder(s, userId, usagePointId)));
}

export const dayName = (prefix: string, kind: CacheKind, day: string) => `${prefix}${kind}:${day}`;
export const packName = (prefix: string, kind: CacheKind, period: string) => `${prefix}${kind}:${period}`;

/** Additional authenticated data of an entry: its slot. An entry copied to another slot fails to decrypt. */
export const slotAad = (userId: string, usagePointId: string, kind: CacheKind, day: string) => `cache|${userId}|${usagePointId}|${kind}|${day}`;
/** A pack's slot: its own prefix, so neither a day's entry nor another period's pack opens as this pack. */
export const packAad = (userId: string, usagePointId: string, kind: CacheKind, period: string) => `cache-pack|${userId}|${usagePointId}|${kind}|${period}`;
