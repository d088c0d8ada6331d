import { and, eq, gt, inArray, ne } from "drizzle-orm";
import { getConfig } from "../config";
import { unwrapDataKey, wrapDataKey } from "../crypto/data-key";
import { randomToken } from "../crypto/encoding";
import { hashList, keyId, keyRing, matchHash, ringHashes, type RingHashes } from "../crypto/key-ring";
import { keyedHash } from "../crypto/keyed-hash";
import { db } from "../db/client";
import { authTokens, consentStates, nowIso, usagePoints, users } from "../db/schema";
import type { Env } from "../env";

/**
 * Web sessions and OAuth access tokens. The token is handed to the client once; D1 keeps only its keyed hash
 * and a copy of the account data key wrapped under a key derived from the token itself.
 */
export type AuthTokenKind = "session" | "access_token";
/** Every bearer credential kept in auth_tokens: those above, and Conso API tokens (JWTs made in src/conso/). */
export type StoredTokenKind = AuthTokenKind | "conso_token";

export const SESSION_TTL_SECONDS = 7 * 24 * 3600;
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
const PREFIX: Record<AuthTokenKind, string> = { session: "lgsess_", access_token: "lgat_" };
const TTL: Record<AuthTokenKind, number> = { session: SESSION_TTL_SECONDS, access_token: ACCESS_TOKEN_TTL_SECONDS };

export const hashAuthToken = (env: Env, kind: StoredTokenKind, token: string) => keyedHash(getConfig(env).appSecret, `auth-token:${kind}`, token);
/** The token's hash under each key of the ring (APP_SECRET rotation: a stored one may be the previous key's). */
const authTokenHashes = (env: Env, kind: StoredTokenKind, token: string) => ringHashes(keyRing(env), `auth-token:${kind}`, token);

/** Keeps a bearer credential the way every one is kept: its keyed hash, and the data key wrapped under it. */
export async function storeBearerToken(env: Env, t: { token: string; userId: string; dataKey: CryptoKey; kind: StoredTokenKind; createdAt: string; expiresAtMs: number }) {
  const tokenHash = await hashAuthToken(env, t.kind, t.token);
  await db(env)
    .insert(authTokens)
    .values({
      tokenHash,
      userId: t.userId,
      kind: t.kind,
      keyId: await keyId(getConfig(env).appSecret),
      dataKeyWrapped: await wrapDataKey(t.dataKey, t.token, t.kind),
      createdAt: t.createdAt,
      expiresAtMs: t.expiresAtMs,
    });
  return tokenHash;
}

export async function issueAuthToken(env: Env, userId: string, dataKey: CryptoKey, kind: AuthTokenKind) {
  const token = randomToken(PREFIX[kind]);
  const tokenHash = await storeBearerToken(env, { token, userId, dataKey, kind, createdAt: nowIso(), expiresAtMs: Date.now() + TTL[kind] * 1000 });
  return { token, tokenHash, expiresIn: TTL[kind] };
}

export const looksLike = (kind: AuthTokenKind, token: string) => token.startsWith(PREFIX[kind]);

/**
 * Resolves a live token to its account and data key, or null. Lookup by primary key on the keyed hash (during an
 * APP_SECRET rotation, both keys' hashes in one query). `tokenHash` is always the current key's: a row found under
 * the previous key's hash is re-made under the current one once the token has opened its data key.
 */
export async function resolveAuthToken(env: Env, kind: StoredTokenKind, token: string, nowMs = Date.now(), withPdl?: string) {
  const hashes = await authTokenHashes(env, kind, token);
  // withPdl: the PDL a data route will read, joined on this account, so one D1 round trip answers both (hot path)
  const row = await db(env)
    .select({ user: users, wrapped: authTokens.dataKeyWrapped, storedHash: authTokens.tokenHash, pdl: usagePoints })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .leftJoin(usagePoints, and(eq(usagePoints.userId, users.id), eq(usagePoints.usagePointId, withPdl ?? "")))
    .where(and(inArray(authTokens.tokenHash, hashList(hashes)), eq(authTokens.kind, kind), gt(authTokens.expiresAtMs, nowMs)))
    .get();
  const under = row ? matchHash(row.storedHash, hashes) : null;
  if (!row || !under) return null;
  let dataKey: CryptoKey;
  try {
    dataKey = await unwrapDataKey(row.wrapped, token, kind);
  } catch {
    return null;
  }
  if (under === "previous") await rekeyAuthToken(env, kind, hashes as Required<RingHashes>);
  return { user: row.user, pdl: row.pdl, tokenHash: hashes.current, dataKey };
}

/**
 * The row's hash re-made under the current key, only if it still holds the previous one (a parallel request may have
 * done it). A session's hash also names the consent states it started: they follow, so a consent in flight still
 * comes back to the same session.
 */
async function rekeyAuthToken(env: Env, kind: StoredTokenKind, h: Required<RingHashes>) {
  const d = db(env);
  const token = d
    .update(authTokens)
    .set({ tokenHash: h.current, keyId: await keyId(getConfig(env).appSecret) })
    .where(eq(authTokens.tokenHash, h.previous));
  if (kind === "session") await d.batch([token, d.update(consentStates).set({ sessionHash: h.current }).where(eq(consentStates.sessionHash, h.previous))]);
  else await token;
}

export async function revokeAuthToken(env: Env, tokenHash: string) {
  await db(env).delete(authTokens).where(eq(authTokens.tokenHash, tokenHash));
}

/** Revokes a token the client presents (logout, a login replacing the browser's session), whichever key hashed it. */
export async function revokePresentedToken(env: Env, kind: StoredTokenKind, token: string) {
  const hashes = await authTokenHashes(env, kind, token);
  await db(env).delete(authTokens).where(and(inArray(authTokens.tokenHash, hashList(hashes)), eq(authTokens.kind, kind)));
}

/** A new client_secret revokes the access tokens obtained with the old one. */
export async function revokeAuthTokensOf(env: Env, userId: string, kind: StoredTokenKind) {
  await db(env).delete(authTokens).where(and(eq(authTokens.userId, userId), eq(authTokens.kind, kind)));
}

/**
 * A new password (change or recovery) signs out everyone who signed in before: every web session and every
 * access token, except the session the change was made from (SECURITY.md 5), so the user is not thrown out.
 */
export async function revokeSignIns(env: Env, userId: string, keepSessionHash?: string) {
  const scope = and(eq(authTokens.userId, userId), inArray(authTokens.kind, ["session", "access_token"]));
  await db(env)
    .delete(authTokens)
    .where(keepSessionHash ? and(scope, ne(authTokens.tokenHash, keepSessionHash)) : scope);
}
