import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url, utf8 } from "../../src/crypto/encoding";
import { DUMMY_PASSWORD_HASH, hashPassword, PASSWORD_SCHEME, PBKDF2_ITERATIONS, verifyPassword } from "../../src/crypto/password";

const APP_SECRET = "unit-test-app-secret-0123456789abcdef";
const FORMAT = /^pbkdf2-sha256-peppered\$100000\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** An independent PBKDF2-SHA-256 run, 64 bytes (verifier input ‖ wrap secret), as password.ts documents. */
async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const base = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 512));
}

/** An independent pepper: HMAC-SHA-256 under HKDF-SHA-256(APP_SECRET, zero salt, "linky-gateway/password-pepper/v1"). */
async function pepper(appSecret: string, verifierInput: Uint8Array<ArrayBuffer>) {
  const base = await crypto.subtle.importKey("raw", utf8(appSecret), "HKDF", false, ["deriveBits"]);
  const raw = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8("linky-gateway/password-pepper/v1") }, base, 256);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toBase64Url(await crypto.subtle.sign("HMAC", key, verifierInput));
}

/** A stored value built by hand at a low iteration count (verifyPassword reads it from the string): fast to enumerate. */
async function handMade(password: string, scheme: "pbkdf2-sha256" | "pbkdf2-sha256-peppered", iterations = 1000) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const out = await pbkdf2(password, salt, iterations);
  const verifier = scheme === "pbkdf2-sha256" ? toBase64Url(out.slice(0, 32)) : await pepper(APP_SECRET, out.slice(0, 32));
  return { stored: `${scheme}$${iterations}$${toBase64Url(salt)}$${verifier}`, wrapSecret: toBase64Url(out.slice(32)) };
}

