import { eq } from "drizzle-orm";
import { unwrapDataKey } from "../crypto/data-key";
import { constantTimeEqual } from "../crypto/keyed-hash";
import { db } from "../db/client";
import { users } from "../db/schema";
import type { Env } from "../env";
import { revokeSignIns } from "./auth-tokens";
import { hashClientSecret } from "./credentials";
import { storePassword } from "./passwords";

/**
 * A forgotten password is not a locked PDL: the client_secret also holds a wrapped copy of the data key, so it
 * can set a new password without losing the encrypted cache. Everyone signed in before is signed out.
 * Returns false, after the same work, for an unknown email and for a wrong secret (one answer for both).
 */
export async function recoverAccount(env: Env, email: string, clientSecret: string, newPassword: string): Promise<boolean> {
  const secretHash = await hashClientSecret(env, clientSecret);
  const user = await db(env).select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (!user || !constantTimeEqual(user.clientSecretHash, secretHash)) return false;
  let dataKey: CryptoKey;
  try {
    dataKey = await unwrapDataKey(user.dataKeyBySecret, clientSecret, "client_secret");
  } catch {
    return false;
  }
  await storePassword(env, user.id, dataKey, newPassword);
  await revokeSignIns(env, user.id);
  return true;
}
