import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url, utf8 } from "../../src/crypto/encoding";
import { DUMMY_PASSWORD_HASH, hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../src/crypto/password";

const FORMAT = /^pbkdf2-sha256\$100000\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

/** An independent PBKDF2-SHA-256 run, 64 bytes (verifier ‖ wrap secret), as password.ts documents. */
async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const base = await crypto.subtle.importKey("raw", utf8(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base, 512));
}

describe("password hashing (SECURITY.md 2)", () => {
  it('stores "pbkdf2-sha256$100000$<salt>$<hash>", really PBKDF2-SHA-256 at 100 000 iterations over a 16-byte salt', async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const { stored, wrapSecret } = await hashPassword("correct horse battery");
    const m = FORMAT.exec(stored);
    expect(m, stored).not.toBeNull();
    const salt = fromBase64Url(m![1]);
    expect(salt.byteLength).toBe(16);
    const expected = await pbkdf2("correct horse battery", salt, 100_000);
    expect(m![2]).toBe(toBase64Url(expected.slice(0, 32)));
    expect(toBase64Url(wrapSecret)).toBe(toBase64Url(expected.slice(32)));
    expect(stored).not.toContain("correct horse battery");
  });

  it("uses a fresh random salt: the same password never gives the same stored hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a.stored).not.toBe(b.stored);
    expect(toBase64Url(a.wrapSecret)).not.toBe(toBase64Url(b.wrapSecret));
  });

  it("keeps the wrap secret out of what is stored (the stored hash alone cannot unwrap the data key)", async () => {
    const { stored, wrapSecret } = await hashPassword("correct horse battery");
    expect(wrapSecret.byteLength).toBe(32);
    expect(stored).not.toContain(toBase64Url(wrapSecret));
    expect(toBase64Url(wrapSecret)).not.toBe(stored.split("$")[3]);
  });

  it("verifies: the right password yields the wrap secret, a wrong one or a tampered hash yields null", async () => {
    const { stored, wrapSecret } = await hashPassword("correct horse battery");
    const ok = await verifyPassword(stored, "correct horse battery");
    expect(ok && toBase64Url(ok)).toBe(toBase64Url(wrapSecret));
    expect(await verifyPassword(stored, "correct horse batterY")).toBeNull();
    expect(await verifyPassword(stored, "")).toBeNull();
    const [scheme, iter, salt, hash] = stored.split("$");
    expect(await verifyPassword([scheme, "99999", salt, hash].join("$"), "correct horse battery")).toBeNull();
    expect(await verifyPassword([scheme, iter, salt, `${hash.slice(0, -1)}${hash.endsWith("A") ? "B" : "A"}`].join("$"), "correct horse battery")).toBeNull();
    for (const malformed of ["", "plain", `sha1$${iter}$${salt}$${hash}`, `${scheme}$abc$${salt}$${hash}`, `${scheme}$0$${salt}$${hash}`, `${scheme}$${iter}$$${hash}`]) {
      expect(await verifyPassword(malformed, "correct horse battery"), malformed).toBeNull();
    }
  });

  it("reads the iteration count from the stored string, so parameters can change without breaking old hashes", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const out = await pbkdf2("legacy password", salt, 1000);
    const legacy = `pbkdf2-sha256$1000$${toBase64Url(salt)}$${toBase64Url(out.slice(0, 32))}`;
    const secret = await verifyPassword(legacy, "legacy password");
    expect(secret && toBase64Url(secret)).toBe(toBase64Url(out.slice(32)));
  });

  it("the dummy hash used for unknown emails matches no password", async () => {
    expect(DUMMY_PASSWORD_HASH).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, "correct horse battery")).toBeNull();
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, "")).toBeNull();
  });
});
