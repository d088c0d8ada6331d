import { deriveServerKey } from "../crypto/server-key";
import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from "../crypto/encoding";

/**
 * Conso API tokens are JWTs (HS256) because the Conso tools decode them to find the PRMs (`sub`, an array). The
 * signing key is derived from APP_SECRET by HKDF with its own label, so it is useless for anything else the server
 * key does (hashes, seals, states). A valid signature only says the gateway made the token: the token store then
 * checks it was not revoked, and the routes that each PRM is still the account's.
 */
export interface ConsoClaims {
  sub: string[];
  iat: number;
  exp: number;
  jti: string;
}

const HEADER = toBase64Url(utf8(JSON.stringify({ alg: "HS256", typ: "JWT" })));
/** The HMAC key Conso tokens are signed with, derived from APP_SECRET with its own label. */
const signingKey = (appSecret: string) => deriveServerKey(appSecret, "linky-gateway/conso-jwt/v1", { name: "HMAC", hash: "SHA-256", length: 256 }, ["sign", "verify"]);

export async function signConsoJwt(appSecret: string, prms: string[], nowSec: number, ttlSec: number): Promise<{ token: string; claims: ConsoClaims }> {
  const claims: ConsoClaims = { sub: prms, iat: nowSec, exp: nowSec + ttlSec, jti: toBase64Url(randomBytes(16)) };
  const signingInput = `${HEADER}.${toBase64Url(utf8(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign("HMAC", await signingKey(appSecret), utf8(signingInput));
  return { token: `${signingInput}.${toBase64Url(signature)}`, claims };
}

/**
 * The claims of a token this gateway signed and that has not expired, or null. Only HS256 is accepted (never the
 * `alg` the token claims for itself: "none" or another algorithm is a refusal); the signature is checked by
 * WebCrypto, in constant time, before the payload is even parsed.
 */
export async function verifyConsoJwt(appSecret: string, token: string, nowSec: number): Promise<ConsoClaims | null> {
  if (token.length > 4096) return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts;
  try {
    const ok = await crypto.subtle.verify("HMAC", await signingKey(appSecret), fromBase64Url(signature), utf8(`${header}.${payload}`));
    if (!ok) return null;
    const h = JSON.parse(fromUtf8(fromBase64Url(header))) as { alg?: unknown };
    if (h.alg !== "HS256") return null;
    const c = JSON.parse(fromUtf8(fromBase64Url(payload))) as Partial<ConsoClaims>;
    if (!Array.isArray(c.sub) || !c.sub.every((p) => typeof p === "string" && /^\d{14}$/.test(p))) return null;
    if (typeof c.iat !== "number" || typeof c.exp !== "number" || typeof c.jti !== "string") return null;
    if (c.exp <= nowSec) return null;
    return { sub: c.sub, iat: c.iat, exp: c.exp, jti: c.jti };
  } catch {
    return null;
  }
}
