import { and, eq, gt, inArray, ne } from "drizzle-orm";
import { getConfig } from "../config";
import { unwrapDataKey, wrapDataKey } from "../crypto/data-key";
import { randomToken } from "../crypto/encoding";
import { keyedHash } from "../crypto/keyed-hash";
import { db } from "../db/client";
import { authTokens, nowIso, usagePoints, users } from "../db/schema";
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

/** Keeps a bearer credential the way every one is kept: its keyed hash, and the data key wrapped under it. */
export async function storeBearerToken(env: Env, t: { token: string; userId: string; dataKey: CryptoKey; kind: StoredTokenKind; createdAt: string; expiresAtMs: number }) {
  const tokenHash = await hashAuthToken(env, t.kind, t.token);
  await db(env)
    .insert(authTokens)
    .values({
      tokenHash,
      userId: t.userId,
      kind: t.kind,
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

/** Resolves a live token to its account and data key, or null. Lookup by primary key on the keyed hash. */
export async function resolveAuthToken(env: Env, kind: StoredTokenKind, token: string, nowMs = Date.now(), withPdl?: string) {
  const tokenHash = await hashAuthToken(env, kind, token);
  // withPdl: the PDL a data route will read, joined on this account, so one D1 round trip answers both (hot path)
  const row = await db(env)
    .select({ user: users, wrapped: authTokens.dataKeyWrapped, pdl: usagePoints })
    .from(authTokens)
    .innerJoin(users, eq(users.id, authTokens.userId))
    .leftJoin(usagePoints, and(eq(usagePoints.userId, users.id), eq(usagePoints.usagePointId, withPdl ?? "")))
    .where(and(eq(authTokens.tokenHash, tokenHash), eq(authTokens.kind, kind), gt(authTokens.expiresAtMs, nowMs)))
    .get();
  if (!row) return null;
  try {
    return { user: row.user, pdl: row.pdl, tokenHash, dataKey: await unwrapDataKey(row.wrapped, token, kind) };
  } catch {
    return null;
  }
}

export async function revokeAuthToken(env: Env, tokenHash: string) {
  await db(env).delete(authTokens).where(eq(authTokens.tokenHash, tokenHash));
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
