import { and, desc, eq, gt } from "drizzle-orm";
import { resolveAuthToken, storeBearerToken } from "../accounts/auth-tokens";
import { getConfig } from "../config";
import { db } from "../db/client";
import { authTokens } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { listPdls } from "../pdl/store";
import { readConsoJwt, signConsoJwt } from "./jwt";

/**
 * Conso API tokens, stored exactly like access tokens (auth_tokens, kind "conso_token"): only the token's keyed hash
 * and a copy of the account data key wrapped under the token itself, so the encrypted cache stays readable with it.
 * A password change (sessions) or a new client_secret (access tokens) leaves them alone — households paste them into
 * their tools —; revocation, expiry and account deletion (ON DELETE CASCADE) end them.
 */
const KIND = "conso_token" as const;
/** Conso API's own tokens last long enough for a tool set up once; a year, then the household makes a new one. */
export const CONSO_TOKEN_TTL_SECONDS = 365 * 24 * 3600;

export interface IssuedConsoToken {
  token: string;
  expiresAt: string;
  prms: string[];
}

/** A new token whose `sub` lists the account's PRMs at this moment (a PRM consented later needs a new token). */
export async function issueConsoToken(env: Env, userId: string, dataKey: CryptoKey, nowMs = Date.now()): Promise<IssuedConsoToken> {
  const prms = (await listPdls(env, userId)).map((p) => p.usagePointId);
  if (prms.length === 0) {
    throw new AppError(404, "PDL_NOT_FOUND", "Aucun point de livraison sur ce compte : donnez d'abord votre consentement Enedis, puis créez le jeton.");
  }
  const { token, claims } = await signConsoJwt(getConfig(env).appSecret, prms, Math.floor(nowMs / 1000), CONSO_TOKEN_TTL_SECONDS);
  const expiresAtMs = claims.exp * 1000;
  await storeBearerToken(env, { token, userId, dataKey, kind: KIND, createdAt: new Date(nowMs).toISOString(), expiresAtMs });
  return { token, expiresAt: new Date(expiresAtMs).toISOString(), prms };
}

/**
 * The account, data key and claims of a live conso token, or null: format and expiry first (no D1 read for garbage),
 * then the stored hash — the record is the proof the gateway issued this exact string and did not revoke it; during
 * an APP_SECRET rotation it is found under either key and re-made under the current one — then the wrapped key (it
 * must open with this token). The signature is not what decides (src/conso/jwt.ts): a token signed under a key since
 * rotated out keeps working as long as its record does.
 */
export async function resolveConsoToken(env: Env, token: string, nowMs = Date.now()) {
  const claims = readConsoJwt(token, Math.floor(nowMs / 1000));
  if (!claims) return null;
  const hit = await resolveAuthToken(env, KIND, token, nowMs);
  return hit ? { user: hit.user, claims, dataKey: hit.dataKey } : null;
}

export interface ConsoTokenListing {
  /** the row's keyed hash: names the token for revocation without being usable as a credential */
  id: string;
  createdAt: string;
  expiresAt: string;
}

/** The account's live conso tokens, newest first (dashboard list: creation and expiry dates, never the token). */
export async function listConsoTokens(env: Env, userId: string, nowMs = Date.now()): Promise<ConsoTokenListing[]> {
  const rows = await db(env)
    .select({ id: authTokens.tokenHash, createdAt: authTokens.createdAt, expiresAtMs: authTokens.expiresAtMs })
    .from(authTokens)
    .where(and(eq(authTokens.userId, userId), eq(authTokens.kind, KIND), gt(authTokens.expiresAtMs, nowMs)))
    .orderBy(desc(authTokens.createdAt))
    .all();
  return rows.map((r) => ({ id: r.id, createdAt: r.createdAt, expiresAt: new Date(r.expiresAtMs).toISOString() }));
}

/** Revokes one of the account's conso tokens (another account's id matches nothing). True when one was revoked. */
export async function revokeConsoToken(env: Env, userId: string, id: string): Promise<boolean> {
  const gone = await db(env)
    .delete(authTokens)
    .where(and(eq(authTokens.tokenHash, id), eq(authTokens.userId, userId), eq(authTokens.kind, KIND)))
    .returning({ id: authTokens.tokenHash })
    .all();
  return gone.length > 0;
}