describe("password hashing (SECURITY.md 1–2: PBKDF2, peppered with APP_SECRET)", () => {
  it('stores "pbkdf2-sha256-peppered$100000$<salt>$<HMAC(APP_SECRET-derived key, PBKDF2[0..32])>"', async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(PASSWORD_SCHEME).toBe("pbkdf2-sha256-peppered");
    const { stored, wrapSecret } = await hashPassword("correct horse battery", APP_SECRET);
    const m = FORMAT.exec(stored);
    expect(m, stored).not.toBeNull();
    const salt = fromBase64Url(m![1]);
    expect(salt.byteLength).toBe(16);
    const expected = await pbkdf2("correct horse battery", salt, 100_000);
    expect(m![2]).toBe(await pepper(APP_SECRET, expected.slice(0, 32)));
    expect(toBase64Url(wrapSecret)).toBe(toBase64Url(expected.slice(32)));
    expect(stored).not.toContain("correct horse battery");
  });

  it("an offline guess needs APP_SECRET: PBKDF2 alone does not give the stored verifier, and another APP_SECRET verifies nothing", async () => {
    const { stored } = await hashPassword("correct horse battery", APP_SECRET);
    const [, , salt, verifier] = stored.split("$");
    const guess = await pbkdf2("correct horse battery", fromBase64Url(salt), 100_000);
    // the attacker with D1 only: the right password's PBKDF2 output is not what is stored
    expect(verifier).not.toBe(toBase64Url(guess.slice(0, 32)));
    expect(verifier).not.toBe(toBase64Url(guess));
    // the same password under another APP_SECRET fails; under the right one it passes
    expect(await verifyPassword(stored, "correct horse battery", `${APP_SECRET}-other`)).toBeNull();
    expect(await verifyPassword(stored, "correct horse battery", APP_SECRET)).not.toBeNull();
  });

  it("uses a fresh random salt: the same password never gives the same stored hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password", APP_SECRET), hashPassword("same password", APP_SECRET)]);
    expect(a.stored).not.toBe(b.stored);
    expect(toBase64Url(a.wrapSecret)).not.toBe(toBase64Url(b.wrapSecret));
  });

  it("keeps the wrap secret out of what is stored (the stored hash alone cannot unwrap the data key)", async () => {
    const { stored, wrapSecret } = await hashPassword("correct horse battery", APP_SECRET);
    expect(wrapSecret.byteLength).toBe(32);
    expect(stored).not.toContain(toBase64Url(wrapSecret));
  });

  it("verifies: the right password yields the wrap secret (not outdated), a wrong one, a tampered or malformed hash yields null", async () => {
    const { stored, wrapSecret } = await hashPassword("correct horse battery", APP_SECRET);
    const ok = await verifyPassword(stored, "correct horse battery", APP_SECRET);
    expect(ok && toBase64Url(ok.wrapSecret)).toBe(toBase64Url(wrapSecret));
    expect(ok?.outdated).toBe(false);
    expect(await verifyPassword(stored, "correct horse batterY", APP_SECRET)).toBeNull();
    expect(await verifyPassword(stored, "", APP_SECRET)).toBeNull();
    const [scheme, iter, salt, hash] = stored.split("$");
    expect(await verifyPassword([scheme, "99999", salt, hash].join("$"), "correct horse battery", APP_SECRET)).toBeNull();
    // the peppered value read as a legacy one (scheme downgrade) does not verify
    expect(await verifyPassword(["pbkdf2-sha256", iter, salt, hash].join("$"), "correct horse battery", APP_SECRET)).toBeNull();
    for (const malformed of ["", "plain", `sha1$${iter}$${salt}$${hash}`, `${scheme}$abc$${salt}$${hash}`, `${scheme}$0$${salt}$${hash}`, `${scheme}$${iter}$$${hash}`, `${scheme}$${iter}$${salt}$${hash}$x`, `${scheme}$${iter}$!!$${hash}`]) {
      expect(await verifyPassword(malformed, "correct horse battery", APP_SECRET), malformed).toBeNull();
    }
  });

  // One comparison rule (SECURITY.md 2): the stored verifier is matched as the exact string. 43 base64url
  // characters carry 256 bits in 258, so comparing decoded bytes would accept 3 other last characters.
  for (const scheme of ["pbkdf2-sha256-peppered", "pbkdf2-sha256"] as const) {
    it(`${scheme}: of the 64 possible last characters of the stored verifier, only the issued one verifies`, async () => {
      const { stored } = await handMade("correct horse battery", scheme);
      const prefix = stored.slice(0, -1);
      const accepted: string[] = [];
      for (const ch of BASE64URL) if (await verifyPassword(`${prefix}${ch}`, "correct horse battery", APP_SECRET)) accepted.push(`${prefix}${ch}`);
      expect(accepted).toEqual([stored]);
    });
  }

  it("reads the scheme and iteration count from the stored string: older forms still verify and are flagged outdated", async () => {
    const legacy = await handMade("legacy password", "pbkdf2-sha256", 1000);
    const a = await verifyPassword(legacy.stored, "legacy password", APP_SECRET);
    expect(a && toBase64Url(a.wrapSecret)).toBe(legacy.wrapSecret);
    expect(a?.outdated).toBe(true);
    // legacy at today's iteration count: still outdated (no pepper)
    const legacyFull = await handMade("legacy password", "pbkdf2-sha256", 100_000);
    expect((await verifyPassword(legacyFull.stored, "legacy password", APP_SECRET))?.outdated).toBe(true);
    // peppered but with fewer iterations: outdated too
    const weakPeppered = await handMade("legacy password", "pbkdf2-sha256-peppered", 1000);
    const b = await verifyPassword(weakPeppered.stored, "legacy password", APP_SECRET);
    expect(b && toBase64Url(b.wrapSecret)).toBe(weakPeppered.wrapSecret);
    expect(b?.outdated).toBe(true);
    expect(await verifyPassword(legacy.stored, "wrong password", APP_SECRET)).toBeNull();
  });

  it("the dummy hash used for unknown emails is in the current scheme (same work) and matches no password", async () => {
    expect(DUMMY_PASSWORD_HASH).toMatch(/^pbkdf2-sha256-peppered\$100000\$/);
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, "correct horse battery", APP_SECRET)).toBeNull();
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, "", APP_SECRET)).toBeNull();
  });
});
