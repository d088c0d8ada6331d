import { getConfig } from "../config";
import type { Env } from "../env";
import { keyedHash } from "../crypto/keyed-hash";
import { openJson, sealJson, serverSealingKey } from "../crypto/seal";

/**
 * One Enedis token record per PDL in KV (the seed's "create the OAuth tokens for each PDL"), sealed with a key
 * derived from APP_SECRET — the gateway must use it on the household's behalf without the household present.
 * Key: "tok:<keyed hash of the PDL>" so KV key names reveal no PDL number.
 */
export interface TokenRecord {
  accessToken: string;
  expiresAtMs: number;
  /** when the household's consent ends (ISO), as known from the consent flow */
  consentExpiresAt: string | null;
}

const SEAL_PURPOSE = "enedis-token-record";

export async function tokenRecordKey(env: Env, usagePointId: string): Promise<string> {
  return `tok:${await keyedHash(getConfig(env).appSecret, "kv-token-record", usagePointId)}`;
}

export async function readTokenRecord(env: Env, usagePointId: string): Promise<TokenRecord | null> {
  const sealed = await env.KV.get(await tokenRecordKey(env, usagePointId));
  if (!sealed) return null;
  try {
    return await openJson<TokenRecord>(await serverSealingKey(getConfig(env).appSecret, SEAL_PURPOSE), sealed, `token:${usagePointId}`);
  } catch {
    return null; // unreadable (APP_SECRET rotated, or moved from another slot): treat as absent, a new token is fetched
  }
}

export async function writeTokenRecord(env: Env, usagePointId: string, record: TokenRecord): Promise<void> {
  const sealed = await sealJson(await serverSealingKey(getConfig(env).appSecret, SEAL_PURPOSE), record, `token:${usagePointId}`);
  await env.KV.put(await tokenRecordKey(env, usagePointId), sealed);
}

export async function deleteTokenRecord(env: Env, usagePointId: string): Promise<void> {
  await env.KV.delete(await tokenRecordKey(env, usagePointId));
}
