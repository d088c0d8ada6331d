/**
 * The simulator's access tokens: stateless, so any isolate can check one without storage.
 * Format: base64url(expiry ms) "." base64url(random id) "." base64url(HMAC-SHA-256(key, expiry.id|client_id)),
 * the key derived from APP_SECRET (HKDF) for this purpose only. Revocation is the exception that
 * needs state: revoked ids live in the SimulatorThrottle Durable Object until they expire.
 */

export const TOKEN_LIFETIME_S = 12_600; // what Enedis answers: 3 h 30

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  } catch {
    return undefined; // not base64 at all
  }
}

function tokenKey(appSecret: string): Promise<CryptoKey> {
  let key = keys.get(appSecret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", encoder.encode(appSecret), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("linky-gateway/simulator/access-token") },
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign", "verify"],
        ),
      );
    keys.set(appSecret, key);
  }
  return key;
}

export interface IssuedToken {
  accessToken: string;
  tokenId: string;
  expiresAtMs: number;
}

export async function issueToken(appSecret: string, clientId: string, nowMs: number): Promise<IssuedToken> {
  const expiresAtMs = nowMs + TOKEN_LIFETIME_S * 1000;
  const tokenId = b64url(crypto.getRandomValues(new Uint8Array(12)));
  const head = `${b64url(encoder.encode(String(expiresAtMs)))}.${tokenId}`;
  const mac = await crypto.subtle.sign("HMAC", await tokenKey(appSecret), encoder.encode(`${head}|${clientId}`));
  return { accessToken: `${head}.${b64url(new Uint8Array(mac))}`, tokenId, expiresAtMs };
}

/** The token's id and expiry if it was issued by this simulator to `clientId` and has not expired. */
export async function verifyToken(appSecret: string, clientId: string, token: string, nowMs: number): Promise<{ tokenId: string; expiresAtMs: number } | undefined> {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [expiryPart, tokenId, macPart] = parts;
  const mac = fromB64url(macPart);
  const expiryBytes = fromB64url(expiryPart);
  if (!mac || !expiryBytes || !tokenId) return undefined;
  const valid = await crypto.subtle.verify("HMAC", await tokenKey(appSecret), mac, encoder.encode(`${expiryPart}.${tokenId}|${clientId}`));
  if (!valid) return undefined;
  const expiresAtMs = Number(new TextDecoder().decode(expiryBytes));
  return Number.isFinite(expiresAtMs) && expiresAtMs > nowMs ? { tokenId, expiresAtMs } : undefined;
}

/** Constant-time string comparison for client credentials. */
export function sameSecret(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
