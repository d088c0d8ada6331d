import { toBase64Url, utf8 } from "./encoding";

/**
 * Keyed hashes (HMAC-SHA-256 under APP_SECRET). Used for every secret the gateway must recognise but never
 * store (client_secret, session and access tokens) and for KV key names that must not reveal a PDL number.
 * `purpose` separates domains so a hash made for one use is useless for another.
 */
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(appSecret: string): Promise<CryptoKey> {
  let k = keys.get(appSecret);
  if (!k) {
    k = crypto.subtle.importKey("raw", utf8(appSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(appSecret, k);
  }
  return k;
}

export async function keyedHash(appSecret: string, purpose: string, value: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(appSecret), utf8(`${purpose}\u0000${value}`));
  return toBase64Url(mac);
}

/**
 * The one comparison rule for every MAC, keyed hash and password verifier (SECURITY.md 2–3): the presented
 * string must be exactly the string issued — its UTF-8 bytes, not what they decode to. Decoding base64url
 * first would accept a second spelling (the low bits of the last character are ignored by the decoder).
 * Lengths are public (they are fixed by the format); the bytes are compared in constant time
 * (timingSafeEqual is a Workers extension of SubtleCrypto).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ea = utf8(a);
  const eb = utf8(b);
  if (ea.byteLength !== eb.byteLength) return false;
  return (crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean }).timingSafeEqual(ea, eb);
}
