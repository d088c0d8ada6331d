import { and, eq, isNull } from "drizzle-orm";
import { openJson, sealJson } from "../crypto/seal";
import { exportPrivateKey, exportPublicKey, generateAccountKeyPair, importPrivateKey, importPublicKey } from "../crypto/sealed-box";
import { db } from "../db/client";
import { users } from "../db/schema";
import type { Env } from "../env";

/**
 * The account's key pair for background sync (SECURITY.md property 1): the public key in D1 (public by design),
 * the private key sealed under the account's data key — so only a request presenting one of the account's
 * credentials can open what sync wrote. Rotating the secret or the password re-wraps the data key, not this.
 */
const privateKeyAad = (userId: string) => `account-private-key|${userId}`;

/** The two D1 columns of a new key pair. */
export async function newKeyPairColumns(userId: string, dataKey: CryptoKey) {
  const pair = await generateAccountKeyPair();
  return {
    publicKey: await exportPublicKey(pair.publicKey),
    privateKeySealed: await sealJson(dataKey, await exportPrivateKey(pair.privateKey), privateKeyAad(userId)),
  };
}

/** Accounts made before key pairs existed get one at their next authenticated request (the first writer wins). */
export async function ensureAccountKeyPair(env: Env, user: { id: string; publicKey: string | null }, dataKey: CryptoKey) {
  if (user.publicKey) return;
  await db(env)
    .update(users)
    .set(await newKeyPairColumns(user.id, dataKey))
    .where(and(eq(users.id, user.id), isNull(users.publicKey)));
}

/** The public key sync seals to, or null (account without a key pair yet: sync waits for its next request). */
export async function accountPublicKey(env: Env, userId: string): Promise<CryptoKey | null> {
  const row = await db(env).select({ publicKey: users.publicKey }).from(users).where(eq(users.id, userId)).get();
  return row?.publicKey ? importPublicKey(row.publicKey) : null;
}

/** The private key, opened with the data key a credential unwrapped; null when the account has none. */
export async function accountPrivateKey(env: Env, userId: string, dataKey: CryptoKey): Promise<{ privateKey: CryptoKey; publicRaw: string } | null> {
  const row = await db(env).select({ publicKey: users.publicKey, sealed: users.privateKeySealed }).from(users).where(eq(users.id, userId)).get();
  if (!row?.publicKey || !row.sealed) return null;
  return openPrivateKey(userId, dataKey, row.publicKey, row.sealed);
}

/** The private key from the two columns already read (the authentication query returns them): no query. */
export async function openPrivateKey(userId: string, dataKey: CryptoKey, publicRaw: string, sealed: string): Promise<{ privateKey: CryptoKey; publicRaw: string }> {
  const pkcs8 = await openJson<string>(dataKey, sealed, privateKeyAad(userId));
  return { privateKey: await importPrivateKey(pkcs8), publicRaw };
}
