import { and, eq, inArray } from "drizzle-orm";
import { getConfig } from "../config";
import { generateDataKey, unwrapDataKey, wrapDataKey } from "../crypto/data-key";
import { randomToken, toBase64Url, randomBytes } from "../crypto/encoding";
import { constantTimeEqual, keyedHash } from "../crypto/keyed-hash";
import { hashList, keyId, keyRing, matchHash, ringHashes } from "../crypto/key-ring";
import { hashPassword } from "../crypto/password";
import { db } from "../db/client";
import { nowIso, usagePoints, users } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { newKeyPairColumns } from "./key-pair";

/** Accounts and their long-lived credentials: password and API key (client_id + client_secret). */
export type UserRow = typeof users.$inferSelect;

const SECRET_PREFIX = "lgs_";
export const hashClientSecret = (env: Env, secret: string) => keyedHash(getConfig(env).appSecret, "client-secret", secret);
/** The secret's lookup hash under each key of the ring (APP_SECRET rotation: a stored one may be the previous key's). */
export const clientSecretHashes = (env: Env, secret: string) => ringHashes(keyRing(env), "client-secret", secret);
const newClientId = () => `lgc_${toBase64Url(randomBytes(12))}`;

/** Administrators are named by client_id (ADMIN_CLIENT_IDS): an email grants nothing, since emails are never verified. */
export const isAdminClient = (env: Env, clientId: string) => getConfig(env).adminClientIds.includes(clientId);

export async function createAccount(env: Env, email: string, password: string) {
  const d = db(env);
  if (await d.select({ id: users.id }).from(users).where(eq(users.email, email)).get()) {
    throw new AppError(409, "USER_EXISTS", "Un compte existe déjà avec cette adresse e-mail.", { field: "email" });
  }
  const dataKey = await generateDataKey();
  const clientSecret = randomToken(SECRET_PREFIX);
  const { appSecret } = getConfig(env);
  const pw = await hashPassword(password, appSecret);
  const id = crypto.randomUUID();
  const row = {
    id,
    email,
    passwordHash: pw.stored,
    clientId: newClientId(),
    clientSecretHash: await hashClientSecret(env, clientSecret),
    secretKeyId: await keyId(appSecret),
    passwordKeyId: await keyId(appSecret),
    dataKeyBySecret: await wrapDataKey(dataKey, clientSecret, "client_secret"),
    dataKeyByPassword: await wrapDataKey(dataKey, pw.wrapSecret, "password"),
    ...(await newKeyPairColumns(id, dataKey)), // background sync seals to its public key
    createdAt: nowIso(),
  };
  try {
    await d.insert(users).values(row);
  } catch {
    // the unique index lost a race with a concurrent signup for the same email
    throw new AppError(409, "USER_EXISTS", "Un compte existe déjà avec cette adresse e-mail.", { field: "email" });
  }
  return { user: row as UserRow, clientSecret, dataKey };
}

/**
 * API key check. Lookup goes through the unique index on the secret's keyed hash (no scan; during an APP_SECRET
 * rotation, the hashes under both keys in one query); when a client_id is given too (HTTP Basic, token endpoint)
 * it must match the same row, compared in constant time. A hash made under the previous key is re-made under the
 * current one once the secret has proved itself (it opened the data key).
 */
export async function authenticateClient(env: Env, clientSecret: string, clientId?: string, withPdl?: string) {
  if (!clientSecret || clientSecret.length > 200) return null;
  const hashes = await clientSecretHashes(env, clientSecret);
  // withPdl: the PDL a data route will read, joined on this account, so one D1 round trip answers both (hot path)
  const row = await db(env)
    .select({ user: users, pdl: usagePoints })
    .from(users)
    .leftJoin(usagePoints, and(eq(usagePoints.userId, users.id), eq(usagePoints.usagePointId, withPdl ?? "")))
    .where(inArray(users.clientSecretHash, hashList(hashes)))
    .get();
  const user = row?.user;
  const under = user ? matchHash(user.clientSecretHash, hashes) : null;
  if (!user || !under) return null;
  if (clientId !== undefined && !constantTimeEqual(user.clientId, clientId)) return null;
  let dataKey: CryptoKey;
  try {
    dataKey = await unwrapDataKey(user.dataKeyBySecret, clientSecret, "client_secret");
  } catch {
    return null;
  }
  if (under === "previous") return { user: await rekeyClientSecret(env, user, hashes.current), pdl: row.pdl, dataKey };
  return { user, pdl: row.pdl, dataKey };
}

/**
 * Rewrites a secret's lookup hash made under the previous key with its hash under the current key. Only if the row
 * still holds the old hash: a concurrent regeneration (or the same rewrite by a parallel request) wins.
 */
export async function rekeyClientSecret(env: Env, user: UserRow, currentHash: string): Promise<UserRow> {
  const secretKeyId = await keyId(getConfig(env).appSecret);
  await db(env)
    .update(users)
    .set({ clientSecretHash: currentHash, secretKeyId })
    .where(and(eq(users.id, user.id), eq(users.clientSecretHash, user.clientSecretHash)));
  return { ...user, clientSecretHash: currentHash, secretKeyId };
}

/** New API key: the old one stops working at once; the data key is re-wrapped, so the cache stays readable. */
export async function regenerateClientSecret(env: Env, userId: string, dataKey: CryptoKey) {
  const clientSecret = randomToken(SECRET_PREFIX);
  await db(env)
    .update(users)
    .set({
      clientSecretHash: await hashClientSecret(env, clientSecret),
      secretKeyId: await keyId(getConfig(env).appSecret),
      dataKeyBySecret: await wrapDataKey(dataKey, clientSecret, "client_secret"),
      secretRegeneratedAtMs: Date.now(),
    })
    .where(eq(users.id, userId));
  return clientSecret;
}

export const findUserById = (env: Env, userId: string) => db(env).select().from(users).where(eq(users.id, userId)).get();
