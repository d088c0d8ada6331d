import { fromBase64Url, toBase64Url, utf8 } from "./encoding";

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

/** Constant-time comparison of two strings (timingSafeEqual is a Workers extension of SubtleCrypto). */
export function timingSafeStringEqual(a: string, b: string): boolean {
  const ea = utf8(a);
  const eb = utf8(b);
  if (ea.byteLength !== eb.byteLength) return false;
  return (crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean }).timingSafeEqual(ea, eb);
}

/** Constant-time comparison of two base64url strings. */
export function constantTimeEqual(a: string, b: string): boolean {
  let ab: Uint8Array<ArrayBuffer>;
  let bb: Uint8Array<ArrayBuffer>;
  try {
    ab = fromBase64Url(a);
    bb = fromBase64Url(b);
  } catch {
    return false;
  }
  if (ab.byteLength !== bb.byteLength) return false;
  return (crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean }).timingSafeEqual(ab, bb);
}
