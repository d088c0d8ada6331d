import { constantTimeEqual } from "./keyed-hash";
import { deriveServerKey } from "./server-key";
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from "./encoding";

/**
 * Passwords: PBKDF2-SHA-256, 100 000 iterations (the most the Workers runtime allows), 16-byte random salt.
 *
 * One PBKDF2 run yields 64 bytes: the first 32 feed the stored verifier, the last 32 (never stored) are the
 * secret from which the password's wrapped copy of the account data key is derived. So the stored hash is
 * not enough to unwrap the data key.
 *
 * Stored formats, self-describing so parameters can be raised later:
 * - "pbkdf2-sha256-peppered$<iterations>$<salt>$<HMAC-SHA-256(pepper key, PBKDF2[0..32])>" — current. The
 *   pepper key is derived from APP_SECRET (HKDF), so a stolen D1 alone does not let anyone test guesses offline.
 * - "pbkdf2-sha256$<iterations>$<salt>$<PBKDF2[0..32]>" — legacy, still verified, upgraded at the next login.
 */
export const PBKDF2_ITERATIONS = 100_000;
export const PASSWORD_SCHEME = "pbkdf2-sha256-peppered";
const LEGACY_SCHEME = "pbkdf2-sha256";

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array<ArrayBuffer>> {
  const base = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 512);
  return new Uint8Array(bits);
}

/** HMAC key for the verifier, derived from APP_SECRET with its own label (no other use shares it). */
const pepperKey = (appSecret: string) => deriveServerKey(appSecret, "linky-gateway/password-pepper/v1", { name: "HMAC", hash: "SHA-256", length: 256 }, ["sign"]);

const pepper = async (appSecret: string, verifierBytes: Uint8Array<ArrayBuffer>) =>
  toBase64Url(await crypto.subtle.sign("HMAC", await pepperKey(appSecret), verifierBytes));

export interface PasswordDerivation {
  /** what goes in users.password_hash */
  stored: string;
  /** input key material for wrapping the data key under this password (never stored) */
  wrapSecret: Uint8Array;
}

export async function hashPassword(password: string, appSecret: string): Promise<PasswordDerivation> {
  const salt = randomBytes(16);
  const out = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return {
    stored: `${PASSWORD_SCHEME}$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${await pepper(appSecret, out.slice(0, 32))}`,
    wrapSecret: out.slice(32),
  };
}

export interface PasswordMatch {
  wrapSecret: Uint8Array;
  /** the stored form is older than the current one (legacy scheme or fewer iterations): rewrite it now */
  outdated: boolean;
  /**
   * The verifier matched under the previous server key (APP_SECRET rotation): the same verifier peppered under the
   * current key, to store in its place. Same salt and PBKDF2 output, so the password's wrap of the data key is unchanged.
   */
  repeppered?: string;
}

/**
 * Returns the wrap secret when the password matches, null otherwise. Runs the full KDF in every case. The pepper is
 * tried under `appSecret`, then under `previousSecret` (a rotation): both HMACs for a wrong password or an unknown
 * email alike, so neither answers faster.
 */
export async function verifyPassword(stored: string, password: string, appSecret: string, previousSecret?: string): Promise<PasswordMatch | null> {
  const [scheme, iter, salt, hash, extra] = stored.split("$");
  const iterations = Number(iter);
  if ((scheme !== PASSWORD_SCHEME && scheme !== LEGACY_SCHEME) || !Number.isInteger(iterations) || iterations < 1 || !salt || !hash || extra !== undefined) return null;
  let saltBytes: Uint8Array<ArrayBuffer>;
  try {
    saltBytes = fromBase64Url(salt);
  } catch {
    return null;
  }
  const out = await pbkdf2(password, saltBytes, iterations);
  const verifier = out.slice(0, 32);
  const outdated = scheme !== PASSWORD_SCHEME || iterations < PBKDF2_ITERATIONS;
  if (scheme !== PASSWORD_SCHEME) return constantTimeEqual(toBase64Url(verifier), hash) ? { wrapSecret: out.slice(32), outdated } : null;
  const current = await pepper(appSecret, verifier);
  if (constantTimeEqual(current, hash)) return { wrapSecret: out.slice(32), outdated };
  if (previousSecret === undefined || !constantTimeEqual(await pepper(previousSecret, verifier), hash)) return null;
  return { wrapSecret: out.slice(32), outdated, repeppered: `${PASSWORD_SCHEME}$${iterations}$${salt}$${current}` };
}

/** A stored hash of no password: lets login spend the same time (PBKDF2 + HMAC) on an unknown email as on a wrong password. */
export const DUMMY_PASSWORD_HASH = `${PASSWORD_SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
