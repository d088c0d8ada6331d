import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from "./encoding";

/**
 * Public-key sealing (SECURITY.md property 1, background sync), HPKE's shape: per value, an ephemeral ECDH P-256
 * key pair; the shared secret with the recipient's public key goes through HKDF-SHA-256 (salt: both public keys)
 * to an AES-256-GCM key; the value's slot is the additional authenticated data. Whoever holds only the public key
 * (the server, at rest) can seal but never open. Format: "p1.<ephemeral public key raw b64u>.<iv b64u>.<ct b64u>".
 */
const ECDH = { name: "ECDH", namedCurve: "P-256" } as const;
const INFO = utf8("linky-gateway/sealed-box/v1");

export interface AccountKeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

export async function generateAccountKeyPair(): Promise<AccountKeyPair> {
  return (await crypto.subtle.generateKey(ECDH, true, ["deriveBits"])) as AccountKeyPair;
}

export const exportPublicKey = async (key: CryptoKey) => toBase64Url((await crypto.subtle.exportKey("raw", key)) as ArrayBuffer);
export const importPublicKey = (raw: string) => crypto.subtle.importKey("raw", fromBase64Url(raw), ECDH, true, []);
export const exportPrivateKey = async (key: CryptoKey) => toBase64Url((await crypto.subtle.exportKey("pkcs8", key)) as ArrayBuffer);
export const importPrivateKey = (pkcs8: string) => crypto.subtle.importKey("pkcs8", fromBase64Url(pkcs8), ECDH, false, ["deriveBits"]);

export const isSealedToPublicKey = (sealed: string) => sealed.startsWith("p1.");

async function boxKey(privateKey: CryptoKey, publicKey: CryptoKey, ephemeralRaw: Uint8Array, recipientRaw: Uint8Array, usage: "encrypt" | "decrypt") {
  // workerd takes the standard `public` member; its type declarations spell it `$public`
  const shared = await crypto.subtle.deriveBits({ name: "ECDH", public: publicKey } as unknown as SubtleCryptoDeriveKeyAlgorithm, privateKey, 256);
  const base = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const salt = new Uint8Array(ephemeralRaw.length + recipientRaw.length);
  salt.set(ephemeralRaw);
  salt.set(recipientRaw, ephemeralRaw.length);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt, info: INFO }, base, { name: "AES-GCM", length: 256 }, false, [usage]);
}

/** Seals a JSON value to the recipient's public key, bound to `aad` (its slot). */
export async function sealToPublicKey(recipient: CryptoKey, value: unknown, aad: string): Promise<string> {
  const ephemeral = (await crypto.subtle.generateKey(ECDH, true, ["deriveBits"])) as CryptoKeyPair;
  const ephemeralRaw = new Uint8Array((await crypto.subtle.exportKey("raw", ephemeral.publicKey)) as ArrayBuffer);
  const recipientRaw = new Uint8Array((await crypto.subtle.exportKey("raw", recipient)) as ArrayBuffer);
  const key = await boxKey(ephemeral.privateKey, recipient, ephemeralRaw, recipientRaw, "encrypt");
  const iv = randomBytes(12);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(aad) }, key, utf8(JSON.stringify(value)));
  return `p1.${toBase64Url(ephemeralRaw)}.${toBase64Url(iv)}.${toBase64Url(ct)}`;
}

/** Opens a "p1." value with the recipient's key pair; throws on a wrong key, a wrong slot or any tampering. */
export async function openWithPrivateKey<T = unknown>(recipient: { privateKey: CryptoKey; publicRaw: string }, sealed: string, aad: string): Promise<T> {
  const [version, eph, iv, ct] = sealed.split(".");
  if (version !== "p1" || !eph || !iv || !ct) throw new Error("unknown sealed format");
  const ephemeralRaw = fromBase64Url(eph);
  const ephemeral = await crypto.subtle.importKey("raw", ephemeralRaw, ECDH, false, []);
  const key = await boxKey(recipient.privateKey, ephemeral, ephemeralRaw, fromBase64Url(recipient.publicRaw), "decrypt");
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64Url(iv), additionalData: utf8(aad) }, key, fromBase64Url(ct));
  return JSON.parse(fromUtf8(pt)) as T;
}
