import { deriveServerKey } from "../crypto/server-key";
import { fromBase64Url, fromUtf8, randomBytes, toBase64Url, utf8 } from "../crypto/encoding";

/**
 * Conso API tokens are JWTs (HS256) because the Conso tools decode them to find the PRMs (`sub`, an array). The
 * signing key is derived from APP_SECRET by HKDF with its own label, so it is useless for anything else the server
 * key does (hashes, seals, states). What makes a token valid is its record (src/conso/token-store.ts: the token's keyed
 * hash, found only for a token this gateway issued and did not revoke), not the signature: a token must outlive an
 * APP_SECRET rotation (it lasts a year, in the household's tools, and cannot be re-signed there), and its record can
 * be re-made under the new key while its signature cannot. The routes then check each PRM is still the account's.
 */
export interface ConsoClaims {
  sub: string[];
  iat: number;
  exp: number;
  jti: string;
}

const HEADER = toBase64Url(utf8(JSON.stringify({ alg: "HS256", typ: "JWT" })));
/** The HMAC key Conso tokens are signed with, derived from APP_SECRET with its own label. */
const signingKey = (appSecret: string) => deriveServerKey(appSecret, "linky-gateway/conso-jwt/v1", { name: "HMAC", hash: "SHA-256", length: 256 }, ["sign"]);

export async function signConsoJwt(appSecret: string, prms: string[], nowSec: number, ttlSec: number): Promise<{ token: string; claims: ConsoClaims }> {
  const claims: ConsoClaims = { sub: prms, iat: nowSec, exp: nowSec + ttlSec, jti: toBase64Url(randomBytes(16)) };
  const signingInput = `${HEADER}.${toBase64Url(utf8(JSON.stringify(claims)))}`;
  const signature = await crypto.subtle.sign("HMAC", await signingKey(appSecret), utf8(signingInput));
  return { token: `${signingInput}.${toBase64Url(signature)}`, claims };
}

/**
 * The claims of a well-formed, unexpired Conso token, or null — without checking the signature (see above: the
 * token's record decides). Only the format this gateway issues is read: HS256 header, `sub` an array of PRMs.
 */
export function readConsoJwt(token: string, nowSec: number): ConsoClaims | null {
  if (token.length > 4096) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[2]) return null;
  const [header, payload] = parts;
  try {
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
