import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from "./encoding";
import { deriveServerKey } from "./server-key";

/**
 * AES-256-GCM sealing of JSON values with a fresh random 96-bit IV per value and additional authenticated
 * data binding the ciphertext to its slot: a value copied to another slot (another account, PDL, kind or
 * day, or another PDL's token record) fails to open. Format: "g1.<iv b64u>.<ciphertext+tag b64u>".
 */
export async function sealJson(key: CryptoKey, value: unknown, aad: string): Promise<string> {
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(aad) }, key, utf8(JSON.stringify(value)));
  return `g1.${toBase64Url(iv)}.${toBase64Url(ct)}`;
}

/** Throws on a wrong key, a wrong slot (AAD) or any tampering. */
export async function openJson<T = unknown>(key: CryptoKey, sealed: string, aad: string): Promise<T> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "g1" || !iv || !ct) throw new Error("unknown sealed format");
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(iv), additionalData: utf8(aad) }, key, fromBase64Url(ct));
  return JSON.parse(fromUtf8(pt)) as T;
}

/**
 * A server-side sealing key derived from APP_SECRET (one key per purpose). Used only for what the gateway itself
 * must read without the user present — the Enedis application token — never for the cache.
 */
export function serverSealingKey(appSecret: string, purpose: string): Promise<CryptoKey> {
  return deriveServerKey(appSecret, `linky-gateway/server-seal/v1/${purpose}`, { name: "AES-GCM", length: 256 }, ["encrypt", "decrypt"]);
}
