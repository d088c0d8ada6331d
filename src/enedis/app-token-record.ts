import { getConfig } from "../config";
import { firstUnderRing, keyRing } from "../crypto/key-ring";
import { openJson, sealJson, serverSealingKey } from "../crypto/seal";
import type { Env } from "../env";
import type { EnedisToken } from "./types";

/**
 * The one Enedis application token (client credentials are per application, not per PDL or account), as it lives
 * at rest: sealed with an APP_SECRET-derived key, bound (AAD) to the Enedis client_id it was issued to — so new
 * Enedis credentials make the old token unreadable and a fresh one is fetched at once.
 * KV holds a copy every isolate reads; the EnedisTokenKeeper object holds the authoritative one.
 */
export const APP_TOKEN_KV_KEY = "enedis-app-token";
const SEAL_PURPOSE = "enedis-app-token";

/** A token with less life left than this is replaced: one refresh shortly before expiry, never a call with a dying token. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export const isFresh = (token: EnedisToken, nowMs: number) => token.expiresAtMs - nowMs > REFRESH_MARGIN_MS;

const aad = (env: Env) => `${SEAL_PURPOSE}|${getConfig(env).clientId}`;

export async function sealAppToken(env: Env, token: EnedisToken): Promise<string> {
  return sealJson(await serverSealingKey(getConfig(env).appSecret, SEAL_PURPOSE), token, aad(env));
}

/**
 * The token, and whether it was sealed under the previous server key (APP_SECRET rotation: it is resealed under the
 * current key by the EnedisTokenKeeper when it reads it, else replaced at the next refresh). null when absent or
 * unreadable (a key no longer in the ring, other Enedis credentials, tampering).
 */
export async function openAppTokenRecord(env: Env, sealed: string | null | undefined): Promise<{ token: EnedisToken; underPrevious: boolean } | null> {
  if (!sealed) return null;
  const opened = await firstUnderRing(keyRing(env), async (secret) => {
    try {
      return await openJson<EnedisToken>(await serverSealingKey(secret, SEAL_PURPOSE), sealed, aad(env));
    } catch {
      return null;
    }
  });
  return opened && { token: opened.value, underPrevious: opened.underPrevious };
}

/** null when absent or unreadable (see openAppTokenRecord). */
export const openAppToken = async (env: Env, sealed: string | null | undefined): Promise<EnedisToken | null> => (await openAppTokenRecord(env, sealed))?.token ?? null;

/** KV keeps the copy only while the token lives (KV's minimum TTL is 60 s). */
export const kvTtlSeconds = (token: EnedisToken, nowMs: number) => Math.max(60, Math.floor((token.expiresAtMs - nowMs) / 1000));
