import { constantTimeEqual } from "./keyed-hash";
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from "./encoding";

/**
 * Passwords: PBKDF2-SHA-256, 100 000 iterations (the most the Workers runtime allows), 16-byte random salt,
 * stored as "pbkdf2-sha256$<iterations>$<salt>$<hash>" so parameters can be raised later.
 *
 * One PBKDF2 run yields 64 bytes: the first 32 are the stored verifier, the last 32 (never stored) are the
 * secret from which the password's wrapped copy of the account data key is derived. So the stored hash is
 * not enough to unwrap the data key.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SCHEME = "pbkdf2-sha256";

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 512);
  return new Uint8Array(bits);
}

export interface PasswordDerivation {
  /** what goes in users.password_hash */
  stored: string;
  /** input key material for wrapping the data key under this password (never stored) */
  wrapSecret: Uint8Array;
}

export async function hashPassword(password: string): Promise<PasswordDerivation> {
  const salt = randomBytes(16);
  const out = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return {
    stored: `${SCHEME}$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(out.slice(0, 32))}`,
    wrapSecret: out.slice(32),
  };
}

/** Returns the wrap secret when the password matches, null otherwise. Runs the full KDF in every case. */
export async function verifyPassword(stored: string, password: string): Promise<Uint8Array | null> {
  const [scheme, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  if (scheme !== SCHEME || !Number.isInteger(iterations) || iterations < 1 || !salt || !hash) return null;
  const out = await pbkdf2(password, fromBase64Url(salt), iterations);
  return constantTimeEqual(toBase64Url(out.slice(0, 32)), hash) ? out.slice(32) : null;
}

/** A stored hash of a random password: lets login spend the same time on an unknown email as on a wrong password. */
export const DUMMY_PASSWORD_HASH = `${SCHEME}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
