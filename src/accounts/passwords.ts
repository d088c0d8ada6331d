import { and, eq } from "drizzle-orm";
import { getConfig } from "../config";
import { unwrapDataKey, wrapDataKey } from "../crypto/data-key";
import { keyId, keyRing } from "../crypto/key-ring";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../crypto/password";
import { db } from "../db/client";
import { users } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import type { UserRow } from "./credentials";

/** Everything that checks or replaces an account's password, and keeps the data key's password copy in step. */

/**
 * Stores a new verifier for `password` and re-wraps the data key under its wrap secret. With `onlyIf`, the row
 * is changed only if it still holds that verifier (an upgrade at login must not undo a concurrent change).
 */
export async function storePassword(env: Env, userId: string, dataKey: CryptoKey, password: string, onlyIf?: string) {
  const { appSecret } = getConfig(env);
  const pw = await hashPassword(password, appSecret);
  const row = { passwordHash: pw.stored, passwordKeyId: await keyId(appSecret), dataKeyByPassword: await wrapDataKey(dataKey, pw.wrapSecret, "password") };
  const where = onlyIf ? and(eq(users.id, userId), eq(users.passwordHash, onlyIf)) : eq(users.id, userId);
  await db(env).update(users).set(row).where(where);
}

/** The account's data key when `password` is its password, null otherwise. */
export async function checkPassword(env: Env, user: UserRow, password: string): Promise<CryptoKey | null> {
  const ring = keyRing(env);
  const match = await verifyPassword(user.passwordHash, password, ring.current, ring.previous);
  if (!match) return null;
  const dataKey = await unwrapDataKey(user.dataKeyByPassword, match.wrapSecret, "password");
  // an older stored form (legacy unpeppered scheme, fewer iterations) is rewritten while the password is at hand
  if (match.outdated) await storePassword(env, user.id, dataKey, password, user.passwordHash);
  // peppered under the previous server key: only the pepper changes (same salt, same wrap of the data key)
  else if (match.repeppered) await repepper(env, user, match.repeppered);
  return dataKey;
}

async function repepper(env: Env, user: UserRow, passwordHash: string) {
  const passwordKeyId = await keyId(getConfig(env).appSecret);
  await db(env)
    .update(users)
    .set({ passwordHash, passwordKeyId })
    .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
}

/** Same work and same answer whether the email is unknown or the password wrong (SECURITY.md property 6). */
export async function authenticateWithPassword(env: Env, email: string, password: string) {
  const user = await db(env).select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (!user) {
    const ring = keyRing(env);
    await verifyPassword(DUMMY_PASSWORD_HASH, password, ring.current, ring.previous);
    return null;
  }
  const dataKey = await checkPassword(env, user, password);
  return dataKey ? { user, dataKey } : null;
}

export async function changePassword(env: Env, user: UserRow, oldPassword: string, newPassword: string) {
  const dataKey = await checkPassword(env, user, oldPassword);
  if (!dataKey) throw new AppError(401, "INVALID_CREDENTIALS", "Le mot de passe actuel est incorrect.", { field: "old_password" });
  await storePassword(env, user.id, dataKey, newPassword);
  return dataKey;
}
