import { eq } from "drizzle-orm";
import { unwrapDataKey } from "../crypto/data-key";
import { matchHash } from "../crypto/key-ring";
import { db } from "../db/client";
import { users } from "../db/schema";
import type { Env } from "../env";
import { revokeAuthTokensOf, revokeSignIns } from "./auth-tokens";
import { clientSecretHashes, rekeyClientSecret } from "./credentials";
import { storePassword } from "./passwords";

/**
 * A client_secret made less than this ago is not yet a recovery credential. Without it, a stolen session or a
 * one-hour access token would be a whole account: regenerate the secret (no password asked, API.md), recover with
 * it, then delete the account with the password just set. With it, such a thief holds an API key the owner can
 * replace, not the account.
 */
export const FRESH_SECRET_RECOVERY_DELAY_MS = 24 * 3600 * 1000;

export type RecoveryResult = "recovered" | "invalid" | "secret_too_recent";

/**
 * A forgotten password is not a locked PDL: the client_secret also holds a wrapped copy of the data key, so it
 * can set a new password without losing the encrypted cache. Everyone signed in before is signed out, and every
 * token made before (access and Conso API tokens) is revoked. "invalid", after the same work, for an unknown email
 * and for a wrong secret (one answer for both).
 */
export async function recoverAccount(env: Env, email: string, clientSecret: string, newPassword: string, nowMs = Date.now()): Promise<RecoveryResult> {
  const hashes = await clientSecretHashes(env, clientSecret);
  const user = await db(env).select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  const under = user ? matchHash(user.clientSecretHash, hashes) : null;
  if (!user || !under) return "invalid";
  let dataKey: CryptoKey;
  try {
    dataKey = await unwrapDataKey(user.dataKeyBySecret, clientSecret, "client_secret");
  } catch {
    return "invalid";
  }
  if (user.secretRegeneratedAtMs !== null && nowMs - user.secretRegeneratedAtMs < FRESH_SECRET_RECOVERY_DELAY_MS) return "secret_too_recent";
  if (under === "previous") await rekeyClientSecret(env, user, hashes.current); // APP_SECRET rotation: the secret proved itself
  await storePassword(env, user.id, dataKey, newPassword);
  await revokeSignIns(env, user.id);
  await revokeAuthTokensOf(env, user.id, "conso_token");
  return "recovered";
}

/** What the page and the API say for each outcome other than success (the same 401 for both kinds of refusal). */
export const RECOVERY_REFUSALS: Record<Exclude<RecoveryResult, "recovered">, string> = {
  invalid: "Adresse e-mail ou clé secrète incorrecte.",
  secret_too_recent:
    "Cette clé secrète a été créée il y a moins de 24 heures : elle ne permet pas encore de récupérer le compte. Réessayez plus tard, ou connectez-vous avec votre mot de passe.",
};
