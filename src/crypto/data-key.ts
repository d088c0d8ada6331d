import { fromBase64Url, randomBytes, toBase64Url, utf8 } from "./encoding";

/**
 * The per-account data key (AES-256-GCM) that encrypts the account's cache entries.
 *
 * It is never stored as such: each credential the user holds (client_secret, password, each live session,
 * each access token) gets its own copy, wrapped with AES-KW under a key derived by HKDF-SHA-256 from that
 * credential. The server only stores those wrapped copies and keyed hashes of the credentials, so nothing at
 * rest (D1, KV, APP_SECRET) can unwrap it; a request that presents a credential can.
 *
 * Wrapped format: "k1.<salt b64u>.<AES-KW(data key) b64u>".
 */
export type WrapPurpose = "client_secret" | "password" | "session" | "access_token" | "conso_token";

export async function generateDataKey(): Promise<CryptoKey> {
  return (await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"])) as CryptoKey;
}

async function wrappingKey(secret: Uint8Array | string, salt: Uint8Array<ArrayBuffer>, purpose: WrapPurpose): Promise<CryptoKey> {
  const ikm = typeof secret === "string" ? utf8(secret) : new Uint8Array(secret);
  const base = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt, info: utf8(`linky-gateway/data-key-wrap/v1/${purpose}`) },
    base,
    { name: "AES-KW", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  );
}

export async function wrapDataKey(dataKey: CryptoKey, secret: Uint8Array | string, purpose: WrapPurpose): Promise<string> {
  const salt = randomBytes(16);
  const wrapped = await crypto.subtle.wrapKey("raw", dataKey, await wrappingKey(secret, salt, purpose), "AES-KW");
  return `k1.${toBase64Url(salt)}.${toBase64Url(wrapped)}`;
}

/**
 * Unwrapped keys this isolate already opened (HKDF + AES-KW cost more than the rest of a cache hit's crypto). The
 * memory is keyed by an HMAC, under a random per-isolate key, of what D1 answered for this request (the wrapped copy)
 * and of the presented credential: a regenerated secret, a changed password or a deleted account changes or removes
 * the wrapped copy D1 returns, so it stops working at once, and no credential is kept in memory. Failures are not kept.
 */
const UNWRAPPED_MAX = 500;
const unwrapped = new Map<string, CryptoKey>(); // insertion order = recency (LRU)
let memoKey: Promise<CryptoKey> | undefined;

async function memoName(wrapped: string, secret: Uint8Array | string, purpose: WrapPurpose): Promise<string> {
  memoKey ??= crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]) as Promise<CryptoKey>;
  const head = utf8(`${purpose}\u0000${wrapped}\u0000`);
  const tail = typeof secret === "string" ? utf8(secret) : secret;
  const message = new Uint8Array(head.length + tail.length);
  message.set(head);
  message.set(tail, head.length);
  return toBase64Url(await crypto.subtle.sign("HMAC", await memoKey, message));
}

/** Throws when the secret is not the one the copy was wrapped under (AES-KW integrity check). */
export async function unwrapDataKey(wrapped: string, secret: Uint8Array | string, purpose: WrapPurpose): Promise<CryptoKey> {
  const name = await memoName(wrapped, secret, purpose);
  const known = unwrapped.get(name);
  if (known) {
    unwrapped.delete(name);
    unwrapped.set(name, known);
    return known;
  }
  const key = await unwrapUncached(wrapped, secret, purpose);
  unwrapped.set(name, key);
  if (unwrapped.size > UNWRAPPED_MAX) unwrapped.delete(unwrapped.keys().next().value!);
  return key;
}

/** How many unwrapped keys this isolate remembers (tests). */
export const unwrappedKeysInMemory = () => unwrapped.size;

async function unwrapUncached(wrapped: string, secret: Uint8Array | string, purpose: WrapPurpose): Promise<CryptoKey> {
  const [version, salt, body] = wrapped.split(".");
  if (version !== "k1" || !salt || !body) throw new Error("unknown wrapped key format");
  return crypto.subtle.unwrapKey(
    "raw",
    fromBase64Url(body),
    await wrappingKey(secret, fromBase64Url(salt), purpose),
    "AES-KW",
    { name: "AES-GCM", length: 256 },
    true, // extractable: so a new session or token can get its own wrapped copy
    ["encrypt", "decrypt"],
  );
}
